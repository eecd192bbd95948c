# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from .customer_rating_rules import POS_COUNTED_STATES


class PosOrder(models.Model):
    """Customer bonus points at the till, through the same ledger as sales
    orders (see `customer.rating.bonus.order`).

    Who earns: this module, when the order is paid, at the program's rate
    and the customer's tier multiplier, as on sales orders. The customer
    bonus program has no rules, so pos_loyalty's own accrual is zero; its
    ledger lines for bonus cards are not written either (`add_loyalty_
    history_lines`): the order's ledger follows its lines instead, so that
    no point is counted twice. Points spent at the till are the rewards of
    the order's lines; a refund at the till takes points back as a credit
    note does."""

    _name = "pos.order"
    _inherit = ["pos.order", "customer.rating.bonus.order"]

    def validate_coupon_programs(self, point_changes, new_codes):
        """Paying an order refuses the coupons it spends whose program is
        not valid today (a win-back offer's weekdays), as when their code
        was typed: the till may have kept the coupon since another day."""
        spent = self.env["loyalty.card"].browse(
            [int(card_id) for card_id, change in point_changes.items() if change < 0]
        )
        for program in spent.exists().program_id:
            error = program._customer_rating_weekday_error(self.env.company)
            if error:
                return {"successful": False, "payload": {"message": error}}
        return super().validate_coupon_programs(point_changes, new_codes)

    @api.model
    def _bonus_counted_domain(self):
        return [("state", "in", POS_COUNTED_STATES)]

    def _bonus_is_counted(self):
        self.ensure_one()
        return self.state in POS_COUNTED_STATES

    def _bonus_lines(self):
        """The lines that sell (see `customer.rating.rules._pos_sold_line`)."""
        return self.lines.filtered(
            lambda line: not line.refunded_orderline_id
            and not line.sale_order_origin_id
        )

    def _bonus_earning_amount(self):
        self.ensure_one()
        return sum(self._bonus_lines().mapped("price_subtotal"))

    def _bonus_refunded_amount(self, lines):
        """Refunds of POS orders are the lines of paid refund orders that
        refund these lines."""
        return -sum(
            refund.price_subtotal
            for refund in lines.refund_orderline_ids
            if refund.order_id.state in POS_COUNTED_STATES
        )

    def action_pos_order_paid(self):
        res = super().action_pos_order_paid()
        self._customer_rating_paid()
        return res

    def _customer_rating_paid(self):
        """A paid purchase earns its points, credits the referrer of a first
        purchase and closes the customer's call-back; a paid refund takes
        back the points of the orders it refunds."""
        counted = self.filtered(
            lambda order: order.partner_id
            and order._bonus_is_counted()
            and order._bonus_lines()
        )
        counted._bonus_accrue()
        counted._bonus_credit_referrers()
        counted._close_call_backs()
        refunded = self.filtered(lambda order: order._bonus_is_counted())
        refunded.lines.refunded_orderline_id.order_id._bonus_sync_ledger()

    def _check_existing_loyalty_cards(self, coupon_data):
        """pos_loyalty looks a loyalty card up by the order's partner: a
        contact buying for its company uses the company's bonus card, never
        a new one."""
        res = super()._check_existing_loyalty_cards(coupon_data)
        for key, vals in list(coupon_data.items()):
            program = self.env["loyalty.program"].browse(vals.get("program_id"))
            if key > 0 or not vals.get("partner_id") or not program.is_customer_bonus:
                continue
            partner = self.env["res.partner"].browse(vals["partner_id"])
            card = self.env["loyalty.card"]._bonus_cards_for(program, partner)[
                partner.commercial_partner_id
            ]
            vals["coupon_id"] = card.id
            coupon_data[card.id] = coupon_data.pop(key)
        return res

    def add_loyalty_history_lines(self, coupon_data, coupon_updates):
        """pos_loyalty writes the points won and spent that the till
        computed; for bonus cards the ledger follows the order's lines
        instead (`_bonus_sync_ledger`)."""
        mapping = {item["old_id"]: int(item["id"]) for item in coupon_updates}

        def card_id(coupon):
            return mapping.get(int(coupon["card_id"])) or int(coupon["card_id"])

        cards = self.env["loyalty.card"].browse({card_id(c) for c in coupon_data})
        bonus_ids = set(cards.exists().filtered("is_customer_bonus").ids)
        others = [coupon for coupon in coupon_data if card_id(coupon) not in bonus_ids]
        res = super().add_loyalty_history_lines(others, coupon_updates)
        self.filtered(lambda order: order._bonus_is_counted())._bonus_sync_ledger()
        return res
