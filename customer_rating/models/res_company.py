# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


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
    customer_rating_tenure_years = fields.Integer(
        "Tenure Kept From (Years)",
        help="Customers who first bought at least this many years ago keep the "
        "minimum tier below, whatever their last 12 months. 0: off.",
    )
    customer_rating_tenure_tier_id = fields.Many2one(
        "customer.rating.tier",
        "Minimum Tier for Tenure",
        help="The lowest tier of customers of the tenure above.",
    )

    @api.constrains("customer_rating_tenure_years", "customer_rating_tenure_tier_id")
    def _check_customer_rating_tenure(self):
        for company in self:
            if company.customer_rating_tenure_years < 0:
                raise ValidationError(
                    self.env._("The tenure in years cannot be negative.")
                )
            tier = company.customer_rating_tenure_tier_id
            if tier and tier.company_id != company:
                raise ValidationError(
                    self.env._(
                        "The minimum tier for tenure must be a tier of %(company)s.",
                        company=company.name,
                    )
                )
