# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._bonus_sync_refunded_orders()
        return posted

    def button_draft(self):
        res = super().button_draft()
        self._bonus_sync_refunded_orders()
        return res

    def button_cancel(self):
        res = super().button_cancel()
        self._bonus_sync_refunded_orders()
        return res

    def _bonus_sync_refunded_orders(self):
        """A credit note takes back the bonus points of the goods it refunds
        (and gives back those of the rewards it refunds); resetting it to
        draft or cancelling it restores them."""
        refunds = self.filtered(lambda move: move.move_type == "out_refund")
        orders = refunds.invoice_line_ids.sale_line_ids.order_id
        orders.filtered(lambda order: order.state == "sale")._bonus_sync_ledger()
