# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The business rules every report follows, written once.

Each method returns an SQL fragment over the usual aliases: `o` for
sale_order, `l` for sale_order_line, `am`/`aml` for a credit note and its
line, and Odoo's `account_currency_table` (joined on the order's company),
which converts a company's currency into the report currency.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# A customer is in class A while the customers ranked before them make less
# than 80% of the measure, in class B below 95%, in class C after that.
PARETO_A = 0.80
PARETO_B = 0.95

# Retention defaults, overridden in Settings (ir.config_parameter).
RETENTION_DEFAULTS = {
    "customer_rating.at_risk_factor": 2.0,
    "customer_rating.lost_factor": 4.0,
    "customer_rating.default_gap": 60,
}

RETENTION_QUERY = """
WITH retention_orders AS (
    SELECT p.commercial_partner_id AS partner_id, o.company_id, o.user_id,
           o.team_id, o.date_order, %(revenue)s AS revenue, %(day)s AS day
      FROM sale_order o
      JOIN res_partner p ON p.id = o.partner_id
      JOIN %(currency_table)s ON account_currency_table.company_id = o.company_id
     WHERE %(counted)s AND o.company_id IN %(companies)s
       AND o.date_order < %(end)s AND %(day)s <= %(at)s
), dated AS (
    SELECT *, MAX(day) OVER (PARTITION BY partner_id) AS last_day
      FROM retention_orders
), customers AS (
    SELECT partner_id, COUNT(*) AS order_count, MIN(day) AS first_purchase,
           MAX(day) AS last_purchase, SUM(revenue) AS total_spent,
           SUM(revenue) FILTER (WHERE day > last_day - 365) AS spent_12m,
           (array_agg(company_id ORDER BY date_order DESC))[1] AS company_id,
           (array_agg(user_id ORDER BY date_order DESC))[1] AS last_user_id,
           (array_agg(team_id ORDER BY date_order DESC))[1] AS last_team_id
      FROM dated GROUP BY partner_id
), gaps AS (
    SELECT partner_id, day - LAG(day) OVER (PARTITION BY partner_id ORDER BY day)
           AS gap
      FROM (SELECT DISTINCT partner_id, day FROM retention_orders) visits
), rhythms AS (
    SELECT partner_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median_gap
      FROM gaps WHERE gap IS NOT NULL GROUP BY partner_id
)
SELECT c.partner_id, c.company_id, COALESCE(cp.user_id, c.last_user_id) AS user_id,
       c.last_team_id AS team_id, c.order_count,
       c.first_purchase, c.last_purchase, c.total_spent, c.spent_12m,
       r.median_gap, g.rhythm, %(at)s - c.last_purchase AS days_since,
       d.at_risk_date, d.lost_date,
       CASE WHEN %(at)s >= d.lost_date THEN 'lost'
            WHEN %(at)s >= d.at_risk_date THEN 'at_risk'
            ELSE 'active' END AS status
  FROM customers c
  JOIN res_partner cp ON cp.id = c.partner_id AND cp.active AND NOT %(stopped)s
  LEFT JOIN rhythms r ON r.partner_id = c.partner_id
 CROSS JOIN LATERAL (SELECT COALESCE(r.median_gap, %(default_gap)s) AS rhythm) g
 CROSS JOIN LATERAL (
       SELECT c.last_purchase + (floor(%(at_risk)s * g.rhythm)::int + 1)
              AS at_risk_date,
              c.last_purchase + (floor(%(lost)s * g.rhythm)::int + 1) AS lost_date
       ) d
"""
# A product category is a cross-sell gap for a customer who never bought it
# when at least this share (%) of the customers of the same segment bought it.
GAP_THRESHOLD = 50.0

# The loyalty status of a customer (see `_status_control_rule`).
STATUSES = [
    ("active", "Active"),
    ("control", "Control"),
    ("archived", "Archived"),
]


