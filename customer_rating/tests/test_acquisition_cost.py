# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import TODAY, RetentionCommon, xlsx_sheet

DATE_FROM = date(2026, 5, 1)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestAcquisitionCost(RetentionCommon):
    """New customers of May and June 2026 by source (Ivy and Jon from the
    flyer in May, Kim from the radio in June) against what the sources cost:
    the flyer's May spend is paid back in June, the radio's is not, and the
    flyer's June spend won nobody."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.standard_price = 60.0
        cls.flyer, cls.radio = cls.env["utm.source"].create(
            [{"name": "CR Cost Flyer"}, {"name": "CR Cost Radio"}]
        )
        partner = cls.env["res.partner"]
        cls.ivy = partner.create({"name": "CR Ivy", "utm_source_id": cls.flyer.id})
        cls.jon = partner.create({"name": "CR Jon", "utm_source_id": cls.flyer.id})
        cls.kim = partner.create({"name": "CR Kim", "utm_source_id": cls.radio.id})
        cls.customers |= cls.ivy | cls.jon | cls.kim
        cls._order(cls.ivy, "2026-05-03 10:00", 2, cls.main)
        cls._order(cls.ivy, "2026-06-02 10:00", 1, cls.branch)
        cls._order(cls.jon, "2026-05-20 10:00", 1, cls.main)
        cls._order(cls.kim, "2026-06-05 10:00", 3, cls.main)
        cls.spend = cls.env["customer.rating.acquisition.spend"].create(
            [
                {"source_id": cls.flyer.id, "month": "2026-05-17", "amount": 150.0},
                {"source_id": cls.flyer.id, "month": "2026-06-01", "amount": 30.0},
                {"source_id": cls.radio.id, "month": "2026-06-01", "amount": 1000.0},
                {"source_id": cls.radio.id, "month": "2026-04-01", "amount": 99.0},
            ]
        )

    def _run(self, **values):
        return self._run_period(DATE_FROM, "marketing", **values)

    def _expected(self):
        """Per (source, cohort month): new customers, spend, profit to date
        and payback, from the orders and the spend records."""
        cohorts = defaultdict(lambda: {"customers": 0, "months": defaultdict(float)})
        for customer in self.customers.filtered("active"):
            orders = self._counted_orders(customer)
            if not orders or orders[0].date_order.date() < DATE_FROM:
                continue
            cohort = orders[0].date_order.date().replace(day=1)
            figures = cohorts[customer.utm_source_id, cohort]
            figures["customers"] += 1
            for order in orders:
                month = order.date_order.date().replace(day=1)
                figures["months"][month] += order.margin
        spend = {
            (s.source_id, s.month): s.amount
            for s in self.spend
            if s.month >= DATE_FROM.replace(day=1)
        }
        expected = {}
        for key in set(cohorts) | set(spend):
            figures = cohorts.get(key, {"customers": 0, "months": {}})
            amount = spend.get(key, 0.0)
            payback, cumulative = None, 0.0
            for month in sorted(figures["months"]):
                cumulative += figures["months"][month]
                if amount and payback is None and cumulative >= amount:
                    months = (month.year - key[1].year) * 12 + month.month
                    payback = months - key[1].month + 1
            expected[key] = {
                "customers": figures["customers"],
                "spend": amount,
                "profit_to_date": sum(figures["months"].values()),
                "payback": payback,
            }
        return expected

    def test_spend_month_is_its_first_day(self):
        self.assertEqual(self.spend[0].month, date(2026, 5, 1))

    def test_cost_per_source_and_payback(self):
        expected = self._expected()
        lines = self._run()._report_lines()
        got = defaultdict(lambda: defaultdict(float))
        for line in lines:
            key = (line.source_id, line.cohort)
            got[key]["customers"] += line.new_customers
            got[key]["spend"] += line.spend
            got[key]["profit_to_date"] += line.profit_to_date
            got[key]["payback"] = line.payback_months or None
            if line.new_customers:
                self.assertAlmostEqual(
                    line.cost_per_customer,
                    expected[key]["spend"] / expected[key]["customers"]
                    if expected[key]["spend"]
                    else 0.0,
                    places=2,
                )
        self.assertEqual(set(got), set(expected))
        for key, figures in expected.items():
            with self.subTest(source=key[0].name, cohort=key[1]):
                self.assertEqual(got[key]["customers"], figures["customers"])
                self.assertAlmostEqual(got[key]["spend"], figures["spend"], places=2)
                self.assertAlmostEqual(
                    got[key]["profit_to_date"], figures["profit_to_date"], places=2
                )
                self.assertEqual(got[key]["payback"], figures["payback"])
        # the story of the class: paid back in the second month, never, nobody
        self.assertEqual(expected[self.flyer, date(2026, 5, 1)]["payback"], 2)
        self.assertIsNone(expected[self.radio, date(2026, 6, 1)]["payback"])
        self.assertEqual(expected[self.flyer, date(2026, 6, 1)]["customers"], 0)

    def test_excel_has_the_cost_columns(self):
        wizard = self._run()
        rows = list(xlsx_sheet(wizard).iter_rows(min_row=3, values_only=True))
        header = rows[0]
        spend_col = header.index("Spend")
        self.assertIn("Payback (Months)", header)
        self.assertAlmostEqual(rows[-1][spend_col], 150.0 + 30.0 + 1000.0, places=2)

    def test_only_managers_enter_spend(self):
        spend = self.spend[0].with_user(self.salesman)
        self.assertEqual(spend.amount, 150.0)
        with self.assertRaises(AccessError):
            spend.amount = 1.0
        self.spend[0].with_user(self.leader).amount = 160.0

    def test_views_render(self):
        for model, modes in (
            ("customer.rating.acquisition.spend", ("list", "search")),
            ("customer.rating.marketing.line", ("list", "pivot", "graph")),
            ("customer.rating.staff.line", ("list", "pivot", "graph", "search")),
            ("res.partner", ("form",)),
        ):
            with self.subTest(model=model):
                views = self.env[model].get_views([(False, mode) for mode in modes])
                self.assertEqual(set(views["views"]), set(modes))
