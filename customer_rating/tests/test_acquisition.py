# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import BonusCommon, post_refund, xlsx_sheet


@tagged("post_install", "-at_install")
class TestAcquisitionSource(BonusCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flyer, cls.radio = cls.env["utm.source"].create(
            [{"name": "CR Flyer"}, {"name": "CR Radio"}]
        )

    def _sourced(self, partner, quantity, source, confirm=True):
        order = self._quotation(partner, quantity)
        order.source_id = source
        if confirm:
            order.action_confirm()
        return order

    def test_first_confirmed_order_gives_the_source(self):
        self._sourced(self.buyer, 1, self.radio, confirm=False)
        self.assertFalse(self.customer.utm_source_id, "a quotation is no touch")
        self._sourced(self.buyer, 1, self.flyer)
        self.assertEqual(self.customer.utm_source_id, self.flyer)
        self.assertEqual(self.buyer.utm_source_id, self.flyer, "contacts follow")
        self._sourced(self.buyer, 1, self.radio)
        self.assertEqual(self.customer.utm_source_id, self.flyer, "first touch")

    def test_earliest_order_wins_and_a_chosen_source_stays(self):
        later = self._sourced(self.buyer, 1, self.radio)
        earlier = self._sourced(self.other_buyer, 1, self.flyer)
        later.date_order = datetime(2026, 3, 1)
        earlier.date_order = datetime(2026, 1, 1)
        self.customer.utm_source_id = False
        self.env["res.partner"]._customer_rating_fill_sources(self.customer)
        self.assertEqual(self.customer.utm_source_id, self.flyer)
        self.customer.utm_source_id = self.radio
        self.env["res.partner"]._customer_rating_fill_sources()
        self.assertEqual(self.customer.utm_source_id, self.radio)
        self.assertEqual(later.source_id, self.radio, "orders keep their source")


@tagged("post_install", "-at_install")
class TestReferrals(BonusCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.bonus_referral_points = 250.0
        cls.referrer = cls.env["res.partner"].create({"name": "CR Referrer"})
        cls.customer.customer_rating_referred_by_id = cls.referrer

    def _referral_lines(self):
        return self.env["loyalty.history"].search(
            [
                ("bonus_move_type", "=", "referral"),
                ("partner_id", "=", self.referrer.id),
            ]
        )

    def test_referrer_credited_once(self):
        order = self._confirmed(self.buyer, 1)
        lines = self._referral_lines()
        self.assertEqual(lines.mapped("issued"), [250.0])
        self.assertEqual(lines.referral_partner_id, self.customer)
        self.assertEqual(self._card(self.referrer).points, 250.0)
        order._action_cancel()
        order.action_draft()
        order.action_confirm()
        self._confirmed(self.other_buyer, 1)
        self.assertEqual(len(self._referral_lines()), 1)
        self.assertEqual(self.referrer.customer_rating_referral_ids, self.customer)

    def test_no_credit_for_a_customer_who_already_bought(self):
        self.customer.customer_rating_referred_by_id = False
        self._confirmed(self.buyer, 1)
        self.customer.customer_rating_referred_by_id = self.referrer
        self._confirmed(self.buyer, 1)
        self.assertFalse(self._referral_lines())

    def test_nobody_refers_themselves(self):
        with self.assertRaises(ValidationError):
            self.customer.customer_rating_referred_by_id = self.customer
        with self.assertRaises(ValidationError):
            self.buyer.customer_rating_referred_by_id = self.other_buyer


@tagged("post_install", "-at_install")
class TestMarketingReport(BonusCommon):
    """Newcomers of 2026-03-01 .. 2026-05-31 per source, referrer and cohort;
    at its end, a customer ordering every 10 days who stopped on 2026-03-20
    is at risk, the others (one order each, a 60-day default rhythm) are
    active."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["crm.team"].create({"name": "CR Marketing Team"})
        cls.flyer, cls.radio = cls.env["utm.source"].create(
            [{"name": "CR Flyer"}, {"name": "CR Radio"}]
        )
        partner = cls.env["res.partner"]
        cls.referrer = partner.create({"name": "CR Marketing Referrer"})
        cls.new_1, cls.new_2, cls.old, cls.new_3, cls.faded = partner.create(
            [
                {"name": "CR New 1", "utm_source_id": cls.flyer.id},
                {
                    "name": "CR New 2",
                    "utm_source_id": cls.flyer.id,
                    "customer_rating_referred_by_id": cls.referrer.id,
                },
                {"name": "CR Old", "utm_source_id": cls.radio.id},
                {"name": "CR New 3", "utm_source_id": cls.radio.id},
                {"name": "CR Faded", "utm_source_id": cls.flyer.id},
            ]
        )
        cls.orders = {}
        for customer, when, quantity in (
            (cls.new_1, "2026-03-05", 10),
            (cls.new_1, "2026-05-20", 1),
            (cls.new_2, "2026-04-12", 5),
            (cls.old, "2026-01-10", 7),
            (cls.old, "2026-04-01", 3),
            (cls.new_3, "2026-05-02", 4),
            (cls.faded, "2026-03-10", 2),
            (cls.faded, "2026-03-20", 2),
        ):
            order = cls._quotation(customer, quantity)
            order.team_id = cls.team
            order.action_confirm()
            order.date_order = datetime.fromisoformat(f"{when} 12:00")
            cls.orders.setdefault(customer, []).append(order)

    def _report(self, teams=None):
        wizard = self.env["customer.rating.wizard"].create(
            {
                "report": "marketing",
                "period": "custom",
                "date_from": "2026-03-01",
                "date_to": "2026-05-31",
                "team_ids": [Command.set((self.team if teams is None else teams).ids)],
            }
        )
        wizard.action_open()
        return self.env["customer.rating.marketing.line"].search(
            [("wizard_id", "=", wizard.id)]
        )

    def test_newcomers_per_source_referrer_and_cohort(self):
        post_refund(self.orders[self.new_3][0], 1, day=date(2026, 5, 10))
        lines = {
            (line.source_id, line.referrer_id, line.cohort): line
            for line in self._report()
        }

        def spent(customer):
            return sum(order.amount_untaxed for order in self.orders[customer])

        expected = {
            # source, referrer, cohort: new, revenue, active
            (self.flyer, self.env["res.partner"], date(2026, 3, 1)): (
                2,
                spent(self.new_1) + spent(self.faded),
                1,
            ),
            (self.flyer, self.referrer, date(2026, 4, 1)): (1, spent(self.new_2), 1),
            (self.radio, self.env["res.partner"], date(2026, 5, 1)): (
                1,
                spent(self.new_3) - 100.0,
                1,
            ),
        }
        self.assertEqual(set(lines), set(expected))
        for key, (new, revenue, active) in expected.items():
            line = lines[key]
            self.assertEqual(line.new_customers, new)
            self.assertAlmostEqual(line.revenue, revenue)
            self.assertAlmostEqual(line.revenue_per_customer, revenue / new)
            self.assertEqual(line.active_customers, active)
            self.assertAlmostEqual(line.retention, 100.0 * active / new)
        flyer_march = lines[self.flyer, self.env["res.partner"], date(2026, 3, 1)]
        self.assertAlmostEqual(flyer_march.profit, (11 + 4) * 40.0)

    def test_same_newcomers_without_a_team_filter(self):
        """Without a team or salesperson filter, the first order itself is
        not read (one sum per customer): every order here is the team's, so
        the sources' lines are the same."""

        def figures(lines):
            return {
                (line.source_id, line.referrer_id, line.cohort): (
                    line.new_customers,
                    round(line.revenue, 2),
                    line.active_customers,
                )
                for line in lines
                if line.source_id in self.flyer | self.radio
            }

        everyone = figures(self._report(teams=self.env["crm.team"]))
        self.assertEqual(len(everyone), 3)
        self.assertEqual(everyone, figures(self._report()))

    def test_excel_export(self):
        wizard = self.env["customer.rating.wizard"].create(
            {
                "report": "marketing",
                "period": "custom",
                "date_from": "2026-03-01",
                "date_to": "2026-05-31",
                "team_ids": [Command.set(self.team.ids)],
            }
        )
        sheet = xlsx_sheet(wizard)
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        self.assertEqual(
            rows[0][:3], ("Acquisition Source", "Referred By", "First Purchase Month")
        )
        self.assertEqual(rows[-1][3], 4, "four new customers in total")
