# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    is_customer_bonus = fields.Boolean(related="program_id.is_customer_bonus")

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
        cards = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("program_id", "=", program.id),
                    ("partner_id", "in", customers.ids),
                ]
            )
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
        what is left of each line's issued points, the points expiring first
        being used first."""
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
        self.env.cr.execute(self._bonus_available_points_update(ids))
        self.invalidate_recordset(["points"])
        self.env["loyalty.history"].invalidate_model(["available_issued_points"])

    @api.model
    def _bonus_available_points_update(self, card_ids):
        """FIFO: the points used (and expired) take the points issued with
        the closest expiration date first (none: last); within one date, the
        oldest line first."""
        return SQL(
            """
            WITH line AS (
                SELECT id, card_id, expiration_date,
                       COALESCE(issued, 0) AS issued, COALESCE(used, 0) AS used
                  FROM loyalty_history WHERE card_id IN %(cards)s
            ), consumed AS (
                SELECT card_id, SUM(used) AS used FROM line GROUP BY card_id
            ), bucket AS (
                SELECT card_id, expiration_date, SUM(issued) AS issued
                  FROM line GROUP BY card_id, expiration_date
            ), bucket_left AS (
                SELECT b.card_id, b.expiration_date,
                       GREATEST(0, LEAST(b.issued, SUM(b.issued) OVER (
                           PARTITION BY b.card_id
                           ORDER BY b.expiration_date NULLS LAST) - c.used))
                           AS left_points
                  FROM bucket b JOIN consumed c ON c.card_id = b.card_id
            ), lot AS (
                SELECT l.id,
                       GREATEST(0, LEAST(l.issued, bl.left_points - (SUM(l.issued)
                           OVER (PARTITION BY l.card_id, l.expiration_date
                                 ORDER BY l.id DESC) - l.issued))) AS available
                  FROM line l
                  JOIN bucket_left bl ON bl.card_id = l.card_id
                   AND bl.expiration_date IS NOT DISTINCT FROM l.expiration_date
                 WHERE l.issued > 0
            )
            UPDATE loyalty_history h
               SET available_issued_points = ROUND(
                   COALESCE(lot.available, 0)::numeric, 2)::float8
              FROM line LEFT JOIN lot ON lot.id = line.id
             WHERE h.id = line.id
               AND h.available_issued_points IS DISTINCT FROM
                   ROUND(COALESCE(lot.available, 0)::numeric, 2)::float8
            """,
            cards=card_ids,
        )

    @api.model
    def _cron_expire_bonus_points(self):
        """Write an expiry line on every bonus card holding points past their
        expiration date. Running it twice the same day writes nothing more."""
        today = fields.Date.context_today(self)
        cards = self.browse(self._bonus_cards_with_expired_points(today))
        cards._bonus_lock()
        expired = self._bonus_expired_points(cards, today)
        description = self.env._("Points expired")
        self.env["loyalty.history"].create(
            [
                {
                    "card_id": card_id,
                    "bonus_move_type": "expiry",
                    "date": today,
                    "used": points,
                    "description": description,
                }
                for card_id, points in expired.items()
            ]
        )
        return len(expired)

    @api.model
    def _bonus_expired_points(self, cards, today):
        """Points to expire per card: those issued with an expiration date
        up to `today` that neither use nor an earlier expiry took yet."""
        if not cards:
            return {}
        self.env["loyalty.history"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT card_id, ROUND((
                       SUM(COALESCE(issued, 0)) FILTER (WHERE expiration_date <= %s)
                       - SUM(COALESCE(used, 0)))::numeric, 2)::float8
                  FROM loyalty_history WHERE card_id IN %s
                 GROUP BY card_id
                """,
                today,
                tuple(cards.ids),
            )
        )
        return {card_id: points for card_id, points in rows if points and points > 0}

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
