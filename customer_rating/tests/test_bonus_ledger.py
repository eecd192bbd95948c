# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import BonusCommon, post_refund


@tagged("post_install", "-at_install")
class TestBonusLedger(BonusCommon):
    def test_first_confirmed_order_gives_one_card_per_customer(self):
        quotation = self._quotation(self.buyer, 3)
        self.assertFalse(self._card(), "a quotation gives no card")
        quotation.action_confirm()
        self._confirmed(self.other_buyer, 2)
        card = self._card()
        self.assertEqual(len(card), 1, "the customer's contacts share one card")
        ledger = self._ledger(card)
        self.assertEqual(ledger.mapped("bonus_move_type"), ["earn", "earn"])
        self.assertEqual(ledger.mapped("issued"), [300.0, 200.0])
        self.assertEqual(card.points, 500.0)
        self._assert_balance_is_ledger(card)
        first = ledger[0]
        self.assertEqual(first.date, quotation.date_order.date())
        self.assertEqual(
            (first.expiration_date.year - first.date.year) * 12
            + first.expiration_date.month
            - first.date.month,
            12,
        )
        self.assertEqual(ledger.mapped("available_issued_points"), [300.0, 200.0])

    def test_confirming_twice_does_not_count_twice(self):
        order = self._confirmed(self.buyer, 4)
        with self.assertRaises(UserError):
            order.action_confirm()
        order._bonus_accrue()
        card = self._card()
        self.assertEqual(len(self._ledger(card)), 1)
        self.assertEqual(card.points, 400.0)

    def test_confirm_cancel_confirm(self):
        order = self._confirmed(self.buyer, 4)
        card = self._card()
        order._action_cancel()
        ledger = self._ledger(card)
        self.assertEqual(ledger.mapped("bonus_move_type"), ["earn", "reversal"])
        self.assertEqual(ledger.mapped("issued"), [400.0, -400.0])
        self.assertEqual(card.points, 0.0)
        order.action_draft()
        order.order_line.product_uom_qty = 6
        order.action_confirm()
        ledger = self._ledger(card)
        self.assertEqual(ledger.mapped("issued"), [400.0, -400.0, 600.0])
        self.assertEqual(card.points, 600.0)
        self._assert_balance_is_ledger(card)

    def test_redemption_and_its_cancellation(self):
        self._confirmed(self.buyer, 10)
        card = self._card()
        order = self._quotation(self.other_buyer, 2)
        order._update_programs_and_rewards()
        self.assertIn(card, order.applied_coupon_ids, "a contact sees the card")
        self._claim(order, card)
        order.action_confirm()
        # 1000 earned, 100 paid for 5 off, and 200 - 5 earned on this order
        redeem = self._ledger(card).filtered(lambda h: h.bonus_move_type == "redeem")
        self.assertEqual(redeem.used, 100.0)
        self.assertEqual(card.points, 1000.0 - 100.0 + 195.0)
        self._assert_balance_is_ledger(card)
        lines_before = len(self._ledger(card))
        order._action_cancel()
        ledger = self._ledger(card)
        self.assertEqual(len(ledger), lines_before + 2, "nothing deleted")
        given_back, taken_back = ledger[-2:]
        self.assertEqual((given_back.reversal_of, given_back.issued), ("redeem", 100.0))
        self.assertTrue(given_back.expiration_date, "given back as a dated lot")
        self.assertEqual((taken_back.reversal_of, taken_back.issued), ("earn", -195.0))
        self.assertEqual(taken_back.points_reversed, 195.0)
        self.assertEqual(card.points, 1000.0)
        self._assert_balance_is_ledger(card)

    def test_redeeming_more_than_the_balance_is_refused(self):
        self.program.bonus_points_rate = 0.0
        self._confirmed(self.buyer, 1)
        card = self._card()
        self.env["loyalty.history"].create(
            {"card_id": card.id, "issued": 150.0, "description": "Welcome"}
        )
        first, second = self._quotation(self.buyer, 1), self._quotation(self.buyer, 1)
        self._claim(first, card)
        self._claim(second, card)
        first.action_confirm()
        self.assertEqual(card.points, 50.0)
        with self.assertRaisesRegex(UserError, "holds 50.0 points .* redeems 100.0"):
            second.action_confirm()
        self.assertEqual(second.state, "draft")

    def test_partial_refund_reverses_its_share(self):
        order = self._confirmed(self.buyer, 10)
        card = self._card()
        credit_note = post_refund(order, 3)
        ledger = self._ledger(card)
        self.assertEqual(ledger[-1].bonus_move_type, "reversal")
        self.assertEqual(ledger[-1].issued, -300.0)
        self.assertEqual(ledger[-1].expiration_date, ledger[0].expiration_date)
        self.assertEqual(card.points, 700.0)
        credit_note.button_draft()
        self.assertEqual(card.points, 1000.0, "a credit note reset to draft")
        credit_note.action_post()
        self.assertEqual(card.points, 700.0)
        self.assertEqual(len(self._ledger(card)), 4)
        self._assert_balance_is_ledger(card)

    def test_ledger_lines_are_not_deleted(self):
        self._confirmed(self.buyer, 1)
        with self.assertRaises(UserError):
            self._ledger(self._card()).unlink()

    def test_running_balance(self):
        self._confirmed(self.buyer, 1)
        self._confirmed(self.buyer, 2)
        order = self._confirmed(self.buyer, 3)
        order._action_cancel()
        ledger = self._ledger(self._card())
        self.assertEqual(ledger.mapped("running_balance"), [100.0, 300.0, 600.0, 300.0])
