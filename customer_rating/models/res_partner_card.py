# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import Command, api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

WEEKDAYS = [
    ("1", "Monday"),
    ("2", "Tuesday"),
    ("3", "Wednesday"),
    ("4", "Thursday"),
    ("5", "Friday"),
    ("6", "Saturday"),
    ("7", "Sunday"),
]
# An hour of the day as the card shows it: "11:00-12:00".
HOURS = [(str(hour), f"{hour:02d}:00-{hour + 1:02d}:00") for hour in range(24)]
CARD_GROUP = "customer_rating.customer_rating_group_user"

CARD_QUERY = """
WITH orders AS (
    SELECT p.commercial_partner_id AS partner_id, o.model, o.id, o.company_id,
           o.date_order, o.user_id,
           %(local)s AS local_date, %(day)s AS day,
           %(revenue)s AS revenue, %(profit)s AS profit
      %(orders)s
), returns AS (
    SELECT o.partner_id, (ret.move_model, ret.move_id) AS move, ret.day,
           %(returned)s AS amount, %(returned_profit)s AS profit
      FROM (%(returns)s) ret
      JOIN orders o ON o.model = ret.order_model AND o.id = ret.order_id
      %(returns_currency_join)s
), sales AS (
    SELECT partner_id,
           SUM(revenue) AS revenue,
           SUM(revenue) FILTER (WHERE day >= %(since)s) AS revenue_12m,
           SUM(profit) AS profit,
           SUM(profit) FILTER (WHERE day >= %(since)s) AS profit_12m,
           COUNT(*) AS order_count,
           MIN(date_order) AS first_purchase,
           MIN(day) AS first_day,
           MAX(date_order) AS last_purchase,
           MAX(day) AS last_day,
           mode() WITHIN GROUP (ORDER BY EXTRACT(ISODOW FROM local_date)) AS weekday,
           mode() WITHIN GROUP (ORDER BY EXTRACT(HOUR FROM local_date)) AS hour,
           mode() WITHIN GROUP (ORDER BY user_id) AS user_id,
           COUNT(*) FILTER (WHERE date_order >= %(start)s AND date_order < %(end)s)
               AS period_orders
      FROM orders GROUP BY partner_id
), rhythm AS (
    SELECT partner_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS rhythm
      FROM (SELECT partner_id,
                   day - LAG(day) OVER (PARTITION BY partner_id ORDER BY day) AS gap
              FROM (SELECT DISTINCT partner_id, day FROM orders) visits) g
     WHERE gap IS NOT NULL
     GROUP BY partner_id
), returned AS (
    SELECT partner_id, COUNT(DISTINCT move) AS return_count,
           SUM(amount) AS return_amount,
           SUM(amount) FILTER (WHERE day >= %(since)s) AS return_amount_12m,
           SUM(profit) AS return_profit,
           SUM(profit) FILTER (WHERE day >= %(since)s) AS return_profit_12m
      FROM returns GROUP BY partner_id
), debt AS (
    SELECT p.commercial_partner_id AS partner_id,
           SUM(aml.amount_residual * account_currency_table.rate) AS amount_due,
           SUM(aml.amount_residual * account_currency_table.rate)
               FILTER (WHERE aml.date_maturity < %(today)s) AS amount_overdue
      FROM account_move_line aml
      JOIN res_partner p ON p.id = aml.partner_id
      %(debt_currency_join)s
     WHERE aml.id IN (%(receivables)s)
     GROUP BY p.commercial_partner_id
), bonus AS (
    SELECT card.partner_id, SUM(card.points) AS bonus_balance
      FROM loyalty_card card
      JOIN loyalty_program program ON program.id = card.program_id
     WHERE program.is_customer_bonus AND card.partner_id IN %(partners)s
       AND program.company_id IN %(bonus_companies)s AND card.id IN (%(cards)s)
     GROUP BY card.partner_id
), bought AS (
    SELECT o.partner_id, array_agg(DISTINCT pt.categ_id) AS categories
      FROM (%(lines)s) l
      JOIN orders o ON o.model = l.model AND o.id = l.order_id
      JOIN product_product pp ON pp.id = l.product_id
      JOIN product_template pt ON pt.id = pp.product_tmpl_id
     WHERE l.reward_id IS NULL AND o.date_order < %(end)s
     GROUP BY o.partner_id
), cost AS (%(cost)s)
SELECT c.id AS partner_id,
       COALESCE(s.revenue, 0) - COALESCE(ret.return_amount, 0) AS revenue,
       COALESCE(s.revenue_12m, 0) - COALESCE(ret.return_amount_12m, 0)
           AS revenue_12m,
       COALESCE(s.profit, 0) - COALESCE(ret.return_profit, 0) AS profit,
       COALESCE(s.profit_12m, 0) - COALESCE(ret.return_profit_12m, 0) AS profit_12m,
       s.order_count, s.revenue / NULLIF(s.order_count, 0) AS average_ticket,
       s.first_purchase, s.last_purchase, %(today)s - s.last_day AS days_since,
       s.last_day + round(COALESCE(r.rhythm, %(default_gap)s))::int AS next_purchase,
       s.weekday::int::text AS weekday, s.hour::int::text AS hour, s.user_id,
       CASE WHEN s.partner_id IS NOT NULL
            THEN COALESCE(r.rhythm, %(default_gap)s) END AS rhythm,
       ret.return_count, ret.return_amount, d.amount_due, d.amount_overdue,
       bonus.bonus_balance, %(tenure)s AS tenure, s.period_orders,
       c.is_company, c.industry_id, b.categories, shares.rows AS segment_shares,
       cost.interactions AS interactions_12m, cost.hours AS hours_12m
  FROM res_partner c
  LEFT JOIN sales s ON s.partner_id = c.id
  LEFT JOIN rhythm r ON r.partner_id = c.id
  LEFT JOIN returned ret ON ret.partner_id = c.id
  LEFT JOIN debt d ON d.partner_id = c.id
  LEFT JOIN bonus ON bonus.partner_id = c.id
  LEFT JOIN bought b ON b.partner_id = c.id
  LEFT JOIN cost ON cost.partner_id = c.id
  LEFT JOIN (%(shares)s) shares ON c.id = %(first)s
 WHERE c.id IN %(partners)s
"""

