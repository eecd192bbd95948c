# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..models.res_partner_card import WEEKDAYS

HOURS = [(f"{hour:02d}", f"{hour:02d}:00") for hour in range(24)]


class CustomerRatingVisitLine(models.TransientModel):
    """Orders of the period by branch, weekday and hour, to find the quiet
    days. Weekday and hour are the branch's, in the time zone of its
    address, else in the user's."""

    _name = "customer.rating.visit.line"
    _description = "Customer Rating visit pattern"
    # The table is made by the report mixin's `init`, without foreign keys.
    _auto = False
    _log_access = True
    _inherit = "customer.rating.report.mixin"
    _order = "branch_id, weekday, hour, id"
    _rec_name = "branch_id"

    branch_id = fields.Many2one("res.company", readonly=True)
    weekday = fields.Selection(WEEKDAYS, readonly=True)
    hour = fields.Selection(HOURS, readonly=True)
    order_count = fields.Integer("Orders", readonly=True)
    revenue = fields.Monetary(readonly=True)

    @api.model
    def _xlsx_columns(self):
        return ["branch_id", "weekday", "hour", "order_count", "revenue"]

    @api.model
    def _report_view_mode(self, wizard):
        return "pivot,list,graph"

    @api.model
    def _report_context(self, wizard):
        return {
            "pivot_row_groupby": ["weekday"],
            "pivot_column_groupby": ["hour"],
            "pivot_measures": ["order_count"],
        }

    @api.model
    def _query(self, scope):
        values = {
            **self._standard_values(scope),
            "branch_id": SQL("v.branch_id"),
            "weekday": SQL("v.weekday"),
            "hour": SQL("v.hour"),
            "order_count": SQL("SUM(v.order_count)::int"),
            "revenue": SQL("SUM(v.revenue)"),
        }
        from_clause = SQL("FROM visits v GROUP BY v.branch_id, v.weekday, v.hour")
        return self._insert(self._visit_ctes(scope), values, from_clause)

    @api.model
    def _quietest_weekdays(self, scope):
        """{branch id: ISO weekday (1-7)}: the day of the week with the
        fewest orders of `scope`'s period in each branch, among the days it
        sold on (a day without any order is taken as closed), the earliest
        day of the week on a tie."""
        self.env["customer.rating.rules"]._flush_sources()
        rows = self.env.execute_query(
            SQL(
                """
                %s
                SELECT DISTINCT ON (branch_id) branch_id, weekday::int
                  FROM visits GROUP BY branch_id, weekday
                 ORDER BY branch_id, SUM(order_count), weekday
                """,
                self._with(self._visit_ctes(scope)),
            )
        )
        return dict(rows)

    @api.model
    def _visit_ctes(self, scope):
        """The WITH queries of the visits of `scope`'s period: `visits`
        holds the counted orders and their revenue by branch and quarter of
        an hour, with the weekday and hour in the branch's time zone.

        Every time zone of our era is a whole number of quarters of an hour
        from UTC: the orders of a quarter of an hour in UTC are all in the
        same local hour, so each quarter is converted once, not each order
        (and the orders are aggregated before any join to the branches)."""
        rules = self.env["customer.rating.rules"]
        return {
            # each branch's time zone, joined once rather than looked up
            # for every order
            "branch_zones": SQL(
                """
                SELECT bc.id AS branch_id, COALESCE(NULLIF(bp.tz, ''), %s) AS tz
                  FROM res_company bc JOIN res_partner bp ON bp.id = bc.partner_id
                 WHERE bc.id IN %s
                """,
                scope.tz,
                tuple(scope.companies.ids),
            ),
            "local_orders": SQL(
                """
                SELECT o.company_id AS branch_id,
                       date_bin('15 minutes', o.date_order, TIMESTAMP '2000-01-01')
                           AS quarter,
                       COUNT(*) AS order_count, SUM(%(revenue)s) AS revenue
                %(orders)s
                 GROUP BY 1, 2
                """,
                revenue=rules._order_revenue(),
                # a day of margin either side: the days are the branch's
                orders=rules._orders_from(
                    scope,
                    scope.start - timedelta(days=1),
                    scope.end + timedelta(days=1),
                ),
            ),
            "visits": SQL(
                """
                SELECT lo.branch_id, lo.order_count, lo.revenue,
                       EXTRACT(ISODOW FROM d.local_date)::int::text AS weekday,
                       to_char(d.local_date, 'HH24') AS hour
                  FROM local_orders lo
                  JOIN branch_zones z ON z.branch_id = lo.branch_id
                 CROSS JOIN LATERAL (
                       SELECT lo.quarter AT TIME ZONE 'UTC' AT TIME ZONE z.tz
                              AS local_date) d
                 WHERE d.local_date::date BETWEEN %s AND %s
                """,
                scope.date_from,
                scope.date_to,
            ),
        }
