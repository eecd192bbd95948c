# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.tests import tagged

from .common import TODAY, PosChannelCommon, at


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestPosBonus(PosChannelCommon):
    """Bonus points at the till through the ledger of sales orders."""

    def _till_confirms(self, order, card, won, spent):
        """What pos_loyalty's till sends after the order: the points it
        computed for the card, then its history lines."""
        order.confirm_coupon_programs(
            {
                card.id: {
                    "points": won - spent,
                    "program_id": self.program.id,
                    "coupon_id": card.id,
                    "partner_id": order.partner_id.id,
                    "line_codes": [],
                }
            }
        )
        order.add_loyalty_history_lines(
            [{"card_id": card.id, "won": won, "spent": spent}], []
        )

    def _assert_ledger_is_balance(self, card):
        ledger = self._ledger(card)
        self.assertAlmostEqual(
            card.points, sum(ledger.mapped("issued")) - sum(ledger.mapped("used"))
        )
        self.assertGreaterEqual(card.points, 0)

    def test_points_are_earned_once_at_the_till(self):
        order = self._sell(self.tina, "2026-05-01 10:00", 2)
        card = self._bonus_card(self.tina)
        self.assertEqual(len(card), 1)
        self.assertAlmostEqual(card.points, 200.0)
        # pos_loyalty's own accrual would add what the till computed: ignored
        self._till_confirms(order, card, won=200.0, spent=0.0)
        ledger = self._ledger(card)
        self.assertEqual(ledger.mapped("bonus_move_type"), ["earn"])
        self.assertEqual(ledger.order_model, "pos.order")
        self.assertEqual(ledger.order_id, order.id)
        self.assertAlmostEqual(card.points, 200.0)
        self._assert_ledger_is_balance(card)

    def test_a_contact_at_the_till_uses_its_company_card(self):
        order = self._sell(self.shop_buyer, "2026-05-01 10:00", 1)
        card = self._bonus_card(self.shop_co)
        self.assertAlmostEqual(card.points, 100.0)
        # the till offers the contact a new card (negative id): mapped
        coupon_data = {
            -1: {
                "points": 0,
                "program_id": self.program.id,
                "partner_id": self.shop_buyer.id,
                "line_codes": [],
            }
        }
        order.confirm_coupon_programs(coupon_data)
        cards = self.env["loyalty.card"].search(
            [
                ("program_id", "=", self.program.id),
                ("partner_id", "child_of", self.shop_co.id),
            ]
        )
        self.assertEqual(cards, card)

    def test_points_spent_at_the_till_and_refunded(self):
        self._sell(self.tina, "2026-05-01 10:00", 2)
        card = self._bonus_card(self.tina)
        reward_line = (
            self.reward.discount_line_product_id,
            1,
            {
                "price_unit": -5.0,
                "is_reward_line": True,
                "reward_id": self.reward.id,
                "coupon_id": card.id,
                "points_cost": 100.0,
            },
        )
        order = self._sell(self.tina, "2026-05-10 10:00", 1, [reward_line])
        self._till_confirms(order, card, won=0.0, spent=100.0)
        self._till_confirms(order, card, won=0.0, spent=100.0)  # sent again
        moves = self._ledger(card).filtered(lambda line: line.order_id == order.id)
        self.assertEqual(sorted(moves.mapped("bonus_move_type")), ["earn", "redeem"])
        self.assertAlmostEqual(sum(moves.mapped("issued")), 95.0)
        self.assertAlmostEqual(sum(moves.mapped("used")), 100.0)
        self.assertAlmostEqual(card.points, 200.0 + 95.0 - 100.0)
        # the whole order comes back: its points are taken back, the
        # points its reward cost are given back
        self.demo._demo_refund(order.lines, at("2026-05-12 10:00"))
        self.assertAlmostEqual(card.points, 200.0)
        self._assert_ledger_is_balance(card)

    def test_refund_at_the_till_takes_back_as_a_credit_note_does(self):
        order = self._sell(self.tina, "2026-05-01 10:00", 4)
        card = self._bonus_card(self.tina)
        self.demo._demo_refund(order.lines, at("2026-05-02 10:00"), qty=1)
        self.assertAlmostEqual(card.points, 300.0)
        reversal = self._ledger(card).filtered(
            lambda line: line.bonus_move_type == "reversal"
        )
        self.assertAlmostEqual(reversal.points_reversed, 100.0)
        # points already spent elsewhere are written off, never negative
        self.env["loyalty.card.update.balance"].create(
            {"card_id": card.id, "new_balance": 0.0, "description": "spent"}
        ).action_update_card_point()
        self.demo._demo_refund(order.lines, at("2026-05-03 10:00"), qty=3)
        self.assertAlmostEqual(card.points, 0.0)
        self.assertAlmostEqual(
            sum(self._ledger(card).mapped("points_written_off")), 300.0
        )
        self._assert_ledger_is_balance(card)

    def test_mixed_channels_keep_the_ledger(self):
        self._sale_order(self.mixa, "2026-04-02 09:00", 3)
        self._sell(self.mixa, "2026-04-20 12:00", 2)
        card = self._bonus_card(self.mixa)
        self.assertAlmostEqual(card.points, 500.0)
        self.assertEqual(
            sorted(self._ledger(card).mapped("order_model")),
            ["pos.order", "sale.order"],
        )
        self._assert_ledger_is_balance(card)

    def test_first_counter_purchase_credits_the_referrer(self):
        self.tina.customer_rating_referred_by_id = self.mixa
        self._sell(self.tina, "2026-05-01 10:00", 1)
        self._sell(self.tina, "2026-05-02 10:00", 1)
        referrals = self.env["loyalty.history"].search(
            [
                ("bonus_move_type", "=", "referral"),
                ("referral_partner_id", "=", self.tina.id),
            ]
        )
        self.assertEqual(len(referrals), 1)
        self.assertEqual(referrals.card_id.partner_id, self.mixa)
