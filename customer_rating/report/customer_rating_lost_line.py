# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class CustomerRatingLostLine(models.TransientModel):
    """A customer who became lost during the period (the day after their
    last purchase plus the lost threshold fell in it, and they had not come
    back by its end), with what they used to spend."""

    _name = "customer.rating.lost.line"
    _description = "Customer Rating lost customer"
    # The table is made by the report mixin's `init`, without foreign keys.
    _auto = False
    _log_access = True
    _inherit = "customer.rating.retention.mixin"
    _order = "spent_12m desc, partner_id, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    branch_id = fields.Many2one(
        "res.company", readonly=True, help="Branch of the last order"
    )
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    first_purchase = fields.Date(readonly=True)
    last_purchase = fields.Date(readonly=True)
    lost_date = fields.Date("Lost On", readonly=True)
    rhythm = fields.Float(
        "Usual Rhythm (Days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Median days between two orders",
    )
    order_count = fields.Integer("Orders", readonly=True)
    total_spent = fields.Monetary(readonly=True)
    spent_12m = fields.Monetary(
        "Spent in Their Last 12 Months",
        readonly=True,
        help="The 12 months up to their last purchase",
    )
    monthly_spent = fields.Monetary(
        "Monthly Revenue Lost",
        readonly=True,
        help="What they spent per month in their last 12 months",
    )

    @api.model
    def _xlsx_columns(self):
        return [
            "partner_id",
            "branch_id",
            "user_id",
            "team_id",
            "first_purchase",
            "last_purchase",
            "lost_date",
            "rhythm",
            "order_count",
            "total_spent",
            "spent_12m",
            "monthly_spent",
        ]

    @api.model
    def _report_context(self, wizard):
        return {"pivot_row_groupby": ["user_id"], "graph_groupbys": ["lost_date:month"]}

    @api.model
    def _report_empty_reason(self, wizard):
        return self.env._(
            "No customer of the chosen branches became lost in this period."
        )

    @api.model
    def _query(self, scope):
        values = {
            **self._standard_values(scope),
            "partner_id": SQL("r.partner_id"),
            "branch_id": SQL("r.company_id"),
            "user_id": SQL("r.user_id"),
            "team_id": SQL("r.team_id"),
            "first_purchase": SQL("r.first_purchase"),
            "last_purchase": SQL("r.last_purchase"),
            "lost_date": SQL("r.lost_date"),
            "rhythm": SQL("r.rhythm"),
            "order_count": SQL("r.order_count"),
            "total_spent": SQL("r.total_spent"),
            "spent_12m": SQL("r.spent_12m"),
            "monthly_spent": SQL("r.spent_12m / 12.0"),
        }
        from_clause = SQL(
            """
              FROM retention r
             WHERE r.status = 'lost' AND r.lost_date >= %(date_from)s AND %(filter)s
            """,
            date_from=scope.date_from,
            filter=self._customer_filter(scope, "r"),
        )
        return self._insert(
            {"retention": self._retention(scope, [scope.date_to])}, values, from_clause
        )
