# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_confirm(self):
        """A customer who buys again came back: close their open call-back."""
        result = super().action_confirm()
        self._close_call_backs()
        return result

    def _close_call_backs(self):
        # sudo: the call-back may be another salesperson's; the confirmation
        # the user was allowed to do closes it, with fixed values only
        callbacks = (
            self.env["customer.rating.callback"]
            .sudo()
            .search(
                [
                    ("state", "=", "open"),
                    ("partner_id", "in", self.partner_id.commercial_partner_id.ids),
                ]
            )
        )
        for order in self:
            customer_callbacks = callbacks.filtered(
                lambda callback, order=order: (
                    callback.partner_id == order.partner_id.commercial_partner_id
                    and callback.state == "open"
                )
            )
            customer_callbacks._close("came_back", order=order)
