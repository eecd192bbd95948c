# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class CustomerRatingBuyerLine(models.TransientModel):
    """A customer who bought a product in the period: quantity and amount.
    Reward lines (a discount, "10% on your order") are not products bought."""

    _name = "customer.rating.buyer.line"
    _description = "Customer Rating product buyer"
    # The table is made by the report mixin's `init`, without foreign keys.
    _auto = False
    _log_access = True
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
    def _query(self, scope):
        rules = self.env["customer.rating.rules"]
        values = {
            **self._standard_values(scope),
            "partner_id": SQL("p.commercial_partner_id"),
            "product_id": SQL("l.product_id"),
            "categ_id": SQL("pt.categ_id"),
            "uom_id": SQL("pt.uom_id"),
            "quantity": SQL(
                "SUM(l.product_uom_qty / line_uom.factor * product_uom.factor)"
            ),
            "amount": SQL("SUM(%s)", rules._line_revenue()),
            "order_count": SQL("COUNT(DISTINCT (o.model, o.id))"),
            "last_purchase": SQL("MAX(o.date_order)"),
        }
        from_clause = SQL(
            """
              %(lines)s AND %(products)s AND l.reward_id IS NULL
             GROUP BY p.commercial_partner_id, l.product_id, pt.categ_id, pt.uom_id
            """,
            lines=rules._order_lines_from(
                scope,
                scope.start,
                scope.end,
                joins=SQL(
                    """JOIN uom_uom line_uom ON line_uom.id = l.product_uom
                       JOIN uom_uom product_uom ON product_uom.id = pt.uom_id"""
                ),
            ),
            products=self._product_filter(scope),
        )
        return self._insert({}, values, from_clause)

    @api.model
    def _product_filter(self, scope):
        """The chosen products, and the products of the chosen categories
        and their subcategories; all products when none is chosen."""
        conditions = []
        if scope.products:
            conditions.append(SQL("l.product_id IN %s", tuple(scope.products.ids)))
        if scope.categories:
            categories = self.env["product.category"].search(
                [("id", "child_of", scope.categories.ids)]
            )
            conditions.append(SQL("pt.categ_id IN %s", tuple(categories.ids)))
        return SQL("(%s)", SQL(" OR ").join(conditions)) if conditions else SQL("TRUE")
