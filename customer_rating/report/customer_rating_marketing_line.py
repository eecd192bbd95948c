# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class CustomerRatingMarketingLine(models.TransientModel):
    """The customers won in the period (their first confirmed order in the
    chosen branches falls in it), per acquisition source, referrer and
    cohort (month of the first purchase): what they spent in the period and
    how many are still active at its end."""

    _name = "customer.rating.marketing.line"
    _description = "Customer Rating marketing"
    _inherit = "customer.rating.retention.mixin"
    _order = "revenue desc, id"
    _rec_name = "source_id"

    source_id = fields.Many2one("utm.source", "Acquisition Source", readonly=True)
    referrer_id = fields.Many2one("res.partner", "Referred By", readonly=True)
    cohort = fields.Date(
        "First Purchase Month", readonly=True, help="Month of the first purchase"
    )
    new_customers = fields.Integer(readonly=True)
    revenue = fields.Monetary(
        "Net Revenue", readonly=True, help="Net revenue of the period"
    )
    profit = fields.Monetary(readonly=True)
    revenue_per_customer = fields.Monetary(readonly=True, aggregator=False)
    active_customers = fields.Integer(
        "Still Active", readonly=True, help="Active at the end of the period"
    )
    retention = fields.Float(
        "Retention %", readonly=True, aggregator=False, digits=(16, 1)
    )

    @api.model
    def _xlsx_columns(self):
        return [
            "source_id",
            "referrer_id",
            "cohort",
            "new_customers",
            "revenue",
            "profit",
            "revenue_per_customer",
            "active_customers",
            "retention",
        ]

    @api.model
    def _report_context(self, wizard):
        return {
            "pivot_row_groupby": ["source_id"],
            "pivot_column_groupby": ["cohort:month"],
            "pivot_measures": ["new_customers", "revenue", "active_customers"],
            "graph_groupbys": ["source_id"],
        }

    @api.model
    def _query(self, scope):
        rules = self.env["customer.rating.rules"]
        ctes = {
            "newcomers": self._newcomers_query(scope, rules),
            "facts": SQL(
                """
                SELECT p.commercial_partner_id AS partner_id,
                       %(revenue)s AS revenue, %(profit)s AS profit
                  %(orders)s
                UNION ALL
                SELECT p.commercial_partner_id, -%(returned)s, -%(returned_profit)s
                  %(returns)s
                """,
                revenue=rules._order_revenue(),
                profit=rules._order_profit(),
                orders=rules._orders_from(scope, scope.start, scope.end),
                returned=rules._returned_amount(),
                returned_profit=rules._returned_profit(),
                returns=rules._returns_from(scope, scope.date_from, scope.date_to),
            ),
            "sales": SQL(
                """
                SELECT partner_id, SUM(revenue) AS revenue, SUM(profit) AS profit
                  FROM facts
                 WHERE partner_id IN (SELECT partner_id FROM newcomers)
                 GROUP BY partner_id
                """
            ),
            "retention": self._retention(scope, scope.date_to),
        }
        count = SQL("COUNT(*)")
        active = SQL("COUNT(*) FILTER (WHERE r.status = 'active')")
        values = {
            **self._standard_values(scope),
            "source_id": SQL("c.utm_source_id"),
            "referrer_id": SQL("c.customer_rating_referred_by_id"),
            "cohort": SQL(
                "date_trunc('month', %s)::date",
                rules._local_day(SQL("n.first_purchase")),
            ),
            "new_customers": count,
            "revenue": SQL("COALESCE(SUM(s.revenue), 0)"),
            "profit": SQL("COALESCE(SUM(s.profit), 0)"),
            "revenue_per_customer": SQL("COALESCE(SUM(s.revenue), 0) / %s", count),
            "active_customers": active,
            "retention": SQL("100.0 * %s / %s", active, count),
        }
        from_clause = SQL(
            """
              FROM newcomers n
              JOIN res_partner c ON c.id = n.partner_id
              LEFT JOIN sales s ON s.partner_id = n.partner_id
              LEFT JOIN retention r ON r.partner_id = n.partner_id
             GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
            """
        )
        return self._insert(ctes, values, from_clause)

    @api.model
    def _newcomers_query(self, scope, rules):
        """Customers whose first counted order in the chosen branches falls
        in the period (the sales team and salesperson filters apply to that
        first order)."""
        every_team = rules._report_scope(
            scope.date_from,
            scope.date_to,
            company=scope.company,
            companies=scope.companies,
        )
        return SQL(
            """
            SELECT partner_id, first_purchase FROM (
                SELECT DISTINCT ON (p.commercial_partner_id)
                       p.commercial_partner_id AS partner_id,
                       o.date_order AS first_purchase, o.team_id, o.user_id
                  %(orders)s
                 ORDER BY p.commercial_partner_id, o.date_order, o.id
            ) firsts
            WHERE first_purchase >= %(start)s AND %(teams)s
            """,
            orders=rules._orders_from(every_team, None, scope.end),
            start=scope.start,
            teams=self._customer_filter(scope, "firsts"),
        )
