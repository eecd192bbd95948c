# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

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
    home_company_id = fields.Many2one(
        "res.company",
        "Home Branch",
        readonly=True,
        help="Where the customer spent most in the period",
    )

    @api.depends("rank", "previous_rank")
    def _compute_movement(self):
        for line in self:
            change = line.previous_rank - line.rank
            if not line.previous_rank:
                line.movement = self.env._("new")
            elif change > 0:
                line.movement = self.env._("up %s", change)
            elif change < 0:
                line.movement = self.env._("down %s", -change)
            else:
                line.movement = "="

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
            "user_id",
            "home_company_id",
        ]

    # The query, in parts that other modules can extend (as sale.report does).

    @api.model
    def _query(self, wizard):
        rules = self.env["customer.rating.rules"]
        ctes = {
            "order_totals": self._order_totals_query(wizard, rules),
            "returns": self._returns_query(wizard, rules),
            "customers": self._customers_query(),
            "ranked": self._ranked_query(wizard),
            "history": self._history_query(wizard, rules),
            "home": self._home_query(),
            "last_order": self._last_order_query(),
        }
        from_clause = SQL(
            """
              FROM ranked cur
              JOIN res_partner p ON p.id = cur.partner_id
              LEFT JOIN ranked prev
                     ON prev.partner_id = cur.partner_id AND NOT prev.current
              LEFT JOIN history h ON h.partner_id = cur.partner_id
              LEFT JOIN home ON home.partner_id = cur.partner_id
              LEFT JOIN last_order lo ON lo.partner_id = cur.partner_id
              LEFT JOIN product_pricelist ppl
                     ON ppl.id = (p.specific_property_product_pricelist
                                  ->> %(company)s)::int
             WHERE cur.current AND (%(top)s = 0 OR cur.rank <= %(top)s)
            """,
            company=str(wizard.company_id.id),
            top=wizard.top,
        )
        return self._insert(ctes, self._insert_values(wizard, rules), from_clause)

    @api.model
    def _insert_values(self, wizard, rules):
        before = SQL("cur.before / NULLIF(cur.total, 0)")
        return {
            **self._standard_values(wizard),
            "partner_id": SQL("cur.partner_id"),
            "rank": SQL("cur.rank"),
            "previous_rank": SQL("prev.rank"),
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
            "first_purchase": SQL("h.first_purchase"),
            "last_purchase": SQL("h.last_purchase"),
            "days_since_last": SQL("%s - h.last_purchase::date", wizard.date_to),
            "pricelist_id": SQL("COALESCE(ppl.id, lo.pricelist_id)"),
            "user_id": SQL("COALESCE(p.user_id, lo.user_id)"),
            "home_company_id": SQL("home.company_id"),
        }

    @api.model
    def _customers_query(self):
        """Per customer and period: sales, returns, and what is left."""
        return SQL(
            """
            SELECT COALESCE(s.partner_id, r.partner_id) AS partner_id,
                   COALESCE(s.current, r.current) AS current,
                   COALESCE(s.revenue, 0) AS revenue,
                   COALESCE(r.amount, 0) AS returns,
                   COALESCE(s.revenue, 0) - COALESCE(r.amount, 0) AS net_revenue,
                   COALESCE(s.profit, 0) - COALESCE(r.profit, 0) AS profit,
                   COALESCE(s.order_count, 0) AS order_count
              FROM (SELECT partner_id, current, SUM(revenue) AS revenue,
                           SUM(profit) AS profit, COUNT(*) AS order_count
                      FROM order_totals GROUP BY partner_id, current) s
              FULL JOIN (SELECT partner_id, current, SUM(amount) AS amount,
                                SUM(profit) AS profit
                           FROM returns GROUP BY partner_id, current) r
                     ON r.partner_id = s.partner_id AND r.current = s.current
            """
        )

    @api.model
    def _ranked_query(self, wizard):
        """Ranks (ties share a rank), shares, and the share of the customers
        ranked strictly before (ties excluded) for the Pareto class. The
        running sum over the ranking includes the ties (RANGE frame)."""
        return SQL(
            """
            SELECT m.*,
                   RANK() OVER w_order AS rank,
                   SUM(m.measure) OVER (PARTITION BY m.current) AS total,
                   SUM(m.measure) OVER w_order AS running,
                   SUM(m.measure) OVER w_order
                   - SUM(m.measure) OVER (PARTITION BY m.current, m.measure) AS before
            FROM (SELECT c.*, %(measure)s AS measure FROM customers c) m
            WINDOW w_order AS (PARTITION BY m.current ORDER BY m.measure DESC)
            """,
            measure=SQL.identifier("c", MEASURE_COLUMNS[wizard.measure]),
        )

    @api.model
    def _history_query(self, wizard, rules):
        """First and last purchase of every customer, all time (a hash
        aggregate over the orders beats a lookup per rated customer)."""
        return SQL(
            """
            SELECT p.commercial_partner_id AS partner_id,
                   MIN(o.date_order) AS first_purchase,
                   MAX(o.date_order) AS last_purchase
              FROM sale_order o
              JOIN res_partner p ON p.id = o.partner_id
             WHERE %(counted)s AND o.company_id IN %(companies)s
               AND o.date_order < %(end)s
             GROUP BY p.commercial_partner_id
            """,
            counted=rules._counted_order(),
            companies=tuple(wizard._effective_companies().ids),
            end=wizard._utc_bounds()[2],
        )

    @api.model
    def _home_query(self):
        """The branch where each customer spent most in the period."""
        return SQL(
            """
            SELECT DISTINCT ON (partner_id) partner_id, company_id
              FROM order_totals WHERE current
             GROUP BY partner_id, company_id
             ORDER BY partner_id, SUM(revenue) DESC, company_id
            """
        )

    @api.model
    def _last_order_query(self):
        return SQL(
            """
            SELECT DISTINCT ON (partner_id) partner_id, pricelist_id, user_id
              FROM order_totals WHERE current
             ORDER BY partner_id, date_order DESC, order_id DESC
            """
        )
