# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Tier price lists lose their company: branches can sell with them."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["customer.rating.tier"]._share_tier_pricelists()
