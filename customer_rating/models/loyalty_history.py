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


class LoyaltyHistory(models.Model):
    """The bonus ledger: the loyalty history of customer bonus cards.

    A bonus card's balance is always the sum of its ledger (issued minus
    used). Ledger lines are never deleted: a cancellation or a refund writes
    reversal lines, with negative amounts, that net the lines they reverse.
    Points issued carry their expiration date; `available_issued_points` is
    what is left of them after the oldest points were used first (field
    names of Odoo 19, which tracks expiry the same way)."""

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
            if vals.get("card_id") in programs:
                self._set_bonus_defaults(vals, programs[vals["card_id"]])
        lines = super().create(vals_list)
        lines.card_id.filtered("program_id.is_customer_bonus")._bonus_recompute()
        return lines

    def unlink(self):
        """Bonus ledger lines are kept: Odoo's cancellation of an order
        deletes the order's loyalty history, ours is reversed instead."""
        bonus_lines = self.filtered("is_customer_bonus")
        if bonus_lines and not self.env.context.get("customer_rating_keep_ledger"):
            raise UserError(
                _(
                    "The bonus ledger keeps every line; "
                    "correct a balance with a new line instead."
                )
            )
        return super(LoyaltyHistory, self - bonus_lines).unlink()

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
