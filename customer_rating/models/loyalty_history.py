# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

BONUS_MOVE_TYPES = [
    ("earn", "Earned"),
    ("redeem", "Redeemed"),
    ("reversal", "Reversal"),
    ("expiry", "Expired"),
    ("adjust", "Adjustment"),
    ("transfer", "Transfer"),
    ("referral", "Referral"),
]
# What the points of a reversal line concern.
REVERSAL_OF = [("earn", "Earned points"), ("redeem", "Redeemed points")]
# The amounts of a bonus ledger line, set when it is written and never edited.
LEDGER_AMOUNTS = (
    "card_id",
    "issued",
    "used",
    "reversed_lot_id",
    "origin_lot_id",
    "expired_lot_id",
    "points_reversed",
    "points_written_off",
)


class LoyaltyHistory(models.Model):
    """The bonus ledger: the loyalty history of customer bonus cards.

    A bonus card's balance is always the sum of its ledger (issued minus
    used). Ledger lines are never edited nor deleted: every change of points
    is a new line. A line issuing points (issued > 0, no `reversed_lot_id`)
    is a *lot*: its points carry its expiration date, and
    `available_issued_points` is what is left of them (field names of Odoo
    19, which tracks expiry the same way). Lines with a `reversed_lot_id`
    take points back from (or give them back to) that lot; every other
    point used takes the lots expiring first. See
    `loyalty.card._bonus_check_invariant` for what always holds."""

    _inherit = "loyalty.history"

    date = fields.Date(
        default=fields.Date.context_today,
        required=True,
        index=True,
        help="When the points were earned, used or expired: the order date for orders.",
    )
    bonus_move_type = fields.Selection(
        BONUS_MOVE_TYPES, "Bonus Move", index=True, readonly=True
    )
    expiration_date = fields.Date(
        readonly=True, help="The points issued by this line expire on this date."
    )
    available_issued_points = fields.Float(
        readonly=True,
        help="What is left of the points issued by this line, the oldest "
        "points being used or expired first.",
    )
    partner_id = fields.Many2one(related="card_id.partner_id", string="Customer")
    expired_lot_id = fields.Many2one(
        "loyalty.history",
        readonly=True,
        index="btree_not_null",
        help="The line that issued the points this line expires.",
    )
    referral_partner_id = fields.Many2one(
        "res.partner",
        "Referred Customer",
        readonly=True,
        index="btree_not_null",
        help="The customer whose first order earned these referral points.",
    )
    reversed_lot_id = fields.Many2one(
        "loyalty.history",
        readonly=True,
        index="btree_not_null",
        help="The lot of the order that this reversal takes its points from.",
    )
    origin_lot_id = fields.Many2one(
        "loyalty.history",
        readonly=True,
        index="btree_not_null",
        help="The lot of the replaced card whose points this line carries over.",
    )
    reversal_of = fields.Selection(
        REVERSAL_OF,
        readonly=True,
        help="Whether this reversal concerns the points the order earned or "
        "the points its rewards cost.",
    )
    points_reversed = fields.Float(
        readonly=True,
        help="Earned points this reversal takes back from its order (negative: "
        "gives back): taken from its lot, from other lots, already expired, "
        "or written off.",
    )
    points_written_off = fields.Float(
        "Written Off",
        readonly=True,
        help="Points that should have been taken back but were already spent: "
        "recorded, without effect on the balance.",
    )
    is_customer_bonus = fields.Boolean(related="card_id.program_id.is_customer_bonus")
    running_balance = fields.Float(
        compute="_compute_running_balance",
        help="The card's balance after this line, lines taken in date order.",
    )

    _sql_constraints = (
        (
            "referral_once",
            "unique (card_id, referral_partner_id)",
            "A referral earns its points once.",
        ),
    )

    @api.model_create_multi
    def create(self, vals_list):
        cards = self.env["loyalty.card"].browse(
            {vals["card_id"] for vals in vals_list if vals.get("card_id")}
        )
        programs = {
            card.id: card.program_id
            for card in cards
            if card.program_id.is_customer_bonus
        }
        for vals in vals_list:
            program = programs.get(vals.get("card_id"))
            if program:
                self._bonus_redirect_from_blocked(vals, cards.browse(vals["card_id"]))
                self._set_bonus_defaults(vals, program)
        lines = super().create(vals_list)
        lines.card_id.filtered("program_id.is_customer_bonus")._bonus_recompute()
        return lines

    def write(self, vals):
        """The amounts of a bonus ledger line are never edited: a correction
        is a new line (sale_loyalty's reward on a confirmed order included,
        see `sale.order._update_loyalty_history`)."""
        if set(LEDGER_AMOUNTS) & set(vals) and self.filtered("is_customer_bonus"):
            raise UserError(
                _(
                    "The bonus ledger keeps every line as written; "
                    "correct a balance with a new line instead."
                )
            )
        return super().write(vals)

    @api.model
    def _bonus_redirect_from_blocked(self, vals, card):
        """A blocked card's points never change: what sale_loyalty writes for
        an order on a replaced card goes to the card that replaced it;
        anything else is refused."""
        if not card.is_blocked:
            return
        if vals.get("order_model") != "sale.order":
            raise UserError(
                _(
                    "%(card)s is blocked: its points moved to %(new)s.",
                    card=card.code,
                    new=card._bonus_current().code,
                )
            )
        vals["card_id"] = card._bonus_current().id

    @api.ondelete(at_uninstall=False)
    def _unlink_except_customer_bonus(self):
        """Bonus ledger lines are never deleted: a balance is corrected with
        a new line."""
        if self.filtered("is_customer_bonus"):
            raise UserError(
                _(
                    "The bonus ledger keeps every line; "
                    "correct a balance with a new line instead."
                )
            )

    def unlink(self):
        """Odoo's cancellation of an order deletes the order's loyalty history
        (sale.order._action_cancel, customer_rating_keep_ledger): the bonus
        ledger lines stay, the cancellation writes their reversal instead."""
        records = self
        if self.env.context.get("customer_rating_keep_ledger"):
            records -= self.filtered("is_customer_bonus")
        return super(LoyaltyHistory, records).unlink()

    @api.model
    def _set_bonus_defaults(self, vals, program):
        """The move type of lines written by Odoo (redemptions on orders,
        manual balance updates) and the expiry of the points a line issues."""
        if not vals.get("bonus_move_type"):
            redeems = vals.get("order_model") == "sale.order" and vals.get("used")
            vals["bonus_move_type"] = "redeem" if redeems else "adjust"
        vals.setdefault("date", fields.Date.context_today(self))
        months = program.bonus_expiry_months
        if vals.get("issued", 0) > 0 and months and not vals.get("expiration_date"):
            vals["expiration_date"] = fields.Date.to_date(vals["date"]) + relativedelta(
                months=months
            )

    def _bonus_is_order_lot(self):
        """Whether this line of an order is a lot holding the points the
        order earned: its earn line, or earned points given back."""
        self.ensure_one()
        return (
            self.issued > 0
            and not self.reversed_lot_id
            and (
                self.bonus_move_type == "earn"
                or (self.bonus_move_type == "reversal" and self.reversal_of == "earn")
            )
        )

    def _bonus_order_amounts(self, total):
        """`total` (see `sale.order._bonus_ledger_totals`) with this line of
        the order counted."""
        self.ensure_one()
        total = dict(total)
        move = self.bonus_move_type
        if move == "earn":
            total["earned_total"] += self.issued
            total.update(earned=self.issued, expiration=self.expiration_date)
        elif move == "redeem":
            total["redeemed"] += self.used + self.points_written_off
            total["redeem_written_off"] += self.points_written_off
        elif move == "reversal" and self.reversal_of == "earn":
            total["reversed"] += self.points_reversed
            total["taken"] += self.used - self.issued
            total["written_off"] += self.points_written_off
        elif move == "reversal" and self.reversal_of == "redeem":
            total["redeemed"] += self.used - self.issued + self.points_written_off
            total["redeem_written_off"] += self.points_written_off
        elif move == "reversal":
            # Written before reversals said what they reverse: the issued
            # points reversed the earned ones, the used the redeemed ones.
            total["reversed"] -= self.issued
            total["taken"] -= self.issued
            total["redeemed"] += self.used
        return total

    def _bonus_lot_chain(self):
        """These lots as they are now, each followed through the
        replacements of its card (the transfer lines continuing it), and the
        points that expired from any of them."""
        history = self.sudo()
        chain = continued = history.browse()
        current = history
        while current:
            following = history.search([("origin_lot_id", "in", current.ids)])
            continued |= following.origin_lot_id
            chain |= current
            current = following
        expiries = history.search(
            [("bonus_move_type", "=", "expiry"), ("expired_lot_id", "in", chain.ids)]
        )
        return chain - continued, sum(expiries.mapped("used"))

    @api.depends("issued", "used", "date", "card_id")
    def _compute_running_balance(self):
        balances = {}
        if self.ids:
            self.flush_model(["issued", "used", "date", "card_id"])
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT id, balance FROM (
                        SELECT id, SUM(COALESCE(issued, 0) - COALESCE(used, 0))
                               OVER (PARTITION BY card_id ORDER BY date, id)
                               AS balance
                          FROM loyalty_history
                         WHERE card_id IN (
                               SELECT card_id FROM loyalty_history WHERE id IN %s)
                    ) ledger WHERE id IN %s
                    """,
                    tuple(self.ids),
                    tuple(self.ids),
                )
            )
            balances = dict(rows)
        for line in self:
            line.running_balance = balances.get(line.id, 0.0)
