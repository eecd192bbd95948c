# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CustomerRatingWeekday(models.Model):
    """A day of the week (ISO number, Monday = 1), chosen as tags: the days
    a win-back offer's coupons are valid on."""

    _name = "customer.rating.weekday"
    _description = "Customer Rating weekday"
    _order = "number"

    name = fields.Char(required=True, translate=True)
    number = fields.Integer(required=True, help="ISO weekday: Monday 1 .. Sunday 7")

    _sql_constraints = [
        ("number_unique", "UNIQUE(number)", "A weekday exists once."),
        ("number_iso", "CHECK(number BETWEEN 1 AND 7)", "Weekdays are 1 to 7."),
    ]
