# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import BonusCommon


@tagged("post_install", "-at_install")
class TestBonusExpiry(BonusCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.bonus_points_rate = 0.0
        cls._confirmed(cls.buyer, 1)
        cls.card = cls.env["loyalty.card"].search(
            [("program_id", "=", cls.program.id), ("partner_id", "=", cls.customer.id)]
        )
        history = cls.env["loyalty.history"]
        cls.lot_january = history.create(
            {
                "card_id": cls.card.id,
                "issued": 1000.0,
                "date": "2025-01-10",
                "description": "January",
            }
        )
        history.create(
            {
                "card_id": cls.card.id,
                "used": 300.0,
                "date": "2025-03-01",
                "description": "Gift",
            }
        )
        cls.lot_june = history.create(
            {
                "card_id": cls.card.id,
                "issued": 500.0,
                "date": "2025-06-10",
                "description": "June",
            }
        )

    def _expire(self, day):
        with freeze_time(day):
            return self.env["loyalty.card"]._cron_expire_bonus_points()

    def _expired(self):
        return self._ledger(self.card).filtered(lambda h: h.bonus_move_type == "expiry")

    def test_points_carry_their_expiry_and_the_oldest_are_used_first(self):
        self.assertEqual(self.lot_january.expiration_date, date(2026, 1, 10))
        self.assertEqual(self.lot_june.expiration_date, date(2026, 6, 10))
        self.assertEqual(self.lot_january.available_issued_points, 700.0)
        self.assertEqual(self.lot_june.available_issued_points, 500.0)
        self.assertEqual(self.card.points, 1200.0)

    def test_nothing_expires_on_the_expiration_eve(self):
        self._expire("2026-01-09")
        self.assertFalse(self._expired())

    def test_expiry_oldest_first_and_once(self):
        self._expire("2026-01-10")
        self.assertEqual(self._expired().used, 700.0, "1000 earned - 300 used")
        self.assertEqual(self._expired().expired_lot_id, self.lot_january)
        self.assertEqual(self._expired().date, date(2026, 1, 10))
        self.assertEqual(self.card.points, 500.0)
        self.assertEqual(self.lot_january.available_issued_points, 0.0)
        self.assertEqual(self.lot_june.available_issued_points, 500.0)
        self._expire("2026-01-10")
        self._expire("2026-03-01")
        self.assertEqual(len(self._expired()), 1, "a second run writes nothing")
        self._expire("2026-06-10")
        self.assertEqual(self._expired().mapped("used"), [700.0, 500.0])
        self.assertEqual(self.card.points, 0.0)
        self._assert_balance_is_ledger(self.card)

    def test_points_used_after_an_expiry_take_the_next_lot(self):
        self._expire("2026-01-10")
        self.env["loyalty.history"].create(
            {
                "card_id": self.card.id,
                "used": 200.0,
                "date": "2026-02-01",
                "description": "Gift",
            }
        )
        self.assertEqual(self.lot_june.available_issued_points, 300.0)
        self._expire("2026-06-10")
        self.assertEqual(self._expired()[-1].used, 300.0)
        self.assertEqual(self.card.points, 0.0)

    def test_earned_points_expire_a_year_after_the_order(self):
        self.program.bonus_points_rate = 1.0
        with freeze_time("2026-03-05 10:00:00"):
            self._confirmed(self.buyer, 2)
        earned = self._ledger(self.card).filtered(lambda h: h.bonus_move_type == "earn")
        self.assertEqual(earned.date, date(2026, 3, 5))
        self.assertEqual(earned.expiration_date, date(2027, 3, 5))
        self.assertEqual(earned.issued, 200.0)

    def test_no_expiry_when_the_program_keeps_points(self):
        self.program.bonus_expiry_months = 0
        line = self.env["loyalty.history"].create(
            {"card_id": self.card.id, "issued": 10.0, "description": "Kept"}
        )
        self.assertFalse(line.expiration_date)
        self._expire("2030-01-01")
        self.assertEqual(self.card.points, 10.0, "only the dated lots expired")