# The card's figures a list of customers can be sorted by: the column of
# SORT_QUERY, and whether customers who never bought (NULL) go last
# whatever the direction.
SORTABLE = {
    "customer_rating_revenue": ("revenue", False),
    "customer_rating_revenue_12m": ("revenue_12m", False),
    "customer_rating_order_count": ("order_count", False),
    "customer_rating_last_purchase": ("last_purchase", True),
    "customer_rating_days_since": ("days_since", True),
}
SORT_QUERY = """
SELECT partner_id,
       SUM(revenue) AS revenue,
       SUM(revenue_12m) AS revenue_12m,
       SUM(orders) AS order_count,
       MAX(last_purchase) AS last_purchase,
       %(today)s - MAX(day) AS days_since
  FROM (SELECT p.commercial_partner_id AS partner_id, %(revenue)s AS revenue,
               CASE WHEN %(day)s >= %(since)s THEN %(revenue)s ELSE 0 END
                   AS revenue_12m,
               1 AS orders, o.date_order AS last_purchase, %(day)s AS day
          %(orders)s
        UNION ALL
        SELECT p.commercial_partner_id, -(%(returned)s),
               CASE WHEN ret.day >= %(since)s THEN -(%(returned)s)
                    ELSE 0 END,
               0, NULL, NULL
          %(returns)s) figures
 GROUP BY partner_id
"""


