# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class SaleOrderLine(models.Model):
    """sale_loyalty moves the points of a card when a reward line of a
    confirmed order is added, changed or removed, without a ledger line;
    for bonus cards the order's ledger follows instead."""

    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._bonus_confirmed_orders()._bonus_sync_ledger()
        return lines

    def write(self, vals):
        if not {"points_cost", "coupon_id"} & set(vals):
            return super().write(vals)
        orders = self._bonus_confirmed_orders()
        res = super().write(vals)
        (orders | self._bonus_confirmed_orders())._bonus_sync_ledger()
        return res

    def unlink(self):
        orders = self._bonus_confirmed_orders()
        res = super().unlink()
        orders._bonus_sync_ledger()
        return res

    def _bonus_confirmed_orders(self):
        """The confirmed orders of these lines that pay with a bonus card."""
        bonus_lines = self.filtered(
            lambda line: (
                line.coupon_id.program_id.is_customer_bonus
                and line.order_id.state == "sale"
            )
        )
        return bonus_lines.order_id
