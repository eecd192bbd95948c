from . import customer_rating_wizard
from . import customer_rating_callback_close
