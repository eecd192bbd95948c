# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import TODAY, CustomerRatingCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDiscounts(CustomerRatingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wholesale = cls.env["product.pricelist"].create(
            {
                "name": "CR Wholesale",
                "company_id": False,
                "item_ids": [
                    Command.create({"compute_price": "percentage", "percent_price": 10})
                ],
            }
        )
        cls.order_wholesale = cls._order(
            cls.bob, "2026-05-12 10:00", 4, cls.main, cls.wholesale
        )
        cls.order_manual = cls._order(cls.carla, "2026-05-13 10:00", 2, cls.main)
        cls.order_manual.order_line.discount = 5.0
        cls.order_reward = cls._rewarded_order(cls.emil, "2026-05-14 10:00", 5)

    def _discounts(self):
        wizard = self._run("discounts")
        lines = self.env["customer.rating.discount.line"].search(
            [("wizard_id", "=", wizard.id)]
        )
        return {(line.partner_id, line.kind): line.discount_amount for line in lines}

    def test_kinds_and_amounts(self):
        """Sales setting "Discounts" off (Odoo's default): the price list's
        10% is already off the unit price (90 for a product at 100)."""
        discounts = self._discounts()
        self.assertEqual(self.order_wholesale.order_line.price_unit, 90.0)
        reward_lines = self.order_reward.order_line.filtered("reward_id")
        self.assertTrue(reward_lines)
        expected = {
            (self.bob, "pricelist"): 4 * 100.0 * 0.10,
            (self.carla, "manual"): 2 * 100.0 * 0.05,
            (self.emil, "loyalty"): 5 * 100.0 * 0.20,
        }
        self.assertEqual(set(discounts), set(expected))
        for key, amount in expected.items():
            self.assertAlmostEqual(discounts[key], amount, places=2, msg=key)
        self.assertAlmostEqual(
            discounts[self.emil, "loyalty"],
            -sum(reward_lines.mapped("price_subtotal")),
            places=2,
        )

    def test_price_list_discount_shown_on_the_line(self):
        """Setting "Discounts" on: the line shows 10% on a unit price of 100,
        and a salesperson's extra 5% is a manual discount."""
        self.env.user.groups_id |= self.env.ref("sale.group_discount_per_so_line")
        order = self._order(self.dora, "2026-05-15 10:00", 3, self.main, self.wholesale)
        self.assertEqual(
            (order.order_line.price_unit, order.order_line.discount), (100.0, 10.0)
        )
        order.order_line.discount = 15.0
        discounts = self._discounts()
        self.assertAlmostEqual(
            discounts[self.dora, "pricelist"], 3 * 100.0 * 0.10, places=2
        )
        self.assertAlmostEqual(
            discounts[self.dora, "manual"], 3 * 100.0 * 0.05, places=2
        )

    def test_the_most_specific_rule_gives_the_discount(self):
        """A 25% rule on the product beats the price list's 10% on all
        products, as Odoo priced the line (75 for a product at 100)."""
        self.wholesale.item_ids = [
            Command.create(
                {
                    "applied_on": "0_product_variant",
                    "product_id": self.product.id,
                    "compute_price": "percentage",
                    "percent_price": 25,
                }
            )
        ]
        order = self._order(self.dora, "2026-05-15 10:00", 2, self.main, self.wholesale)
        self.assertEqual(order.order_line.price_unit, 75.0)
        discounts = self._discounts()
        self.assertAlmostEqual(
            discounts[self.dora, "pricelist"], 2 * 100.0 * 0.25, places=2
        )

    def test_salesperson_sees_only_discounts_of_own_orders(self):
        """A salesperson with "Own Documents Only" gets the discounts of the
        orders Sales lets them read, and no others."""
        salesman = new_test_user(
            self.env,
            "cr_discount_salesman",
            groups="sales_team.group_sale_salesman",
            company_ids=[Command.set((self.main | self.branch).ids)],
        )
        self.order_manual.user_id = salesman
        readable = self.env["sale.order"].with_user(salesman).search([])
        discounted = self.order_wholesale | self.order_manual | self.order_reward
        self.assertEqual(readable & discounted, self.order_manual)
        wizard = (
            self.env["customer.rating.wizard"]
            .with_user(salesman)
            .with_context(allowed_company_ids=(self.main | self.branch).ids)
            .create(
                {
                    "report": "discounts",
                    "period": "custom",
                    "date_from": "2026-03-16",
                    "date_to": "2026-06-15",
                }
            )
        )
        wizard.action_open()
        lines = wizard._report_lines()
        self.assertEqual(
            {(line.partner_id, line.kind): line.discount_amount for line in lines},
            {(self.carla, "manual"): 2 * 100.0 * 0.05},
        )
