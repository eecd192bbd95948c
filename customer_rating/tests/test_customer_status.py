# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import (
    PROPERTY_DEFINITION,
    CustomerPropertiesCommon,
    CustomerRatingCommon,
)


@tagged("post_install", "-at_install")
class TestCustomerStatus(CustomerPropertiesCommon):
    def test_new_customers_are_active(self):
        self.assertEqual(
            (self.company | self.contact | self.person).mapped(
                "customer_rating_status"
            ),
            ["active"] * 3,
        )

    def test_required_property_empty_then_filled(self):
        self._require("Birthday")
        self.flush_tracking()
        self.assertEqual(self.person.customer_rating_status, "control")
        self.assertEqual(self._status_changes(self.person), [("Active", "Control")])
        self.person.customer_rating_properties = {"birthday": "1990-04-01"}
        self.flush_tracking()
        self.assertEqual(self.person.customer_rating_status, "active")
        self.assertEqual(
            self._status_changes(self.person),
            [("Active", "Control"), ("Control", "Active")],
        )

    def test_new_customer_without_required_property(self):
        self._require("Customer Type")
        customer = self.env["res.partner"].create({"name": "CR Props New"})
        self.assertEqual(customer.customer_rating_status, "control")
        vip = self.env["res.partner"].create(
            {"name": "CR Props VIP", "customer_rating_properties": {"kind": "vip"}}
        )
        self.assertEqual(vip.customer_rating_status, "active")

    def test_what_counts_as_empty(self):
        """Zero is a value; an unset number, an empty text and an unticked
        checkbox are not."""
        self._require("Visits", "Consent", "Notes")
        filled = {"visits": 0, "consent": True, "notes": "x"}
        self.person.customer_rating_properties = filled
        self.assertEqual(self.person.customer_rating_status, "active")
        for name, empty in (("consent", False), ("notes", "")):
            with self.subTest(name=name):
                self.person.customer_rating_properties = {**filled, name: empty}
                self.assertEqual(self.person.customer_rating_status, "control")
                self.person.customer_rating_properties = filled
                self.assertEqual(self.person.customer_rating_status, "active")
        no_visits = self.env["res.partner"].create(
            {
                "name": "CR Props No Visits",
                "customer_rating_properties": {"consent": True, "notes": "x"},
            }
        )
        self.assertEqual(no_visits.customer_rating_status, "control")

    def test_contacts_roll_up_into_the_customer(self):
        self._require("Birthday")
        self.assertEqual(self.company.customer_rating_status, "control")
        self.assertEqual(self.contact.customer_rating_status, "active")

    def test_archived_is_never_overridden(self):
        self.person.customer_rating_status = "archived"
        self._require("Birthday")
        self.assertEqual(self.person.customer_rating_status, "archived")
        self.person.customer_rating_properties = {"birthday": "1990-04-01"}
        self.assertEqual(self.person.customer_rating_status, "archived")
        self.person.customer_rating_properties = {"birthday": False}
        self.person.customer_rating_status = "active"  # communication resumed
        self.assertEqual(self.person.customer_rating_status, "control")

    def test_control_by_hand_stays_until_cleared_by_hand(self):
        self.person.customer_rating_status = "control"
        self.assertEqual(self.person.customer_rating_status, "control")
        self.assertTrue(self.person.customer_rating_control_manual)
        # the rule neither clears it when the data is complete...
        self._require("Birthday")
        self.person.customer_rating_properties = {"birthday": "1990-04-01"}
        self.assertEqual(self.person.customer_rating_status, "control")
        self.env["res.partner"]._customer_rating_sync_all_statuses()
        self.assertEqual(self.person.customer_rating_status, "control")
        # ...until a user clears it; the rule applies again from then on
        self.person.customer_rating_status = "active"
        self.assertFalse(self.person.customer_rating_control_manual)
        self.assertEqual(self.person.customer_rating_status, "active")
        self.person.customer_rating_properties = {"birthday": False}
        self.assertEqual(self.person.customer_rating_status, "control")
        self.assertFalse(self.person.customer_rating_control_manual)
        self.person.customer_rating_properties = {"birthday": "1990-04-01"}
        self.assertEqual(self.person.customer_rating_status, "active")

    def test_control_by_hand_at_creation_and_in_the_form(self):
        customer = self.env["res.partner"].create(
            {"name": "CR Props Later", "customer_rating_status": "control"}
        )
        self.assertEqual(customer.customer_rating_status, "control")
        self.assertTrue(customer.customer_rating_control_manual)
        with Form(self.person) as form:
            form.customer_rating_status = "control"
        self.assertEqual(self.person.customer_rating_status, "control")
        self.assertTrue(self.person.customer_rating_control_manual)

    def test_automatic_control_is_not_by_hand(self):
        self._require("Birthday")
        self.assertEqual(self.person.customer_rating_status, "control")
        self.assertFalse(self.person.customer_rating_control_manual)

    def test_removing_a_requirement_or_the_property(self):
        self._require("Birthday", "Customer Type")
        self.person.customer_rating_properties = {"birthday": "1990-04-01"}
        self.assertEqual(self.person.customer_rating_status, "control")
        self._require("Birthday")
        self.assertEqual(self.person.customer_rating_status, "active")
        self.assertEqual(self.company.customer_rating_status, "control")
        self.holder.property_definition = [
            d for d in PROPERTY_DEFINITION if d["name"] != "birthday"
        ]
        self.assertEqual(self.holder._required_names(), [])
        self.assertEqual(self.company.customer_rating_status, "active")

    def test_partner_archive_is_independent(self):
        self.person.action_archive()
        self.assertEqual(self.person.customer_rating_status, "active")
        self._require("Birthday")
        self.assertEqual(self.person.customer_rating_status, "control")
        self.company.customer_rating_status = "archived"
        self.assertTrue(self.company.active)

    def test_regular_customers(self):
        self.company.customer_rating_status = "archived"
        self._require("Birthday")
        ours = self.company | self.contact | self.person
        domain = self.env["customer.rating.rules"]._regular_customer_domain()
        regular = self.env["res.partner"].search([("id", "in", ours.ids), *domain])
        self.assertEqual(regular, self.contact | self.person)
        groups = self.env["res.partner"]._read_group(
            [("id", "in", ours.ids)], ["customer_rating_status"], ["__count"]
        )
        self.assertEqual(dict(groups), {"active": 1, "control": 1, "archived": 1})

    def test_required_properties_in_settings(self):
        settings = Form(self.env["res.config.settings"])
        settings.customer_rating_required_properties = "birthday,  customer type"
        settings.save().execute()
        self.assertEqual(self.holder._required_names(), ["birthday", "kind"])
        self.assertEqual(
            self.env["res.config.settings"]
            .default_get(["customer_rating_required_properties"])
            .get("customer_rating_required_properties"),
            "Birthday, Customer Type",
        )
        self.assertEqual(self.person.customer_rating_status, "control")
        settings = Form(self.env["res.config.settings"])
        settings.customer_rating_required_properties = "Birthday, Shoe Size"
        with self.assertRaisesRegex(ValidationError, "Shoe Size"):
            settings.save().execute()

    def test_only_managers_define_properties(self):
        with self.assertRaises(AccessError):
            self.holder.with_user(self.user).required_property_names = ["birthday"]
        self.holder.with_user(self.manager)._set_required_labels("Birthday")
        self.assertEqual(self.holder.required_property_names, ["birthday"])
        # anyone who may edit a customer moves its status
        person = self.person.with_user(self.user)
        person.customer_rating_properties = {"birthday": "2000-01-01"}
        self.assertEqual(self.person.customer_rating_status, "active")

    def test_the_holder_stays(self):
        with self.assertRaises(AccessError):
            self.holder.with_user(self.manager).unlink()


@tagged("post_install", "-at_install")
class TestStatusInReports(CustomerRatingCommon):
    def test_rating_lines_carry_the_status(self):
        self.bob.customer_rating_status = "archived"
        wizard = self._rating()
        lines = self.env["customer.rating.line"].search([("wizard_id", "=", wizard.id)])
        status = {line.partner_id: line.status for line in lines}
        self.assertEqual(status[self.bob], "archived")
        self.assertEqual(status[self.acme], "active")
