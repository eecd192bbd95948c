# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytz
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import TODAY, RetentionCommon, xlsx_sheet

DATE_FROM = date(2026, 5, 1)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestRetentionReports(RetentionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Fred bought every 10 days until 2026-03-21: lost on 2026-05-01
        cls.fred = cls.env["res.partner"].create(
            {"name": "CR Fred", "user_id": cls.leader.id}
        )
        cls.customers |= cls.fred
        for day in ("2025-03-01", "2026-03-01", "2026-03-11", "2026-03-21"):
            cls._order(cls.fred, f"{day} 16:00", 2, cls.branch)

    def _run(self, report, **values):
        wizard = self.env["customer.rating.wizard"].create(
            {
                "report": report,
                "period": "custom",
                "date_from": DATE_FROM,
                "date_to": TODAY,
                "team_ids": [Command.set(self.teams.ids)],
                **values,
            }
        )
        wizard.action_open()
        return wizard

    def _xlsx_rows(self, wizard):
        sheet = xlsx_sheet(wizard)
        return list(sheet.iter_rows(min_row=3, values_only=True))

    def _salesperson(self, customer):
        orders = self._counted_orders(customer, TODAY)
        return customer.user_id or orders[-1:].user_id

    def test_lost_customers_with_what_they_used_to_spend(self):
        wizard = self._run("lost")
        lines = wizard._report_lines()
        expected = {}
        for customer in self.customers.filtered("active"):
            figures = self._expected(customer)
            if figures["status"] == "lost" and figures["lost_date"] >= DATE_FROM:
                expected[customer] = figures
        self.assertEqual(lines.partner_id, self.fred)
        self.assertEqual(set(expected), {self.fred})
        line, figures = lines, expected[self.fred]
        orders = self._counted_orders(self.fred)
        last_year = orders.filtered(
            lambda o: o.date_order.date() > figures["last_purchase"] - timedelta(365)
        )
        spent_12m = sum(last_year.mapped("amount_untaxed"))
        self.assertEqual(line.lost_date, date(2026, 5, 1))
        self.assertEqual(line.lost_date, figures["lost_date"])
        self.assertEqual(line.last_purchase, figures["last_purchase"])
        self.assertEqual(line.order_count, 4)
        self.assertAlmostEqual(line.total_spent, figures["total_spent"], places=2)
        self.assertAlmostEqual(line.spent_12m, spent_12m, places=2)
        self.assertAlmostEqual(line.monthly_spent, spent_12m / 12, places=2)
        self.assertEqual(line.user_id, self.leader)
        self.assertEqual(line.branch_id, self.branch)
        rows = self._xlsx_rows(wizard)
        self.assertEqual(rows[1][0], self.fred.display_name)
        self.assertAlmostEqual(rows[-1][10], spent_12m, places=2)  # totals row

    def test_lost_customers_of_an_earlier_period(self):
        """Ben was lost on 2025-12-01 (every 10 days, last 2025-10-21)."""
        lines = self._run(
            "lost", date_from="2025-11-01", date_to="2025-12-31"
        )._report_lines()
        self.assertEqual(lines.partner_id, self.ben)
        self.assertEqual(lines.lost_date, self._expected(self.ben)["lost_date"])

    def test_retention_per_salesperson(self):
        start = DATE_FROM - timedelta(days=1)
        expected = defaultdict(Counter)
        for customer in self.customers.filtered("active"):
            if not self._counted_orders(customer, TODAY):
                continue
            end = self._expected(customer)
            counts = expected[self._salesperson(customer)]
            if not self._counted_orders(customer, start):
                counts["new"] += 1
                was = None
            else:
                was = self._expected(customer, at=start)["status"]
            counts["active_start"] += was == "active"
            counts["kept"] += was == "active" and end["status"] == "active"
            counts["at_risk"] += was == "active" and end["status"] == "at_risk"
            counts["lost"] += end["status"] == "lost" and end["lost_date"] >= DATE_FROM
            counts["won_back"] += (
                was in ("at_risk", "lost") and end["last_purchase"] >= DATE_FROM
            )
        wizard = self._run("retention")
        lines = wizard._report_lines()
        self.assertEqual(lines.user_id, self.salesman | self.leader)
        self.assertEqual(len(lines), len(expected))  # Dan's line has no salesperson
        for line in lines:
            with self.subTest(user=line.user_id.name):
                counts = expected[line.user_id]
                for name in ("active_start", "kept", "at_risk", "lost", "won_back"):
                    self.assertEqual(line[name], counts[name], name)
                self.assertEqual(line.new, counts["new"])
                active = counts["active_start"]
                rate = 100.0 * counts["kept"] / active if active else 0.0
                self.assertAlmostEqual(line.retention_rate, rate)
        salesman = lines.filtered(lambda line: line.user_id == self.salesman)
        # Ana slipped to at risk, Cleo is new, Ben stays lost
        self.assertEqual(
            (salesman.active_start, salesman.kept, salesman.at_risk, salesman.new),
            (1, 0, 1, 1),
        )
        # no retention % without customers active at the start: an empty cell
        rows = {row[0] or None: row for row in self._xlsx_rows(wizard)[1:-1]}
        lines = wizard._report_lines()  # the export computed them again
        for line in lines:
            with self.subTest(user=line.user_id.name):
                rate = rows[line.user_id.display_name or None][7]
                if expected[line.user_id]["active_start"]:
                    self.assertAlmostEqual(rate, line.retention_rate)
                else:
                    self.assertIsNone(rate)
        self.assertTrue(any(not line.active_start for line in lines))

    def test_churn_reasons(self):
        callbacks = self.env["customer.rating.callback"]
        while callbacks._cron_schedule_call_backs():
            pass
        reason = self.env.ref("customer_rating.churn_reason_cheaper_elsewhere")
        mine = callbacks.search([("partner_id", "in", self.customers.ids)])
        mine.filtered(lambda c: c.partner_id == self.ana)._close("price", reason)
        mine.filtered(lambda c: c.partner_id == self.dan)._close("moved")
        wizard = self._run("churn")
        lines = wizard._report_lines()
        self.assertEqual(lines.callback_id, mine)
        self.assertEqual(
            Counter(lines.mapped("outcome")), Counter({"price": 1, "moved": 1})
        )
        self.assertEqual(
            lines.filtered(lambda ln: ln.outcome == "price").reason_id, reason
        )
        self.assertEqual(sum(lines.mapped("callback_count")), 2)
        groups = dict(
            self.env["customer.rating.churn.line"]._read_group(
                [("wizard_id", "=", wizard.id)], ["user_id"], ["callback_count:sum"]
            )
        )
        self.assertEqual(groups, {self.salesman: 1, self.leader: 1})
        salesman_lines = self._run(
            "churn", user_ids=[Command.set(self.salesman.ids)]
        )._report_lines()
        self.assertEqual(salesman_lines.partner_id, self.ana)

    def test_visit_patterns_in_the_branchs_time_zone(self):
        """The branch is in Tokyo, the main company has no time zone: its
        orders are in the user's (New York)."""
        self.env.user.tz = "America/New_York"
        self.main.partner_id.tz = False
        self.branch.partner_id.tz = "Asia/Tokyo"
        self._order(self.cleo, "2026-05-03 23:30", 1, self.main)  # Sun 19:30 NY
        self._order(self.cleo, "2026-05-03 23:30", 1, self.branch)  # Mon 08:30 Tokyo
        expected_count = Counter()
        expected_revenue = defaultdict(float)
        orders = self.env["sale.order"].search(
            [("team_id", "in", self.teams.ids), ("state", "=", "sale")]
        )
        for order in orders:
            tz = pytz.timezone(order.company_id.partner_id.tz or "America/New_York")
            local = pytz.utc.localize(order.date_order).astimezone(tz)
            if DATE_FROM <= local.date() <= TODAY:
                key = (order.company_id, str(local.isoweekday()), f"{local.hour:02d}")
                expected_count[key] += 1
                expected_revenue[key] += order.amount_untaxed
        wizard = self._run("visits")
        lines = wizard._report_lines()
        cells = {(ln.branch_id, ln.weekday, ln.hour): ln for ln in lines}
        self.assertEqual(set(cells), set(expected_count))
        for key, count in expected_count.items():
            self.assertEqual(cells[key].order_count, count)
            self.assertAlmostEqual(cells[key].revenue, expected_revenue[key], places=2)
        self.assertIn((self.main, "7", "19"), cells)
        self.assertIn((self.branch, "1", "08"), cells)
        action = wizard.action_open()
        self.assertEqual(action["context"]["pivot_row_groupby"], ["weekday"])
        rows = self._xlsx_rows(wizard)
        self.assertEqual(rows[-1][3], sum(expected_count.values()))

    def test_visit_hours_in_a_time_zone_off_the_hour(self):
        """Kathmandu is 5:45 ahead of UTC: orders a second apart either side
        of a local hour (and of a local midnight) fall in different hours
        (and weekdays), and the branch's cells match each order's own."""
        self.branch.partner_id.tz = "Asia/Kathmandu"
        for when in (
            "2026-05-04 10:14:59",  # Mon 15:59:59
            "2026-05-04 10:15:00",  # Mon 16:00
            "2026-05-04 18:14:59",  # Mon 23:59:59
            "2026-05-04 18:15:00",  # Tue 00:00
        ):
            self._order(self.cleo, when, 1, self.branch)
        tz = pytz.timezone("Asia/Kathmandu")
        expected = Counter()
        for order in self.env["sale.order"].search(
            [("company_id", "=", self.branch.id), ("state", "=", "sale")]
        ):
            local = pytz.utc.localize(order.date_order).astimezone(tz)
            if DATE_FROM <= local.date() <= TODAY:
                expected[str(local.isoweekday()), f"{local.hour:02d}"] += 1
        lines = self._run("visits")._report_lines()
        cells = {
            (ln.weekday, ln.hour): ln.order_count
            for ln in lines
            if ln.branch_id == self.branch
        }
        self.assertEqual(cells, dict(expected))
        for cell in (("1", "15"), ("1", "16"), ("1", "23"), ("2", "00")):
            self.assertIn(cell, cells)

    def test_reversed_period_is_refused(self):
        with self.assertRaises(ValidationError):
            self._run("lost", date_from=TODAY, date_to=DATE_FROM)

    def test_reports_filter_on_the_chosen_branches(self):
        """Fred, lost in the period, bought at the branch: leaving the branch
        out of the wizard's branches hides him; unticking it in the company
        switcher does not, the wizard's branches are all the user's."""
        wizard = self._run("lost", company_ids=[Command.set(self.main.ids)])
        self.assertFalse(wizard._report_lines())
        switcher = self.env(
            context=dict(self.env.context, allowed_company_ids=self.main.ids)
        )
        wizard = self._run("lost").with_env(switcher)
        self.assertIn(self.branch, wizard._branches())
        wizard.action_open()
        self.assertEqual(wizard._report_lines().partner_id, self.fred)
