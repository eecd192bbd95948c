# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class CustomerRatingBuyerLine(models.TransientModel):
    """A customer who bought a product in the period: quantity and amount."""

    _name = "customer.rating.buyer.line"
    _description = "Customer Rating product buyer"
    _inherit = "customer.rating.report.mixin"
    _order = "amount desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    uom_id = fields.Many2one("uom.uom", "Unit", readonly=True)
    quantity = fields.Float(readonly=True, digits="Product Unit of Measure")
    amount = fields.Monetary(readonly=True)
    order_count = fields.Integer("Orders", readonly=True)
    last_purchase = fields.Datetime(readonly=True)

    @api.model
    def _xlsx_columns(self):
        return [
            "partner_id",
            "product_id",
            "categ_id",
            "quantity",
            "uom_id",
            "amount",
            "order_count",
            "last_purchase",
        ]

    @api.model
    def _report_context(self, wizard):
        return {
            "pivot_row_groupby": ["partner_id"],
            "pivot_column_groupby": ["categ_id"],
            "pivot_measures": ["amount", "quantity"],
        }

    @api.model
    def _query(self, wizard):
        rules = self.env["customer.rating.rules"]
        start, _previous_start, end = wizard._utc_bounds()
        values = {
            **self._standard_values(wizard),
            "partner_id": SQL("p.commercial_partner_id"),
            "product_id": SQL("l.product_id"),
            "categ_id": SQL("pt.categ_id"),
            "uom_id": SQL("pt.uom_id"),
            "quantity": SQL(
                "SUM(l.product_uom_qty / line_uom.factor * product_uom.factor)"
            ),
            "amount": SQL("SUM(%s)", rules._line_revenue()),
            "order_count": SQL("COUNT(DISTINCT o.id)"),
            "last_purchase": SQL("MAX(o.date_order)"),
        }
        from_clause = SQL(
            """
              FROM sale_order_line l
              JOIN sale_order o ON o.id = l.order_id
              JOIN res_partner p ON p.id = o.partner_id
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom line_uom ON line_uom.id = l.product_uom
              JOIN uom_uom product_uom ON product_uom.id = pt.uom_id
              %(currency_join)s
             WHERE %(filter)s AND %(line)s AND %(products)s
               AND o.date_order >= %(start)s AND o.date_order < %(end)s
             GROUP BY p.commercial_partner_id, l.product_id, pt.categ_id, pt.uom_id
            """,
            currency_join=self._currency_join(wizard, rules),
            filter=self._order_filter(wizard, rules),
            line=rules._counted_line(),
            products=self._product_filter(wizard),
            start=start,
            end=end,
        )
        return self._insert({}, values, from_clause)

    @api.model
    def _product_filter(self, wizard):
        """The chosen products, and the products of the chosen categories
        and their subcategories; all products when none is chosen."""
        conditions = []
        if wizard.product_ids:
            conditions.append(SQL("l.product_id IN %s", tuple(wizard.product_ids.ids)))
        if wizard.categ_ids:
            categories = self.env["product.category"].search(
                [("id", "child_of", wizard.categ_ids.ids)]
            )
            conditions.append(SQL("pt.categ_id IN %s", tuple(categories.ids)))
        return SQL("(%s)", SQL(" OR ").join(conditions)) if conditions else SQL("TRUE")
