# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CustomerPropertiesCommon


@tagged("post_install", "-at_install")
class TestCustomerProperties(CustomerPropertiesCommon):
    def test_every_partner_shares_the_definition(self):
        for partner in (self.company, self.contact, self.person):
            self.assertEqual(partner.customer_rating_property_holder_id, self.holder)
        # the definition's default applies to new customers
        customer = self.env["res.partner"].create({"name": "CR Props New"})
        self.assertEqual(customer.customer_rating_properties["notes"], "none")
        read = customer.read(["customer_rating_properties"])[0]
        types = {p["name"]: p["type"] for p in read["customer_rating_properties"]}
        self.assertEqual(
            types,
            {
                "birthday": "date",
                "kind": "selection",
                "visits": "integer",
                "budget": "float",
                "consent": "boolean",
                "notes": "char",
            },
        )

    def test_search_and_group_by_a_property(self):
        self.company.customer_rating_properties = {"kind": "vip", "visits": 3}
        self.person.customer_rating_properties = {"kind": "retail", "visits": 5}
        ours = [("id", "in", (self.company | self.contact | self.person).ids)]
        partner = self.env["res.partner"]
        self.assertEqual(
            partner.search([*ours, ("customer_rating_properties.kind", "=", "vip")]),
            self.company,
        )
        # (the contact's unset number is JSON false, which PostgreSQL sorts
        # after numbers: Odoo's comparison of properties includes it)
        self.assertEqual(
            partner.search(
                [
                    ("id", "in", (self.company | self.person).ids),
                    ("customer_rating_properties.visits", ">", 4),
                ]
            ),
            self.person,
        )
        groups = partner._read_group(
            ours, ["customer_rating_properties.kind"], ["__count"]
        )
        self.assertEqual(dict(groups), {"vip": 1, "retail": 1, False: 1})

    def test_search_panel_filter_on_the_holder(self):
        """The search panel adds (holder, '=', id) to a property filter."""
        partner = self.env["res.partner"]
        ours = [("id", "=", self.person.id)]
        self.assertEqual(
            partner.search(
                [*ours, ("customer_rating_property_holder_id", "=", self.holder.id)]
            ),
            self.person,
        )
        self.assertFalse(
            partner.search([*ours, ("customer_rating_property_holder_id", "=", False)])
        )

    def test_managers_add_properties_on_the_card(self):
        """The properties widget sends the whole definition with a flag."""

        def with_shoe_size(partner):
            values = partner.read(["customer_rating_properties"])[0]
            added = {
                "name": "shoe",
                "string": "Shoe Size",
                "type": "integer",
                "definition_changed": True,
                "value": 42,
            }
            return [*values["customer_rating_properties"], added]

        user_person = self.person.with_user(self.user)
        with self.assertRaises(AccessError):
            user_person.customer_rating_properties = with_shoe_size(user_person)
        manager_person = self.person.with_user(self.manager)
        manager_person.customer_rating_properties = with_shoe_size(manager_person)
        self.assertIn("shoe", [d["name"] for d in self.holder.property_definition])
        self.assertEqual(self.person.customer_rating_properties["shoe"], 42)
