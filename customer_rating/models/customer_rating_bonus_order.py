# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero, float_round


class CustomerRatingBonusOrder(models.AbstractModel):
    """Customer bonus points on the orders of a sales channel (sales orders;
    Point of Sale orders with the bridge addon `customer_rating_pos`).

    Orders earn points when they start to count, reverse them when they stop
    counting or are refunded (the same policy in every channel), and keep the
    card's balance equal to its ledger. What an order should hold on a card
    is written once, in `_bonus_sync_ledger`: running it again writes
    nothing. A channel's model inherits this mixin and says what its orders
    are made of (the hooks below)."""

    _name = "customer.rating.bonus.order"
    _description = "Customer Rating: bonus points of an order"

    # ------------------------------------------------------------------
    # What each channel says of its orders
    # ------------------------------------------------------------------

    @api.model
    def _bonus_counted_domain(self):
        """The orders of the channel that count (earn points, are rated)."""
        raise NotImplementedError

    def _bonus_is_counted(self):
        """Python twin of `_bonus_counted_domain` for one order."""
        raise NotImplementedError

    def _bonus_earning_amount(self):
        """The untaxed amount the order earns points on, in its currency."""
        raise NotImplementedError

    def _bonus_lines(self):
        """The lines of these orders that sell (goods and rewards)."""
        raise NotImplementedError

    def _bonus_refunded_amount(self, lines):
        """The untaxed amount of `lines` (of one order) taken back by its
        counted refunds, in the order's currency."""
        raise NotImplementedError

    def _bonus_redemptions(self):
        """Points each bonus card pays for the rewards of these orders."""
        costs = defaultdict(float)
        for line in self._bonus_lines():
            if line.coupon_id.program_id.is_customer_bonus:
                costs[line.coupon_id._bonus_current()] += line.points_cost
        return costs

    def _bonus_refunded_ratios(self, card):
        """The share of the order's goods, and of its rewards paid with
        `card`, taken back by its refunds."""
        self.ensure_one()
        lines = self._bonus_lines()
        rewards = lines.filtered(
            lambda line: line.coupon_id and line.coupon_id._bonus_current() == card
        )
        goods = lines.filtered(lambda line: not line.is_reward_line)
        return self._bonus_refunded_ratio(goods), self._bonus_refunded_ratio(rewards)

    def _bonus_refunded_ratio(self, lines):
        total = sum(lines.mapped("price_subtotal"))
        if self.currency_id.is_zero(total):
            return 0.0
        return min(max(self._bonus_refunded_amount(lines) / total, 0.0), 1.0)

    def _bonus_channels(self):
        """The order models of every channel, this mixin's heirs."""
        names = self.env.registry.descendants(
            ["customer.rating.bonus.order"], "_inherit"
        )
        return [self.env[name] for name in names if not self.env[name]._abstract]

    # ------------------------------------------------------------------
    # The ledger of an order
    # ------------------------------------------------------------------

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
                earned = ledger[order, card]["earned_net"]
                points = order._bonus_points_earned(program)
                if float_is_zero(earned, precision_digits=2) and points > 0:
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
        counted order, in any channel."""
        customers = self.partner_id.commercial_partner_id.filtered(
            "customer_rating_referred_by_id"
        )
        if not customers:
            return customers
        returning = self.env["res.partner"]
        for model in self._bonus_channels():
            # sudo: whether the customer ever bought, in any company
            counts = model.sudo()._read_group(
                [
                    *model._bonus_counted_domain(),
                    ("partner_id", "child_of", customers.ids),
                    ("id", "not in", self.ids if model._name == self._name else []),
                ],
                ["partner_id"],
                ["__count"],
            )
            returning |= self.env["res.partner"].browse(
                partner.commercial_partner_id.id for partner, _count in counts
            )
        return customers - returning

    def _bonus_orders_by_program(self):
        orders_by_program = defaultdict(self.browse)
        confirmed = self.filtered(lambda order: order._bonus_is_counted())
        for company, orders in confirmed.grouped("company_id").items():
            program = self.env["loyalty.program"]._bonus_program_for(company)
            if program:
                orders_by_program[program] |= orders
        return orders_by_program

    def _bonus_points_earned(self, program):
        """Points an order earns: the program's rate x the order's untaxed
        amount (`_bonus_earning_amount`) in the program's currency (at the
        order date) x the tier multiplier of the customer, rounded down to
        the hundredth."""
        self.ensure_one()
        amount = self.currency_id._convert(
            self._bonus_earning_amount(),
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
        order, other lines when they happen."""
        self.ensure_one()
        descriptions = {
            "earn": _("Order %s", self.name),
            "redeem": _("Reward: order %s", self.name),
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
        """What the ledger holds for each (order, card) of these orders, the
        card being where the points are now (the last replacement of the
        card they were written on):

        - earned_net: points earned, less the earned points reversed;
        - earned / expiration: the points and expiry of the last earn line;
        - taken / written_off: of the earned points reversed, those taken
          from the card and those written off; the rest had expired;
        - redeemed / redeem_written_off: points the order's rewards cost,
          and what of it was written off;
        - lots: the order's lots, as they are now on the card;
        - expired: points of the order's lots that expired.

        Cards paying for the rewards of a counted order have their entry,
        without any line yet."""
        totals = defaultdict(
            lambda: {
                "earned_net": 0.0,
                "earned_total": 0.0,
                "reversed": 0.0,
                "taken": 0.0,
                "written_off": 0.0,
                "redeemed": 0.0,
                "redeem_written_off": 0.0,
                "earned": 0.0,
                "expiration": False,
                "lots": self.env["loyalty.history"],
                "expired": 0.0,
            }
        )
        if not self.ids:
            return totals
        # sudo: the ledger of a card is read whatever the company of its program.
        lines = (
            self.env["loyalty.history"]
            .sudo()
            .search(
                [
                    ("order_model", "=", self._name),
                    ("order_id", "in", self.ids),
                    ("card_id.program_id.is_customer_bonus", "=", True),
                ],
                order="id",
            )
        )
        for line in lines:
            card = line.card_id._bonus_current()
            total = totals[self.browse(line.order_id), card.sudo(False)]
            total.update(line._bonus_order_amounts(total))
            if line._bonus_is_order_lot():
                total["lots"] |= line
        # A reward paid with a card is on its ledger even before a line is
        # written for it (pos_loyalty writes none for bonus cards).
        for order in self.filtered(lambda order: order._bonus_is_counted()):
            for card in order._bonus_redemptions():
                totals.setdefault((order, card.sudo(False)), totals.default_factory())
        for total in totals.values():
            total["earned_net"] = total["earned_total"] - total["reversed"]
            total["lots"], total["expired"] = total["lots"]._bonus_lot_chain()
        return totals

    def _bonus_sync_ledger(self):
        """Write the lines that bring each order's points on a card to what
        they should be: nothing for an order that does not count (cancelled);
        for a counted one, the points of its last confirmation and the points
        its rewards cost, less the share refunded (`_bonus_refunded_ratios`).
        Points given back come first, then the earned points taken back (see
        `_bonus_take_back`), then the points of rewards taken again.
        Running it again writes nothing. The user is told in the order's
        chatter about points that could not be taken back."""
        written_off = defaultdict(float)
        cards = self.env["loyalty.card"]
        for (order, card), total in self._bonus_ledger_totals().items():
            cards |= card
            card.sudo()._bonus_lock()
            target_earned, target_used = 0.0, 0.0
            if order._bonus_is_counted():
                goods_ratio, rewards_ratio = order._bonus_refunded_ratios(card)
                target_earned = total["earned"] * (1 - goods_ratio)
                target_used = order._bonus_redemptions()[card] * (1 - rewards_ratio)
            used_delta = float_round(target_used - total["redeemed"], 2)
            earned_delta = float_round(target_earned - total["earned_net"], 2)
            if used_delta < 0:
                order._bonus_give_back_redeemed(card, total, -used_delta)
            if earned_delta < 0:
                written_off[order] += order._bonus_take_back(card, total, -earned_delta)
            elif earned_delta > 0:
                order._bonus_give_back_earned(card, total, earned_delta)
            if used_delta > 0:
                written_off[order] += order._bonus_redeem_again(card, used_delta)
        # Odoo's confirmation and cancellation move the points of the cards
        # whose rewards the orders use; the ledger decides.
        cards.sudo()._bonus_recompute()
        for order, points in written_off.items():
            if points > 0:
                order._bonus_warn_written_off(points)

    def _bonus_take_back(self, card, total, points):
        """Take back `points` this order earned on `card`: first what is
        still available of the order's own lots, then, of what is not,
        nothing for the points that expired (they already left the card),
        then the card's other available points (the lots expiring first),
        never below zero; what is left was spent and is written off. One
        reversal line per own lot touched; return the points written off."""
        self.ensure_one()
        card = card.sudo()
        lines, left = [], points
        for lot in total["lots"].sorted("id", reverse=True):
            own = min(left, lot.available_issued_points)
            if own > 0:
                lines.append({"issued": -own, "reversed_lot_id": lot.id})
                left = float_round(left - own, 2)
        absorbed = total["reversed"] - total["taken"] - total["written_off"]
        expired = max(0.0, min(left, total["expired"] - absorbed))
        left = float_round(left - expired, 2)
        balance = card.points - (points - left - expired)
        other = max(0.0, min(left, balance))
        written_off = float_round(left - other, 2)
        first = lines[0] if lines else {}
        first.update(used=other, points_written_off=written_off)
        if not lines:
            lines.append(first)
        lines[0]["points_reversed"] = points
        self.env["loyalty.history"].sudo().create(
            [
                {
                    **self._bonus_ledger_values(card, "reversal"),
                    "reversal_of": "earn",
                    "expiration_date": total["expiration"],
                    **line,
                }
                for line in lines
            ]
        )
        card._bonus_recompute()
        return written_off

    def _bonus_give_back_earned(self, card, total, points):
        """Give back `points` of what was taken back from this order's
        earnings (a credit note reset to draft): what was written off or had
        expired costs nothing to give back; the rest comes back as a lot
        expiring when the order's points do."""
        self.ensure_one()
        unwritten = min(points, total["written_off"])
        absorbed = total["reversed"] - total["taken"] - total["written_off"]
        unexpired = max(0.0, min(points - unwritten, absorbed))
        issued = float_round(points - unwritten - unexpired, 2)
        self.env["loyalty.history"].sudo().create(
            {
                **self._bonus_ledger_values(card, "reversal", issued=issued),
                "reversal_of": "earn",
                "expiration_date": total["expiration"],
                "points_reversed": -points,
                "points_written_off": -unwritten,
            }
        )

    def _bonus_give_back_redeemed(self, card, total, points):
        """Give back `points` that this order's rewards cost (cancelled or
        refunded rewards): what was written off costs nothing; the rest is a
        new lot, expiring like points earned today."""
        self.ensure_one()
        unwritten = min(points, total["redeem_written_off"])
        issued = float_round(points - unwritten, 2)
        self.env["loyalty.history"].sudo().create(
            {
                **self._bonus_ledger_values(card, "reversal", issued=issued),
                "reversal_of": "redeem",
                "points_written_off": -unwritten,
            }
        )

    def _bonus_redeem_again(self, card, points):
        """The order's rewards cost `points` more (a reward added to the
        confirmed order, or a refund of a reward reset to draft): used from
        the card, never below zero, the rest written off. Return the points
        written off."""
        self.ensure_one()
        card = card.sudo()
        used = max(0.0, min(points, card.points))
        written_off = float_round(points - used, 2)
        self.env["loyalty.history"].sudo().create(
            {
                **self._bonus_ledger_values(card, "redeem", used=used),
                "points_written_off": written_off,
            }
        )
        return written_off

    def _bonus_warn_written_off(self, points):
        """Tell, in the order's chatter, how many points could not be taken
        back from the customer's card."""
        self.ensure_one()
        self._message_log(
            body=_(
                "%(points)s bonus points could not be taken back: the customer "
                "already spent them. They are recorded as written off.",
                points=points,
            )
        )

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
