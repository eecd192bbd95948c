from . import customer_rating_callback
from . import customer_rating_rules
from . import pos_order
from . import customer_rating_offer
from . import pos_config
