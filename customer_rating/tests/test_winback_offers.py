# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, TransactionCase, new_test_user

# 2026-06-16 is a Tuesday, 2026-06-17 a Wednesday.
TUESDAY = "2026-06-16 10:00:00"
WEDNESDAY = "2026-06-17 10:00:00"


class TestWinbackOffers(TransactionCase):
    """Win-back offers: a 10% coupon program, a branch with its own time
    zone, two product categories, and customers (a company with two
    contacts, two people) of a sales team of their own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        cls.main = cls.env.company
        cls.branch = cls.env["res.company"].create(
            {"name": "CR Offer Branch", "parent_id": cls.main.id}
        )
        cls.branch.partner_id.tz = "UTC"
        cls.env.user.company_ids |= cls.branch
        cls.env = cls.env(
            context=dict(
                cls.env.context, allowed_company_ids=(cls.main | cls.branch).ids
            )
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "CR Offer Team", "company_id": False}
        )
        category = cls.env["product.category"]
        cls.shoes = category.create({"name": "CR Shoes"})
        cls.socks = category.create({"name": "CR Socks"})
        product = cls.env["product.product"]
        cls.shoe = product.create(
            {
                "name": "CR Shoe",
                "list_price": 100.0,
                "taxes_id": False,
                "categ_id": cls.shoes.id,
            }
        )
        cls.sock = product.create(
            {
                "name": "CR Sock",
                "list_price": 50.0,
                "taxes_id": False,
                "categ_id": cls.socks.id,
            }
        )
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "CR Offer USD", "company_id": False}
        )
        cls.template = cls.env["loyalty.program"].create(
            {
                "name": "CR 10% Coupon",
                "program_type": "coupons",
                "company_id": cls.branch.id,
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount": 10,
                            "discount_mode": "percent",
                            "discount_applicability": "order",
                            "required_points": 1,
                        }
                    )
                ],
            }
        )
        partner = cls.env["res.partner"]
        cls.acme = partner.create(
            {"name": "CR Offer Acme", "is_company": True, "email": "acme@example.com"}
        )
        cls.acme_buyer = partner.create(
            {"name": "CR Offer Acme Buyer", "parent_id": cls.acme.id}
        )
        cls.acme_other = partner.create(
            {"name": "CR Offer Acme Other", "parent_id": cls.acme.id}
        )
        cls.bob = partner.create({"name": "CR Offer Bob", "email": "bob@example.com"})
        cls.carla = partner.create(
            {"name": "CR Offer Carla", "email": "carla@example.com"}
        )
        cls.tuesday = cls.env.ref("customer_rating.customer_rating_weekday_2")

    def _wizard(self, partners, model="res.partner", records=None, **values):
        """The offer wizard opened on `records` (default: `partners`) of
        `model`, filled with `values` (a new offer of the 10% coupon unless
        an offer is chosen)."""
        records = records if records is not None else partners
        if "offer_id" not in values:
            values = {
                "name": "CR Come back on Tuesday",
                "company_id": self.branch,
                "template_program_id": self.template,
                **values,
            }
        form = Form(
            self.env["customer.rating.offer.wizard"].with_context(
                active_model=model, active_ids=records.ids
            )
        )
        for name, value in values.items():
            setattr(form, name, value)
        return form.save()

    def _offer(self, partners, **values):
        """A Tuesday offer of the 10% coupon in the branch, sent to
        `partners`."""
        wizard = self._wizard(partners, **values)
        wizard.weekday_ids = self.tuesday
        action = wizard.action_send()
        return self.env["customer.rating.offer"].browse(action["res_id"])

    def _quotation(self, partner, lines):
        return (
            self.env["sale.order"]
            .with_company(self.branch)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": self.branch.id,
                    "team_id": self.team.id,
                    "pricelist_id": self.pricelist.id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "product_uom_qty": qty}
                        )
                        for product, qty in lines
                    ],
                }
            )
        )

    def _coupon(self, offer, partner):
        return offer.coupon_ids.filtered(lambda coupon: coupon.partner_id == partner)

    def _apply(self, order, coupon):
        """Apply the coupon's code and claim its reward, as the Coupon Code
        and Rewards buttons do; returns the error, if any."""
        result = order._try_apply_code(coupon.code)
        if "error" in result:
            return result["error"]
        order._apply_program_reward(coupon.program_id.reward_ids, coupon)
        return False

    def _discount(self, order):
        return sum(order.order_line.filtered("is_reward_line").mapped("price_subtotal"))

    def test_one_coupon_per_customer_per_offer(self):
        offer = self._offer(self.acme_buyer | self.acme_other | self.bob)
        self.assertEqual(offer.coupon_ids.partner_id, self.acme | self.bob)
        self.assertEqual(offer.coupon_count, 2)
        self.assertEqual(offer.program_id.program_type, "coupons")
        self.assertEqual(offer.program_id.customer_rating_weekday_ids, self.tuesday)
        self.assertNotEqual(offer.program_id, self.template)
        # the same customers again, and one more: only the new one gets one
        wizard = self._wizard(self.acme | self.bob | self.carla, offer_id=offer)
        wizard.action_send()
        self.assertEqual(offer.coupon_count, 3)
        self.assertEqual(offer.coupon_ids.partner_id, self.acme | self.bob | self.carla)
        self.assertEqual(len(set(offer.coupon_ids.mapped("code"))), 3)
        self.assertEqual(set(offer.coupon_ids.mapped("points")), {1.0})
        # on the customer's Marketing tab, saying which offer
        acme_coupon = self._coupon(offer, self.acme)
        self.assertIn(acme_coupon, self.acme.customer_rating_instrument_ids)
        self.assertEqual(acme_coupon.customer_rating_offer_id, offer)
        # another offer gives them another coupon
        other = self._offer(self.acme)
        self.assertEqual(other.coupon_count, 1)
        self.assertEqual(len(self.acme.customer_rating_instrument_ids), 2)

    def test_weekday_enforced_on_sales_orders(self):
        offer = self._offer(self.bob)
        coupon = self._coupon(offer, self.bob)
        with freeze_time(WEDNESDAY):
            order = self._quotation(self.bob, [(self.shoe, 3)])
            error = self._apply(order, coupon)
        self.assertIn("Tuesday", error)
        self.assertFalse(self._discount(order))
        with freeze_time(TUESDAY):
            self.assertFalse(self._apply(order, coupon))
            self.assertAlmostEqual(self._discount(order), -30.0)
        # confirmed on a Wednesday: the reward is not given
        with freeze_time(WEDNESDAY):
            order.action_confirm()
        self.assertFalse(self._discount(order))
        self.assertAlmostEqual(order.amount_untaxed, 300.0)

    def test_weekday_in_the_branch_time_zone(self):
        """Tuesday 23:00 UTC is already Wednesday in Tokyo."""
        self.branch.partner_id.tz = "Asia/Tokyo"
        offer = self._offer(self.bob)
        with freeze_time("2026-06-16 23:00:00"):
            order = self._quotation(self.bob, [(self.shoe, 1)])
            self.assertIn("Tuesday", self._apply(order, self._coupon(offer, self.bob)))
        with freeze_time("2026-06-15 16:00:00"):  # Tuesday 01:00 in Tokyo
            self.assertFalse(self._apply(order, self._coupon(offer, self.bob)))

    def test_category_restriction(self):
        offer = self._offer(self.bob, categ_id=self.shoes)
        coupon = self._coupon(offer, self.bob)
        with freeze_time(TUESDAY):
            socks_only = self._quotation(self.bob, [(self.sock, 4)])
            self.assertTrue(self._apply(socks_only, coupon))
            self.assertFalse(self._discount(socks_only))
            # 10% of the shoes only: 2 x 100, not of the socks
            mixed = self._quotation(self.bob, [(self.shoe, 2), (self.sock, 4)])
            self.assertFalse(self._apply(mixed, coupon))
            self.assertAlmostEqual(self._discount(mixed), -20.0)

    def test_results(self):
        offer = self._offer(self.acme | self.bob | self.carla)
        with freeze_time(TUESDAY):
            # Acme's contact comes back with the company's coupon
            acme_order = self._quotation(self.acme_buyer, [(self.shoe, 3)])
            self._apply(acme_order, self._coupon(offer, self.acme))
            acme_order.action_confirm()
            bob_order = self._quotation(self.bob, [(self.shoe, 1), (self.sock, 1)])
            self._apply(bob_order, self._coupon(offer, self.bob))
            bob_order.action_confirm()
            # a quotation does not count, nor does an order without coupon
            carla_quote = self._quotation(self.carla, [(self.shoe, 5)])
            self._apply(carla_quote, self._coupon(offer, self.carla))
            self._quotation(self.carla, [(self.shoe, 1)]).action_confirm()
        offer.invalidate_recordset()
        self.assertEqual(offer.coupon_count, 3)
        self.assertEqual(offer.used_count, 2)
        self.assertEqual(offer.customer_back_count, 2)
        self.assertEqual(offer.order_count, 2)
        # untaxed, after the 10% discount: 300 - 30 and 150 - 15
        self.assertAlmostEqual(offer.revenue, 270.0 + 135.0)
        # a cancelled order no longer counts
        bob_order._action_cancel()
        offer.invalidate_recordset()
        self.assertEqual(offer.used_count, 1)
        self.assertAlmostEqual(offer.revenue, 270.0)

    def test_restricted_users(self):
        offer = self._offer(self.acme | self.bob)
        salesman = new_test_user(
            self.env,
            "cr_offer_salesman",
            groups="sales_team.group_sale_salesman",
            company_ids=[Command.set((self.main | self.branch).ids)],
        )
        with freeze_time(TUESDAY):
            order = self._quotation(self.bob, [(self.shoe, 2)])
            self._apply(order, self._coupon(offer, self.bob))
            order.action_confirm()
            mine = self._quotation(self.acme, [(self.shoe, 1)])
            mine.user_id = salesman
            self._apply(mine, self._coupon(offer, self.acme))
            mine.action_confirm()
        as_salesman = offer.with_user(salesman).with_context(
            allowed_company_ids=(self.main | self.branch).ids
        )
        # she reads the offer, and only the orders she may read
        self.assertEqual(as_salesman.coupon_count, 2)
        self.assertEqual(as_salesman.used_count, 1)
        self.assertEqual(as_salesman.customer_back_count, 1)
        self.assertAlmostEqual(as_salesman.revenue, 90.0)
        offer.invalidate_recordset()
        self.assertAlmostEqual(offer.revenue, 180.0 + 90.0)
        # sending coupons is a manager's decision
        with self.assertRaises(AccessError):
            self.env["customer.rating.offer.wizard"].with_user(salesman).create(
                {"partner_ids": [Command.set(self.carla.ids)], "offer_id": offer.id}
            )
        with self.assertRaises(AccessError):
            as_salesman._generate_coupons(self.carla)
        # another company's user does not see the offer
        stranger_company = self.env["res.company"].create({"name": "CR Elsewhere"})
        stranger = new_test_user(
            self.env,
            "cr_offer_stranger",
            groups="sales_team.group_sale_manager",
            company_id=stranger_company.id,
            company_ids=[Command.set(stranger_company.ids)],
        )
        offers = (
            self.env["customer.rating.offer"]
            .with_user(stranger)
            .with_context(allowed_company_ids=stranger_company.ids)
        )
        self.assertFalse(offers.search([]))

    def test_quietest_weekday_of_the_branch(self):
        """The branch sold 3 times on Mondays, twice on Tuesdays, once on
        Thursdays: Thursday is its quietest day (the days without any order
        are taken as closed)."""
        moments = [
            "2026-06-01 10:00",
            "2026-06-08 10:00",
            "2026-05-25 10:00",
            "2026-06-02 10:00",
            "2026-06-09 10:00",
            "2026-06-04 10:00",
        ]
        for moment in moments:
            order = self._quotation(self.carla, [(self.sock, 1)])
            order.action_confirm()
            order.date_order = datetime.fromisoformat(moment)
        with freeze_time("2026-06-15 12:00:00"):
            wizard = self._wizard(self.bob)
        thursday = self.env.ref("customer_rating.customer_rating_weekday_4")
        self.assertEqual(wizard.quietest_weekday_id, thursday)
        self.assertEqual(wizard.weekday_ids, thursday)

    def test_from_the_report_lines(self):
        """Lost Customers, Cross-sell Gaps and the rating: Action > Send a
        Win-back Offer sends it to the customers of the chosen lines."""
        with freeze_time("2025-06-02 10:00:00"):
            lost = self._quotation(self.acme_buyer, [(self.shoe, 1)])
            lost.action_confirm()
        with freeze_time("2026-06-01 10:00:00"):
            self._quotation(self.bob, [(self.shoe, 1)]).action_confirm()
        with freeze_time("2026-06-15 12:00:00"):
            lost_line = self._report_lines("lost", "customer.rating.lost.line")
            gap_lines = self._report_lines(
                "gaps",
                "customer.rating.gap.line",
                categ_ids=[Command.set(self.socks.ids)],
            )
            rating_lines = self._report_lines("rating", "customer.rating.line")
        self.assertEqual(lost_line.partner_id, self.acme)
        offer = self._offer(
            self.acme, model="customer.rating.lost.line", records=lost_line
        )
        self.assertEqual(offer.coupon_ids.partner_id, self.acme)
        wizard = self._wizard(
            self.bob, model="customer.rating.gap.line", records=gap_lines
        )
        self.assertEqual(wizard.partner_ids, self.bob)
        self.assertEqual(wizard.categ_id, self.socks)
        wizard = self._wizard(
            self.bob, model="customer.rating.line", records=rating_lines
        )
        self.assertEqual(wizard.partner_ids, self.bob)

    def _report_lines(self, report, model, **values):
        wizard = self.env["customer.rating.wizard"].create(
            {
                "report": report,
                "period": "last_12_months",
                "team_ids": [Command.set(self.team.ids)],
                **values,
            }
        )
        wizard.action_open()
        return self.env[model].search([("wizard_id", "=", wizard.id)])

    def test_views(self):
        offer = self._offer(self.bob)
        with Form(offer) as form:
            form.date_to = "2026-12-31"
        self.assertEqual(str(offer.program_id.date_to), "2026-12-31")
        self.assertEqual(str(offer.coupon_ids.expiration_date), "2026-12-31")
        self.env["customer.rating.offer"].get_views(
            [(False, "list"), (False, "search")]
        )
        action = offer.action_view_coupons()
        coupons = self.env["loyalty.card"].search(action["domain"])
        self.assertEqual(coupons, offer.coupon_ids)
