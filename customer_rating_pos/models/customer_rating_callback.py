# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class CustomerRatingCallback(models.Model):
    _inherit = "customer.rating.callback"

    pos_order_id = fields.Many2one(
        "pos.order",
        "Counter Order",
        readonly=True,
        index="btree_not_null",
        help="The order paid at the till the customer came back with.",
    )

    @api.model
    def _came_back_with(self, order):
        if order and order._name == "pos.order":
            return {"order_id": False, "pos_order_id": order.id}
        return {**super()._came_back_with(order), "pos_order_id": False}
