from . import customer_rating_wizard
