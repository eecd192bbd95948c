from . import customer_rating_wizard
from . import customer_rating_callback_close
from . import customer_rating_instrument_assign
from . import customer_rating_instrument_replace
from . import customer_rating_offer_wizard
