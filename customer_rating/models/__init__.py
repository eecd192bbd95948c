from . import customer_rating_demo
from . import customer_rating_rules
from . import res_partner
from . import customer_rating_callback
from . import customer_rating_churn_reason
from . import mail_activity
from . import res_config_settings
from . import sale_order
