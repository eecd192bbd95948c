from . import customer_rating_pos_demo
