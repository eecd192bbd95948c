# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class CustomerRatingRetentionLine(models.TransientModel):
    """Retention per salesperson over the period: of the customers active
    the day before it starts, how many are still active at its end (kept),
    at risk, or lost; how many customers at risk or lost came back (won
    back) and how many bought for the first time (new). The salesperson is
    the customer's, else the one of their last order."""

    _name = "customer.rating.retention.line"
    _description = "Customer Rating retention per salesperson"
    # The table is made by the report mixin's `init`, without foreign keys.
    _auto = False
    _log_access = True
    _inherit = "customer.rating.retention.mixin"
    _order = "retention_rate desc, user_id, id"
    _rec_name = "user_id"

    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    active_start = fields.Integer(
        "Active at Start", readonly=True, help="Active the day before the period"
    )
    kept = fields.Integer(readonly=True, help="Active at start and at end")
    at_risk = fields.Integer(
        "Now at Risk", readonly=True, help="Active at start, at risk at end"
    )
    lost = fields.Integer(
        readonly=True, help="Became lost in the period (active or at risk at start)"
    )
    won_back = fields.Integer(
        readonly=True, help="At risk or lost at start, bought in the period"
    )
    new = fields.Integer(readonly=True, help="First purchase in the period")
    retention_rate = fields.Float(
        "Retention %",
        readonly=True,
        aggregator=False,
        digits=(16, 1),
        help="Kept over active at start; empty without customers active at start",
    )

    @api.model
    def _xlsx_columns(self):
        return [
            "user_id",
            "active_start",
            "kept",
            "at_risk",
            "lost",
            "won_back",
            "new",
            "retention_rate",
        ]

    @api.model
    def _report_view_mode(self, wizard):
        return "list,graph"

    @api.model
    def _xlsx_blank_bases(self):
        """No retention % without customers active at the start."""
        return {"retention_rate": "active_start"}

    @api.model
    def _report_empty_reason(self, wizard):
        return self.env._(
            "No customers were active, bought or were lost in this period in the "
            "chosen branches."
        )

    @api.model
    def _query(self, scope):
        ctes = {
            "retention": self._retention(
                scope, self._start_and_end_days(scope), spending=False
            ),
            "customers": SQL(
                """
                SELECT e.user_id,
                       e.start_status = 'active' AS active_start,
                       e.start_status = 'active' AND e.status = 'active' AS kept,
                       e.start_status = 'active' AND e.status = 'at_risk' AS at_risk,
                       e.status = 'lost' AND e.lost_date >= %(date_from)s AS lost,
                       e.start_status IN ('at_risk', 'lost')
                           AND e.last_purchase >= %(date_from)s AS won_back,
                       e.start_status IS NULL AS new
                  FROM (%(customers)s) e
                 WHERE %(filter)s
                """,
                date_from=scope.date_from,
                customers=self._start_and_end(
                    scope,
                    ["user_id", "team_id", "status", "lost_date", "last_purchase"],
                    ["status"],
                ),
                filter=self._customer_filter(scope, "e"),
            ),
        }
        counts = {
            name: SQL("COUNT(*) FILTER (WHERE c.%s)", SQL.identifier(name))
            for name in ("active_start", "kept", "at_risk", "lost", "won_back", "new")
        }
        values = {
            **self._standard_values(scope),
            "user_id": SQL("c.user_id"),
            **counts,
            "retention_rate": SQL(
                "100.0 * %s / NULLIF(%s, 0)", counts["kept"], counts["active_start"]
            ),
        }
        return self._insert(ctes, values, SQL("FROM customers c GROUP BY c.user_id"))
