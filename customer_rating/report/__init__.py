from . import customer_rating_xlsx_mixin
from . import customer_rating_report_mixin
from . import customer_rating_line
from . import customer_rating_branch_line
from . import customer_rating_buyer_line
from . import customer_rating_discount_line
from . import customer_rating_gap_line
from . import customer_rating_bonus_line
