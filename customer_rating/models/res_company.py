# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    customer_rating_tier_basis = fields.Selection(
        [("revenue", "Net revenue"), ("profit", "Profit")],
        "Loyalty Tiers By",
        default="revenue",
        required=True,
        help="What places customers in loyalty tiers: their net revenue or "
        "their profit over the last 12 months.",
    )
