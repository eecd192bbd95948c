# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import TODAY, PosChannelCommon, at


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestPosOrderSet(PosChannelCommon):
    """Counter sales in the figures, computed here from the orders."""

    def test_counter_only_customer_is_rated_with_a_rhythm(self):
        sales = [
            ("2026-05-01 10:00", 2),
            ("2026-05-15 11:00", 1),
            ("2026-05-29 17:00", 3),
        ]
        orders = [self._sell(self.tina, day, qty) for day, qty in sales]
        line = self._rating_lines()[self.tina]
        self.assertAlmostEqual(line.revenue, 600.0)
        self.assertAlmostEqual(line.profit, 6 * (100.0 - 60.0))
        self.assertEqual(line.order_count, 3)
        self.assertAlmostEqual(line.average_ticket, 200.0)
        tina = self.tina
        self.assertEqual(tina.customer_rating_order_count, 3)
        self.assertAlmostEqual(tina.customer_rating_revenue, 600.0)
        self.assertEqual(tina.customer_rating_last_purchase, orders[-1].date_order)
        self.assertEqual(tina.customer_rating_rhythm, 14)
        self.assertEqual(
            tina.customer_rating_next_purchase,
            orders[-1].date_order.date() + timedelta(days=14),
        )
        self.assertEqual(tina.customer_rating_weekday, "5")  # Fridays

    def test_both_channels_are_summed_once(self):
        self._sale_order(self.mixa, "2026-04-02 09:00", 3)
        self._sell(self.mixa, "2026-04-20 12:00", 2)
        line = self._rating_lines()[self.mixa]
        self.assertAlmostEqual(line.revenue, 500.0)
        self.assertAlmostEqual(line.profit, 5 * 40.0)
        self.assertEqual(line.order_count, 2)
        self.assertEqual(self.mixa.customer_rating_order_count, 2)

    def test_counter_refund_is_a_return(self):
        order = self._sell(self.tina, "2026-05-01 10:00", 3)
        refund = self.demo._demo_refund(order.lines, at("2026-05-03 10:00"), qty=1)
        self.assertEqual(refund.lines.refunded_orderline_id, order.lines)
        line = self._rating_lines()[self.tina]
        self.assertAlmostEqual(line.revenue, 300.0)
        self.assertAlmostEqual(line.returns, 100.0)
        self.assertAlmostEqual(line.net_revenue, 200.0)
        self.assertAlmostEqual(line.profit, 3 * 40.0 - 40.0)
        self.assertEqual(line.order_count, 1)
        self.assertEqual(self.tina.customer_rating_return_count, 1)
        self.assertAlmostEqual(self.tina.customer_rating_return_amount, 100.0)

    def test_anonymous_and_draft_counter_orders_do_not_count(self):
        self._sell(self.env["res.partner"], "2026-05-01 10:00", 7)
        line = self._rating_lines().get(self.tina)
        self.assertFalse(line)
        self.assertFalse(
            any(partner == self.env["res.partner"] for partner in self._rating_lines())
        )

    def test_salesperson_sees_what_the_point_of_sale_shows_them(self):
        self._sell(self.tina, "2026-05-01 10:00", 2)
        self._sale_order(self.mixa, "2026-04-02 09:00", 1)
        seller = new_test_user(
            self.env,
            "cr_pos_seller",
            groups="sales_team.group_sale_salesman,"
            "customer_rating.customer_rating_group_user",
            company_ids=[self.company.id],
        )
        # Own Documents Only, no Point of Sale access: no counter sale at all
        self.assertNotIn(self.tina, self._rating_lines(seller))
        self.assertFalse(self.tina.with_user(seller).customer_rating_order_count)
        # a cashier reads every order of the shop, as the Point of Sale shows
        seller.groups_id |= self.env.ref("point_of_sale.group_pos_user")
        shown = (
            self.env["pos.order"]
            .with_user(seller)
            .search([("partner_id", "=", self.tina.id), ("state", "=", "paid")])
        )
        line = self._rating_lines(seller)[self.tina]
        self.assertEqual(line.order_count, len(shown))
        self.assertAlmostEqual(line.revenue, sum(shown.mapped("amount_total")))
        # Own Documents Only still hides another salesperson's sales order
        self.assertNotIn(self.mixa, self._rating_lines(seller))

    def test_cashier_is_the_salesperson_of_the_visit(self):
        order = self._sell(self.tina, "2026-05-01 10:00", 1)
        cashier = self.session.user_id
        self.assertEqual(order.user_id, cashier)
        self.assertEqual(self.tina.customer_rating_user_id, cashier)
        self._sale_order(self.tina, "2026-05-02 10:00", 1).user_id = self.env.ref(
            "base.user_demo"
        )
        self._sell(self.tina, "2026-05-03 10:00", 1)
        self.assertEqual(self.tina.customer_rating_user_id, cashier)
