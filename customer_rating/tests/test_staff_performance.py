# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math
from collections import Counter, defaultdict
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import TODAY, RetentionCommon, xlsx_sheet

DATE_FROM = date(2026, 5, 1)
ALERT_TYPE = "customer_rating.mail_activity_type_departed_regulars"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestStaffPerformance(RetentionCommon):
    """Besides the customers of RetentionCommon, a clerk served Gus every
    10 days in May (at risk on 2026-06-14) and Hal once; Fred, the leader's
    customer, was lost on 2026-05-01; the leader also served Cleo once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = new_test_user(
            cls.env,
            "cr_staff_clerk",
            groups="sales_team.group_sale_salesman",
            company_ids=[Command.set((cls.main | cls.branch).ids)],
        )
        partner = cls.env["res.partner"]
        cls.fred = partner.create({"name": "CR Fred", "user_id": cls.leader.id})
        cls.gus = partner.create({"name": "CR Gus"})
        cls.hal = partner.create({"name": "CR Hal"})
        cls.customers |= cls.fred | cls.gus | cls.hal
        for day in ("2025-03-01", "2026-03-01", "2026-03-11", "2026-03-21"):
            cls._order(cls.fred, f"{day} 16:00", 2, cls.branch)
        for day in ("2026-05-04", "2026-05-14", "2026-05-24"):
            cls._order(cls.gus, f"{day} 09:00", 1, cls.main, user=cls.clerk)
        cls._order(cls.hal, "2026-05-20 09:00", 4, cls.main, user=cls.clerk)
        cls._order(cls.cleo, "2026-05-10 09:00", 1, cls.branch, user=cls.leader)

    def _run(self, user=None, **values):
        wizard = (
            self.env["customer.rating.wizard"]
            .with_user(user or self.env.user)
            .create(
                {
                    "report": "staff",
                    "period": "custom",
                    "date_from": DATE_FROM,
                    "date_to": TODAY,
                    "team_ids": [Command.set(self.teams.ids)],
                    **values,
                }
            )
        )
        wizard.action_open()
        return wizard

    def _orders(self, start=None, end=None):
        orders = self.env["sale.order"].search(
            [("team_id", "in", self.teams.ids), ("state", "=", "sale")],
            order="date_order",
        )
        return orders.filtered(
            lambda o: (not start or o.date_order.date() >= start)
            and (not end or o.date_order.date() <= end)
        )

    def _last_server(self, customer, until):
        return self._counted_orders(customer, until)[-1:].user_id

    def _expected_lines(self):
        """The report computed in Python from the orders."""
        lines = defaultdict(Counter)
        first_day = {}
        for order in self._orders(DATE_FROM, TODAY):
            if not order.user_id:
                continue
            line = lines[order.user_id]
            customer = order.partner_id.commercial_partner_id
            line["order_count"] += 1
            line["revenue"] += order.amount_untaxed
            line["profit"] += order.margin
            key = (order.user_id, customer)
            first_day.setdefault(key, order.date_order.date())
        for (user, customer), day in first_day.items():
            lines[user]["customer_count"] += 1
            if not customer.active:
                continue
            rhythm = self._expected(customer)["rhythm"]
            at_risk_day = day + timedelta(days=math.floor(2 * rhythm) + 1)
            later = [
                o.date_order.date()
                for o in self._counted_orders(customer)
                if o.date_order.date() > day
            ]
            came_back = bool(later) and min(later) < at_risk_day
            lines[user]["repeat_count"] += came_back
            lines[user]["repeat_base"] += came_back or at_risk_day <= TODAY
        start = DATE_FROM - timedelta(days=1)
        for customer in self.customers.filtered("active"):
            if self._counted_orders(customer, start):
                before = self._expected(customer, at=start)
                server = self._last_server(customer, start)
                if before["status"] == "active" and server:
                    lines[server]["active_start"] += 1
                    lines[server]["kept"] += (
                        self._expected(customer)["status"] == "active"
                    )
            end = self._expected(customer)
            server = self._last_server(customer, TODAY)
            if end["status"] == "lost" and end["lost_date"] >= DATE_FROM and server:
                lines[server]["lost"] += 1
        return lines

    def test_staff_figures(self):
        expected = self._expected_lines()
        lines = self._run()._report_lines()
        self.assertEqual(lines.user_id, self.salesman | self.leader | self.clerk)
        for line in lines:
            with self.subTest(user=line.user_id.name):
                counts = expected[line.user_id]
                for name in (
                    "customer_count",
                    "order_count",
                    "repeat_base",
                    "repeat_count",
                    "active_start",
                    "kept",
                    "lost",
                ):
                    self.assertEqual(line[name], counts[name], name)
                self.assertAlmostEqual(line.revenue, counts["revenue"], places=2)
                self.assertAlmostEqual(line.profit, counts["profit"], places=2)
                self.assertAlmostEqual(
                    line.average_ticket,
                    counts["revenue"] / counts["order_count"]
                    if counts["order_count"]
                    else 0.0,
                    places=2,
                )
                base = counts["repeat_base"]
                self.assertAlmostEqual(
                    line.repeat_rate,
                    100.0 * counts["repeat_count"] / base if base else 0.0,
                )
                active = counts["active_start"]
                self.assertAlmostEqual(
                    line.retention_rate,
                    100.0 * counts["kept"] / active if active else 0.0,
                )
                self.assertFalse(line.departed)
        clerk = lines.filtered(lambda line: line.user_id == self.clerk)
        # Gus came back within his rhythm, Hal's window (60-day default) is open
        self.assertEqual(
            (clerk.customer_count, clerk.order_count, clerk.repeat_count),
            (2, 4, 1),
        )
        self.assertEqual(clerk.repeat_base, 1)
        leader = lines.filtered(lambda line: line.user_id == self.leader)
        self.assertEqual(leader.lost, 1)  # Fred

    def test_departed_employee_and_excel(self):
        self.clerk.action_archive()
        wizard = self._run()
        lines = wizard._report_lines()
        self.assertEqual(lines.filtered("departed").user_id, self.clerk)
        sheet = xlsx_sheet(wizard)
        lines = wizard._report_lines()  # the export computed them again
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        header, body = rows[0], rows[1:-1]
        self.assertEqual(header[0], "Employee")
        by_name = {row[0]: row for row in body}
        self.assertIs(by_name[self.clerk.name][1], True)
        self.assertAlmostEqual(
            rows[-1][4], sum(lines.mapped("revenue")), places=2
        )  # totals row

    def test_own_documents_only(self):
        """A salesperson sees only the orders they may read: their own."""
        lines = self._run(user=self.salesman)._report_lines()
        self.assertEqual(lines.user_id, self.salesman)
        mine = self._orders(DATE_FROM, TODAY).filtered(
            lambda o: o.user_id == self.salesman
        )
        self.assertAlmostEqual(
            lines.revenue, sum(mine.mapped("amount_untaxed")), places=2
        )

    def test_filter_by_employee(self):
        lines = self._run(user_ids=[Command.set(self.clerk.ids)])._report_lines()
        self.assertEqual(lines.user_id, self.clerk)

    def test_alert_when_regulars_of_a_departed_employee_become_at_risk(self):
        staff = self.env["customer.rating.staff"]
        activity_type = self.env.ref(ALERT_TYPE)
        team = self.env["crm.team"].create(
            {
                "name": "CR Clerk Team",
                "user_id": self.leader.id,
                "member_ids": [Command.link(self.clerk.id)],
            }
        )
        self.assertEqual(self.clerk.sale_team_id, team)

        def alerts():
            activities = staff._cron_alert_departed_regulars()
            return activities.filtered(lambda a: a.res_id == self.clerk.partner_id.id)

        self.assertFalse(alerts())  # the clerk has not left
        self.clerk.action_archive()
        activity = alerts()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, activity_type)
        self.assertEqual(activity.res_id, self.clerk.partner_id.id)
        self.assertEqual(activity.user_id, self.leader)
        # Gus (regular, at risk since 2026-06-14) is named; Hal bought once
        self.assertIn(self.gus.name, activity.note)
        self.assertNotIn(self.hal.name, activity.note)
        self.assertFalse(alerts())  # same wave
        activity.action_feedback(feedback="Called Gus")
        self.assertFalse(alerts())
