# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import TODAY, RetentionCommon

STORED = [
    "customer_rating_retention_state",
    "customer_rating_retention_rhythm",
    "customer_rating_retention_last",
    "customer_rating_retention_next",
    "customer_rating_retention_overdue",
    "customer_rating_retention_branch_id",
]


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestRetentionState(RetentionCommon):
    """The retention state stored on the customer by the daily job, checked
    against the rule computed in Python from the orders (`_expected`)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]
        cls.Callback = cls.env["customer.rating.callback"]
        cls.remind = cls.env.ref("customer_rating.mail_activity_type_remind")

    def _expected_state(self, partner, due_soon_days=7):
        expected = self._expected(partner)
        days = {order.date_order.date() for order in self._counted_orders(partner)}
        next_purchase = expected["last_purchase"] + timedelta(
            days=round(expected["rhythm"])
        )
        if partner.customer_rating_status == "archived":
            state = "archived"
        elif expected["status"] != "active":
            state = expected["status"]
        elif TODAY <= next_purchase <= TODAY + timedelta(days=due_soon_days):
            state = "due_soon"
        elif len(days) == 1:
            state = "new"
        else:
            state = "active"
        last_order = self._counted_orders(partner)[-1]
        return {
            "customer_rating_retention_state": state,
            "customer_rating_retention_rhythm": expected["rhythm"],
            "customer_rating_retention_last": expected["last_purchase"],
            "customer_rating_retention_next": next_purchase,
            "customer_rating_retention_overdue": max((TODAY - next_purchase).days, 0),
            "customer_rating_retention_branch_id": last_order.company_id,
        }

    def _stored(self, partner):
        return {name: partner[name] for name in STORED}

    def _reminders(self):
        """The Remind activities of the test customers (the job covers the
        demo customers too)."""
        return self.env["mail.activity"].search(
            [
                ("activity_type_id", "=", self.remind.id),
                ("res_model", "=", "res.partner"),
                ("res_id", "in", self.customers.ids),
            ]
        )

    def _run_job(self):
        while self.Callback._cron_schedule_call_backs():
            pass

    def test_refresh_matches_the_rule(self):
        self.Partner._customer_rating_refresh_retention()
        for partner in self.ana | self.ben | self.cleo | self.dan:
            with self.subTest(partner=partner.name):
                self.assertEqual(self._stored(partner), self._expected_state(partner))
        self.assertEqual(
            [
                p.customer_rating_retention_state
                for p in (self.ana, self.ben, self.cleo, self.dan)
            ],
            ["at_risk", "lost", "due_soon", "at_risk"],
        )
        # an archived contact, and contacts (they roll up), have no state
        self.assertFalse(self.eva.customer_rating_retention_state)
        self.assertFalse(self.ana_contact.customer_rating_retention_state)

    def test_new_and_active_customers(self):
        newcomer = self.Partner.create({"name": "CR Newcomer"})
        self._order(newcomer, "2026-06-05 10:00", 1, self.main)
        regular = self.Partner.create({"name": "CR Regular"})
        for day in ("2026-05-15", "2026-05-25", "2026-06-04", "2026-06-14"):
            self._order(regular, f"{day} 10:00", 1, self.branch)
        self.Partner._customer_rating_refresh_retention()
        self.assertEqual(newcomer.customer_rating_retention_state, "new")
        self.assertEqual(self._stored(newcomer), self._expected_state(newcomer))
        self.assertEqual(regular.customer_rating_retention_state, "active")
        self.assertEqual(self._stored(regular), self._expected_state(regular))

    def test_communication_stopped_is_archived(self):
        self.ben.customer_rating_status = "archived"
        self.Partner._customer_rating_refresh_retention()
        self.assertEqual(self.ben.customer_rating_retention_state, "archived")

    def test_refresh_writes_changes_only_and_clears(self):
        Partner = self.Partner
        written = Partner._customer_rating_refresh_retention()
        self.assertGreaterEqual(written, 4)
        self.assertEqual(Partner._customer_rating_refresh_retention(), 0)
        self._counted_orders(self.cleo)._action_cancel()
        self.assertEqual(Partner._customer_rating_refresh_retention(), 1)
        self.assertEqual(
            self._stored(self.cleo),
            dict.fromkeys(STORED, False)
            | {
                "customer_rating_retention_rhythm": 0.0,
                "customer_rating_retention_branch_id": self.env["res.company"],
            },
        )
        with freeze_time(TODAY + timedelta(days=60)):
            Partner._customer_rating_refresh_retention()
            self.assertEqual(self.ana.customer_rating_retention_state, "lost")

    def test_days_overdue_follow_the_day_and_search(self):
        self.Partner._customer_rating_refresh_retention()
        # Ana: last purchase 2026-04-05, every 30 days: due on 2026-05-05
        self.assertEqual(self.ana.customer_rating_retention_overdue, 41)
        self.assertEqual(self.cleo.customer_rating_retention_overdue, 0)
        with freeze_time(TODAY + timedelta(days=9)):
            self.ana.invalidate_recordset(["customer_rating_retention_overdue"])
            self.assertEqual(self.ana.customer_rating_retention_overdue, 50)

        def overdue(operator, value):
            return self.Partner.search(
                [
                    ("id", "in", self.customers.ids),
                    ("customer_rating_retention_overdue", operator, value),
                ]
            )

        expected = {
            p: self._expected_state(p)["customer_rating_retention_overdue"]
            for p in (self.ana, self.ben, self.cleo, self.dan)
        }
        for operator, value, check in (
            (">", 41, lambda days: days > 41),
            (">=", 41, lambda days: days >= 41),
            ("<", 41, lambda days: days < 41),
            ("<=", 0, lambda days: days <= 0),
            ("=", 0, lambda days: days == 0),
            ("=", 41, lambda days: days == 41),
        ):
            with self.subTest(operator=operator, value=value):
                self.assertEqual(
                    overdue(operator, value),
                    self.Partner.union(
                        *[p for p, days in expected.items() if check(days)]
                    ),
                )

    def test_search_group_and_filter_by_branch(self):
        self.Partner._customer_rating_refresh_retention()
        at_risk_main = self.Partner.search(
            [
                ("id", "in", self.customers.ids),
                ("customer_rating_retention_state", "=", "at_risk"),
                ("customer_rating_retention_branch_id", "=", self.main.id),
            ]
        )
        self.assertEqual(at_risk_main, self.dan)
        groups = self.Partner._read_group(
            [("id", "in", self.customers.ids)],
            ["customer_rating_retention_state"],
            ["__count"],
        )
        self.assertEqual(
            dict(groups),
            {"at_risk": 2, "lost": 1, "due_soon": 1},
        )

    def test_only_customer_rating_users_read_the_state(self):
        """Every salesperson is a Customer Rating user; other employees do
        not read the state."""
        self.Partner._customer_rating_refresh_retention()
        companies = [Command.set((self.main | self.branch).ids)]
        outsider = new_test_user(
            self.env,
            "cr_state_outsider",
            groups="base.group_user",
            company_ids=companies,
        )
        with self.assertRaises(AccessError):
            self.dan.with_user(outsider).customer_rating_retention_state  # noqa: B018
        reader = new_test_user(
            self.env,
            "cr_state_reader",
            groups="sales_team.group_sale_salesman",
            company_ids=companies,
        )
        self.assertEqual(
            self.dan.with_user(reader).customer_rating_retention_state, "at_risk"
        )

    # ------------------------------------------------------------------
    # The daily job: computed once per run, reminders once
    # ------------------------------------------------------------------

    def test_the_full_list_is_computed_once_per_run(self):
        rules = type(self.env["customer.rating.rules"])
        original = rules._retention_query
        calls = []

        def counting(self_, *args, **kwargs):
            calls.append(kwargs.get("domain") or ())
            return original(self_, *args, **kwargs)

        batches = 0
        with patch.object(rules, "_retention_query", counting):
            while self.Callback._cron_schedule_call_backs(batch_size=2):
                batches += 1
        self.assertGreater(batches, 1)
        full = [domain for domain in calls if not domain]
        self.assertEqual(len(full), 2, "one to refresh, one to find nothing left")
        self.assertEqual(
            self.Callback.search([("partner_id", "in", self.customers.ids)]).partner_id,
            self.ana | self.dan,
        )

    def test_due_soon_customers_are_reminded_once(self):
        self._run_job()
        activities = self._reminders()
        self.assertEqual(activities.mapped("res_id"), self.cleo.ids)
        self.assertEqual(activities.user_id, self.salesman)
        self.assertIn("every 14 days", str(activities.note))
        expected_next = self._expected_state(self.cleo)[
            "customer_rating_retention_next"
        ]
        self.assertEqual(self.cleo.customer_rating_reminded_for, expected_next)
        self._run_job()
        self.assertEqual(self.Callback._cron_schedule_call_backs(), 0)
        self.assertEqual(self._reminders(), activities)

    def test_reminder_by_email(self):
        self.env["ir.config_parameter"].set_param(
            "customer_rating.reminder_mode", "email"
        )
        self.cleo.email = "cleo@example.com"
        self._run_job()
        message = self.cleo.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(message), 1)
        self.assertIn("we look forward to seeing you", message.subject)
        self.assertEqual(message.partner_ids, self.cleo)
        self.assertFalse(self._reminders())
        self._run_job()
        self.assertEqual(
            len(self.cleo.message_ids.filtered(lambda m: m.message_type == "comment")),
            1,
        )

    def test_reminder_by_email_falls_back_to_an_activity(self):
        self.env["ir.config_parameter"].set_param(
            "customer_rating.reminder_mode", "email"
        )
        self.cleo.email = False
        self._run_job()
        self.assertEqual(self._reminders().mapped("res_id"), self.cleo.ids)

    def test_a_purchase_in_the_meantime_is_seen_by_the_batch(self):
        """The stored list may be a batch old: each batch reads its own
        customers' orders again before acting."""
        self.Partner._customer_rating_refresh_retention()
        self._order(self.ana, "2026-06-15 09:00", 1, self.main)
        self._run_job()
        self.assertFalse(self.Callback.search([("partner_id", "=", self.ana.id)]))
        self.assertEqual(self._stored(self.ana), self._expected_state(self.ana))

    def test_settings_form(self):
        settings = Form(self.env["res.config.settings"])
        settings.customer_rating_reminder_mode = "email"
        settings.save().execute()
        self.assertEqual(self.Partner._customer_rating_reminder_mode(), "email")
