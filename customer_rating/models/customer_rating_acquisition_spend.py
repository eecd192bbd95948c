# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class CustomerRatingAcquisitionSpend(models.Model):
    """What a company spent on an acquisition source in a month (ads,
    flyers, a fair...), entered by a manager or imported from a spreadsheet
    (the list's Import). The Acquisition Sources and Referrals report sets
    it against the customers the source won that month."""

    _name = "customer.rating.acquisition.spend"
    _description = "Customer Rating acquisition spend"
    _order = "month desc, source_id, id"
    _rec_name = "source_id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    source_id = fields.Many2one(
        "utm.source", "Acquisition Source", required=True, ondelete="cascade"
    )
    month = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="Any day of the month; kept as its first day.",
    )
    amount = fields.Monetary("Spend", required=True)
    note = fields.Char()

    _sql_constraints = (
        (
            "source_month_company_uniq",
            "unique (company_id, source_id, month)",
            "A source has one spend per month and company: change that one.",
        ),
        (
            "amount_positive",
            "CHECK (amount >= 0)",
            "A spend cannot be negative.",
        ),
    )

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._first_of_month(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._first_of_month(vals))

    @api.model
    def _first_of_month(self, vals):
        """`vals` with its month on the first day (a spreadsheet may give
        any day of the month)."""
        if vals.get("month"):
            month = fields.Date.to_date(vals["month"]).replace(day=1)
            vals = {**vals, "month": month}
        return vals
