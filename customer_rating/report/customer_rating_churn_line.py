# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..models.customer_rating_callback import OUTCOMES


class CustomerRatingChurnLine(models.TransientModel):
    """A call-back closed during the period: its outcome and churn reason,
    to count them per salesperson and branch."""

    _name = "customer.rating.churn.line"
    _description = "Customer Rating churn reason"
    # The table is made by the report mixin's `init`, without foreign keys.
    _auto = False
    _log_access = True
    _inherit = "customer.rating.report.mixin"
    _order = "date_closed desc, id"
    _rec_name = "partner_id"
    _report_sources = ("customer.rating.callback", "res.partner")

    callback_id = fields.Many2one(
        "customer.rating.callback", "Call-back", readonly=True
    )
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Called by", readonly=True)
    branch_id = fields.Many2one("res.company", readonly=True)
    outcome = fields.Selection(OUTCOMES, readonly=True)
    reason_id = fields.Many2one(
        "customer.rating.churn.reason", "Churn Reason", readonly=True
    )
    date_scheduled = fields.Date("Scheduled On", readonly=True)
    date_closed = fields.Date("Closed On", readonly=True)
    days_open = fields.Integer(
        readonly=True, aggregator="avg", help="Days from scheduling to closing"
    )
    callback_count = fields.Integer("Call-backs", readonly=True)

    @api.model
    def _xlsx_columns(self):
        return [
            "partner_id",
            "user_id",
            "branch_id",
            "outcome",
            "reason_id",
            "date_scheduled",
            "date_closed",
            "days_open",
            "callback_count",
        ]

    @api.model
    def _report_view_mode(self, wizard):
        return "pivot,list,graph"

    @api.model
    def _report_context(self, wizard):
        return {
            "pivot_row_groupby": ["outcome"],
            "pivot_column_groupby": ["user_id"],
            "pivot_measures": ["callback_count"],
            "graph_groupbys": ["outcome"],
        }

    @api.model
    def _report_empty_reason(self, wizard):
        return self.env._(
            "No call-backs were closed in this period in the chosen branches."
        )

    @api.model
    def _query(self, scope):
        domain = [
            ("state", "=", "done"),
            ("company_id", "in", scope.companies.ids),
            ("date_closed", ">=", scope.date_from),
            ("date_closed", "<=", scope.date_to),
        ]
        if scope.users:
            domain.append(("user_id", "in", scope.users.ids))
        if scope.teams:
            domain.append(("team_id", "in", scope.teams.ids))
        values = {
            **self._standard_values(scope),
            "callback_id": SQL("cb.id"),
            "partner_id": SQL("cb.partner_id"),
            "user_id": SQL("cb.user_id"),
            "branch_id": SQL("cb.company_id"),
            "outcome": SQL("cb.outcome"),
            "reason_id": SQL("cb.reason_id"),
            "date_scheduled": SQL("cb.date_scheduled"),
            "date_closed": SQL("cb.date_closed"),
            "days_open": SQL("cb.date_closed - cb.date_scheduled"),
            "callback_count": SQL("1"),
        }
        from_clause = SQL(
            "FROM customer_rating_callback cb WHERE cb.id IN (%s)",
            self.env["customer.rating.rules"]._readable(
                "customer.rating.callback", domain
            ),
        )
        return self._insert({}, values, from_clause)
