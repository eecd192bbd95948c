# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import dataclasses

from odoo import api, fields, models
from odoo.tools import SQL


class CustomerRatingStaffLine(models.TransientModel):
    """Staff performance over the period, per employee who served the
    customers: the salesperson of the order (with the Point of Sale bridge,
    the cashier's user). What they sold (customers served, orders, revenue,
    profit, average ticket), whether their customers came back within
    their rhythm, and how many of the customers they served last were kept
    or lost, by the retention rule of the rules layer."""

    _name = "customer.rating.staff.line"
    _description = "Customer Rating staff performance"
    # The table is made by the report mixin's `init`, without foreign keys.
    _auto = False
    _log_access = True
    _inherit = "customer.rating.retention.mixin"
    _order = "revenue desc, user_id, id"
    _rec_name = "user_id"

    user_id = fields.Many2one("res.users", "Employee", readonly=True)
    departed = fields.Boolean(
        "Left",
        readonly=True,
        help="Archived user, or (with Employees) whose employees are all archived",
    )
    customer_count = fields.Integer(
        "Customers Served", readonly=True, help="Customers of their orders"
    )
    order_count = fields.Integer("Orders", readonly=True)
    revenue = fields.Monetary(readonly=True, help="Untaxed amount of the orders served")
    profit = fields.Monetary(readonly=True)
    average_ticket = fields.Monetary(
        readonly=True, aggregator=False, help="Revenue per order"
    )
    repeat_base = fields.Integer(
        "Could Come Back",
        readonly=True,
        help="Customers served whose rhythm window has ended by today, or who "
        "came back",
    )
    repeat_count = fields.Integer(
        "Came Back",
        readonly=True,
        help="Customers served who bought again before they would have been at "
        "risk (first visit served in the period, next visit within their rhythm "
        "times the at-risk factor)",
    )
    repeat_rate = fields.Float(
        "Repeat-Visit %",
        readonly=True,
        aggregator=False,
        digits=(16, 1),
        help="Came back over could come back",
    )
    active_start = fields.Integer(
        "Active at Start",
        readonly=True,
        help="Active customers the day before the period whose last order "
        "they served",
    )
    kept = fields.Integer(readonly=True, help="Of those, still active at the end")
    retention_rate = fields.Float(
        "Retention %",
        readonly=True,
        aggregator=False,
        digits=(16, 1),
        help="Kept over active at start",
    )
    lost = fields.Integer(
        "Customers Lost",
        readonly=True,
        help="Became lost in the period; they served the last order",
    )

    @api.model
    def _xlsx_columns(self):
        return [
            "user_id",
            "departed",
            "customer_count",
            "order_count",
            "revenue",
            "profit",
            "average_ticket",
            "repeat_base",
            "repeat_count",
            "repeat_rate",
            "active_start",
            "kept",
            "retention_rate",
            "lost",
        ]

    @api.model
    def _xlsx_blank_bases(self):
        """No rate without a base, no average without orders."""
        return {
            "repeat_rate": "repeat_base",
            "retention_rate": "active_start",
            "average_ticket": "order_count",
        }

    @api.model
    def _report_view_mode(self, wizard):
        return "list,pivot,graph"

    @api.model
    def _report_empty_reason(self, wizard):
        return self.env._(
            "No employee served customers, kept or lost them in this period in "
            "the chosen branches."
        )

    @api.model
    def _served(self, scope):
        """Per employee and customer: orders, revenue, profit in the period
        and the day of the first order they served."""
        rules = self.env["customer.rating.rules"]
        return SQL(
            """
            SELECT o.user_id, p.commercial_partner_id AS partner_id,
                   COUNT(*) AS order_count, SUM(%(revenue)s) AS revenue,
                   SUM(%(profit)s) AS profit, MIN(%(day)s) AS first_day
              %(orders)s AND o.user_id IS NOT NULL
             GROUP BY o.user_id, p.commercial_partner_id
            """,
            revenue=rules._order_revenue(),
            profit=rules._order_profit(),
            day=rules._local_day(SQL("o.date_order")),
            orders=rules._orders_from(scope, scope.start, scope.end),
        )

    @api.model
    def _visit_days(self, scope):
        """The days each customer bought on, whoever served them, in the
        chosen branches, from the start of the period (the first day an
        employee served is in it) up to today, each with the customer's next
        day of orders (a window over all days rather than a lookup per
        customer served: half the report's time at 10,000 customers)."""
        rules = self.env["customer.rating.rules"]
        everyone = dataclasses.replace(
            scope, users=self.env["res.users"], teams=self.env["crm.team"]
        )
        return SQL(
            """
            SELECT partner_id, day,
                   LEAD(day) OVER (PARTITION BY partner_id ORDER BY day) AS next_day
              FROM (SELECT DISTINCT p.commercial_partner_id AS partner_id,
                           %s AS day %s) days
            """,
            rules._local_day(SQL("o.date_order")),
            rules._orders_from(everyone, scope.start),
        )

    @api.model
    def _repeats(self):
        """Per employee and customer served: whether the customer came back
        (their next day of orders after the first one the employee served
        comes before they would have been at risk, by the retention rule)
        and whether they could have (came back, or that day is past)."""
        rules = self.env["customer.rating.rules"]
        at_risk_day = SQL(
            "s.first_day + %s", rules._days_to_status(SQL("e.rhythm"), "at_risk")
        )
        return SQL(
            """
            SELECT s.user_id, s.partner_id,
                   nv.next_day < %(at_risk_day)s AS came_back,
                   nv.next_day < %(at_risk_day)s OR %(at_risk_day)s <= %(today)s
                       AS could
              FROM served s
              JOIN retention_end e ON e.partner_id = s.partner_id
              -- the first day served is one of the customer's days
              LEFT JOIN visit_days nv
                ON nv.partner_id = s.partner_id AND nv.day = s.first_day
            """,
            at_risk_day=at_risk_day,
            today=rules._today(),
        )

    @api.model
    def _kept_lost(self, scope):
        """Per employee who served their last order: customers active the
        day before the period, kept (still active at its end), and lost in
        the period."""
        return SQL(
            """
            SELECT s.last_user_id AS user_id,
                   COUNT(*) AS active_start,
                   COUNT(*) FILTER (WHERE s.end_status = 'active') AS kept,
                   0 AS lost
              FROM (SELECT start_last_user_id AS last_user_id,
                           start_team_id AS team_id, start_status,
                           status AS end_status
                      FROM (%(customers)s) c) s
             WHERE s.start_status = 'active' AND %(start_filter)s
             GROUP BY s.last_user_id
             UNION ALL
            SELECT e.last_user_id, 0, 0, COUNT(*)
              FROM retention_end e
             WHERE e.status = 'lost' AND e.lost_date >= %(date_from)s
               AND %(end_filter)s
             GROUP BY e.last_user_id
            """,
            date_from=scope.date_from,
            customers=self._start_and_end(
                scope, ["status"], ["status", "last_user_id", "team_id"]
            ),
            start_filter=self._staff_filter(scope, "s"),
            end_filter=self._staff_filter(scope, "e"),
        )

    @api.model
    def _staff_filter(self, scope, alias):
        """The chosen salespeople (as the employee of the last order) and
        sales teams (of the last order) on rows of the retention query."""
        conditions = [SQL("%s IS NOT NULL", SQL.identifier(alias, "last_user_id"))]
        if scope.teams:
            conditions.append(
                SQL(
                    "%s IN %s", SQL.identifier(alias, "team_id"), tuple(scope.teams.ids)
                )
            )
        if scope.users:
            conditions.append(
                SQL(
                    "%s IN %s",
                    SQL.identifier(alias, "last_user_id"),
                    tuple(scope.users.ids),
                )
            )
        return SQL(" AND ").join(conditions)

    @api.model
    def _query(self, scope):
        ctes = {
            "retention": self._retention(
                scope, self._start_and_end_days(scope), spending=False
            ),
            "retention_end": SQL(
                "SELECT * FROM retention WHERE retention_day = %s", scope.date_to
            ),
            "served": self._served(scope),
            "visit_days": self._visit_days(scope),
            "repeats": self._repeats(),
            "sales": SQL(
                """
                SELECT s.user_id, COUNT(*) AS customer_count,
                       SUM(s.order_count) AS order_count,
                       SUM(s.revenue) AS revenue, SUM(s.profit) AS profit,
                       COUNT(*) FILTER (WHERE r.could) AS repeat_base,
                       COUNT(*) FILTER (WHERE r.came_back) AS repeat_count
                  FROM served s
                  LEFT JOIN repeats r
                    ON r.user_id = s.user_id AND r.partner_id = s.partner_id
                 GROUP BY s.user_id
                """
            ),
            "kept_lost": SQL(
                """
                SELECT user_id, SUM(active_start) AS active_start,
                       SUM(kept) AS kept, SUM(lost) AS lost
                  FROM (%s) k GROUP BY user_id
                """,
                self._kept_lost(scope),
            ),
        }
        values = {
            **self._standard_values(scope),
            "user_id": SQL("u.id"),
            "departed": self.env["customer.rating.staff"]._departed("u"),
            "customer_count": SQL("COALESCE(sa.customer_count, 0)"),
            "order_count": SQL("COALESCE(sa.order_count, 0)"),
            "revenue": SQL("COALESCE(sa.revenue, 0)"),
            "profit": SQL("COALESCE(sa.profit, 0)"),
            "average_ticket": SQL("sa.revenue / NULLIF(sa.order_count, 0)"),
            "repeat_base": SQL("COALESCE(sa.repeat_base, 0)"),
            "repeat_count": SQL("COALESCE(sa.repeat_count, 0)"),
            "repeat_rate": SQL("100.0 * sa.repeat_count / NULLIF(sa.repeat_base, 0)"),
            "active_start": SQL("COALESCE(kl.active_start, 0)"),
            "kept": SQL("COALESCE(kl.kept, 0)"),
            "retention_rate": SQL("100.0 * kl.kept / NULLIF(kl.active_start, 0)"),
            "lost": SQL("COALESCE(kl.lost, 0)"),
        }
        return self._insert(
            ctes,
            values,
            SQL(
                """
                FROM sales sa
                FULL JOIN kept_lost kl ON kl.user_id = sa.user_id
                JOIN res_users u ON u.id = COALESCE(sa.user_id, kl.user_id)
                """
            ),
        )
