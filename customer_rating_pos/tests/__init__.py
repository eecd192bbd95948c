from . import test_pos_bonus
from . import test_pos_bonus_fuzz
from . import test_pos_card_lookup
from . import test_pos_order_set
from . import test_pos_retention
from . import test_pos_tour
