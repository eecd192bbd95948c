# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import TODAY, CustomerRatingCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCrossSellGaps(CustomerRatingCommon):
    """Private customers of the period: Bob, Carla, Dora, Emil; Carla, Dora
    and Emil also buy tea: 3 of 4, so tea is a gap for Bob. Acme is the only
    business customer: nothing it misses is usual in its segment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tea = cls.env["product.category"].create({"name": "CR Tea"})
        cls.green_tea = cls.env["product.product"].create(
            {"name": "CR Green Tea", "categ_id": cls.tea.id, "list_price": 8.0}
        )
        for order in (cls.order_carla, cls.order_dora, cls.order_emil):
            order.order_line = [Command.create({"product_id": cls.green_tea.id})]

    def _gaps(self, **values):
        wizard = self._run("gaps", **values)
        lines = self.env["customer.rating.gap.line"].search(
            [("wizard_id", "=", wizard.id)]
        )
        return {(line.partner_id, line.categ_id): line for line in lines}

    def _private_customers(self):
        customers = self.period_orders.filtered(lambda o: o.state == "sale").partner_id
        return customers.commercial_partner_id.filtered(lambda p: not p.is_company)

    def test_usual_categories_never_bought(self):
        gaps = self._gaps()
        private = self._private_customers()
        tea_buyers = private.filtered(
            lambda p: self.green_tea in self._orders_of(p).order_line.product_id
        )
        share = 100.0 * len(tea_buyers) / len(private)
        self.assertEqual(share, 75.0)
        self.assertEqual(list(gaps), [(self.bob, self.tea)])
        self.assertAlmostEqual(gaps[self.bob, self.tea].segment_share, share, places=1)
        self.assertEqual(gaps[self.bob, self.tea].segment_customers, len(private))

    def test_threshold(self):
        self.assertFalse(self._gaps(gap_threshold=80.0))

    def test_customers_who_never_buy_a_category(self):
        gaps = self._gaps(categ_ids=[Command.set(self.tea.ids)])
        self.assertEqual(set(gaps), {(self.bob, self.tea), (self.acme, self.tea)})
        self.assertEqual(gaps[self.acme, self.tea].segment_share, 0.0)
