# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import PosChannelCommon

# 2026-06-16 is a Tuesday, 2026-06-17 a Wednesday.
TUESDAY = "2026-06-16 10:00:00"
WEDNESDAY = "2026-06-17 10:00:00"


@tagged("post_install", "-at_install")
class TestPosOffers(PosChannelCommon):
    """Win-back coupons at the till: valid on Tuesdays only, the code of a
    company's coupon works for its contacts, and the counter orders that
    used them count in the offer's results."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "UTC"
        template = cls.env["loyalty.program"].create(
            {
                "name": "CR Till 10% Coupon",
                "program_type": "coupons",
                "company_id": cls.company.id,
                "communication_plan_ids": [Command.clear()],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount": 10,
                            "discount_applicability": "order",
                            "required_points": 1,
                        }
                    )
                ],
            }
        )
        cls.offer = cls.env["customer.rating.offer"].create(
            {
                "name": "CR Till Tuesdays",
                "template_program_id": template.id,
                "weekday_ids": [
                    Command.set(
                        cls.env.ref("customer_rating.customer_rating_weekday_2").ids
                    )
                ],
            }
        )
        cls.offer._generate_coupons(cls.tina | cls.shop_buyer)
        cls.tina_coupon = cls._coupon(cls.tina)
        cls.shop_coupon = cls._coupon(cls.shop_co)

    @classmethod
    def _coupon(cls, partner):
        return cls.offer.coupon_ids.filtered(lambda card: card.partner_id == partner)

    def _use_code(self, coupon, partner):
        return self.config.use_coupon_code(
            coupon.code,
            "2026-06-16 10:00:00",
            partner.id,
            self.config.pricelist_id.id,
        )

    def test_the_program_is_offered_at_the_till(self):
        self.assertTrue(self.offer.program_id.pos_ok)
        self.assertIn(self.offer.program_id, self.config._get_program_ids())

    def test_weekday_enforced_on_the_code(self):
        with freeze_time(WEDNESDAY):
            result = self._use_code(self.tina_coupon, self.tina)
        self.assertFalse(result["successful"])
        self.assertIn("Tuesday", result["payload"]["error_message"])
        with freeze_time(TUESDAY):
            result = self._use_code(self.tina_coupon, self.tina)
        self.assertTrue(result["successful"])
        self.assertEqual(result["payload"]["coupon_id"], self.tina_coupon.id)

    def test_a_contact_uses_its_company_coupon(self):
        with freeze_time(TUESDAY):
            result = self._use_code(self.shop_coupon, self.shop_buyer)
            self.assertTrue(result["successful"])
            self.assertEqual(result["payload"]["coupon_id"], self.shop_coupon.id)
            # not someone else's
            result = self._use_code(self.shop_coupon, self.tina)
        self.assertFalse(result["successful"])

    def test_weekday_enforced_at_payment(self):
        spend = {str(self.tina_coupon.id): -1.0}
        with freeze_time(WEDNESDAY):
            result = self.env["pos.order"].validate_coupon_programs(spend, [])
        self.assertFalse(result["successful"])
        self.assertIn("Tuesday", result["payload"]["message"])
        with freeze_time(TUESDAY):
            result = self.env["pos.order"].validate_coupon_programs(spend, [])
        self.assertTrue(result["successful"])

    def test_counter_orders_count_in_the_results(self):
        reward = self.offer.program_id.reward_ids
        reward_line = (
            reward.discount_line_product_id,
            1,
            {
                "price_unit": -20.0,
                "is_reward_line": True,
                "reward_id": reward.id,
                "coupon_id": self.tina_coupon.id,
                "points_cost": 1.0,
            },
        )
        # 2 widgets at 100 and the 10% off: 180 untaxed
        self._sell(self.tina, "2026-06-16 10:00", 2, [reward_line])
        self._sell(self.tina, "2026-06-17 10:00", 1)
        offer = self.offer.with_context(allowed_company_ids=self.company.ids)
        self.assertEqual(offer.used_count, 1)
        self.assertEqual(offer.customer_back_count, 1)
        self.assertEqual(offer.order_count, 1)
        self.assertAlmostEqual(offer.revenue, 180.0)
        # a user without Point of Sale access counts no counter sale
        clerk = new_test_user(
            self.env,
            "cr_offer_clerk",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        self.assertEqual(offer.with_user(clerk).used_count, 0)
        self.assertAlmostEqual(offer.with_user(clerk).revenue, 0.0)
