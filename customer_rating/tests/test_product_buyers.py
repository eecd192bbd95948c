# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import TODAY, CustomerRatingCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestProductBuyers(CustomerRatingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tea = cls.env["product.category"].create({"name": "CR Tea"})
        cls.green = cls.env["product.category"].create(
            {"name": "CR Green", "parent_id": cls.tea.id}
        )
        cls.matcha = cls.env["product.product"].create(
            {
                "name": "CR Matcha",
                "categ_id": cls.green.id,
                "list_price": 30.0,
                "taxes_id": False,
            }
        )
        cls.order_carla.order_line = [
            Command.create({"product_id": cls.matcha.id, "product_uom_qty": 3})
        ]

    def _buyers(self, **values):
        wizard = self._run("buyers", **values)
        lines = self.env["customer.rating.buyer.line"].search(
            [("wizard_id", "=", wizard.id)]
        )
        return {(line.partner_id, line.product_id): line for line in lines}

    def _expected(self, product):
        """Quantity and amount per customer, from the period's confirmed lines."""
        expected = {}
        for line in self.period_orders.order_line.filtered(
            lambda sol: sol.product_id == product and sol.state == "sale"
        ):
            key = line.order_id.partner_id.commercial_partner_id
            quantity, amount = expected.get(key, (0.0, 0.0))
            expected[key] = (
                quantity + line.product_uom_qty,
                amount + line.price_subtotal / line.order_id.currency_rate,
            )
        return expected

    def test_buyers_of_a_product(self):
        lines = self._buyers(product_ids=[Command.set(self.product.ids)])
        expected = self._expected(self.product)
        self.assertEqual({partner for partner, _p in lines}, set(expected))
        for partner, (quantity, amount) in expected.items():
            line = lines[partner, self.product]
            self.assertEqual(line.quantity, quantity)
            self.assertAlmostEqual(line.amount, amount, places=2)
        self.assertEqual(lines[self.acme, self.product].order_count, 2)

    def test_buyers_of_a_category_include_subcategories(self):
        lines = self._buyers(categ_ids=[Command.set(self.tea.ids)])
        self.assertEqual(list(lines), [(self.carla, self.matcha)])
        self.assertEqual(lines[self.carla, self.matcha].quantity, 3)
        self.assertAlmostEqual(lines[self.carla, self.matcha].amount, 90.0, places=2)

    def test_branch_filter(self):
        lines = self._buyers(
            product_ids=[Command.set(self.product.ids)],
            company_ids=[Command.set(self.branch.ids)],
        )
        self.assertEqual({partner for partner, _p in lines}, {self.acme, self.carla})

    def test_reward_lines_are_not_products_bought(self):
        order = self._rewarded_order(self.emil, "2026-05-14 10:00", 5)
        rewards = order.order_line.filtered("reward_id")
        self.assertTrue(rewards)
        lines = self._buyers()
        bought = {
            (line.order_id.partner_id.commercial_partner_id, line.product_id)
            for line in (self.period_orders | order).order_line
            if line.state == "sale" and not line.reward_id and not line.display_type
        }
        self.assertEqual(set(lines), bought)
        self.assertNotIn((self.emil, rewards.product_id), set(lines))
        self.assertEqual(
            lines[self.emil, self.product].quantity,
            5
            + sum(
                self.period_orders.order_line.filtered(
                    lambda sol: sol.order_id.partner_id == self.emil
                    and sol.product_id == self.product
                    and sol.state == "sale"
                ).mapped("product_uom_qty")
            ),
        )
