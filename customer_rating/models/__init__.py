from . import customer_rating_demo
from . import customer_rating_rules
from . import res_partner
from . import res_config_settings
