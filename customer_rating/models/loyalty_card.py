# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io

import barcode
from barcode.ean import EuropeanArticleNumber13
from barcode.writer import ImageWriter

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

BLOCK_REASONS = [
    ("lost", "Lost"),
    ("damaged", "Damaged"),
    ("stolen", "Stolen"),
    ("other", "Other"),
]


class LoyaltyCard(models.Model):
    """Loyalty cards, coupons and gift cards are the customers' marketing
    instruments: printed with a barcode of their code, assigned to a
    customer by scanning it, replaced when lost or damaged (the old one is
    blocked and keeps the link to its replacement)."""

    _inherit = "loyalty.card"

    is_customer_bonus = fields.Boolean(related="program_id.is_customer_bonus")
    barcode_type = fields.Selection(
        [("ean13", "EAN-13"), ("code128", "Code 128")],
        compute="_compute_barcode_type",
        help="EAN-13 for codes of 13 digits, Code 128 otherwise.",
    )
    barcode_image = fields.Binary(compute="_compute_barcode_image")
    is_blocked = fields.Boolean("Blocked", readonly=True, copy=False)
    blocked_reason = fields.Selection(BLOCK_REASONS, readonly=True, copy=False)
    blocked_date = fields.Date(readonly=True, copy=False)
    replaced_by_id = fields.Many2one(
        "loyalty.card", readonly=True, copy=False, index="btree_not_null"
    )
    replaces_id = fields.Many2one("loyalty.card", compute="_compute_replaces_id")
    customer_rating_offer_id = fields.Many2one(
        "customer.rating.offer",
        "Win-back Offer",
        readonly=True,
        copy=False,
        ondelete="restrict",
        help="The win-back offer this coupon was sent for.",
    )

    def init(self):
        """One coupon per customer per win-back offer, even when two
        managers send the same offer at once."""
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS loyalty_card_customer_rating_offer_uniq
                ON loyalty_card (customer_rating_offer_id, partner_id)
             WHERE customer_rating_offer_id IS NOT NULL
            """
        )

    @api.constrains("code")
    def _check_code_barcode(self):
        for card in self:
            self._check_barcode(card.code)

    @api.model
    def _check_barcode(self, code):
        """A code prints as EAN-13 (13 digits with their check digit) or as
        Code 128 (printable ASCII)."""
        if code.isdigit() and len(code) == 13:
            expected = EuropeanArticleNumber13(code[:12]).calculate_checksum()
            if int(code[-1]) != expected:
                raise ValidationError(
                    self.env._(
                        "%(code)s is not a valid EAN-13 code: its check digit "
                        "should be %(digit)s.",
                        code=code,
                        digit=expected,
                    )
                )
        elif not code.isascii() or not code.isprintable():
            raise ValidationError(
                self.env._(
                    "%s cannot be printed as a barcode: use digits, letters "
                    "and punctuation only.",
                    code,
                )
            )

    @api.depends("code")
    def _compute_barcode_type(self):
        for card in self:
            is_ean = card.code and card.code.isdigit() and len(card.code) == 13
            card.barcode_type = "ean13" if is_ean else "code128"

    @api.depends("code")
    def _compute_barcode_image(self):
        for card in self:
            card.barcode_image = card.code and card._barcode_png()

    def _barcode_png(self):
        """The code's barcode as a base64 PNG, drawn by python-barcode."""
        self.ensure_one()
        value = self.code[:12] if self.barcode_type == "ean13" else self.code
        symbol = barcode.get(self.barcode_type, value, writer=ImageWriter())
        stream = io.BytesIO()
        symbol.write(stream, options={"module_height": 12.0, "font_size": 8})
        return base64.b64encode(stream.getvalue())

    def _compute_replaces_id(self):
        previous = self.with_context(active_test=False).search(
            [("replaced_by_id", "in", self.ids)]
        )
        by_replacement = {card.replaced_by_id: card for card in previous}
        for card in self:
            card.replaces_id = by_replacement.get(card, False)

    @api.model_create_multi
    def create(self, vals_list):
        cards = super().create(vals_list)
        opening = cards.filtered(lambda card: card.is_customer_bonus and card.points)
        # A bonus card's balance is its ledger: an opening balance is a line.
        self.env["loyalty.history"].sudo().create(
            [
                {
                    "card_id": card.id,
                    "bonus_move_type": "adjust",
                    "issued": card.points,
                    "description": self.env._("Opening balance"),
                }
                for card in opening
            ]
        )
        return cards

    def write(self, vals):
        if "partner_id" in vals and self.filtered("is_blocked"):
            raise UserError(
                self.env._("A blocked instrument cannot be assigned to anyone.")
            )
        bonus_cards = self.filtered("is_customer_bonus")
        if "points" in vals and bonus_cards:
            # The ledger decides the balance of bonus cards: Odoo's own moves
            # of points (sale_loyalty, Update Balance) write their ledger
            # lines, which set it.
            other_vals = {key: value for key, value in vals.items() if key != "points"}
            if other_vals:
                super(LoyaltyCard, bonus_cards).write(other_vals)
            return super(LoyaltyCard, self - bonus_cards).write(vals)
        return super().write(vals)

    def action_replace(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Replace %s", self.code),
            "res_model": "customer.rating.instrument.replace",
            "view_mode": "form",
            "target": "new",
            "context": {"default_card_id": self.id},
        }

    def _replace_by(self, new_card, reason):
        """Block this instrument and move its balance to `new_card` with a
        ledger line on each: for a bonus card, one line per lot that still
        has points, with its expiration date (a balance is never negative,
        so there is never a debt to move)."""
        self.ensure_one()
        (self | new_card)._bonus_lock()
        if self.is_customer_bonus:
            self._bonus_recompute()
        balance = self.points
        today = fields.Date.context_today(self)
        history = self.env["loyalty.history"].sudo()
        if balance > 0:
            history.create(
                [
                    {
                        "card_id": self.id,
                        "bonus_move_type": "transfer",
                        "date": today,
                        "used": balance,
                        "description": self.env._("Replaced by %s", new_card.code),
                    },
                    *new_card._transfer_in_values(self, today),
                ]
            )
            if not self.is_customer_bonus:
                # Outside the bonus program, Odoo keeps the balance on the card.
                new_card.points += balance
                self.points = 0
        self.write(
            {
                "is_blocked": True,
                "blocked_reason": reason,
                "blocked_date": today,
                "replaced_by_id": new_card.id,
                "active": False,
            }
        )

    def _transfer_in_values(self, old_card, today):
        """What `old_card` holds, as lines of this card: for a bonus card,
        one per lot still holding points (its expiration date kept, and a
        link to the lot it continues); else one line for the balance."""
        description = self.env._("Replaces %s", old_card.code)
        if old_card.is_customer_bonus:
            lots = [
                {
                    "issued": lot.available_issued_points,
                    "expiration_date": lot.expiration_date,
                    "origin_lot_id": lot.id,
                }
                for lot in old_card.history_ids.filtered(
                    lambda line: line.available_issued_points > 0
                )
            ]
        else:
            lots = [{"issued": old_card.points}]
        return [
            {
                "card_id": self.id,
                "bonus_move_type": "transfer",
                "date": today,
                "description": description,
                **lot,
            }
            for lot in lots
        ]

    @api.model
    def _bonus_cards_for(self, program, partners):
        """The bonus card of each customer (commercial partner) of
        `partners` in `program`, created when missing: one card per customer,
        whichever of its contacts buys."""
        customers = partners.commercial_partner_id
        # Serialize the creation of a customer's card between transactions.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner WHERE id IN %s ORDER BY id"
                " FOR NO KEY UPDATE",
                tuple(customers.ids),
            )
        )
        # sudo: the card belongs to the program's company, which a salesperson
        # of a branch may not read; it is only looked up and created here.
        cards = self.sudo().search(
            [
                ("program_id", "=", program.id),
                ("partner_id", "in", customers.ids),
                ("is_blocked", "=", False),
            ],
            order="id",
        )
        missing = customers - cards.partner_id
        if missing:
            cards |= (
                self.sudo()
                .with_context(loyalty_no_mail=True, tracking_disable=True)
                .create(
                    [
                        {"program_id": program.id, "partner_id": p.id, "points": 0}
                        for p in missing
                    ]
                )
            )
        return {card.partner_id: card.sudo(False) for card in cards}

    def _bonus_current(self):
        """Where this card's points are now: the card that replaced it, or
        the one that replaced that one, and so on."""
        self.ensure_one()
        card = self
        while card.replaced_by_id:
            card = card.replaced_by_id
        return card

    def _bonus_lock(self):
        """Lock the cards until the transaction ends: two transactions cannot
        spend the same points; the second one waits, then fails to serialize
        and is retried on the new balance."""
        if self.ids:
            self.flush_recordset(["points"])
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM loyalty_card WHERE id IN %s ORDER BY id"
                    " FOR NO KEY UPDATE",
                    tuple(self.ids),
                )
            )
            self.invalidate_recordset(["points"])

    def _bonus_recompute(self):
        """Set the balance of bonus cards to the sum of their ledger, and
        what is left of each lot, then check the ledger's invariant: every
        path that changes points writes ledger lines, which end here."""
        if not self.ids:
            return
        self.flush_recordset(["points"])
        self.env["loyalty.history"].flush_model()
        ids = tuple(self.ids)
        self.env.cr.execute(
            SQL(
                """
                UPDATE loyalty_card c SET points = ledger.balance
                  FROM (SELECT card_id,
                               ROUND(SUM(COALESCE(issued, 0) - COALESCE(used, 0))
                                     ::numeric, 2)::float8 AS balance
                          FROM loyalty_history WHERE card_id IN %s
                         GROUP BY card_id) ledger
                 WHERE c.id = ledger.card_id
                   AND c.points IS DISTINCT FROM ledger.balance
                """,
                ids,
            )
        )
        self.env.cr.execute(
            SQL(
                """
                WITH %(lots)s
                UPDATE loyalty_history h
                   SET available_issued_points = COALESCE(lot.available, 0)
                  FROM line LEFT JOIN lot ON lot.id = line.id
                 WHERE h.id = line.id
                   AND h.available_issued_points IS DISTINCT FROM
                       COALESCE(lot.available, 0)
                """,
                lots=self._bonus_lots_query(ids),
            )
        )
        self.invalidate_recordset(["points"])
        self.env["loyalty.history"].invalidate_model(["available_issued_points"])
        self._bonus_check_invariant()

    @api.model
    def _bonus_lots_query(self, card_ids):
        """The common table expressions `line` (the ledger of the cards) and
        `lot` (its lots, with their net points and what is left of them).

        A lot is a line issuing points that is not itself a reversal of a
        lot; its net points are what it issued plus the reversal lines of
        `reversed_lot_id` that take from (or give back to) it. Every other
        point used (redemptions, expiries, transfers, the part of reversals
        taken from other lots) takes the lots expiring first, the oldest
        line first within a date (first in, first out)."""
        return SQL(
            """
            line AS (
                SELECT id, card_id, expiration_date, reversed_lot_id,
                       COALESCE(issued, 0) AS issued, COALESCE(used, 0) AS used
                  FROM loyalty_history WHERE card_id IN %(cards)s
            ), consumed AS (
                SELECT card_id,
                       SUM(used) + COALESCE(SUM(-issued) FILTER (
                           WHERE issued < 0 AND reversed_lot_id IS NULL), 0) AS used
                  FROM line GROUP BY card_id
            ), lot_net AS (
                SELECT l.id, l.card_id, l.expiration_date,
                       l.issued + COALESCE(SUM(r.issued), 0) AS net
                  FROM line l LEFT JOIN line r ON r.reversed_lot_id = l.id
                 WHERE l.issued > 0 AND l.reversed_lot_id IS NULL
                 GROUP BY l.id, l.card_id, l.expiration_date, l.issued
            ), lot AS (
                SELECT n.id, n.card_id, n.net,
                       ROUND(GREATEST(0, LEAST(n.net, SUM(n.net) OVER (
                           PARTITION BY n.card_id
                           ORDER BY n.expiration_date NULLS LAST, n.id)
                           - COALESCE(c.used, 0)))::numeric, 2)::float8 AS available
                  FROM lot_net n LEFT JOIN consumed c ON c.card_id = n.card_id
            )
            """,
            cards=card_ids,
        )

    def _bonus_check_invariant(self):
        """What always holds for a bonus card, checked in SQL over these
        cards: its points are the sum of its ledger (issued - used) and are
        never negative; what is left of its lots adds up to its balance; no
        lot is negative; a blocked (replaced) card holds nothing. Raise a
        ValidationError naming the cards that break it."""
        if not self.ids:
            return
        self.flush_recordset(["points", "is_blocked"])
        rows = self.env.execute_query(
            SQL(
                """
                WITH %(lots)s, ledger AS (
                    SELECT card_id, SUM(issued - used) AS balance
                      FROM line GROUP BY card_id
                ), lots AS (
                    SELECT card_id, SUM(available) AS available,
                           MIN(net) AS min_net,
                           BOOL_OR(available > net + 0.005) AS over_net
                      FROM lot GROUP BY card_id
                )
                SELECT c.code, c.points, COALESCE(ledger.balance, 0),
                       COALESCE(lots.available, 0)
                  FROM loyalty_card c
                  JOIN loyalty_program p ON p.id = c.program_id
                  LEFT JOIN ledger ON ledger.card_id = c.id
                  LEFT JOIN lots ON lots.card_id = c.id
                 WHERE c.id IN %(cards)s AND p.is_customer_bonus
                   AND (ABS(c.points - COALESCE(ledger.balance, 0)) >= 0.005
                        OR COALESCE(ledger.balance, 0) <= -0.005
                        OR ABS(COALESCE(lots.available, 0)
                               - COALESCE(ledger.balance, 0)) >= 0.01
                        OR COALESCE(lots.min_net, 0) <= -0.005
                        OR COALESCE(lots.over_net, FALSE)
                        OR (c.is_blocked
                            AND ABS(COALESCE(ledger.balance, 0)) >= 0.005))
                 ORDER BY c.id
                """,
                lots=self._bonus_lots_query(tuple(self.ids)),
                cards=tuple(self.ids),
            )
        )
        if rows:
            raise ValidationError(
                self.env._(
                    "The bonus ledger would break: %s",
                    "; ".join(
                        self.env._(
                            "card %(code)s holds %(points)s points, its ledger "
                            "%(balance)s, its lots %(lots)s",
                            code=code,
                            points=points,
                            balance=round(balance, 2),
                            lots=round(lots, 2),
                        )
                        for code, points, balance, lots in rows
                    ),
                )
            )

    @api.model
    def _cron_expire_bonus_points(self):
        """Expire the points of bonus cards past their expiration date: one
        expiry line per lot (the line that issued them, so that reports know
        where the expired points were earned). Running it twice the same day
        writes nothing more."""
        today = fields.Date.context_today(self)
        cards = self.browse(self._bonus_cards_with_expired_points(today))
        cards._bonus_lock()
        cards._bonus_recompute()
        lots = self.env["loyalty.history"].search(
            [
                ("card_id", "in", cards.ids),
                ("expiration_date", "<=", today),
                ("available_issued_points", ">", 0),
            ]
        )
        description = self.env._("Points expired")
        self.env["loyalty.history"].create(
            [
                {
                    "card_id": lot.card_id.id,
                    "bonus_move_type": "expiry",
                    "date": today,
                    "used": lot.available_issued_points,
                    "expired_lot_id": lot.id,
                    "description": description,
                }
                for lot in lots
            ]
        )
        return len(cards)

    @api.model
    def _bonus_cards_with_expired_points(self, today):
        self.env["loyalty.history"].flush_model()
        self.env["loyalty.card"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT h.card_id
                  FROM loyalty_history h
                  JOIN loyalty_card c ON c.id = h.card_id
                  JOIN loyalty_program p ON p.id = c.program_id
                 WHERE p.is_customer_bonus
                 GROUP BY h.card_id
                HAVING SUM(COALESCE(h.issued, 0))
                           FILTER (WHERE h.expiration_date <= %s)
                       - SUM(COALESCE(h.used, 0)) >= 0.005
                """,
                today,
            )
        )
        return [card_id for (card_id,) in rows]
