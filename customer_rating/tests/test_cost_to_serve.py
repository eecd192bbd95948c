# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import TODAY, RetentionCommon

DATE_FROM = date(2026, 4, 1)
COST_WEIGHT = 10


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCostToServe(RetentionCommon):
    """In 2026-04-01 .. 2026-06-15 Ana, Cleo and Eva bought. Cleo took two
    notes (one on her order) and an activity done; an automatic notification
    is not counted. Ana took one note, on her buyer's contact."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cleo_order = cls._counted_orders(cls.cleo)[-1]
        cls.cleo.message_post(body="Called", message_type="comment")
        cleo_order.message_post(body="Discussed delivery", message_type="comment")
        activity = cls.cleo.activity_schedule(
            "mail.mail_activity_data_todo", user_id=cls.env.user.id
        )
        activity.action_done()
        cls.cleo.message_post(body="Automatic", message_type="notification")
        cls.ana_contact.message_post(body="Visited", message_type="comment")
        cls.interactions = {cls.ana: 1, cls.cleo: 3, cls.eva: 0}

    def _run(self, user=None):
        wizard = (
            self.env["customer.rating.wizard"]
            .with_user(user or self.env.user)
            .create(
                {
                    "period": "custom",
                    "date_from": DATE_FROM,
                    "date_to": TODAY,
                    "team_ids": [Command.set(self.teams.ids)],
                }
            )
        )
        wizard.action_open()
        return wizard._report_lines()

    def _profit(self, customer):
        orders = self._counted_orders(customer)
        return sum(
            orders.filtered(lambda o: o.date_order.date() >= DATE_FROM).mapped("margin")
        )

    def test_interactions_profit_per_interaction_and_score(self):
        lines = self._run()
        self.assertEqual(lines.partner_id, self.ana | self.cleo | self.eva)
        counts = list(self.interactions.values())
        for line in lines:
            customer = line.partner_id
            count = self.interactions[customer]
            with self.subTest(customer=customer.name):
                self.assertEqual(line.interactions, count)
                self.assertEqual(line.hours, 0)
                self.assertFalse(line.profit_per_hour)
                self.assertAlmostEqual(
                    line.profit_per_interaction,
                    self._profit(customer) / count if count else 0.0,
                    places=2,
                )
                below = sum(c < count for c in counts) / (len(counts) - 1)
                self.assertAlmostEqual(
                    line.score_cost_to_serve, -COST_WEIGHT * below, places=1
                )
        cleo = lines.filtered(lambda line: line.partner_id == self.cleo)
        self.assertIn("cost to serve -10", cleo.score_explanation)
        columns = lines._xlsx_columns()
        self.assertIn("profit_per_interaction", columns)
        self.assertIn("score_cost_to_serve", columns)

    def test_salesperson_counts_for_their_own_customers(self):
        lines = self._run(user=self.salesman)
        self.assertEqual(lines.partner_id, self.ana | self.cleo | self.eva)
        for line in lines:
            self.assertEqual(line.interactions, self.interactions[line.partner_id])

    def test_card(self):
        partners = (self.ana_contact | self.cleo | self.dan).with_user(self.salesman)
        for partner in partners:
            customer = partner.commercial_partner_id.sudo()
            count = self.interactions.get(customer, 0)
            with self.subTest(customer=customer.name):
                self.assertEqual(partner.customer_rating_interactions_12m, count)
                self.assertEqual(partner.customer_rating_hours_12m, 0)
                self.assertAlmostEqual(
                    partner.customer_rating_profit_per_interaction_12m,
                    partner.customer_rating_profit_12m / count if count else 0.0,
                    places=2,
                )
        self.assertAlmostEqual(
            self.cleo.customer_rating_profit_per_interaction_12m,
            sum(self._counted_orders(self.cleo).mapped("margin")) / 3,
            places=2,
        )
        arch = self.env["res.partner"].get_views([(False, "form")])["views"]["form"]
        self.assertIn("customer_rating_interactions_12m", arch["arch"])
        arch = self.env["customer.rating.line"].get_views([(False, "list")])
        self.assertIn("profit_per_hour", arch["views"]["list"]["arch"])

    def test_optional_modules_are_not_counted_without_them(self):
        rules = self.env["customer.rating.rules"]
        scope = rules._card_scope()
        self.assertNotIn("calendar.event", self.env)
        self.assertIsNone(rules._meetings_query(scope))
        self.assertNotIn("project_id", self.env["account.analytic.line"]._fields)
        self.assertIsNone(rules._timesheets_query(scope))
