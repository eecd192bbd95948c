# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    customer_rating_tier_basis = fields.Selection(
        related="company_id.customer_rating_tier_basis", readonly=False
    )
