# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import TODAY, RetentionCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCallBackCron(RetentionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.call_back = cls.env.ref("customer_rating.mail_activity_type_call_back")
        cls.Callback = cls.env["customer.rating.callback"]

    def _activities(self, partners=None):
        return self.env["mail.activity"].search(
            [
                ("activity_type_id", "=", self.call_back.id),
                ("res_model", "=", "res.partner"),
                ("res_id", "in", (partners or self.customers).ids),
            ]
        )

    def _callbacks(self, partners=None):
        return self.Callback.search(
            [("partner_id", "in", (partners or self.customers).ids)]
        )

    def _run_cron(self):
        """Run the cron's batches until nothing is left, as the cron does."""
        while self.Callback._cron_schedule_call_backs():
            pass

    def test_one_call_back_per_customer_at_risk(self):
        self._run_cron()
        at_risk = self.customers.filtered(
            lambda c: c.active and self._expected(c)["status"] == "at_risk"
        )
        self.assertEqual(at_risk, self.ana | self.dan)
        activities = self._activities()
        self.assertEqual(sorted(activities.mapped("res_id")), sorted(at_risk.ids))
        callbacks = self._callbacks()
        self.assertEqual(callbacks.partner_id, at_risk)
        self.assertEqual(callbacks.activity_id, activities)
        self.assertEqual(set(callbacks.mapped("state")), {"open"})

    def test_running_twice_creates_nothing_new(self):
        self._run_cron()
        activities, callbacks = (
            self.env["mail.activity"].search([]),
            self.Callback.search([]),
        )
        self.assertEqual(self.Callback._cron_schedule_call_backs(), 0)
        self.assertEqual(self.env["mail.activity"].search([]), activities)
        self.assertEqual(self.Callback.search([]), callbacks)

    def test_assignees_and_note(self):
        self._run_cron()
        ana = self._activities(self.ana)
        self.assertEqual(ana.user_id, self.salesman)  # her salesperson
        self.assertEqual(self._activities(self.dan).user_id, self.leader)  # team leader
        expected = self._expected(self.ana)
        self.assertIn("04/05/2026", ana.note)
        self.assertIn(f"{expected['days_since']} days ago", ana.note)
        self.assertIn(f"every {round(expected['rhythm'])} days", ana.note)
        self.assertIn(f"{expected['total_spent']:,.2f}", ana.note)
        callback = self._callbacks(self.ana)
        self.assertAlmostEqual(callback.total_spent, expected["total_spent"], places=2)
        self.assertEqual(callback.last_purchase, expected["last_purchase"])
        self.assertEqual(callback.company_id, self.branch)

    def test_the_numbers_to_call_are_on_the_call_back(self):
        self.ana.phone = "+1 555-0100"
        self.ana_contact.mobile = "+1 555-0199 <ext 2>"
        self._run_cron()
        activity = self._activities(self.ana)
        self.assertEqual(activity.summary, f"{self.call_back.summary} (+1 555-0100)")
        self.assertIn("Phone: +1 555-0100, +1 555-0199 &lt;ext 2&gt;", activity.note)
        callback = self._callbacks(self.ana)
        self.assertEqual(callback.phone, "+1 555-0100")
        dan = self._activities(self.dan)
        self.assertEqual(dan.summary, self.call_back.summary)
        self.assertNotIn("Phone", dan.note)

    def test_who_calls_sees_the_call_back_figures_on_the_card(self):
        """A salesperson who sees only their own orders, handed Ana's
        call-back, sees on her card none of her orders but what the
        call-back says: last purchase, rhythm and spent over all of them."""
        self._run_cron()
        caller = new_test_user(
            self.env,
            "cr_retention_caller",
            groups="sales_team.group_sale_salesman",
            company_ids=[Command.set((self.main | self.branch).ids)],
        )
        callback = self._callbacks(self.ana)
        callback.with_user(self.salesman).user_id = caller
        expected = self._expected(self.ana)
        card = self.ana.with_user(caller).with_context(
            allowed_company_ids=(self.main | self.branch).ids
        )
        self.assertEqual(card.customer_rating_order_count, 0)
        self.assertEqual(card.customer_rating_callback_id, callback)
        self.assertEqual(card.customer_rating_callback_user_id, caller)
        self.assertEqual(
            card.customer_rating_callback_last_purchase, expected["last_purchase"]
        )
        self.assertAlmostEqual(card.customer_rating_callback_rhythm, expected["rhythm"])
        self.assertAlmostEqual(
            card.customer_rating_callback_total_spent,
            expected["total_spent"],
            places=2,
        )
        self.assertEqual(
            self.ana_contact.with_user(caller).customer_rating_callback_id, callback
        )
        callback.with_user(caller)._close("will_come_back")
        self.ana.invalidate_recordset()
        self.assertFalse(self.ana.with_user(caller).customer_rating_callback_id)

    def test_the_assignee_can_open_the_customer(self):
        self._run_cron()
        for activity in self._activities():
            with self.subTest(customer=activity.res_name):
                user = activity.user_id
                partner = self.env["res.partner"].browse(activity.res_id)
                partner.with_user(user).check_access("read")
                activity.with_user(user).check_access("read")
                self.assertTrue(partner.with_user(user).name)

    def test_salesperson_who_cannot_read_the_customer_is_skipped(self):
        """Dan belongs to the branch; his salesperson works in the main
        company only: the fallback user of Settings gets the call-back."""
        outsider = new_test_user(
            self.env,
            "cr_retention_outsider",
            groups="sales_team.group_sale_salesman",
            company_id=self.main.id,
            company_ids=[Command.set(self.main.ids)],
        )
        fallback = new_test_user(
            self.env,
            "cr_retention_fallback",
            groups="sales_team.group_sale_salesman",
            company_ids=[Command.set((self.main | self.branch).ids)],
        )
        self.dan.write({"company_id": self.branch.id, "user_id": outsider.id})
        self.led_team.user_id = outsider
        self.env["ir.config_parameter"].set_param(
            "customer_rating.callback_user_id", fallback.id
        )
        self._run_cron()
        self.assertEqual(self._activities(self.dan).user_id, fallback)

    def test_archived_customers_get_nothing(self):
        self._run_cron()
        self.assertFalse(self._activities(self.eva))
        self.assertFalse(self._callbacks(self.eva))

    def test_communication_stopped_customers_get_nothing(self):
        self.ana.customer_rating_status = "archived"
        self._run_cron()
        self.assertFalse(self._callbacks(self.ana))
        self.assertTrue(self._callbacks(self.dan), "the others are called")

    def test_batches_report_progress(self):
        cron = self.env.ref("customer_rating.ir_cron_schedule_call_backs")
        self.env["res.partner"]._customer_rating_refresh_retention()
        to_call = len(self.Callback._retention_todo())
        self.assertGreaterEqual(to_call, 2)
        cron, progress = cron._add_progress()
        callback = self.Callback.with_context(**cron.env.context)
        self.assertEqual(callback._cron_schedule_call_backs(batch_size=1), 1)
        self.assertEqual((progress.done, progress.remaining), (1, to_call - 1))
        self.assertEqual(
            callback._cron_schedule_call_backs(batch_size=to_call), to_call - 1
        )
        self.assertEqual((progress.done, progress.remaining), (to_call - 1, 0))

    def test_error_in_a_batch_leaves_nothing_half_done(self):
        """The activities of a batch are created before its call-backs: when
        the call-backs fail, the batch's activities are gone too."""
        activities_before = self.env["mail.activity"].search_count([])
        callbacks_before = self.Callback.search_count([])
        with (
            patch.object(
                type(self.Callback), "create", side_effect=RuntimeError("boom")
            ),
            self.assertRaises(RuntimeError),
        ):
            self.Callback._cron_schedule_call_backs()
        self.assertEqual(self.env["mail.activity"].search_count([]), activities_before)
        self.assertEqual(self.Callback.search_count([]), callbacks_before)
        self._run_cron()
        self.assertEqual(self._callbacks().partner_id, self.ana | self.dan)

    def test_buying_again_closes_the_call_back(self):
        self._run_cron()
        callback = self._callbacks(self.ana)
        order = self._order(self.ana_contact, "2026-06-15 09:00", 1, self.main)
        self.assertEqual(callback.state, "done")
        self.assertEqual(callback.outcome, "came_back")
        self.assertEqual(callback.order_id, order)
        self.assertEqual(callback.date_closed, TODAY)
        self.assertFalse(self._activities(self.ana))
        self.assertEqual(self._callbacks(self.dan).state, "open")
        # she is active again: the cron leaves her alone
        self._run_cron()
        self.assertEqual(self._callbacks(self.ana), callback)

    def test_closing_asks_for_the_outcome(self):
        self._run_cron()
        callback = self._callbacks(self.ana).with_user(self.salesman)
        activity = callback.activity_id
        with self.assertRaises(UserError):
            activity.action_feedback(feedback="Called")
        reason = self.env.ref("customer_rating.churn_reason_cheaper_elsewhere")
        action = callback.action_close()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.salesman)
            .with_context(**action["context"])
        )
        wizard.outcome = "price"
        wizard.reason_id = reason
        wizard.feedback = "Saw it for less online"
        wizard.save().action_close()
        self.assertEqual(callback.state, "done")
        self.assertEqual(callback.outcome, "price")
        self.assertEqual(callback.reason_id, reason)
        self.assertFalse(activity.exists())
        message = self.ana.message_ids[:1]
        self.assertIn("Saw it for less online", message.body)
        with self.assertRaises(UserError):
            callback.action_close()

    def test_no_new_call_back_until_the_customer_buys(self):
        self._run_cron()
        self._callbacks(self.ana)._close("will_come_back")
        self._run_cron()
        self.assertEqual(len(self._callbacks(self.ana)), 1)

    def test_cancelled_activity_cancels_the_call_back(self):
        self._run_cron()
        callback = self._callbacks(self.dan)
        callback.activity_id.unlink()
        self.assertEqual(callback.state, "cancelled")

    def test_churn_reasons_managers_configure_users_read(self):
        reasons = self.env["customer.rating.churn.reason"]
        self.assertTrue(reasons.with_user(self.salesman).search([]))
        with self.assertRaises(UserError):
            reasons.with_user(self.salesman).create({"name": "Parking"})
        reasons.with_user(self.leader).create({"name": "Parking"})

    def test_only_the_assignee_creator_or_manager_acts_on_a_call_back(self):
        self._run_cron()
        colleague = new_test_user(
            self.env,
            "cr_retention_colleague",
            groups="sales_team.group_sale_salesman_all_leads",
            company_ids=[Command.set((self.main | self.branch).ids)],
        )
        callback = self._callbacks(self.ana)
        self.assertEqual(callback.user_id, self.salesman)
        theirs = callback.with_user(colleague)
        with self.assertRaises(AccessError):
            theirs.action_close()
        with self.assertRaises(AccessError):
            theirs._close("came_back")
        with self.assertRaises(AccessError):
            theirs.user_id = colleague
        with self.assertRaises(AccessError):
            callback.activity_id.with_user(colleague).user_id = colleague
        with self.assertRaises(AccessError):
            callback.activity_id.with_user(colleague).unlink()
        for values in ({"state": "done"}, {"outcome": "came_back"}):
            with self.subTest(values=values), self.assertRaises(UserError):
                theirs.write(values)
        # not even the assignee sets a state by hand: Close asks for the outcome
        with self.assertRaises(UserError):
            callback.with_user(self.salesman).write({"state": "done"})
        self.assertEqual(callback.state, "open")
        self.assertEqual(callback.activity_id.user_id, self.salesman)
        # the assignee hands it over; the activity follows
        callback.with_user(self.salesman).user_id = self.leader
        self.assertEqual(callback.activity_id.user_id, self.leader)
        # a manager takes it back through the activity; the call-back follows
        callback.activity_id.with_user(self.leader).user_id = self.salesman
        self.assertEqual(callback.user_id, self.salesman)
        callback.with_user(self.salesman)._close("will_come_back")
        self.assertEqual(callback.state, "done")
        self.assertFalse(callback.activity_id.exists())
