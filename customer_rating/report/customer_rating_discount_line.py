# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class CustomerRatingDiscountLine(models.TransientModel):
    """Discounts granted in the period per customer, product, price list and
    kind (price list, manual line discount, loyalty reward)."""

    _name = "customer.rating.discount.line"
    _description = "Customer Rating discount"
    # The table is made by the report mixin's `init`, without foreign keys.
    _auto = False
    _log_access = True
    _inherit = "customer.rating.report.mixin"
    _order = "discount_amount desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    pricelist_id = fields.Many2one("product.pricelist", "Price List", readonly=True)
    kind = fields.Selection(
        [
            ("pricelist", "Price list"),
            ("manual", "Manual discount"),
            ("loyalty", "Loyalty reward"),
        ],
        readonly=True,
    )
    discount_amount = fields.Monetary("Discount", readonly=True)
    line_count = fields.Integer("Order Lines", readonly=True)

    @api.model
    def _xlsx_columns(self):
        return [
            "partner_id",
            "product_id",
            "pricelist_id",
            "kind",
            "discount_amount",
            "line_count",
        ]

    @api.model
    def _report_context(self, wizard):
        return {
            "pivot_row_groupby": ["partner_id"],
            "pivot_column_groupby": ["kind"],
            "pivot_measures": ["discount_amount"],
        }

    @api.model
    def _query(self, scope):
        """Only the lines that may carry a discount are read (a reward, a
        discount percentage or a percentage rule of their price list); they
        are summed per customer, product and price list, each kind apart,
        then split into one row per kind: the split works on those sums, not
        on every order line."""
        rules = self.env["customer.rating.rules"]
        values = {
            **self._standard_values(scope),
            "partner_id": SQL("d.partner_id"),
            "product_id": SQL("d.product_id"),
            "pricelist_id": SQL("d.pricelist_id"),
            "kind": SQL("k.kind"),
            "discount_amount": SQL("k.amount"),
            "line_count": SQL("k.line_count"),
        }
        from_clause = SQL(
            """
              FROM (SELECT p.commercial_partner_id AS partner_id, l.product_id,
                           o.pricelist_id, %(sums)s
                      %(lines)s AND %(discounted)s
                     GROUP BY p.commercial_partner_id, l.product_id, o.pricelist_id) d
             %(split)s
            """,
            sums=rules._line_discount_sums(rules._to_report_currency),
            lines=rules._order_lines_from(
                scope, scope.start, scope.end, joins=rules._percentage_rule_join()
            ),
            discounted=rules._line_discount_filter(),
            split=rules._discount_kinds_split("d"),
        )
        return self._insert({}, values, from_clause)
