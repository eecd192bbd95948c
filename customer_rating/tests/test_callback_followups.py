# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import TODAY, RetentionCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCallBackFollowups(RetentionCommon):
    """Closing a call-back with an outcome leads to the follow-ups of that
    outcome: pin the tier's price list, send a coupon, or give the branch
    manager an activity."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Callback = cls.env["customer.rating.callback"]
        while cls.Callback._cron_schedule_call_backs():
            pass
        cls.pin = cls.env.ref("customer_rating.customer_rating_followup_price_pin")
        cls.tell_manager = cls.env.ref(
            "customer_rating.customer_rating_followup_unhappy"
        )
        cls.coupons = cls.env["loyalty.program"].create(
            {"name": "CR Win-back Coupons", "program_type": "coupons"}
        )

    def _close(self, partner, outcome, followups=None, feedback=False):
        """Close the call-back of `partner` as its assignee, through the
        dialog; `followups`: what they tick (None: the defaults)."""
        callback = self.Callback.search([("partner_id", "=", partner.id)])
        assignee = callback.user_id
        action = callback.with_user(assignee).action_close()
        with Form(
            self.env[action["res_model"]]
            .with_user(assignee)
            .with_context(**action["context"])
        ) as wizard:
            wizard.outcome = outcome
            wizard.feedback = feedback
            if followups is not None:
                wizard.followup_ids.clear()
                for followup in followups:
                    wizard.followup_ids.add(followup)
        wizard.record.action_close()
        return callback, wizard.record.followup_ids

    def test_price_offers_to_pin_the_price_list(self):
        pricelist = self.ana.with_company(self.main).property_product_pricelist
        callback, _followups = self._close(self.ana, "price", self.pin)
        self.assertEqual(callback.state, "done")
        ana = self.ana.with_company(self.main)
        self.assertTrue(ana.customer_rating_pricelist_pinned)
        for company in self.main | self.branch:
            self.assertEqual(
                self.ana.with_company(company).specific_property_product_pricelist,
                pricelist,
            )
        self.assertIn("pinned after a call-back", self.ana.message_ids[:1].body)

    def test_price_not_ticked_changes_nothing(self):
        _callback, followups = self._close(self.ana, "price")
        self.assertFalse(followups, "pinning is offered, not ticked by default")
        self.assertFalse(
            self.ana.with_company(self.main).customer_rating_pricelist_pinned
        )

    def test_unhappy_tells_the_branch_manager(self):
        """Dan's last order's sales team has a leader: the activity is his."""
        _callback, defaults = self._close(self.dan, "unhappy", feedback="Rude staff")
        self.assertEqual(defaults, self.tell_manager)
        activity = self.dan.activity_ids.filtered(
            lambda a: a.activity_type_id == self.tell_manager.activity_type_id
        )
        self.assertEqual(activity.user_id, self.leader)
        self.assertIn("Unhappy with service", activity.summary)
        self.assertIn("Rude staff", str(activity.note))

    def test_a_named_manager_gets_it(self):
        self.tell_manager.user_id = self.leader
        self._close(self.ana, "unhappy")
        self.assertEqual(
            self.ana.activity_ids.filtered(
                lambda a: a.activity_type_id == self.tell_manager.activity_type_id
            ).user_id,
            self.leader,
        )

    def test_a_coupon_follow_up(self):
        coupon = self.env["customer.rating.followup"].create(
            {
                "name": "Win-back coupon",
                "outcome": "price",
                "action": "coupon",
                "program_id": self.coupons.id,
                "selected_by_default": True,
            }
        )
        _callback, defaults = self._close(self.ana, "price")
        self.assertEqual(defaults, coupon)
        card = self.env["loyalty.card"].search([("program_id", "=", self.coupons.id)])
        self.assertEqual(card.partner_id, self.ana)
        self.assertEqual(card.points, 1)
        self.assertIn(card, self.ana.customer_rating_instrument_ids)

    def test_follow_ups_of_another_outcome_are_not_applied(self):
        """The dialog hides them; a crafted call applies nothing either."""
        callback = self.Callback.search([("partner_id", "=", self.dan.id)])
        wizard = (
            self.env["customer.rating.callback.close"]
            .with_user(callback.user_id)
            .create(
                {
                    "callback_ids": callback.ids,
                    "outcome": "moved",
                    "followup_ids": self.tell_manager.ids,
                }
            )
        )
        wizard.action_close()
        self.assertEqual(callback.outcome, "moved")
        self.assertFalse(
            self.dan.activity_ids.filtered(
                lambda a: a.activity_type_id == self.tell_manager.activity_type_id
            )
        )

    def test_a_coupon_follow_up_needs_its_program(self):
        with self.assertRaises(ValidationError):
            self.env["customer.rating.followup"].create(
                {"name": "No program", "outcome": "price", "action": "coupon"}
            )
