# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import TODAY, RetentionCommon, xlsx_sheet

DATE_FROM = date(2026, 4, 1)
CARD_FROM = date(2025, 6, 16)
COST_WEIGHT = 10


def percent_rank(value, values):
    """PostgreSQL's percent_rank: customers strictly below over the others."""
    return sum(v < value for v in values) / (len(values) - 1)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCostToServe(RetentionCommon):
    """In 2026-04-01 .. 2026-06-15 Ana, Cleo and Eva (archived) bought.

    - Cleo: a note on her, one on her order, a to-do and a call marked done
      (4); a note on the leader's quotation for her (the salesperson may
      not read it: 5 for the manager); not counted: an automatic
      notification and a message she wrote herself. Her project: 3 hours in
      the period, 4 in March (on the card's 12 months only).
    - Ana: a note on her buyer and a private meeting of the leader with her
      and her buyer (one interaction: 2); not counted: an archived meeting,
      and a meeting in March (on the card only). 2 hours on her task in
      Cleo's project, timesheeted by the salesperson.
    - Eva: a note (1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._interactions()
        cls._meetings()
        cls._timesheets()

    @classmethod
    def _note(cls, record, **values):
        return record.message_post(
            body="Talked",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            **values,
        )

    @classmethod
    def _interactions(cls):
        cls._note(cls.cleo)
        cls._note(cls._counted_orders(cls.cleo)[-1])
        for activity_type in ("mail_activity_data_todo", "mail_activity_data_call"):
            cls.cleo.activity_schedule(
                f"mail.{activity_type}", user_id=cls.env.user.id
            ).action_feedback(feedback="Done")
        cls.cleo.message_post(body="Automatic", message_type="notification")
        cls._note(cls.cleo, author_id=cls.cleo.id)
        cls.quotation = cls.env["sale.order"].create(
            {
                "partner_id": cls.cleo.id,
                "user_id": cls.leader.id,
                "team_id": cls.team.id,
                "pricelist_id": cls.pricelist.id,
            }
        )
        cls._note(cls.quotation)
        cls._note(cls.ana_contact)
        cls._note(cls.eva)

    @classmethod
    def _meetings(cls):
        attendees = [Command.set((cls.ana | cls.ana_contact).ids)]
        starts = ("2026-05-05 10:00", "2026-05-06 10:00", "2026-03-02 10:00")
        events = (
            cls.env["calendar.event"]
            .with_context(no_mail_to_attendees=True)
            .create(
                [
                    {
                        "name": "CR Visit",
                        "start": datetime.fromisoformat(start),
                        "stop": datetime.fromisoformat(start) + timedelta(hours=1),
                        "user_id": cls.leader.id,
                        "privacy": "private",
                        "partner_ids": attendees,
                    }
                    for start in starts
                ]
            )
        )
        events[1].active = False

    @classmethod
    def _timesheets(cls):
        employees = cls.env["hr.employee"]
        admin = cls.env.user.employee_ids.filtered(lambda e: e.company_id == cls.main)
        cls.admin_employee = admin[:1] or employees.create(
            {"name": "CR Admin", "user_id": cls.env.user.id}
        )
        cls.salesman_employee = employees.create(
            {"name": "CR Salesman", "user_id": cls.salesman.id}
        )
        project = cls.env["project.project"].create(
            {"name": "CR Cleo Project", "partner_id": cls.cleo.id}
        )
        task = cls.env["project.task"].create(
            {"name": "CR Ana Task", "project_id": project.id, "partner_id": cls.ana.id}
        )
        lines = [
            (cls.admin_employee, False, 3.0, "2026-05-10"),
            (cls.admin_employee, False, 4.0, "2026-03-01"),
            (cls.salesman_employee, task.id, 2.0, "2026-06-01"),
        ]
        cls.env["account.analytic.line"].create(
            [
                {
                    "name": "CR Work",
                    "project_id": project.id,
                    "task_id": task_id,
                    "employee_id": employee.id,
                    "unit_amount": hours,
                    "date": day,
                }
                for employee, task_id, hours, day in lines
            ]
        )

    # ------------------------------------------------------------------
    # The figures computed through the ORM, as the user reads the records
    # ------------------------------------------------------------------

    def _expected_interactions(self, customer, user, since):
        """Messages the user may read (mail.message's own access rules) on
        the customer, its contacts and its orders, written by an internal
        user or done activities, plus the meetings with them, since `since`."""
        env = self.env(user=user)
        partners = (
            env["res.partner"]
            .with_context(active_test=False)
            .search([("commercial_partner_id", "=", customer.id)])
        )
        orders = env["sale.order"].search([("partner_id", "in", partners.ids)])
        messages = env["mail.message"].search(
            [
                ("date", ">=", datetime.combine(since, datetime.min.time())),
                "|",
                "&",
                ("model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                "&",
                ("model", "=", "sale.order"),
                ("res_id", "in", orders.ids),
            ]
        )
        counted = messages.sudo().filtered(
            lambda m: m.mail_activity_type_id
            or (
                m.message_type == "comment"
                and m.author_id.with_context(active_test=False).user_ids.filtered(
                    lambda u: not u.share
                )
            )
        )
        meetings = env["calendar.event"].search_count(
            [
                ("partner_ids", "in", partners.ids),
                ("start", ">=", datetime.combine(since, datetime.min.time())),
            ]
        )
        return len(counted) + meetings

    def _expected_hours(self, customer, user, since):
        """Hours of the timesheet lines the user may read since `since` on
        projects and tasks (the user may read) of the customer."""
        env = self.env(user=user)
        try:
            lines = env["account.analytic.line"].search(
                [("project_id", "!=", False), ("date", ">=", since)]
            )
        except AccessError:
            return 0.0
        projects = env["project.project"].with_context(active_test=False).search([])
        tasks = env["project.task"].with_context(active_test=False).search([])
        return sum(
            line.unit_amount
            for line in lines.sudo()
            if line.project_id in projects
            and (not line.task_id or line.task_id in tasks)
            and (line.task_id.partner_id or line.project_id.partner_id) == customer
        )

    def _profit(self, customer, since):
        orders = self._counted_orders(customer)
        return sum(
            orders.filtered(lambda o: o.date_order.date() >= since).mapped("margin")
        )

    def _run(self, user=None):
        return self._run_period(DATE_FROM, user=user)

    def _assert_rating(self, user, interactions, hours):
        """The rating's figures as `user`: the README's numbers, the ORM's."""
        lines = self._run(user)._report_lines()
        self.assertEqual(lines.partner_id, self.ana | self.cleo | self.eva)
        for line in lines:
            customer = line.partner_id
            count = self._expected_interactions(customer, user, DATE_FROM)
            spent = self._expected_hours(customer, user, DATE_FROM)
            profit = self._profit(customer, DATE_FROM)
            with self.subTest(customer=customer.name, user=user.name):
                self.assertEqual(count, interactions[customer])
                self.assertEqual(spent, hours.get(customer, 0.0))
                self.assertEqual(line.interactions, count)
                self.assertAlmostEqual(line.hours, spent)
                self.assertAlmostEqual(
                    line.profit_per_interaction, profit / count, places=2
                )
                self.assertAlmostEqual(
                    line.profit_per_hour, profit / spent if spent else 0.0, places=2
                )
                self.assertAlmostEqual(
                    line.score_cost_to_serve,
                    -COST_WEIGHT * percent_rank(count, list(interactions.values())),
                    places=1,
                )
        return lines

    # ------------------------------------------------------------------

    def test_rating_counts_what_the_manager_reads(self):
        interactions = {self.ana: 2, self.cleo: 5, self.eva: 1}
        hours = {self.ana: 2.0, self.cleo: 3.0}
        lines = self._assert_rating(self.env.user, interactions, hours)
        cleo = lines.filtered(lambda line: line.partner_id == self.cleo)
        self.assertIn("cost to serve -10", cleo.score_explanation)
        eva = lines.filtered(lambda line: line.partner_id == self.eva)
        self.assertEqual(eva.score_cost_to_serve, 0)

    def test_salesperson_counts_only_what_they_may_read(self):
        """The leader's quotation is not the salesperson's; a salesperson
        reads every meeting (Odoo's rule for employees, private ones too)
        and no timesheet."""
        interactions = {self.ana: 2, self.cleo: 4, self.eva: 1}
        self._assert_rating(self.salesman, interactions, {})

    def test_timesheet_user_counts_own_timesheets(self):
        self.salesman.groups_id = [
            Command.link(self.env.ref("hr_timesheet.group_hr_timesheet_user").id)
        ]
        interactions = {self.ana: 2, self.cleo: 4, self.eva: 1}
        self._assert_rating(self.salesman, interactions, {self.ana: 2.0})

    def test_excel_has_the_columns(self):
        wizard = self._run()
        rows = list(xlsx_sheet(wizard).iter_rows(values_only=True))
        lines = wizard._report_lines()
        header = next(row for row in rows if "Interactions" in row)
        data = rows[rows.index(header) + 1 :][: len(lines)]  # then the totals
        for name in ("Interactions", "Hours", "Profit per Interaction"):
            column = header.index(name)
            field = {"Interactions": "interactions", "Hours": "hours"}.get(
                name, "profit_per_interaction"
            )
            self.assertEqual(
                sorted(round(row[column] or 0, 2) for row in data),
                sorted(round(value, 2) for value in lines.mapped(field)),
            )
        self.assertIn("Profit per Hour", header)
        self.assertIn("Score: Cost to Serve", header)

    def test_card_last_12_months(self):
        expected = {
            (self.env.user, self.cleo): (5, 7.0),
            (self.env.user, self.ana): (3, 2.0),
            (self.salesman, self.cleo): (4, 0.0),
            (self.salesman, self.ana): (3, 0.0),
            (self.salesman, self.dan): (0, 0.0),
        }
        for (user, customer), (count, spent) in expected.items():
            self.assertEqual(
                self._expected_interactions(customer, user, CARD_FROM), count
            )
            self.assertEqual(self._expected_hours(customer, user, CARD_FROM), spent)
            partner = customer.with_user(user)
            if customer == self.ana:
                partner = self.ana_contact.with_user(user)
            profit = self._profit(customer, CARD_FROM)
            with self.subTest(customer=customer.name, user=user.name):
                self.assertEqual(partner.customer_rating_interactions_12m, count)
                self.assertAlmostEqual(partner.customer_rating_hours_12m, spent)
                self.assertAlmostEqual(
                    partner.customer_rating_profit_per_interaction_12m,
                    profit / count if count else 0.0,
                    places=2,
                )
                self.assertAlmostEqual(
                    partner.customer_rating_profit_per_hour_12m,
                    profit / spent if spent else 0.0,
                    places=2,
                )
        view = self.env["res.partner"].get_views([(False, "form")])["views"]["form"]
        self.assertIn("customer_rating_profit_per_hour_12m", view["arch"])
        view = self.env["customer.rating.line"].get_views([(False, "list")])
        self.assertIn('name="profit_per_hour"', view["views"]["list"]["arch"])
