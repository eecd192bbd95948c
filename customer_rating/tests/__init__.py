from . import test_branch_cross_view
from . import test_cross_sell_gaps
from . import test_customer_card
from . import test_customer_rating
from . import test_demo_data
from . import test_discounts
from . import test_product_buyers
from . import test_security
