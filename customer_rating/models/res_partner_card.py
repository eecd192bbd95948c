# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
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
CARD_GROUP = "customer_rating.customer_rating_group_user"

CARD_QUERY = """
WITH orders AS (
    SELECT p.commercial_partner_id AS partner_id, o.date_order, o.user_id,
           %(local)s AS local_date, %(day)s AS day,
           %(revenue)s AS revenue, %(profit)s AS profit
      %(orders)s
), returns AS (
    SELECT p.commercial_partner_id AS partner_id,
           (ret.move_model, ret.move_id) AS move, ret.day, %(returned)s AS amount,
           %(returned_profit)s AS profit
      %(returns)s
), sales AS (
    SELECT partner_id,
           SUM(revenue) AS revenue,
           SUM(revenue) FILTER (WHERE day >= %(since)s) AS revenue_12m,
           SUM(profit) AS profit,
           SUM(profit) FILTER (WHERE day >= %(since)s) AS profit_12m,
           COUNT(*) AS order_count,
           MIN(date_order) AS first_purchase,
           MAX(date_order) AS last_purchase,
           MAX(day) AS last_day,
           mode() WITHIN GROUP (ORDER BY EXTRACT(ISODOW FROM local_date)) AS weekday,
           mode() WITHIN GROUP (ORDER BY EXTRACT(HOUR FROM local_date)) AS hour,
           mode() WITHIN GROUP (ORDER BY user_id) AS user_id
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
)
SELECT c.id AS partner_id,
       COALESCE(s.revenue, 0) - COALESCE(ret.return_amount, 0) AS revenue,
       COALESCE(s.revenue_12m, 0) - COALESCE(ret.return_amount_12m, 0)
           AS revenue_12m,
       COALESCE(s.profit, 0) - COALESCE(ret.return_profit, 0) AS profit,
       COALESCE(s.profit_12m, 0) - COALESCE(ret.return_profit_12m, 0) AS profit_12m,
       s.order_count, s.revenue / NULLIF(s.order_count, 0) AS average_ticket,
       s.first_purchase, s.last_purchase, %(today)s - s.last_day AS days_since,
       s.last_day + round(COALESCE(r.rhythm, %(default_gap)s))::int AS next_purchase,
       s.weekday::int::text AS weekday, s.hour::int AS hour, s.user_id,
       CASE WHEN s.partner_id IS NOT NULL
            THEN COALESCE(r.rhythm, %(default_gap)s) END AS rhythm,
       ret.return_count, ret.return_amount, d.amount_due, d.amount_overdue,
       bonus.bonus_balance
  FROM res_partner c
  LEFT JOIN sales s ON s.partner_id = c.id
  LEFT JOIN rhythm r ON r.partner_id = c.id
  LEFT JOIN returned ret ON ret.partner_id = c.id
  LEFT JOIN debt d ON d.partner_id = c.id
  LEFT JOIN bonus ON bonus.partner_id = c.id
 WHERE c.id IN %(partners)s
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
    customer_rating_hour = fields.Integer(
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
    customer_rating_gap_categ_ids = fields.Many2many(
        "product.category",
        string="Cross-sell Gaps",
        compute="_compute_customer_rating_gaps",
        groups=CARD_GROUP,
        help="Product categories this customer never bought although most "
        "customers of the same segment bought them in the last 12 months",
    )

    @api.depends_context("company", "allowed_company_ids", "tz", "uid")
    def _compute_customer_rating_card(self):
        commercial = self.commercial_partner_id.filtered("id")
        card = self._customer_rating_card(commercial)
        for partner in self:
            figures = card.get(partner.commercial_partner_id.id, {})
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
            partner.customer_rating_hour = figures.get("hour", 0)
            partner.customer_rating_user_id = figures.get("user_id")
            partner.customer_rating_return_count = figures.get("return_count", 0)
            partner.customer_rating_return_amount = figures.get("return_amount", 0.0)
            partner.customer_rating_amount_due = figures.get("amount_due", 0.0)
            partner.customer_rating_amount_overdue = figures.get("amount_overdue", 0.0)
            partner.customer_rating_bonus_balance = figures.get("bonus_balance", 0.0)

    @api.model
    def _customer_rating_card(self, partners):
        """The figures of the customer card of `partners` (commercial
        partners), with one query whatever their number: {partner id: {name:
        value}}. The definitions are the reports' (`customer.rating.rules`):
        net revenue and profit (less returns), the last 12 months, the
        rhythm on distinct days, days in the user's time zone, amounts in
        the current company's currency; the orders, returns and receivables
        are those the user may read in the companies they work in."""
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
                returns=rules._returns_from(scope, order_domain=customers),
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
            )
        )
        return {
            row["partner_id"]: {
                key: value for key, value in row.items() if value is not None
            }
            for row in self.env.cr.dictfetchall()
        }

    @api.depends_context("company", "allowed_company_ids", "tz", "uid")
    def _compute_customer_rating_gaps(self):
        commercial = self.commercial_partner_id.filtered("id")
        gaps = self.env["customer.rating.gap.line"]._card_gaps(commercial)
        categories = self.env["product.category"]
        for partner in self:
            partner.customer_rating_gap_categ_ids = categories.browse(
                gaps.get(partner.commercial_partner_id.id, [])
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
        """The Cross-sell Gaps report of the last 12 months, on this customer."""
        wizard = self.env["customer.rating.wizard"].create(
            {"report": "gaps", "period": "last_12_months"}
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
