# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The business rules every report follows, written once.

Each method returns an SQL fragment over the usual aliases: `o` for
sale_order, `l` for sale_order_line, `am`/`aml` for a credit note and its
line, and Odoo's `account_currency_table` (joined on the order's company),
which converts a company's currency into the report currency.
"""

from odoo import api, models
from odoo.tools import SQL

# A customer is in class A while the customers ranked before them make less
# than 80% of the measure, in class B below 95%, in class C after that.
PARETO_A = 0.80
PARETO_B = 0.95

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