class ResPartner(models.Model):
    """The customer card: figures of the commercial partner (a contact shows
    its company's), computed for a whole page of partners by one query
    (`_customer_rating_card`), never stored, from the orders and returns
    the user may read (`customer.rating.rules`)."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    customer_rating_currency_id = fields.Many2one(
        "res.currency", compute="_compute_customer_rating_card", groups=CARD_GROUP
    )
    customer_rating_revenue = fields.Monetary(
        "Net Revenue (All Time)",
        compute="_compute_customer_rating_card",
        currency_field="customer_rating_currency_id",
        groups=CARD_GROUP,
    )
    customer_rating_revenue_12m = fields.Monetary(
        "Net Revenue (12 Months)",
        compute="_compute_customer_rating_card",
        currency_field="customer_rating_currency_id",
        groups=CARD_GROUP,
    )
    customer_rating_profit = fields.Monetary(
        "Net Profit (All Time)",
        compute="_compute_customer_rating_card",
        currency_field="customer_rating_currency_id",
        groups=CARD_GROUP,
    )
    customer_rating_profit_12m = fields.Monetary(
        "Net Profit (12 Months)",
        compute="_compute_customer_rating_card",
        currency_field="customer_rating_currency_id",
        groups=CARD_GROUP,
    )
    customer_rating_order_count = fields.Integer(
        "Confirmed Orders", compute="_compute_customer_rating_card", groups=CARD_GROUP
    )
    customer_rating_average_ticket = fields.Monetary(
        "Average Ticket",
        compute="_compute_customer_rating_card",
        currency_field="customer_rating_currency_id",
        groups=CARD_GROUP,
        help="Revenue of the orders (before returns) over their number",
    )
    customer_rating_first_purchase = fields.Datetime(
        "First Purchase", compute="_compute_customer_rating_card", groups=CARD_GROUP
    )
    customer_rating_last_purchase = fields.Datetime(
        "Last Purchase", compute="_compute_customer_rating_card", groups=CARD_GROUP
    )
    customer_rating_days_since = fields.Integer(
        "Days Since Last Purchase",
        compute="_compute_customer_rating_card",
        groups=CARD_GROUP,
        help="Counted in your days (your time zone)",
    )
    customer_rating_rhythm = fields.Float(
        "Usual Rhythm (Days)",
        compute="_compute_customer_rating_card",
        groups=CARD_GROUP,
        digits=(16, 1),
        help="Median number of days between two days the customer ordered on; "
        "the default rhythm of Settings for a customer who ordered on one day only",
    )
    customer_rating_next_purchase = fields.Date(
        "Expected Next Purchase",
        compute="_compute_customer_rating_card",
        groups=CARD_GROUP,
    )
    customer_rating_weekday = fields.Selection(
        WEEKDAYS,
        "Preferred Weekday",
        compute="_compute_customer_rating_card",
        groups=CARD_GROUP,
    )
    customer_rating_hour = fields.Selection(
        HOURS,
        "Preferred Hour",
        compute="_compute_customer_rating_card",
        groups=CARD_GROUP,
        help="Hour of the day the customer orders most, in your time zone",
    )
    customer_rating_user_id = fields.Many2one(
        "res.users",
        "Preferred Salesperson",
        compute="_compute_customer_rating_card",
        groups=CARD_GROUP,
        help="The salesperson of most of the customer's orders",
    )
    customer_rating_return_count = fields.Integer(
        "Returns", compute="_compute_customer_rating_card", groups=CARD_GROUP
    )
    customer_rating_return_amount = fields.Monetary(
        "Returned Amount",
        compute="_compute_customer_rating_card",
        currency_field="customer_rating_currency_id",
        groups=CARD_GROUP,
    )
    customer_rating_amount_due = fields.Monetary(
        "Amount Due",
        compute="_compute_customer_rating_card",
        currency_field="customer_rating_currency_id",
        groups=CARD_GROUP,
    )
    customer_rating_amount_overdue = fields.Monetary(
        "Amount Overdue",
        compute="_compute_customer_rating_card",
        currency_field="customer_rating_currency_id",
        groups=CARD_GROUP,
    )

    customer_rating_bonus_balance = fields.Float(
        "Bonus Points",
        compute="_compute_customer_rating_card",
        groups=CARD_GROUP,
        help="Points on the customer's bonus cards",
    )
    customer_rating_tenure = fields.Float(
        "Years as Customer",
        compute="_compute_customer_rating_card",
        groups=CARD_GROUP,
        digits=(16, 1),
        help="Tenure: years since the first confirmed order",
    )
    customer_rating_interactions_12m = fields.Integer(
        "Interactions (12 Months)",
        compute="_compute_customer_rating_card",
        groups=CARD_GROUP,
        help="Notes and messages logged by hand, activities done and meetings "
        "on the customer, its contacts and its sale orders",
    )
    customer_rating_hours_12m = fields.Float(
        "Hours Spent (12 Months)",
        compute="_compute_customer_rating_card",
        groups=CARD_GROUP,
        digits=(16, 2),
        help="Hours timesheeted on the customer's tasks and projects",
    )
    customer_rating_profit_per_interaction_12m = fields.Monetary(
        "Profit per Interaction (12 Months)",
        compute="_compute_customer_rating_card",
        currency_field="customer_rating_currency_id",
        groups=CARD_GROUP,
        help="Net profit of the last 12 months over the interactions; "
        "empty without any",
    )
    customer_rating_profit_per_hour_12m = fields.Monetary(
        "Profit per Hour (12 Months)",
        compute="_compute_customer_rating_card",
        currency_field="customer_rating_currency_id",
        groups=CARD_GROUP,
        help="Net profit of the last 12 months over the hours timesheeted; "
        "empty without any",
    )
    customer_rating_gap_categ_ids = fields.Many2many(
        "product.category",
        string="Cross-sell Gaps",
        compute="_compute_customer_rating_card",
        groups=CARD_GROUP,
        help="Product categories this customer never bought although most "
        "customers of the same segment bought them in the last 12 months",
    )

    customer_rating_callback_id = fields.Many2one(
        "customer.rating.callback",
        "Open Call-back",
        compute="_compute_customer_rating_callback",
        groups=CARD_GROUP,
    )
    customer_rating_callback_user_id = fields.Many2one(
        "res.users",
        "Call-back Assigned to",
        compute="_compute_customer_rating_callback",
        groups=CARD_GROUP,
    )
    customer_rating_callback_date = fields.Date(
        "Call-back Scheduled on",
        compute="_compute_customer_rating_callback",
        groups=CARD_GROUP,
    )
    customer_rating_callback_last_purchase = fields.Date(
        "Last Purchase (All Sales)",
        compute="_compute_customer_rating_callback",
        groups=CARD_GROUP,
        help="As the call-back's note gives it: over all the customer's orders "
        "when the call-back was scheduled",
    )
    customer_rating_callback_rhythm = fields.Float(
        "Usual Rhythm (All Sales)",
        compute="_compute_customer_rating_callback",
        groups=CARD_GROUP,
        digits=(16, 1),
    )
    customer_rating_callback_currency_id = fields.Many2one(
        "res.currency",
        "Call-back Currency",
        compute="_compute_customer_rating_callback",
        groups=CARD_GROUP,
    )
    customer_rating_callback_total_spent = fields.Monetary(
        "Spent (All Sales)",
        compute="_compute_customer_rating_callback",
        currency_field="customer_rating_callback_currency_id",
        groups=CARD_GROUP,
    )

    @api.depends_context("company", "allowed_company_ids", "uid")
    def _compute_customer_rating_callback(self):
        """The open call-back of the customer (of its company for a
        contact) that the user may read, and what its note says: the last
        purchase, rhythm and total spent over all the customer's orders, as
        the daily job saw them. Whoever is to call sees them on the card,
        even a salesperson whose own figures cover only their own orders."""
        commercial = self.commercial_partner_id.filtered("id")
        callbacks = self.env["customer.rating.callback"].search(
            [("partner_id", "in", commercial.ids), ("state", "=", "open")],
            order="date_scheduled desc, id desc",
        )
        by_partner = {}
        for callback in callbacks:
            by_partner.setdefault(callback.partner_id.id, callback)
        empty = callbacks.browse()
        for partner in self:
            callback = by_partner.get(partner.commercial_partner_id.id, empty)
            partner.customer_rating_callback_id = callback
            partner.customer_rating_callback_user_id = callback.user_id
            partner.customer_rating_callback_date = callback.date_scheduled
            partner.customer_rating_callback_last_purchase = callback.last_purchase
            partner.customer_rating_callback_rhythm = callback.rhythm
            partner.customer_rating_callback_currency_id = callback.currency_id
            partner.customer_rating_callback_total_spent = callback.total_spent

    @api.depends_context("company", "allowed_company_ids", "tz", "uid")
    def _compute_customer_rating_card(self):
        commercial = self.commercial_partner_id.filtered("id")
        card = self._customer_rating_card(commercial)
        gaps = self._customer_rating_gaps(card)
        categories = self.env["product.category"]
        for partner in self:
            figures = card.get(partner.commercial_partner_id.id, {})
            partner.customer_rating_gap_categ_ids = categories.browse(
                gaps.get(partner.commercial_partner_id.id, [])
            )
            partner.customer_rating_currency_id = self.env.company.currency_id
            partner.customer_rating_revenue = figures.get("revenue", 0.0)
            partner.customer_rating_revenue_12m = figures.get("revenue_12m", 0.0)
            partner.customer_rating_profit = figures.get("profit", 0.0)
            partner.customer_rating_profit_12m = figures.get("profit_12m", 0.0)
            partner.customer_rating_order_count = figures.get("order_count", 0)
            partner.customer_rating_average_ticket = figures.get("average_ticket", 0.0)
            partner.customer_rating_first_purchase = figures.get("first_purchase")
            partner.customer_rating_last_purchase = figures.get("last_purchase")
            partner.customer_rating_days_since = figures.get("days_since", 0)
            partner.customer_rating_rhythm = figures.get("rhythm", 0.0)
            partner.customer_rating_next_purchase = figures.get("next_purchase")
            partner.customer_rating_weekday = figures.get("weekday")
            partner.customer_rating_hour = figures.get("hour")
            partner.customer_rating_user_id = figures.get("user_id")
            partner.customer_rating_return_count = figures.get("return_count", 0)
            partner.customer_rating_return_amount = figures.get("return_amount", 0.0)
            partner.customer_rating_amount_due = figures.get("amount_due", 0.0)
            partner.customer_rating_amount_overdue = figures.get("amount_overdue", 0.0)
            partner.customer_rating_bonus_balance = figures.get("bonus_balance", 0.0)
            partner.customer_rating_tenure = figures.get("tenure", 0.0)
            self._customer_rating_set_cost(partner, figures)

    @api.model
    def _customer_rating_set_cost(self, partner, figures):
        """Cost to serve on the card: interactions and hours of the last 12
        months, and the profit per interaction and per hour (empty without
        any)."""
        profit = figures.get("profit_12m", 0.0)
        interactions = figures.get("interactions_12m", 0)
        hours = figures.get("hours_12m", 0.0)
        partner.customer_rating_interactions_12m = interactions
        partner.customer_rating_hours_12m = hours
        partner.customer_rating_profit_per_interaction_12m = (
            profit / interactions if interactions else False
        )
        partner.customer_rating_profit_per_hour_12m = profit / hours if hours else False

    @api.model
    def _customer_rating_card(self, partners):
        """The figures of the customer card of `partners` (commercial
        partners), with one query whatever their number: {partner id: {name:
        value}}. The definitions are the reports' (`customer.rating.rules`):
        net revenue and profit (less returns), the last 12 months, the
        rhythm on distinct days, days in the user's time zone, amounts in
        the current company's currency; the orders, returns and receivables
        are those the user may read in the companies they work in. The
        returns are joined to the customers' orders already selected (those
        `_returns_from` would select again): the planner cannot know that a
        customer has 3,000 orders, and would look for the returns of each."""
        if not partners:
            return {}
        rules = self.env["customer.rating.rules"]
        rules._flush_sources()
        scope = rules._card_scope()
        customers = [("partner_id.commercial_partner_id", "in", partners.ids)]
        receivables = rules._readable(
            "account.move.line",
            [
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("company_id", "in", scope.companies.ids),
                *customers,
            ],
        )
        self.env.cr.execute(
            SQL(
                CARD_QUERY,
                local=SQL("o.date_order AT TIME ZONE 'UTC' AT TIME ZONE %s", scope.tz),
                day=rules._local_day(SQL("o.date_order")),
                revenue=rules._order_revenue(),
                profit=rules._order_profit(),
                orders=rules._orders_from(scope, domain=customers),
                returned=rules._returned_amount(),
                returned_profit=rules._returned_profit(),
                returns=rules._union(rules._return_sources()),
                returns_currency_join=rules._currency_join(scope),
                receivables=receivables,
                debt_currency_join=rules._currency_join(scope, "aml"),
                cards=rules._readable("loyalty.card", []),
                since=scope.date_from,
                today=scope.date_to,
                default_gap=rules._retention_setting_sql("default_gap"),
                bonus_companies=tuple(
                    (scope.companies | scope.companies.parent_id).ids
                ),
                partners=tuple(partners.ids),
                tenure=rules._tenure_years(SQL("s.first_day"), scope.date_to),
                first=partners.ids[0],
                start=scope.start,
                end=scope.end,
                lines=rules._union(rules._order_line_sources()),
                shares=self.env["customer.rating.segment.penetration"]._rows_query(
                    scope
                ),
                cost=rules._interactions_query(scope, partners),
            )
        )
        return {
            row["partner_id"]: {
                key: value for key, value in row.items() if value is not None
            }
            for row in self.env.cr.dictfetchall()
        }

    @api.model
    def _customer_rating_gaps(self, card):
        """The cross-sell gaps of the customers of `card` (see
        `_customer_rating_card`): the report's rule with its defaults (the
        last 12 months, the companies the user works in, the default
        threshold), {partner id: [category ids, most usual first]}. Only a
        customer who bought in the period has gaps; what it ever bought is
        read with the card, from the orders the user may read; what its
        segment usually buys is computed once a day
        (`customer.rating.segment.penetration`), and comes with the card
        when it is."""
        if not any(figures.get("period_orders") for figures in card.values()):
            return {}
        scope = self.env["customer.rating.rules"]._card_scope()
        shares = next(
            (f["segment_shares"] for f in card.values() if "segment_shares" in f),
            None,
        )
        usual = self.env["customer.rating.segment.penetration"]._usual_categories(
            scope, shares
        )
        gaps = {}
        for partner, figures in card.items():
            if figures.get("period_orders"):
                segment = (bool(figures.get("is_company")), figures.get("industry_id"))
                bought = figures.get("categories", [])
                gaps[partner] = [c for c in usual.get(segment, []) if c not in bought]
        return gaps

    @api.model
    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        """Customers sort by the card's figures (SORTABLE) although they are
        not stored: the query joins the figures of every customer, from the
        orders and returns the user may read (the card's definitions, one
        subquery), instead of a stored copy that could not follow each
        user's access rights."""
        if field_name not in SORTABLE:
            return super()._order_field_to_sql(
                alias, field_name, direction, nulls, query
            )
        self.check_field_access_rights("read", [field_name])
        column, nulls_last = SORTABLE[field_name]
        figures = query.make_alias(alias, "customer_rating_card")
        query.add_join(
            "LEFT JOIN",
            figures,
            SQL("(%s)", self._customer_rating_sort_query()),
            SQL(
                "%s = %s",
                SQL.identifier(figures, "partner_id"),
                SQL.identifier(alias, "commercial_partner_id"),
            ),
        )
        value = SQL.identifier(figures, column)
        if not nulls_last:
            value = SQL("COALESCE(%s, 0)", value)
        elif not nulls.code:
            nulls = SQL("NULLS LAST")
        return SQL("%s %s %s", value, direction, nulls)

    @api.model
    def _customer_rating_sort_query(self):
        """SQL: the figures SORTABLE sorts by, per commercial partner who
        bought; the same as `_customer_rating_card`'s."""
        rules = self.env["customer.rating.rules"]
        rules._flush_sources()
        scope = rules._card_scope()
        day = rules._local_day(SQL("o.date_order"))
        return SQL(
            SORT_QUERY,
            today=scope.date_to,
            since=scope.date_from,
            day=day,
            revenue=rules._order_revenue(),
            orders=rules._orders_from(scope),
            returned=rules._returned_amount(),
            returns=rules._returns_from(scope),
        )

    def action_customer_rating_ledger(self):
        """The bonus ledger of this customer, oldest line first."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_rating.loyalty_history_action_bonus_ledger"
        )
        action["domain"] = [
            ("card_id.partner_id", "=", self.commercial_partner_id.id),
            ("card_id.program_id.is_customer_bonus", "=", True),
        ]
        return action

    def action_customer_rating_orders(self):
        """The confirmed orders of this customer (and its contacts) in the
        last 12 months, the period of the smart button's figure."""
        rules = self.env["customer.rating.rules"]
        scope = rules._card_scope()
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action["domain"] = [
            ("partner_id", "child_of", self.commercial_partner_id.ids),
            ("state", "=", "sale"),
            *rules._scope_order_domain(scope, scope.start, scope.end),
        ]
        action["context"] = {}
        return action

    def action_customer_rating_gaps(self):
        """The Cross-sell Gaps report of the last 12 months, on this customer,
        over the companies of the card (those the user works in)."""
        wizard = self.env["customer.rating.wizard"].create(
            {
                "report": "gaps",
                "period": "last_12_months",
                "company_ids": [Command.set(self.env.companies.ids)],
            }
        )
        action = wizard.action_open()
        action["domain"] = expression.AND(
            [action["domain"], [("partner_id", "=", self.commercial_partner_id.id)]]
        )
        return action

    def action_customer_rating_returns(self):
        """The posted credit notes of this customer."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_refund_type"
        )
        action["domain"] = [
            ("move_type", "=", "out_refund"),
            ("state", "=", "posted"),
            ("commercial_partner_id", "in", self.commercial_partner_id.ids),
        ]
        action["context"] = {"default_move_type": "out_refund"}
        return action
