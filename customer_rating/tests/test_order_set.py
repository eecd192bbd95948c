# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import TODAY, CustomerRatingCommon, xlsx_sheet


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestOrderSet(CustomerRatingCommon):
    """Every report reads the orders Sales shows the user: a salesperson
    with "Own Documents Only" sees their own orders, in every report and on
    the card, nobody else's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            "cr_order_set_salesman",
            groups="sales_team.group_sale_salesman",
            company_ids=[Command.set((cls.main | cls.branch).ids)],
            tz="UTC",
        )
        # her own orders: Bob (who also bought from others) and Carla
        cls.own_bob = cls._order(
            cls.bob, "2026-05-15 10:00", 2, cls.main, user=cls.salesman
        )
        cls.own_bob.order_line.discount = 10.0
        cls.own_carla = cls._order(
            cls.carla, "2026-06-01 16:00", 3, cls.branch, user=cls.salesman
        )
        cls.own_orders = cls.own_bob | cls.own_carla
        cls.own_customers = cls.bob | cls.carla

    def _as_salesman(self, report, **values):
        wizard = (
            self.env["customer.rating.wizard"]
            .with_user(self.salesman)
            .with_context(allowed_company_ids=(self.main | self.branch).ids)
            .create(
                {
                    "report": report,
                    "period": "custom",
                    "date_from": "2026-03-16",
                    "date_to": "2026-06-15",
                    "company_ids": [Command.set((self.main | self.branch).ids)],
                    "team_ids": [Command.set(self.team.ids)],
                    **values,
                }
            )
        )
        wizard.action_open()
        return wizard, wizard._report_lines()

    def _revenue(self, orders):
        return sum(order.amount_untaxed / order.currency_rate for order in orders)

    def test_sales_shows_her_own_orders_only(self):
        """The reference: what Sales shows her."""
        visible = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .search([("team_id", "=", self.team.id), ("state", "=", "sale")])
        )
        self.assertEqual(visible, self.own_orders)

    def test_rating(self):
        _wizard, lines = self._as_salesman("rating")
        self.assertEqual(lines.partner_id, self.own_customers)
        bob = lines.filtered(lambda line: line.partner_id == self.bob)
        self.assertAlmostEqual(bob.revenue, self._revenue(self.own_bob), places=2)
        self.assertEqual(bob.order_count, 1)
        self.assertAlmostEqual(
            sum(lines.mapped("net_revenue")), self._revenue(self.own_orders), places=2
        )

    def test_branch_and_team_cross_views(self):
        for report in ("branches", "teams"):
            with self.subTest(report=report):
                _wizard, lines = self._as_salesman(report)
                self.assertEqual(lines.partner_id, self.own_customers)
                self.assertAlmostEqual(
                    sum(lines.mapped("net_revenue")),
                    self._revenue(self.own_orders),
                    places=2,
                )
                self.assertEqual(sum(lines.mapped("order_count")), 2)

    def test_cross_views_excel_matrix(self):
        """Her Excel matrix (summed in SQL) holds her customers and her
        orders only: a row per customer, a column per branch or team."""
        columns = {
            "branches": lambda order: order.company_id.display_name,
            "teams": lambda order: order.team_id.display_name,
        }
        for report, column in columns.items():
            with self.subTest(report=report):
                wizard, _lines = self._as_salesman(report)
                rows = list(xlsx_sheet(wizard).iter_rows(min_row=3, values_only=True))
                header, body, total = rows[0], rows[1:-2], rows[-2]
                cells = {
                    (row[0], name): value
                    for row in body
                    for name, value in zip(header[1:-1], row[1:-1], strict=True)
                    if value is not None
                }
                expected = {
                    (order.partner_id.display_name, column(order)): self._revenue(order)
                    for order in self.own_orders
                }
                self.assertEqual(cells.keys(), expected.keys())
                for key, value in expected.items():
                    self.assertAlmostEqual(cells[key], value, places=2, msg=key)
                self.assertAlmostEqual(
                    total[-1], self._revenue(self.own_orders), places=2
                )

    def test_buyers(self):
        _wizard, lines = self._as_salesman("buyers")
        self.assertEqual(lines.partner_id, self.own_customers)
        self.assertEqual(sum(lines.mapped("quantity")), 5)

    def test_discounts(self):
        _wizard, lines = self._as_salesman("discounts")
        self.assertEqual(lines.partner_id, self.bob)
        manual = lines.filtered(lambda line: line.kind == "manual")
        self.assertAlmostEqual(manual.discount_amount, 2 * 100.0 * 0.10, places=2)

    def test_gaps(self):
        _wizard, lines = self._as_salesman(
            "gaps", categ_ids=[Command.set(self.product.categ_id.ids)]
        )
        # she sees her two customers, who both bought the category: no gap;
        # the others' customers are never candidates
        self.assertFalse(lines)
        _wizard, lines = self._as_salesman(
            "gaps",
            categ_ids=[Command.set(self.env.ref("product.product_category_all").ids)],
        )
        self.assertLessEqual(lines.partner_id, self.own_customers)

    def test_bonus_report(self):
        _wizard, lines = self._as_salesman("bonus")
        self.assertFalse(lines.partner_id & (self.acme | self.emil))
        bob = lines.filtered(lambda line: line.partner_id == self.bob)
        own_points = sum(
            self.env["loyalty.history"]
            .search(
                [
                    ("order_model", "=", "sale.order"),
                    ("order_id", "=", self.own_bob.id),
                    # other loyalty programs (Point of Sale demo data) too
                    ("card_id.program_id.is_customer_bonus", "=", True),
                ]
            )
            .mapped("issued")
        )
        self.assertTrue(own_points)
        self.assertAlmostEqual(sum(bob.mapped("issued")), own_points, places=2)

    def test_retention_reports(self):
        _wizard, lines = self._as_salesman("retention")
        # her customers' first orders she can see are in the period
        self.assertEqual(sum(lines.mapped("new")), 2)
        self.assertEqual(sum(lines.mapped("active_start")), 0)
        # a customer she sold to once, long ago, who now buys from a colleague:
        # lost for her (one day of orders: a 60-day rhythm, lost after 240
        # days, on 2026-05-30), active for the company
        gone = self.env["res.partner"].create({"name": "CR Gone For Her"})
        self._order(gone, "2025-10-01 10:00", 1, self.main, user=self.salesman)
        self._order(gone, "2026-06-01 10:00", 1, self.main)
        _wizard, lost = self._as_salesman("lost")
        self.assertEqual(lost.partner_id, gone)
        self.assertEqual(lost.lost_date, date(2026, 5, 30))
        self.assertEqual(lost.order_count, 1)
        self.assertFalse(
            self._run("lost").line_ids.filtered(lambda line: line.partner_id == gone)
        )
        rules = (
            self.env["customer.rating.rules"]
            .with_user(self.salesman)
            .with_context(allowed_company_ids=(self.main | self.branch).ids)
        )
        self.env.flush_all()
        rows = self.env.execute_query_dict(
            rules._retention_query(self.main | self.branch, self.main, TODAY, "UTC")
        )
        self.assertEqual(
            {row["partner_id"] for row in rows}, set((self.own_customers | gone).ids)
        )

    def test_visit_patterns(self):
        _wizard, lines = self._as_salesman("visits")
        self.assertEqual(sum(lines.mapped("order_count")), 2)
        self.assertAlmostEqual(
            sum(lines.mapped("revenue")), self._revenue(self.own_orders), places=2
        )

    def test_marketing(self):
        _wizard, lines = self._as_salesman("marketing")
        self.assertEqual(sum(lines.mapped("new_customers")), 2)
        self.assertAlmostEqual(
            sum(lines.mapped("revenue")), self._revenue(self.own_orders), places=2
        )

    def test_card(self):
        bob = self.bob.with_user(self.salesman).with_context(
            allowed_company_ids=(self.main | self.branch).ids
        )
        self.assertEqual(bob.customer_rating_order_count, 1)
        self.assertAlmostEqual(
            bob.customer_rating_revenue, self._revenue(self.own_bob), places=2
        )
        acme = self.acme.with_user(self.salesman).with_context(
            allowed_company_ids=(self.main | self.branch).ids
        )
        self.assertEqual(acme.customer_rating_order_count, 0)
        self.assertEqual(acme.customer_rating_return_count, 0)

    def test_a_branch_customer_stays_out_of_a_user_of_the_main_company(self):
        """A user allowed in the main company only never gets a line with a
        branch-only customer's figures."""
        main_user = new_test_user(
            self.env,
            "cr_order_set_main_only",
            groups="sales_team.group_sale_salesman_all_leads",
            company_ids=[Command.set(self.main.ids)],
            company_id=self.main.id,
            tz="UTC",
        )
        self.assertEqual(self._orders_of(self.carla).company_id, self.branch)
        wizard = (
            self.env["customer.rating.wizard"]
            .with_user(main_user)
            .with_context(allowed_company_ids=self.main.ids)
            .create(
                {
                    "report": "rating",
                    "period": "custom",
                    "date_from": "2026-03-16",
                    "date_to": "2026-06-15",
                    "team_ids": [Command.set(self.team.ids)],
                }
            )
        )
        wizard.action_open()
        lines = wizard._report_lines()
        self.assertTrue(lines)
        self.assertNotIn(self.carla, lines.partner_id)
        main_orders = self.env["sale.order"].search(
            [
                ("team_id", "=", self.team.id),
                ("state", "=", "sale"),
                ("company_id", "=", self.main.id),
                ("date_order", ">=", "2026-03-16"),
            ]
        )
        self.assertEqual(lines.partner_id, main_orders.partner_id.commercial_partner_id)
