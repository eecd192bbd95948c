# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero, float_round


class SaleOrder(models.Model):
    """Customer bonus points on sales orders.

    sale_loyalty redeems the points (rewards claimed on the order, written to
    the ledger by Odoo at confirmation); this module earns them, reverses
    them on cancellation and refund, and keeps the card's balance equal to
    its ledger. What an order should hold on a card is written once, in
    `_bonus_sync_ledger`: running it again writes nothing."""

    _inherit = "sale.order"

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

    def _bonus_redemptions(self):
        """Points each bonus card pays for the rewards of these orders."""
        costs = defaultdict(float)
        for line in self.order_line:
            if line.coupon_id.program_id.is_customer_bonus:
                costs[line.coupon_id._bonus_current()] += line.points_cost
        return costs

    def _bonus_check_redemptions(self):
        """Refuse to redeem more points than a card holds. The card is locked
        first, so a concurrent order cannot spend the same points."""
        costs = self._bonus_redemptions()
        cards = self.env["loyalty.card"].union(*costs)
        cards._bonus_lock()
        for card, cost in costs.items():
            if card.currency_id.compare_amounts(cost, card.points) > 0:
                raise UserError(
                    _(
                        "Not enough bonus points: the card %(card)s of %(customer)s "
                        "holds %(balance)s points and this order redeems %(cost)s.",
                        card=card.code,
                        customer=card.partner_id.display_name,
                        balance=card.points,
                        cost=cost,
                    )
                )

    def _bonus_accrue(self):
        """Earn the points of newly confirmed orders: one card per customer,
        created at their first confirmed order; an order earns once per
        confirmation (its ledger nets to zero before)."""
        ledger = self._bonus_ledger_totals()
        earn_lines = []
        for program, orders in self._bonus_orders_by_program().items():
            cards = self.env["loyalty.card"]._bonus_cards_for(
                program, orders.partner_id
            )
            for order in orders:
                card = cards[order.partner_id.commercial_partner_id]
                issued = ledger[order, card]["issued"]
                points = order._bonus_points_earned(program)
                if float_is_zero(issued, precision_digits=2) and points > 0:
                    earn_lines.append(order._bonus_ledger_values(card, "earn", points))
        self.env["loyalty.history"].sudo().create(earn_lines)
        self._bonus_sync_ledger()

    def _bonus_credit_referrers(self):
        """The referrer of a customer earns the program's referral points
        when the customer's first order is confirmed: once, even if that
        order is cancelled and confirmed again."""
        history = self.env["loyalty.history"].sudo()
        lines = []
        for program, orders in self._bonus_orders_by_program().items():
            if not program.bonus_referral_points:
                continue
            customers = orders._bonus_first_time_customers()
            credited = history.search(
                [
                    ("bonus_move_type", "=", "referral"),
                    ("card_id.program_id", "=", program.id),
                    ("referral_partner_id", "in", customers.ids),
                ]
            ).referral_partner_id
            customers -= credited
            if not customers:
                continue
            cards = self.env["loyalty.card"]._bonus_cards_for(
                program, customers.customer_rating_referred_by_id
            )
            for customer in customers:
                referrer = customer.customer_rating_referred_by_id.commercial_partner_id
                lines.append(
                    {
                        "card_id": cards[referrer].id,
                        "bonus_move_type": "referral",
                        "issued": program.bonus_referral_points,
                        "referral_partner_id": customer.id,
                        "description": self.env._(
                            "Referral: first order of %s", customer.display_name
                        ),
                    }
                )
        history.create(lines)

    def _bonus_first_time_customers(self):
        """The referred customers of these orders who have no other
        confirmed order."""
        customers = self.partner_id.commercial_partner_id.filtered(
            "customer_rating_referred_by_id"
        )
        if not customers:
            return customers
        counts = (
            self.env["sale.order"]
            .sudo()
            ._read_group(
                [
                    ("state", "=", "sale"),
                    ("partner_id", "child_of", customers.ids),
                    ("id", "not in", self.ids),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        returning = self.env["res.partner"].browse(
            partner.commercial_partner_id.id for partner, _count in counts
        )
        return customers - returning

    def _bonus_orders_by_program(self):
        orders_by_program = defaultdict(lambda: self.env["sale.order"])
        confirmed = self.filtered(lambda order: order.state == "sale")
        for company, orders in confirmed.grouped("company_id").items():
            program = self.env["loyalty.program"]._bonus_program_for(company)
            if program:
                orders_by_program[program] |= orders
        return orders_by_program

    def _bonus_points_earned(self, program):
        """Points an order earns: the program's rate x the order's untaxed
        amount in the program's currency (at the order date) x the tier
        multiplier of the customer, rounded down to the hundredth."""
        self.ensure_one()
        amount = self.currency_id._convert(
            self.amount_untaxed,
            program.currency_id,
            self.company_id,
            self.date_order.date(),
        )
        tier = self.partner_id.commercial_partner_id._customer_rating_tier(
            self.company_id
        )
        multiplier = tier.points_multiplier if tier else 1.0
        points = program.bonus_points_rate * amount * multiplier
        return float_round(max(points, 0.0), precision_digits=2, rounding_method="DOWN")

    def _bonus_ledger_values(self, card, move_type, issued=0.0, used=0.0):
        """A ledger line of this order: earned points are dated with the
        order, reversals when they happen."""
        self.ensure_one()
        descriptions = {
            "earn": _("Order %s", self.name),
            "reversal": _("Reversal: order %s", self.name),
        }
        return {
            "card_id": card.id,
            "order_model": self._name,
            "order_id": self.id,
            "bonus_move_type": move_type,
            "date": fields.Date.context_today(
                self, self.date_order if move_type == "earn" else None
            ),
            "issued": issued,
            "used": used,
            "description": descriptions[move_type],
        }

    def _bonus_ledger_totals(self):
        """Net points issued and used per (order, card) in the bonus ledger,
        and the points of each order's last earn line. The card is where the
        points are now: the last replacement of the card they were written
        on."""
        totals = defaultdict(
            lambda: {"issued": 0.0, "used": 0.0, "earned": 0.0, "expiration": False}
        )
        if not self.ids:
            return totals
        # sudo: the ledger of a card is read whatever the company of its program.
        history = self.env["loyalty.history"].sudo()
        domain = [
            ("order_model", "=", self._name),
            ("order_id", "in", self.ids),
            ("card_id.program_id.is_customer_bonus", "=", True),
        ]
        for order_id, card, issued, used in history._read_group(
            domain, ["order_id", "card_id"], ["issued:sum", "used:sum"]
        ):
            key = (self.browse(order_id), card.sudo(False)._bonus_current())
            totals[key]["issued"] += issued
            totals[key]["used"] += used
        last_earns = history._read_group(
            domain + [("bonus_move_type", "=", "earn")], ["order_id"], ["id:max"]
        )
        for line in history.browse(line_id for _order, line_id in last_earns):
            key = (
                self.browse(line.order_id),
                line.card_id.sudo(False)._bonus_current(),
            )
            totals[key].update(earned=line.issued, expiration=line.expiration_date)
        return totals

    def _bonus_sync_ledger(self):
        """Write the reversal lines that bring each order's net points on a
        card to what they should be: nothing for a cancelled order; for a
        confirmed one, the points of its last confirmation and the points its
        rewards cost, less the share refunded by posted credit notes."""
        reversals = []
        totals = self._bonus_ledger_totals()
        for (order, card), total in totals.items():
            target_issued, target_used = 0.0, 0.0
            if order.state == "sale":
                goods_ratio, rewards_ratio = order._bonus_refunded_ratios(card)
                target_issued = total["earned"] * (1 - goods_ratio)
                target_used = order._bonus_redemptions()[card] * (1 - rewards_ratio)
            delta_issued = float_round(target_issued - total["issued"], 2)
            delta_used = float_round(target_used - total["used"], 2)
            if delta_issued or delta_used:
                values = order._bonus_ledger_values(
                    card, "reversal", issued=delta_issued, used=delta_used
                )
                # A reversal nets the points of the lot it reverses.
                values["expiration_date"] = total["expiration"]
                reversals.append(values)
        self.env["loyalty.history"].sudo().create(reversals)
        # Odoo's confirmation and cancellation move the points of the cards
        # whose rewards the orders use; the ledger decides.
        cards = self.env["loyalty.card"].union(*(card for _o, card in totals))
        cards.sudo()._bonus_recompute()

    def _bonus_refunded_ratios(self, card):
        """The share of the order's goods, and of its rewards paid with
        `card`, taken back by posted credit notes."""
        self.ensure_one()
        lines = self.order_line.filtered(lambda line: not line.display_type)
        rewards = lines.filtered(
            lambda line: line.coupon_id and line.coupon_id._bonus_current() == card
        )
        goods = lines.filtered(lambda line: not line.is_reward_line)
        return self._refunded_ratio(goods), self._refunded_ratio(rewards)

    def _refunded_ratio(self, lines):
        total = sum(lines.mapped("price_subtotal"))
        if self.currency_id.is_zero(total):
            return 0.0
        refunded = sum(
            line.price_subtotal
            for line in lines.invoice_lines
            if line.move_id.move_type == "out_refund" and line.move_id.state == "posted"
        )
        return min(max(refunded / total, 0.0), 1.0)

    def _close_call_backs(self):
        """A customer who buys again came back: close their open call-back."""
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
