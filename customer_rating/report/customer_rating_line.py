# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..models.customer_rating_rules import STATUSES

MEASURE_COLUMNS = {
    "revenue": "net_revenue",
    "profit": "profit",
    "orders": "order_count",
}


class CustomerRatingLine(models.TransientModel):
    """One customer (commercial partner) of a rating run, computed by one
    INSERT ... SELECT (see `_fill`)."""

    _name = "customer.rating.line"
    _description = "Customer Rating line"
    # The table is made by the report mixin's `init`, without foreign keys.
    _auto = False
    _log_access = True
    _inherit = "customer.rating.report.mixin"
    _order = "rank, id"
    _rec_name = "partner_id"

    rank = fields.Integer(readonly=True, aggregator=False)
    previous_rank = fields.Integer(readonly=True, aggregator=False)
    movement = fields.Char(
        compute="_compute_movement",
        help="Rank against the previous period of the same length",
    )
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    revenue = fields.Monetary(readonly=True)
    returns = fields.Monetary(readonly=True)
    net_revenue = fields.Monetary(readonly=True)
    profit = fields.Monetary(readonly=True)
    margin_percent = fields.Float(
        "Margin %", readonly=True, aggregator=False, digits=(16, 2)
    )
    order_count = fields.Integer("Orders", readonly=True)
    average_ticket = fields.Monetary(readonly=True, aggregator=False)
    share = fields.Float("Share %", readonly=True, digits=(16, 2))
    cumulative_share = fields.Float(
        "Cumulative %", readonly=True, aggregator=False, digits=(16, 2)
    )
    pareto_class = fields.Selection(
        [("A", "A"), ("B", "B"), ("C", "C")], "Class", readonly=True
    )
    first_purchase = fields.Datetime(readonly=True)
    last_purchase = fields.Datetime(readonly=True)
    days_since_last = fields.Integer(
        "Days Since Last Purchase", readonly=True, aggregator=False
    )
    pricelist_id = fields.Many2one("product.pricelist", "Price List", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    tier_id = fields.Many2one("customer.rating.tier", "Loyalty Tier", readonly=True)
    bonus_balance = fields.Float(
        "Bonus Points", readonly=True, help="The customer's bonus points today"
    )
    home_company_id = fields.Many2one(
        "res.company",
        "Home Branch",
        readonly=True,
        help="Where the customer spent most in the period",
    )
    status = fields.Selection(STATUSES, "Loyalty Status", readonly=True)
    tenure = fields.Float(
        "Years as Customer",
        readonly=True,
        aggregator=False,
        digits=(16, 1),
        help="Tenure at the end of the period: years since the first order",
    )

    @api.depends("rank", "previous_rank")
    def _compute_movement(self):
        labels = self._movement_labels()
        for line in self:
            line.movement = self._movement(line.rank, line.previous_rank, labels)

    @api.model
    def _movement_labels(self):
        """The words of a movement, translated once (new, up, down)."""
        return self.env._("new"), self.env._("up %s"), self.env._("down %s")

    @api.model
    def _movement(self, rank, previous_rank, labels):
        """A line's movement from its rank and previous rank (0: none), in
        the words of `_movement_labels`."""
        new, up, down = labels
        change = previous_rank - rank
        if not previous_rank:
            return new
        if change > 0:
            return up % change
        if change < 0:
            return down % -change
        return "="

    @api.model
    def _xlsx_row_computes(self):
        labels = self._movement_labels()
        return {
            **super()._xlsx_row_computes(),
            "movement": (
                ("rank", "previous_rank"),
                lambda values: self._movement(
                    values["rank"], values["previous_rank"], labels
                ),
            ),
        }

    @api.model
    def _xlsx_columns(self):
        return [
            "rank",
            "movement",
            "partner_id",
            "revenue",
            "returns",
            "net_revenue",
            "profit",
            "margin_percent",
            "order_count",
            "average_ticket",
            "share",
            "cumulative_share",
            "pareto_class",
            "first_purchase",
            "last_purchase",
            "days_since_last",
            "pricelist_id",
            "tier_id",
            "bonus_balance",
            "user_id",
            "home_company_id",
            "tenure",
        ]

    # The query, in parts that other modules can extend (as sale.report does).

    @api.model
    def _query(self, scope):
        rules = self.env["customer.rating.rules"]
        ctes = {
            "facts": SQL(
                "%s UNION ALL %s",
                self._sales_per_customer_query(scope, rules),
                self._returns_per_customer_query(scope, rules),
            ),
            "customers": self._customers_query(scope),
            "ranked": self._ranked_query(),
            "bonus": self._bonus_query(scope),
        }
        from_clause = SQL(
            """
              FROM ranked cur
              JOIN res_partner p ON p.id = cur.partner_id
              LEFT JOIN product_pricelist ppl
                     ON ppl.id = (p.specific_property_product_pricelist
                                  ->> %(company)s)::int
              LEFT JOIN bonus ON bonus.partner_id = cur.partner_id
             WHERE cur.is_current AND (%(top)s = 0 OR cur.rank <= %(top)s)
            """,
            company=str(scope.company.id),
            top=scope.top,
        )
        return self._insert(ctes, self._insert_values(scope, rules), from_clause)

    @api.model
    def _insert_values(self, scope, rules):
        before = SQL("cur.before / NULLIF(cur.total, 0)")
        return {
            **self._standard_values(scope),
            "partner_id": SQL("cur.partner_id"),
            "rank": SQL("cur.rank"),
            "previous_rank": SQL("cur.previous_rank"),
            "revenue": SQL("cur.revenue"),
            "returns": SQL("cur.returns"),
            "net_revenue": SQL("cur.net_revenue"),
            "profit": SQL("cur.profit"),
            "margin_percent": SQL("100.0 * cur.profit / NULLIF(cur.net_revenue, 0)"),
            "order_count": SQL("cur.order_count"),
            "average_ticket": SQL("cur.revenue / NULLIF(cur.order_count, 0)"),
            "share": SQL("100.0 * cur.measure / NULLIF(cur.total, 0)"),
            "cumulative_share": SQL("100.0 * cur.running / NULLIF(cur.total, 0)"),
            "pareto_class": rules._pareto_class(before),
            "first_purchase": SQL("cur.first_purchase"),
            "last_purchase": SQL("cur.last_purchase"),
            "days_since_last": SQL(
                "%s - %s", scope.date_to, rules._local_day(SQL("cur.last_purchase"))
            ),
            "pricelist_id": SQL("ppl.id"),
            "tier_id": SQL(
                "(p.customer_rating_tier_id ->> %s)::int",
                str(scope.company.root_id.id),
            ),
            "bonus_balance": SQL("bonus.points"),
            "user_id": SQL("p.user_id"),
            "home_company_id": SQL("cur.home_company_id"),
            "status": SQL("p.customer_rating_status"),
            "tenure": rules._tenure_years(
                rules._local_day(SQL("cur.first_purchase")), scope.date_to
            ),
        }

    @api.model
    def _bonus_query(self, scope):
        """Points on each customer's cards of the bonus program of the report
        company (its own or its main company's)."""
        program = self.env["loyalty.program"]._bonus_program_for(scope.company)
        return SQL(
            """
            SELECT partner_id, SUM(points) AS points
              FROM loyalty_card WHERE program_id = %s GROUP BY partner_id
            """,
            program.id or 0,
        )

    @api.model
    def _sales_per_customer_query(self, scope, rules):
        """One pass over the counted orders of all history up to the end of
        the period, one row per customer: the figures of the period and of
        the previous one, first and last purchase, and the home branch
        (the chosen branch where the customer spent most in the period, from
        one sum per branch)."""
        current = SQL("o.date_order >= %s", scope.start)
        previous = SQL(
            "o.date_order >= %s AND o.date_order < %s",
            scope.previous_start,
            scope.start,
        )
        revenue, profit = rules._order_revenue(), rules._order_profit()
        companies = scope.companies.sorted("id")
        per_branch = [
            SQL(
                "SUM(%s) FILTER (WHERE %s AND o.company_id = %s)",
                revenue,
                current,
                company.id,
            )
            for company in companies
        ]
        best = SQL("GREATEST(%s)", SQL(", ").join(per_branch))
        return SQL(
            """
            SELECT p.commercial_partner_id AS partner_id,
                   bool_or(%(current)s) AS is_current,
                   bool_or(%(previous)s) AS is_previous,
                   SUM(%(revenue)s) FILTER (WHERE %(current)s) AS revenue,
                   NULL::float8 AS returns,
                   SUM(%(profit)s) FILTER (WHERE %(current)s) AS profit,
                   COUNT(*) FILTER (WHERE %(current)s) AS order_count,
                   SUM(%(revenue)s) FILTER (WHERE %(previous)s) AS previous_revenue,
                   NULL::float8 AS previous_returns,
                   SUM(%(profit)s) FILTER (WHERE %(previous)s) AS previous_profit,
                   COUNT(*) FILTER (WHERE %(previous)s) AS previous_order_count,
                   MIN(o.date_order) AS first_purchase,
                   MAX(o.date_order) AS last_purchase,
                   CASE WHEN %(best)s IS NOT NULL
                        THEN (%(ids)s)[array_position(ARRAY[%(per_branch)s], %(best)s)]
                   END AS home_company_id
              %(source)s
             GROUP BY p.commercial_partner_id
            """,
            current=current,
            previous=previous,
            revenue=revenue,
            profit=profit,
            best=best,
            ids=SQL("ARRAY[%s]", SQL(", ").join(SQL("%s", c.id) for c in companies)),
            per_branch=SQL(", ").join(per_branch),
            source=rules._orders_from(scope, None, scope.end),
        )

    @api.model
    def _returns_per_customer_query(self, scope, rules):
        """Returns of the period and of the previous one, one row per
        customer, in the columns of `_sales_per_customer_query`."""
        current = SQL("ret.day >= %s", scope.date_from)
        amount, profit = rules._returned_amount(), rules._returned_profit()
        return SQL(
            """
            SELECT p.commercial_partner_id AS partner_id,
                   bool_or(%(current)s) AS is_current,
                   bool_or(NOT %(current)s) AS is_previous,
                   NULL::float8 AS revenue,
                   SUM(%(amount)s) FILTER (WHERE %(current)s) AS returns,
                   -SUM(%(profit)s) FILTER (WHERE %(current)s) AS profit,
                   NULL::bigint AS order_count,
                   NULL::float8 AS previous_revenue,
                   SUM(%(amount)s) FILTER (WHERE NOT %(current)s) AS previous_returns,
                   -SUM(%(profit)s) FILTER (WHERE NOT %(current)s) AS previous_profit,
                   NULL::bigint AS previous_order_count,
                   NULL::timestamp AS first_purchase,
                   NULL::timestamp AS last_purchase,
                   NULL::int AS home_company_id
              %(source)s
             GROUP BY p.commercial_partner_id
            """,
            current=current,
            amount=amount,
            profit=profit,
            source=rules._returns_from(scope, scope.previous_date_from, scope.date_to),
        )

    @api.model
    def _customers_query(self, scope):
        """One row per customer of the period or of the previous one: sales
        and returns together, and the measure the ranking uses."""
        measure = MEASURE_COLUMNS[scope.measure]
        return SQL(
            """
            SELECT c.*, %(measure)s AS measure, %(previous_measure)s AS previous_measure
              FROM (SELECT partner_id,
                           bool_or(is_current) AS is_current,
                           bool_or(is_previous) AS is_previous,
                           COALESCE(SUM(revenue), 0) AS revenue,
                           COALESCE(SUM(returns), 0) AS returns,
                           COALESCE(SUM(revenue), 0) - COALESCE(SUM(returns), 0)
                               AS net_revenue,
                           COALESCE(SUM(profit), 0) AS profit,
                           COALESCE(SUM(order_count), 0) AS order_count,
                           COALESCE(SUM(previous_revenue), 0)
                               - COALESCE(SUM(previous_returns), 0)
                               AS previous_net_revenue,
                           SUM(previous_profit) AS previous_profit,
                           SUM(previous_order_count) AS previous_order_count,
                           MIN(first_purchase) AS first_purchase,
                           MAX(last_purchase) AS last_purchase,
                           MAX(home_company_id) AS home_company_id
                      FROM facts GROUP BY partner_id) c
             WHERE c.is_current OR c.is_previous
            """,
            measure=SQL.identifier("c", measure),
            previous_measure=SQL.identifier("c", f"previous_{measure}"),
        )

    @api.model
    def _ranked_query(self):
        """Ranks (ties share a rank) in the period and in the previous one,
        shares, and the share of the customers ranked strictly before (ties
        excluded) for the Pareto class: the RANGE frame's running sum and
        count include the ties, so one sort serves them all."""
        return SQL(
            """
            SELECT m.*, m.running - m.measure * m.peers AS before
              FROM (SELECT c.*,
                           RANK() OVER w AS rank,
                           SUM(c.measure) OVER w AS running,
                           COUNT(*) OVER w - RANK() OVER w + 1 AS peers,
                           SUM(c.measure) OVER (PARTITION BY c.is_current) AS total,
                           CASE WHEN c.is_previous THEN RANK() OVER (
                               PARTITION BY c.is_previous
                               ORDER BY c.previous_measure DESC)
                           END AS previous_rank
                      FROM customers c
                    WINDOW w AS (PARTITION BY c.is_current ORDER BY c.measure DESC)) m
            """
        )
