# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import BonusCommon, post_refund


@tagged("post_install", "-at_install")
class TestBonusIntegrity(BonusCommon):
    """The sequences that broke the ledger (issue #11), each on a fresh
    customer: 1 point per unit of untaxed amount, a product sold 100, a
    reward of 5 off for 100 points."""

    def _assert_ledger_holds(self, card):
        """The invariant, computed here from the ledger lines: the balance
        is their sum and not negative, and the points left in the lots add
        up to it, each lot carrying an expiration date."""
        ledger = self._ledger(card)
        balance = sum(ledger.mapped("issued")) - sum(ledger.mapped("used"))
        self.assertAlmostEqual(card.points, balance)
        self.assertGreaterEqual(balance, 0.0)
        lots = ledger.filtered("available_issued_points")
        self.assertAlmostEqual(sum(lots.mapped("available_issued_points")), balance)
        self.assertTrue(all(lots.mapped("expiration_date")), "every lot is dated")
        card._bonus_check_invariant()

    def _replace(self, card):
        wizard = Form(
            self.env["customer.rating.instrument.replace"].with_context(
                default_card_id=card.id
            )
        )
        action = wizard.save().action_replace()
        return self.env["loyalty.card"].browse(action["res_id"])

    def _reward_order(self, partner, card, price=5.0):
        """A confirmed order paying 100 points for 5 off: at price 5, it
        earns nothing itself."""
        order = self._quotation(partner, 1, price=price)
        self._claim(order, card)
        order.action_confirm()
        return order

    def test_1_expired_points_are_not_taken_back_again(self):
        with freeze_time("2025-01-10 10:00:00"):
            order = self._confirmed(self.buyer, 1)
        card = self._card()
        with freeze_time("2026-01-10 10:00:00"):
            self.env["loyalty.card"]._cron_expire_bonus_points()
            self.assertEqual(card.points, 0.0)
            order._action_cancel()
        self.assertEqual(card.points, 0.0, "expired points are not taken again")
        reversal = self._ledger(card)[-1]
        self.assertEqual(
            (reversal.issued, reversal.used, reversal.points_reversed), (0, 0, 100)
        )
        self.assertEqual(reversal.points_written_off, 0.0)
        self._assert_ledger_holds(card)

    def test_2_spent_points_are_written_off_with_a_warning(self):
        earning = self._confirmed(self.buyer, 1)
        card = self._card()
        self._reward_order(self.buyer, card)
        self.assertEqual(card.points, 0.0)
        earning._action_cancel()
        self.assertEqual(card.points, 0.0, "never below zero")
        reversal = self._ledger(card)[-1]
        self.assertEqual(reversal.points_written_off, 100.0)
        warnings = earning.message_ids.filtered(
            lambda m: "100.0 bonus points could not be taken back" in m.body
        )
        self.assertEqual(len(warnings), 1)
        self._assert_ledger_holds(card)

    def test_2b_take_back_own_lot_then_others_oldest_first(self):
        with freeze_time("2026-01-05 10:00:00"):
            older = self._confirmed(self.buyer, 2)
        with freeze_time("2026-02-05 10:00:00"):
            refunded = self._confirmed(self.buyer, 3)
        with freeze_time("2026-03-05 10:00:00"):
            newer = self._confirmed(self.buyer, 4)
            card = self._card()
            self._reward_order(self.buyer, card)
            self._reward_order(self.buyer, card)
            lots = {
                order: self._ledger(card).filtered(
                    lambda h, order=order: h.order_id == order.id
                )
                for order in (older, refunded, newer)
            }
            # 900 earned, 200 spent from the lots expiring first: 0 + 300 + 400
            self.assertEqual(lots[older].available_issued_points, 0.0)
            refunded._action_cancel()
        self.assertEqual(card.points, 400.0)
        self.assertEqual(lots[refunded].available_issued_points, 0.0)
        self.assertEqual(lots[newer].available_issued_points, 400.0)
        reversal = self._ledger(card)[-1]
        self.assertEqual((reversal.issued, reversal.used), (-300.0, 0.0))
        self.assertEqual(reversal.reversed_lot_id, lots[refunded])
        self._assert_ledger_holds(card)

    def test_3_replacement_never_moves_a_debt(self):
        earning = self._confirmed(self.buyer, 1)
        old = self._card()
        self._reward_order(self.buyer, old)
        earning._action_cancel()
        new = self._replace(old)
        self.assertFalse(self._ledger(new), "nothing to move")
        with freeze_time("2026-01-10 10:00:00"):
            self._confirmed(self.buyer, 1)
        self._assert_ledger_holds(new)
        self.assertEqual(new.points, 100.0)
        with freeze_time("2027-01-10 10:00:00"):
            self.env["loyalty.card"]._cron_expire_bonus_points()
        self.assertEqual(new.points, 0.0)
        self._assert_ledger_holds(new)

    def test_4_reward_on_a_confirmed_order_writes_a_new_line(self):
        self._confirmed(self.buyer, 3)
        card = self._card()
        order = self._confirmed(self.buyer, 1)
        earned = self._ledger(card).filtered(lambda h: h.order_id == order.id)
        self._claim(order, card)
        order._update_programs_and_rewards()
        self.assertEqual(earned.used, 0.0, "the earn line is not edited")
        redeem = self._ledger(card)[-1]
        self.assertEqual((redeem.bonus_move_type, redeem.used), ("redeem", 100.0))
        self.assertEqual(redeem.order_id, order.id)
        self.assertEqual(card.points, 300.0)
        self._assert_ledger_holds(card)
        with self.assertRaises(UserError):
            earned.used = 100.0

    def test_5_reward_after_a_replacement_is_paid(self):
        self._confirmed(self.buyer, 3)
        order = self._confirmed(self.buyer, 1)
        new = self._replace(self._card())
        self.assertEqual(new.points, 400.0)
        self._claim(order, new)
        self.assertEqual(new.points, 300.0)
        self._confirmed(self.buyer, 1)
        self.assertEqual(new.points, 400.0, "the reward was paid")
        self._assert_ledger_holds(new)

    def test_6_cancelling_a_reward_order_after_a_replacement(self):
        self._confirmed(self.buyer, 3)
        old = self._card()
        order = self._reward_order(self.buyer, old, price=100.0)
        self.assertEqual(old.points, 300.0 - 100.0 + 95.0)
        new = self._replace(old)
        old_ledger = self._ledger(old)
        order._action_cancel()
        self.assertEqual(self._ledger(old), old_ledger, "a blocked card is kept")
        self.assertEqual(old.points, 0.0)
        self.assertEqual(new.points, 300.0)
        self._assert_ledger_holds(new)

    def test_blocked_card_refuses_new_points(self):
        self._confirmed(self.buyer, 1)
        old = self._card()
        self._replace(old)
        with self.assertRaisesRegex(UserError, "blocked"):
            self.env["loyalty.history"].create(
                {"card_id": old.id, "issued": 10.0, "description": "Gift"}
            )

    def test_update_balance_wizard_writes_the_ledger(self):
        self._confirmed(self.buyer, 2)
        card = self._card()
        wizard = self.env["loyalty.card.update.balance"].create(
            {"card_id": card.id, "new_balance": 150.0, "description": "Fix"}
        )
        wizard.action_update_card_point()
        self.assertEqual(card.points, 150.0)
        self.assertEqual(self._ledger(card)[-1].used, 50.0)
        self._assert_ledger_holds(card)

    def test_refund_reset_to_draft_gives_back_only_what_was_taken(self):
        earning = self._confirmed(self.buyer, 2)
        card = self._card()
        self._reward_order(self.buyer, card)
        credit_note = post_refund(earning, 2)
        self.assertEqual(card.points, 0.0)
        self.assertEqual(self._ledger(card)[-1].points_written_off, 100.0)
        credit_note.button_draft()
        self.assertEqual(card.points, 100.0, "the 100 taken come back")
        self.assertEqual(self._ledger(card)[-1].points_written_off, -100.0)
        self._assert_ledger_holds(card)

    def test_invariant_refuses_a_negative_balance(self):
        self._confirmed(self.buyer, 1)
        with self.assertRaisesRegex(ValidationError, "would break"):
            self.env["loyalty.history"].create(
                {"card_id": self._card().id, "used": 150.0, "description": "Too much"}
            )
