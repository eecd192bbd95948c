# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .customer_rating_callback import OUTCOMES


class CustomerRatingChurnReason(models.Model):
    """Why a customer left, in more detail than the outcome of the call-back
    ("Price": "Cheaper online shop"). Managers configure them."""

    _name = "customer.rating.churn.reason"
    _description = "Churn reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    outcome = fields.Selection(
        OUTCOMES, help="Offered for this outcome only; empty: for every outcome."
    )
    company_id = fields.Many2one(
        "res.company", help="Offered in this company only; empty: in all companies."
    )
    description = fields.Text()
