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
    # The table is made by the report mixin's `init`, without foreign keys.
    _auto = False
    _log_access = True
    _inherit = "customer.rating.retention.mixin"
    _order = "revenue desc, id"
    _rec_name = "source_id"
    _report_sources = ("customer.rating.acquisition.spend",)

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
    spend = fields.Monetary(
        readonly=True,
        help="The source's spend of the month, shared among its lines by their "
        "new customers",
    )
    cost_per_customer = fields.Monetary(
        "Cost per New Customer",
        readonly=True,
        aggregator=False,
        help="The source's spend of the month over the customers it won that month",
    )
    revenue_to_date = fields.Monetary(
        "Net Revenue to Date",
        readonly=True,
        help="What these customers spent from their first purchase to today",
    )
    profit_to_date = fields.Monetary(
        "Profit to Date",
        readonly=True,
        help="Their profit from their first purchase to today",
    )
    payback_months = fields.Integer(
        "Payback (Months)",
        readonly=True,
        aggregator=False,
        help="Months (the first purchase month is month 1) until the profit of "
        "the source's customers of that month covers its spend; empty when not "
        "covered yet or nothing was spent",
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
            "spend",
            "cost_per_customer",
            "revenue_to_date",
            "profit_to_date",
            "payback_months",
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
    def _xlsx_blank_bases(self):
        """No cost per customer without spend."""
        return {"cost_per_customer": "spend"}

    @api.model
    def _newcomers_domain(self, scope):
        """The orders of the newcomers (CTE `newcomers`) and of their
        contacts: the figures below are only the newcomers', so only their
        orders are read. They all date from the period (a newcomer's first
        order does): the bound changes no figure, but spares the retention
        rule reading all history, which it otherwise does.

        Their ids are gathered into an array first, once: the planner
        cannot count the newcomers (a `HAVING`: 37,262 expected, 3,861
        found at 100,000 customers) and hashed all the period's orders to
        keep theirs, three times, in the leader alone (a CTE is
        parallel-restricted); the array's ids are looked up in the orders'
        partner index instead."""
        return [
            ("date_order", ">=", scope.start),
            (
                "partner_id",
                "in",
                SQL(
                    "(SELECT unnest(ARRAY(SELECT id FROM res_partner"
                    " WHERE commercial_partner_id IN"
                    " (SELECT partner_id FROM newcomers))))"
                ),
            ),
        ]

    @api.model
    def _query(self, scope):
        rules = self.env["customer.rating.rules"]
        newcomers = self._newcomers_domain(scope)
        ctes = {
            "newcomers": self._newcomers_query(scope, rules),
            **self._cost_ctes(scope, rules, newcomers),
            "retention": self._retention(
                scope, [scope.date_to], newcomers, spending=False
            ),
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
            "revenue": SQL("COALESCE(SUM(td.revenue), 0)"),
            "profit": SQL("COALESCE(SUM(td.profit), 0)"),
            "revenue_per_customer": SQL("COALESCE(SUM(td.revenue), 0) / %s", count),
            "active_customers": active,
            "retention": SQL("100.0 * %s / %s", active, count),
            "spend": SQL("COALESCE(MAX(sp.amount) * %s / MAX(co.customers), 0)", count),
            "cost_per_customer": SQL("MAX(sp.amount) / MAX(co.customers)"),
            "revenue_to_date": SQL("COALESCE(SUM(td.revenue_to_date), 0)"),
            "profit_to_date": SQL("COALESCE(SUM(td.profit_to_date), 0)"),
            "payback_months": SQL("MAX(pb.months)"),
        }
        from_clause = SQL(
            """
              FROM cohorts n
              JOIN res_partner c ON c.id = n.partner_id
              LEFT JOIN retention r ON r.partner_id = n.partner_id
              LEFT JOIN to_date_sales td ON td.partner_id = n.partner_id
              LEFT JOIN cohort_sizes co
                     ON co.source_id = n.source_id AND co.cohort = n.cohort
              LEFT JOIN spend sp
                     ON sp.source_id = n.source_id AND sp.cohort = n.cohort
              LEFT JOIN payback pb
                     ON pb.source_id = n.source_id AND pb.cohort = n.cohort
             GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
             UNION ALL
            SELECT %(unspent)s
              FROM spend sp
              LEFT JOIN cohort_sizes co
                     ON co.source_id = sp.source_id AND co.cohort = sp.cohort
             WHERE co.customers IS NULL
            """,
            unspent=SQL(", ").join(self._spend_only_values(scope).values()),
        )
        return self._insert(ctes, values, from_clause)

    @api.model
    def _spend_only_values(self, scope):
        """The columns of a line for a source's spend of a month in which it
        won no customer (in the order of `_query`'s values)."""
        zero = SQL("0")
        return {
            **self._standard_values(scope),
            "source_id": SQL("sp.source_id"),
            "referrer_id": SQL("NULL::int"),
            "cohort": SQL("sp.cohort"),
            "new_customers": zero,
            "revenue": zero,
            "profit": zero,
            "revenue_per_customer": SQL("NULL::float8"),
            "active_customers": zero,
            "retention": SQL("NULL::float8"),
            "spend": SQL("sp.amount"),
            "cost_per_customer": SQL("NULL::float8"),
            "revenue_to_date": zero,
            "profit_to_date": zero,
            "payback_months": SQL("NULL::int"),
        }

    @api.model
    def _cost_ctes(self, scope, rules, newcomers):
        """The CTEs of the cost of winning customers: the new customers by
        source and cohort month, what they made from their first purchase to
        today (per customer, in the period and to date, and per cohort and
        month for the payback; from the orders matching `newcomers`), the
        sources' spend of the period's months (in the report currency), and
        the payback of each source's cohort."""
        spend = self.env["customer.rating.acquisition.spend"]
        return {
            "cohorts": SQL(
                """
                SELECT n.partner_id, n.first_purchase, c.utm_source_id AS source_id,
                       date_trunc('month', %s)::date AS cohort
                  FROM newcomers n JOIN res_partner c ON c.id = n.partner_id
                """,
                rules._local_day(SQL("n.first_purchase")),
            ),
            "cohort_sizes": SQL(
                "SELECT source_id, cohort, COUNT(*) AS customers"
                " FROM cohorts GROUP BY source_id, cohort"
            ),
            "to_date": SQL(
                """
                SELECT partner_id, day, date_trunc('month', day)::date AS month,
                       revenue, profit
                  FROM (SELECT p.commercial_partner_id AS partner_id, %(day)s AS day,
                               %(revenue)s AS revenue, %(profit)s AS profit
                          %(orders)s
                         UNION ALL
                        SELECT p.commercial_partner_id, ret.day,
                               -%(returned)s, -%(returned_profit)s
                          %(returns)s) f
                """,
                day=rules._local_day(SQL("o.date_order")),
                revenue=rules._order_revenue(),
                profit=rules._order_profit(),
                orders=rules._orders_from(scope, scope.start, domain=newcomers),
                returned=rules._returned_amount(),
                returned_profit=rules._returned_profit(),
                returns=rules._returns_from(
                    scope, scope.date_from, order_domain=newcomers
                ),
            ),
            "to_date_sales": SQL(
                """
                SELECT partner_id,
                       SUM(revenue) FILTER (WHERE day <= %(date_to)s) AS revenue,
                       SUM(profit) FILTER (WHERE day <= %(date_to)s) AS profit,
                       SUM(revenue) AS revenue_to_date, SUM(profit) AS profit_to_date
                  FROM to_date GROUP BY partner_id
                """,
                date_to=scope.date_to,
            ),
            "spend": SQL(
                """
                SELECT s.source_id, s.month AS cohort,
                       SUM(s.amount * COALESCE(account_currency_table.rate, 1.0))
                           AS amount
                  FROM customer_rating_acquisition_spend s
                  %(currency_join)s
                 WHERE s.id IN (%(readable)s)
                 GROUP BY s.source_id, s.month
                """,
                currency_join=rules._currency_join(scope, "s"),
                readable=rules._readable(
                    spend._name,
                    [
                        ("company_id", "in", scope.companies.ids),
                        ("month", ">=", scope.date_from.replace(day=1)),
                        ("month", "<=", scope.date_to),
                    ],
                ),
            ),
            "payback": self._payback_query(),
        }

    @api.model
    def _payback_query(self):
        """Payback of each source's cohort: the number of months, counting
        the first purchase month as month 1, until the cumulated profit of
        its customers covers the source's spend of that month."""
        return SQL(
            """
            SELECT m.source_id, m.cohort, MIN(m.months) AS months
              FROM (SELECT co.source_id, co.cohort,
                           ((extract(year FROM age(t.month, co.cohort)) * 12
                             + extract(month FROM age(t.month, co.cohort)))::int + 1)
                               AS months,
                           SUM(SUM(t.profit)) OVER (
                               PARTITION BY co.source_id, co.cohort ORDER BY t.month
                           ) AS cumulative
                      FROM cohorts co
                      JOIN to_date t ON t.partner_id = co.partner_id
                     GROUP BY co.source_id, co.cohort, t.month) m
              JOIN spend sp ON sp.source_id = m.source_id AND sp.cohort = m.cohort
             WHERE sp.amount > 0 AND m.cumulative >= sp.amount
             GROUP BY m.source_id, m.cohort
            """
        )

    @api.model
    def _newcomers_query(self, scope, rules):
        """Customers whose first counted order in the chosen branches falls
        in the period (the sales team and salesperson filters apply to that
        first order). Without those filters, the first order itself is not
        needed: one sum per customer rather than all orders sorted."""
        every_team = rules._report_scope(
            scope.date_from,
            scope.date_to,
            company=scope.company,
            companies=scope.companies,
        )
        orders = rules._orders_from(every_team, None, scope.end)
        if not (scope.teams or scope.users):
            return SQL(
                """
                SELECT p.commercial_partner_id AS partner_id,
                       MIN(o.date_order) AS first_purchase
                  %(orders)s
                 GROUP BY p.commercial_partner_id
                HAVING MIN(o.date_order) >= %(start)s
                """,
                orders=orders,
                start=scope.start,
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
            orders=orders,
            start=scope.start,
            teams=self._customer_filter(scope, "firsts"),
        )
