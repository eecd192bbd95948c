# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import TODAY, RetentionCommon, post_refund

DATE_FROM = date(2026, 4, 1)
WEIGHTS = {"profit": 40, "frequency": 25, "tenure": 20, "referrals": 15}
RETURNS_WEIGHT = 10


def percent_rank(value, values):
    """PostgreSQL's percent_rank: customers strictly below over the others."""
    if len(values) < 2:
        return 0.0
    return sum(v < value for v in values) / (len(values) - 1)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestValueScore(RetentionCommon):
    """In 2026-04-01 .. 2026-06-15: Ana (profit 300, referred Gus), Cleo
    (300, one unit returned), Eva (archived, 100) and Gus (500, referred by
    Ana, one order, sold by the leader)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gus = cls.env["res.partner"].create(
            {"name": "CR Gus", "customer_rating_referred_by_id": cls.ana.id}
        )
        cls.customers |= cls.gus
        cls._order(cls.gus, "2026-05-10 10:00", 5, cls.main, user=cls.leader)
        cleo_order = cls._counted_orders(cls.cleo)[-1]
        post_refund(cleo_order, 1, date(2026, 6, 2))

    def _run(self, user=None):
        return self._run_period(DATE_FROM, user=user)._report_lines()

    def _expected_scores(self, weights=None, returns_weight=RETURNS_WEIGHT):
        """The score of the README, computed from the orders and credit notes."""
        weights = weights or WEIGHTS
        total = sum(weights.values())
        figures = {}
        for customer in self.customers:
            orders = self._counted_orders(customer)
            period = orders.filtered(lambda o: o.date_order.date() >= DATE_FROM)
            if not period:
                continue
            refunds = self.env["account.move.line"].search(
                [
                    ("move_id.move_type", "=", "out_refund"),
                    ("parent_state", "=", "posted"),
                    ("sale_line_ids.order_id", "in", orders.ids),
                ]
            )
            returned = sum(refunds.mapped("price_subtotal"))
            revenue = sum(period.mapped("amount_untaxed"))
            retention = self._expected(customer) if customer.active else {}
            first = orders[0].date_order.date()
            figures[customer] = {
                "profit": sum(period.mapped("margin")) - returned,
                "revenue": revenue,
                "returned": returned,
                "frequency": max(
                    0.0, 1 - retention["days_since"] / (4 * retention["rhythm"])
                )
                if retention
                else 0.0,
                "tenure": min(1.0, (TODAY - first).days / 365.25 / 10),
            }
        for customer, fig in figures.items():
            fig["referral_profit"] = sum(
                other["profit"]
                for partner, other in figures.items()
                if partner.customer_rating_referred_by_id == customer
            )
        profits = [f["profit"] for f in figures.values()]
        referrals = [f["referral_profit"] for f in figures.values()]
        expected = {}
        for customer, fig in figures.items():
            parts = {
                "profit": percent_rank(fig["profit"], profits),
                "frequency": fig["frequency"],
                "tenure": fig["tenure"],
                "referrals": percent_rank(fig["referral_profit"], referrals),
            }
            points = {
                name: 100.0 * weights[name] / total * value
                for name, value in parts.items()
            }
            points["returns"] = -returns_weight * min(
                1.0, fig["returned"] / fig["revenue"]
            )
            points["score"] = max(0.0, min(100.0, sum(points.values())))
            points["referral_profit"] = fig["referral_profit"]
            expected[customer] = points
        return expected

    def _assert_scores(self, lines, expected):
        # Eva is archived: her April order counts, she is never active
        self.assertEqual(lines.partner_id, self.ana | self.cleo | self.eva | self.gus)
        for line in lines:
            points = expected[line.partner_id]
            with self.subTest(customer=line.partner_id.name):
                for name in ("profit", "frequency", "tenure", "referrals", "returns"):
                    self.assertAlmostEqual(
                        line[f"score_{name}"], points[name], places=1, msg=name
                    )
                self.assertAlmostEqual(line.value_score, points["score"], places=0)
                self.assertAlmostEqual(
                    line.referral_profit, points["referral_profit"], places=2
                )

    def test_value_score_and_its_parts(self):
        lines = self._run()
        expected = self._expected_scores()
        self._assert_scores(lines, expected)
        gus = lines.filtered(lambda line: line.partner_id == self.gus)
        # Gus makes the most profit: the explanation starts with it
        self.assertTrue(gus.score_explanation.startswith("profit +40"))
        ana = lines.filtered(lambda line: line.partner_id == self.ana)
        self.assertIn("referrals +15", ana.score_explanation)
        cleo = lines.filtered(lambda line: line.partner_id == self.cleo)
        self.assertLess(cleo.score_returns, 0)
        self.assertIn("returns -", cleo.score_explanation)

    def test_weights_come_from_settings(self):
        with Form(self.env["res.config.settings"]) as settings:
            settings.customer_rating_score_weight_profit = 0
            settings.customer_rating_score_weight_returns = 30
        settings.record.execute()
        weights = {**WEIGHTS, "profit": 0}
        self._assert_scores(self._run(), self._expected_scores(weights, 30))
        with (
            self.assertRaises(ValidationError),
            Form(self.env["res.config.settings"]) as settings,
        ):
            settings.customer_rating_score_weight_frequency = 0
            settings.customer_rating_score_weight_tenure = 0
            settings.customer_rating_score_weight_referrals = 0

    def test_salesperson_sees_the_score_of_their_own_customers(self):
        lines = self._run(user=self.salesman)
        self.assertEqual(lines.partner_id, self.ana | self.cleo | self.eva)
        self.assertTrue(all(0 <= line.value_score <= 100 for line in lines))

    def test_card_opens_the_score_of_the_customer(self):
        action = self.ana_contact.action_customer_rating_value_score()
        lines = self.env["customer.rating.line"].search(action["domain"])
        self.assertEqual(lines.partner_id, self.ana)
        self.assertTrue(lines.score_explanation)
        self.assertIn("value_score", lines._xlsx_columns())
        views = self.env["res.partner"].get_views([(False, "form")])
        self.assertIn(
            "action_customer_rating_value_score", views["views"]["form"]["arch"]
        )
