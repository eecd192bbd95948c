from . import customer_rating_demo
