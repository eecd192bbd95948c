# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    """Customer bonus points on sales orders (see
    `customer.rating.bonus.order`): sale_loyalty redeems the points (rewards
    claimed on the order, written to the ledger by Odoo at confirmation);
    this module earns them, reverses them on cancellation and credit notes,
    and keeps the card's balance equal to its ledger."""

    _name = "sale.order"
    _inherit = ["sale.order", "customer.rating.bonus.order"]

    def action_confirm(self):
        self._bonus_check_redemptions()
        res = super().action_confirm()
        self._bonus_accrue()
        self._bonus_credit_referrers()
        self._close_call_backs()
        customers = self.partner_id.commercial_partner_id
        self.env["res.partner"]._customer_rating_fill_sources(
            customers.filtered(lambda customer: not customer.utm_source_id)
        )
        return res

    def _action_cancel(self):
        res = super(
            SaleOrder, self.with_context(customer_rating_keep_ledger=True)
        )._action_cancel()
        self._bonus_sync_ledger()
        return res

    def _update_programs_and_rewards(self):
        """Offer the customer's bonus card to whichever of its contacts
        buys: sale_loyalty only loads the cards of the order's partner."""
        for order in self:
            card = order._bonus_customer_card()
            if card.points > 0 and card not in order.applied_coupon_ids:
                order.applied_coupon_ids += card
        return super()._update_programs_and_rewards()

    def _program_check_compute_points(self, programs):
        """A program valid on chosen weekdays (a win-back offer's) applies
        only on those days: applying its coupon, claiming its reward or
        confirming the order on another day gives no discount (sale_loyalty
        then removes its reward lines)."""
        result = super()._program_check_compute_points(programs)
        for program in programs.filtered("customer_rating_weekday_ids"):
            error = program._customer_rating_weekday_error(self.company_id)
            if error:
                result[program] = {"error": error}
        return result

    def _update_loyalty_history(self, coupon_id, points):
        """sale_loyalty edits the order's ledger line when a reward is added
        to a confirmed order. For a bonus card, check that the card (or the
        one that replaced it) holds the points instead: the new reward line
        writes its own ledger line (see `sale.order.line`)."""
        if not coupon_id.program_id.is_customer_bonus:
            return super()._update_loyalty_history(coupon_id, points)
        card = coupon_id._bonus_current()
        card._bonus_lock()
        if card.currency_id.compare_amounts(points, card.points) > 0:
            raise UserError(
                _(
                    "Not enough bonus points: the card %(card)s holds "
                    "%(balance)s points and the reward costs %(cost)s.",
                    card=card.code,
                    balance=card.points,
                    cost=points,
                )
            )
        return None

    @api.model
    def _bonus_counted_domain(self):
        return [("state", "=", "sale")]

    def _bonus_is_counted(self):
        self.ensure_one()
        return self.state == "sale"

    def _bonus_earning_amount(self):
        self.ensure_one()
        return self.amount_untaxed

    def _bonus_customer_card(self):
        self.ensure_one()
        program = self.env["loyalty.program"]._bonus_program_for(self.company_id)
        if not program or self.partner_id == self.partner_id.commercial_partner_id:
            return self.env["loyalty.card"]
        return self.env["loyalty.card"].search(
            [
                ("program_id", "=", program.id),
                ("partner_id", "=", self.partner_id.commercial_partner_id.id),
            ],
            limit=1,
        )

    def _bonus_lines(self):
        return self.order_line.filtered(lambda line: not line.display_type)

    def _bonus_refunded_amount(self, lines):
        """Refunds of sales orders are posted credit notes."""
        return sum(
            line.price_subtotal
            for line in lines.invoice_lines
            if line.move_id.move_type == "out_refund" and line.move_id.state == "posted"
        )
