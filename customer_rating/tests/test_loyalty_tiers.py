# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import BonusCommon, post_refund


@tagged("post_install", "-at_install")
class TestLoyaltyTiers(BonusCommon):
    """Tiers Bronze (from 0), Silver (2000, x1.25) and Gold (10000, x1.5) of
    the main company; a product sold 100, cost 60."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.customer_rating_tier_basis = "revenue"
        cls.branch = cls.env["res.company"].create(
            {"name": "CR Tier Branch", "parent_id": cls.company.id}
        )
        cls.env.user.company_ids |= cls.branch
        cls.bronze = cls.env.ref("customer_rating.customer_rating_tier_bronze")
        cls.silver = cls.env.ref("customer_rating.customer_rating_tier_silver")
        cls.gold = cls.env.ref("customer_rating.customer_rating_tier_gold")
        cls.bronze.write({"threshold": 0, "points_multiplier": 1.0})
        cls.silver.write({"threshold": 2000, "points_multiplier": 1.25})
        cls.gold.write({"threshold": 10000, "points_multiplier": 1.5})
        partner = cls.env["res.partner"]
        cls.at_silver = partner.create({"name": "CR Exactly Silver"})
        cls.below_silver = partner.create({"name": "CR Just Below Silver"})
        cls.at_gold = partner.create({"name": "CR Gold"})
        cls.lapsed = partner.create({"name": "CR Lapsed"})
        # 20 x 100 = 2000: Silver; profit 800
        cls._confirmed(cls.at_silver, 20)
        # 25 x 100 - 6 x 100 returned = 1900: Bronze
        cls.returned = cls._confirmed(cls.below_silver, 25)
        # 100 x 100 = 10000: Gold; profit 4000: Silver
        cls._confirmed(cls.at_gold, 60)
        cls._confirmed(cls.at_gold, 40, company=cls.branch)
        # 13 months ago: out of the rolling year
        old = cls._confirmed(cls.lapsed, 200)
        old.date_order = datetime.now() - relativedelta(months=13)

    def _tiers(self, company=None):
        partners = self.at_silver | self.below_silver | self.at_gold | self.lapsed
        return {
            p.name: p.with_company(company or self.company).customer_rating_tier_id
            for p in partners
        }

    def test_tiers_by_revenue_with_boundaries(self):
        post_refund(self.returned, 6)
        self.env["customer.rating.tier"]._retier(self.company)
        self.assertEqual(
            self._tiers(),
            {
                "CR Exactly Silver": self.silver,
                "CR Just Below Silver": self.bronze,
                "CR Gold": self.gold,
                "CR Lapsed": self.env["customer.rating.tier"],
            },
        )

    def test_tiers_by_profit(self):
        self.company.customer_rating_tier_basis = "profit"
        self.env["customer.rating.tier"]._retier(self.company)
        tiers = self._tiers()
        self.assertEqual(tiers["CR Exactly Silver"], self.bronze)
        self.assertEqual(tiers["CR Gold"], self.silver)

    def test_tier_sets_price_list_in_company_and_branches_and_logs(self):
        self.env["customer.rating.tier"]._retier(self.company)
        for company in self.company | self.branch:
            self.assertEqual(
                self.at_gold.with_company(company).specific_property_product_pricelist,
                self.gold.pricelist_id,
            )
        self.assertEqual(
            self.at_gold.with_company(self.branch).property_product_pricelist,
            self.gold.pricelist_id,
        )
        self.assertIn("Gold", self.at_gold.message_ids[0].body)

    def test_second_run_changes_nothing(self):
        tiers = self.env["customer.rating.tier"]
        tiers._retier(self.company)
        messages = self.at_gold.message_ids
        self.assertEqual(tiers._retier(self.company), 0)
        self.assertEqual(self.at_gold.message_ids, messages)

    def test_retier_button(self):
        action = self.env["customer.rating.tier"].action_retier()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(self.at_gold.customer_rating_tier_id, self.gold)
        partners = self.env["res.partner"].search([])
        golds = partners.filtered(lambda p: p.customer_rating_tier_id == self.gold)
        self.assertEqual(self.gold.partner_count, len(golds))

    def test_tier_multiplies_the_points(self):
        self.env["customer.rating.tier"]._retier(self.company)
        order = self._confirmed(self.at_gold, 1, company=self.branch)
        earned = self._ledger(self._card(self.at_gold)).filtered(
            lambda h: h.order_id == order.id
        )
        self.assertEqual(earned.issued, 100.0 * 1.5)

    def test_pinned_price_list_is_kept(self):
        manager = new_test_user(
            self.env,
            login="cr_tier_manager",
            groups="sales_team.group_sale_manager,customer_rating.customer_rating_group_manager",
        )
        own = self.env["product.pricelist"].create({"name": "CR Negotiated"})
        self.at_gold.with_user(manager).property_product_pricelist = own
        self.assertTrue(self.at_gold.customer_rating_pricelist_pinned)
        self.env["customer.rating.tier"]._retier(self.company)
        self.assertEqual(self.at_gold.customer_rating_tier_id, self.gold)
        self.assertEqual(self.at_gold.property_product_pricelist, own)

    def test_tiering_does_not_pin(self):
        self.env["customer.rating.tier"]._retier(self.company)
        self.assertFalse(self.at_gold.customer_rating_pricelist_pinned)

    def test_salesperson_price_list_is_not_pinned(self):
        salesman = new_test_user(
            self.env,
            login="cr_tier_salesman",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        own = self.env["product.pricelist"].create({"name": "CR Salesman List"})
        self.at_gold.with_user(salesman).property_product_pricelist = own
        self.assertFalse(self.at_gold.customer_rating_pricelist_pinned)
        self.env["customer.rating.tier"]._retier(self.company)
        self.assertEqual(
            self.at_gold.property_product_pricelist, self.gold.pricelist_id
        )

    def test_tiers_belong_to_a_main_company(self):
        with self.assertRaises(ValidationError):
            self.env["customer.rating.tier"].create(
                {"name": "Branch tier", "company_id": self.branch.id, "threshold": 5}
            )

    def test_branch_sells_to_a_retiered_customer(self):
        self.env["customer.rating.tier"]._retier(self.company)
        # A salesperson working in the branch; Odoo applies the main
        # company's loyalty programs there too, so they may read its records.
        salesman = new_test_user(
            self.env,
            login="cr_tier_branch_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=self.branch.id,
            company_ids=[Command.set((self.branch | self.company).ids)],
        )
        orders = (
            self.env["sale.order"]
            .with_user(salesman)
            .with_context(allowed_company_ids=(self.branch | self.company).ids)
        )
        with Form(orders) as form:
            form.partner_id = self.at_gold
            self.assertEqual(form.pricelist_id, self.gold.pricelist_id)
            with form.order_line.new() as line:
                line.product_id = self.product
                line.product_uom_qty = 2
        order = form.record
        order.action_confirm()
        self.assertEqual(order.company_id, self.branch)
        self.assertEqual(order.amount_untaxed, 2 * 100.0 * 0.9, "Gold: 10% off")

    def test_tier_price_lists_are_shared(self):
        self.assertFalse(self.gold.pricelist_id.company_id)
        with self.assertRaisesRegex(ValidationError, "every branch"):
            self.gold.pricelist_id.company_id = self.company
            self.gold.write({"pricelist_id": self.gold.pricelist_id.id})

    def test_upgrade_shares_the_tier_price_lists(self):
        """Databases of earlier versions have tier price lists of the main
        company: the upgrade removes it."""
        self.env.cr.execute(
            "UPDATE product_pricelist SET company_id = %s WHERE id = %s",
            (self.company.id, self.silver.pricelist_id.id),
        )
        self.silver.pricelist_id.invalidate_recordset(["company_id"])
        self.env["customer.rating.tier"]._share_tier_pricelists()
        self.assertFalse(self.silver.pricelist_id.company_id)
