from . import customer_rating_xlsx_mixin
from . import customer_rating_line
