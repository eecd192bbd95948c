# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    customer_rating_tier_basis = fields.Selection(
        related="company_id.customer_rating_tier_basis", readonly=False
    )
    customer_rating_required_properties = fields.Char(
        "Required Customer Properties",
        help="Labels of the customer properties every customer must fill, "
        "separated by commas. A customer with an empty one is in the Control "
        "status until it is filled.",
    )

    @api.model
    def get_values(self):
        holder = self.env["customer.rating.property.holder"]._holder()
        return {
            **super().get_values(),
            "customer_rating_required_properties": holder._required_labels(),
        }

    def set_values(self):
        result = super().set_values()
        holder = self.env["customer.rating.property.holder"]._holder()
        holder._set_required_labels(self.customer_rating_required_properties)
        return result