class CustomerRatingRules(models.AbstractModel):
    _name = "customer.rating.rules"
    _description = "Customer Rating business rules"

    @api.model
    def _currency_table(self, companies, report_company):
        """Odoo's currency table (as sale.report uses it): today's rate from
        each company's currency to the report company's currency."""
        return (
            self.env["res.currency"]
            .with_company(report_company)
            ._get_simple_currency_table(companies)
        )

    @api.model
    def _counted_order(self):
        """Orders that count: confirmed ones; quotations and cancelled orders
        never do."""
        return SQL("o.state = 'sale'")

    @api.model
    def _to_report_currency(self, amount):
        """An amount in the order currency, in the report currency: to the
        company currency at the rate of the order date, then the currency
        table's rate. In double precision: sums of millions of amounts are
        several times faster than in numeric, and exact to the cent."""
        return SQL(
            "%s::float8 / CASE COALESCE(o.currency_rate, 0) WHEN 0 THEN 1.0"
            " ELSE o.currency_rate::float8 END"
            " * COALESCE(account_currency_table.rate, 1.0)::float8",
            amount,
        )

    @api.model
    def _order_revenue(self):
        """Revenue of an order: its untaxed amount, the sum of its lines
        (loyalty rewards and discounts included)."""
        return self._to_report_currency(SQL("o.amount_untaxed"))

    @api.model
    def _line_revenue(self):
        """Revenue of a sales order line (alias `l`): its untaxed amount."""
        return self._to_report_currency(SQL("l.price_subtotal"))

    @api.model
    def _counted_line(self):
        """Lines that carry an amount: not sections or notes."""
        return SQL("l.display_type IS NULL")

    @api.model
    def _order_profit(self):
        """Profit of an order: sale_margin's margin, the sum of its lines'
        price minus cost."""
        return self._to_report_currency(SQL("o.margin"))

    @api.model
    def _returned_amount(self):
        """A return is a posted credit note line linked to a sales order line
        (alias `aml`): its untaxed amount in company currency, converted."""
        return SQL(
            "aml.balance::float8 * COALESCE(account_currency_table.rate, 1.0)::float8"
        )

    @api.model
    def _returned_profit(self):
        """The profit a return takes back: its amount minus the cost of the
        returned quantity (the order line's cost, in order currency)."""
        return SQL(
            "%s - %s",
            self._returned_amount(),
            self._to_report_currency(SQL("l.purchase_price * aml.quantity")),
        )

    @api.model
    def _return_lines(self):
        """What a return is: a credit note line (alias `aml`, its move `am`)
        linked to a sales order line (`l`) of an order (`o`) of a customer
        (`p`), as a return or Odoo's invoicing of a smaller quantity creates."""
        return SQL(
            """account_move_line aml
              JOIN account_move am ON am.id = aml.move_id
              JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
              JOIN sale_order_line l ON l.id = rel.order_line_id
              JOIN sale_order o ON o.id = l.order_id
              JOIN res_partner p ON p.id = o.partner_id"""
        )

    @api.model
    def _posted_return(self):
        return SQL("am.move_type = 'out_refund' AND am.state = 'posted'")

    @api.model
    def _percentage_rule_join(self):
        """The price list's percentage rule for a line (alias `rule`): the
        most specific one among product, template, category and all products.
        Formula and fixed-price rules are not discounts here."""
        return SQL(
            """
            LEFT JOIN LATERAL (
                SELECT i.percent_price AS percent
                  FROM product_pricelist_item i
                 WHERE i.pricelist_id = o.pricelist_id
                   AND i.compute_price = 'percentage'
                   AND i.percent_price > 0 AND i.percent_price < 100
                   AND (i.applied_on = '3_global' OR i.product_id = l.product_id
                        OR i.product_tmpl_id = pt.id OR i.categ_id = pt.categ_id)
                 ORDER BY i.applied_on, i.min_quantity DESC, i.id
                 LIMIT 1) rule ON TRUE
            """
        )

    @api.model
    def _line_discounts(self):
        """The discounts a line grants, by kind, in the report currency:

        - loyalty: a reward line gives its whole amount;
        - pricelist: the price list's percentage, shown as the line's discount
          (Sales setting "Discounts" on) or already taken off its unit price
          (setting off);
        - manual: the rest of the line's discount percentage.
        """
        gross = SQL("l.price_unit * l.product_uom_qty")
        shown = SQL("l.discount >= rule.percent")
        return {
            "loyalty": SQL(
                "CASE WHEN l.reward_id IS NOT NULL THEN -l.price_subtotal ELSE 0 END"
            ),
            "pricelist": SQL(
                """CASE WHEN l.reward_id IS NOT NULL OR rule.percent IS NULL THEN 0
                        WHEN %(shown)s THEN %(gross)s * rule.percent / 100.0
                        ELSE %(gross)s * rule.percent / (100.0 - rule.percent) END""",
                shown=shown,
                gross=gross,
            ),
            "manual": SQL(
                """CASE WHEN l.reward_id IS NOT NULL THEN 0
                        WHEN %(shown)s
                        THEN %(gross)s * (l.discount - rule.percent) / 100.0
                        ELSE %(gross)s * l.discount / 100.0 END""",
                shown=shown,
                gross=gross,
            ),
        }

    @api.model
    def _pareto_class(self, share_before):
        """The Pareto class from the share of the measure that the customers
        ranked before this one make."""
        return SQL(
            "CASE WHEN %(before)s < %(a)s THEN 'A'"
            " WHEN %(before)s < %(b)s THEN 'B' ELSE 'C' END",
            before=share_before,
            a=PARETO_A,
            b=PARETO_B,
        )

    @api.model
    def _readable_orders(self, partners):
        """The counted orders of `partners` (commercial partners) that the
        user may read: their record rules (own documents only, companies)
        apply, although the figures are computed in SQL."""
        query = self.env["sale.order"]._search(
            [
                ("state", "=", "sale"),
                ("partner_id.commercial_partner_id", "in", partners.ids),
            ]
        )
        return query.subselect()

    @api.model
    def _retention_settings(self):
        """The retention thresholds of Settings: k (at risk factor), the lost
        factor and the default gap in days."""
        params = self.env["ir.config_parameter"].sudo()  # reading settings only
        return {
            key.split(".")[1]: type(default)(params.get_param(key) or default)
            for key, default in RETENTION_DEFAULTS.items()
        }

    @api.model
    def _retention_query(self, companies, report_company, at, tz):
        """Where each customer stands on day `at` (a date in the time zone
        `tz`), from the counted orders of `companies` up to that day, with
        one query: an SQL SELECT of one row per customer.

        The rule, in plain words: a customer's *rhythm* is the median number
        of days between two consecutive days they ordered on (a customer who
        ordered on one day only gets the default gap of Settings). A customer
        is *at risk* when the days since their last purchase exceed k times
        their rhythm (k = 2 by default), and *lost* when they exceed the lost
        factor times their rhythm (4 by default). Otherwise, they are
        *active*. Archived customers (archived contacts, and customers whose
        communication is stopped: loyalty status *archived*) are left out;
        contacts roll up into
        their commercial partner.

        Columns: partner_id, company_id (the branch of the last order),
        user_id (the customer's salesperson, else the one of the last
        order), team_id (the sales team of the last order), order_count, first_purchase,
        last_purchase, total_spent and spent_12m (the 12 months up to the
        last purchase; in `report_company`'s currency), median_gap (NULL for
        one day of orders), rhythm, days_since, at_risk_date and lost_date
        (the first days the customer is at risk, lost) and status (active,
        at_risk or lost)."""
        settings = self._retention_settings()
        return SQL(
            RETENTION_QUERY,
            revenue=self._order_revenue(),
            currency_table=self._currency_table(companies, report_company),
            counted=self._counted_order(),
            companies=tuple(companies.ids),
            day=SQL("(o.date_order AT TIME ZONE 'UTC' AT TIME ZONE %s)::date", tz),
            # any time zone's `at` ends before this UTC bound (uses the index)
            end=fields.Datetime.to_datetime(at) + timedelta(days=2),
            at=at,
            at_risk=settings["at_risk_factor"],
            lost=settings["lost_factor"],
            default_gap=settings["default_gap"],
            stopped=self._communication_stopped("cp"),
        )

    @api.model
    def _regular_customer_domain(self):
        """Regular customers are those the shop still talks to: every
        loyalty status but *archived* ("communication stopped"). Counts of
        regular customers, reminders and call-backs leave archived-status
        customers out; their history stays in the reports."""
        return [("customer_rating_status", "!=", "archived")]

    @api.model
    def _communication_stopped(self, alias="p"):
        """SQL twin of `_regular_customer_domain`: true for a partner (alias
        `alias`) whose communication is stopped (status *archived*)."""
        return SQL("%s = 'archived'", SQL.identifier(alias, "customer_rating_status"))

    @api.model
    def _empty_property(self, name, alias="p"):
        """A customer property is empty when it has no value, or an empty
        text, or an unticked checkbox (a required checkbox must be ticked).
        The number 0 is a value."""
        return SQL(
            "COALESCE(%s -> %s, 'null'::jsonb)"
            " IN ('null'::jsonb, 'false'::jsonb, '\"\"'::jsonb, '[]'::jsonb)",
            SQL.identifier(alias, "customer_rating_properties"),
            name,
        )

    @api.model
    def _status_control_rule(self, required_names, alias="p"):
        """The loyalty status a partner (alias `alias`) should have, unless a
        user archived it (set by hand, never changed by this rule): *control*
        when a required customer property of a customer (a commercial
        partner; contacts roll up into it) is empty, *active* otherwise."""
        incomplete = SQL(" OR ").join(
            self._empty_property(name, alias) for name in required_names
        )
        return SQL(
            "CASE WHEN %s = %s AND (%s) THEN 'control' ELSE 'active' END",
            SQL.identifier(alias, "id"),
            SQL.identifier(alias, "commercial_partner_id"),
            incomplete if required_names else SQL("FALSE"),
        )
