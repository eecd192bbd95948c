# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from collections import Counter, defaultdict
from datetime import datetime, time, timedelta
from unittest.mock import patch

import openpyxl
from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import TODAY, CustomerRatingCommon, xlsx_sheet


class CrossSellGapsCommon(CustomerRatingCommon):
    """Private customers of the period: Bob, Carla, Dora, Emil; Carla, Dora
    and Emil also buy tea: 3 of 4, so tea is a gap for Bob. Acme is the only
    business customer: nothing it misses is usual in its segment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tea = cls.env["product.category"].create({"name": "CR Tea"})
        cls.green_tea = cls.env["product.product"].create(
            {"name": "CR Green Tea", "categ_id": cls.tea.id, "list_price": 8.0}
        )
        for order in (cls.order_carla, cls.order_dora, cls.order_emil):
            order.order_line = [Command.create({"product_id": cls.green_tea.id})]

    def _gaps(self, **values):
        wizard = self._run("gaps", **values)
        lines = self.env["customer.rating.gap.line"].search(
            [("wizard_id", "=", wizard.id)]
        )
        return {(line.partner_id, line.categ_id): line for line in lines}

    def _expected_gaps(self, partner, user=None):
        """Categories bought by at least half of the customers of the
        partner's segment in the last 12 months (over all the orders of the
        companies: a segment's habit), that it never bought in the orders
        `user` may read (default: the current user)."""
        start = datetime.combine(TODAY - relativedelta(years=1), time.min)
        end = datetime.combine(TODAY, time.min) + timedelta(days=2)
        domain = [
            ("state", "=", "sale"),
            ("company_id", "in", self.env.companies.ids),
            ("date_order", "<", end - timedelta(days=1)),
        ]
        orders = self.env["sale.order"].sudo().search(domain)
        visible = self.env["sale.order"].with_user(user or self.env.user).search(domain)

        def in_period(order):
            return order.date_order >= start + timedelta(days=1)

        def bought_by(order_set):
            bought = defaultdict(set)
            for line in order_set.sudo().order_line:
                if not line.display_type and not line.reward_id and line.product_id:
                    customer = line.order_id.partner_id.commercial_partner_id
                    bought[customer].add(line.product_id.categ_id)
            return bought

        customers = orders.filtered(in_period).partner_id.commercial_partner_id
        if partner not in visible.filtered(in_period).partner_id.commercial_partner_id:
            return set()
        bought = bought_by(orders)
        own = bought_by(visible)
        segment = customers.filtered(
            lambda c: (
                (c.is_company, c.industry_id)
                == (partner.is_company, partner.industry_id)
            )
        )
        buyers = Counter(categ for member in segment for categ in bought[member])
        return {
            categ
            for categ, count in buyers.items()
            if 100.0 * count / len(segment) >= 50.0 and categ not in own[partner]
        }

    def _private_customers(self):
        customers = self.period_orders.filtered(lambda o: o.state == "sale").partner_id
        return customers.commercial_partner_id.filtered(lambda p: not p.is_company)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCrossSellGaps(CrossSellGapsCommon):
    def test_usual_categories_never_bought(self):
        gaps = self._gaps()
        private = self._private_customers()
        tea_buyers = private.filtered(
            lambda p: self.green_tea in self._orders_of(p).order_line.product_id
        )
        share = 100.0 * len(tea_buyers) / len(private)
        self.assertEqual(share, 75.0)
        self.assertEqual(list(gaps), [(self.bob, self.tea)])
        self.assertAlmostEqual(gaps[self.bob, self.tea].segment_share, share, places=1)
        self.assertEqual(gaps[self.bob, self.tea].segment_customers, len(private))

    def test_customer_type_in_the_pivot_and_excel(self):
        """The pivot's columns and the Excel column say of what: "Business
        customer" / "Private customer", not a bare Yes / No; a boolean
        column is an Excel boolean."""
        wizard = self._run("gaps", categ_ids=[Command.set(self.tea.ids)])
        lines = wizard._report_lines()
        self.assertEqual(
            {line.partner_id: line.segment for line in lines},
            {
                partner: "business" if partner.is_company else "private"
                for partner in lines.partner_id
            },
        )
        self.assertIn(self.acme, lines.partner_id)
        arch = self.env["customer.rating.gap.line"].get_view(view_type="pivot")["arch"]
        self.assertIn('name="segment" type="col"', arch)
        sheet = xlsx_sheet(wizard)
        header = [cell.value for cell in sheet[3]]
        self.assertEqual(header[2], "Customer Type")
        values = {
            row[0]: row[2] for row in sheet.iter_rows(min_row=4, values_only=True)
        }
        self.assertEqual(values[self.acme.display_name], "Business customer")
        self.assertEqual(values[self.bob.display_name], "Private customer")
        lines = wizard._report_lines()
        with patch.object(
            type(lines), "_xlsx_columns", return_value=["partner_id", "is_company"]
        ):
            content = lines._xlsx_content("Gaps")
        rows = openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(
            min_row=4, max_row=3 + len(lines), values_only=True
        )
        self.assertEqual(
            dict(rows),
            {line.partner_id.display_name: line.is_company for line in lines},
        )

    def test_threshold(self):
        self.assertFalse(self._gaps(gap_threshold=80.0))

    def test_customers_who_never_buy_a_category(self):
        gaps = self._gaps(categ_ids=[Command.set(self.tea.ids)])
        self.assertEqual(set(gaps), {(self.bob, self.tea), (self.acme, self.tea)})
        self.assertEqual(gaps[self.acme, self.tea].segment_share, 0.0)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCrossSellGapsOnTheCard(CrossSellGapsCommon):
    """The card applies the report's rule to the last 12 months of every
    team, so the database's other orders count too: the expected gaps are
    computed here from the orders themselves."""

    def test_gaps_on_the_card(self):
        for partner in (self.bob, self.carla, self.acme, self.acme_contact):
            with self.subTest(partner=partner.name):
                expected = self._expected_gaps(partner.commercial_partner_id)
                self.assertEqual(set(partner.customer_rating_gap_categ_ids), expected)

    def test_card_gaps_are_the_report_for_this_customer(self):
        action = self.bob.action_customer_rating_gaps()
        lines = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(lines.partner_id, self.bob)
        self.assertEqual(lines.categ_id, self.bob.customer_rating_gap_categ_ids)

    def test_a_page_of_cards_costs_the_same_queries(self):
        customers = self.env["res.partner"].create(
            [{"name": f"CR Gap Page {n}"} for n in range(30)]
        )
        for customer in customers[:10]:
            self._order(customer, "2026-05-05 10:00", 1, self.main)
        customers[:2].read(["customer_rating_gap_categ_ids"])  # warm the caches
        for page in (customers[:5], customers):
            self.env["res.partner"].invalidate_model()
            self.env.flush_all()  # the orders' pending writes are not the card's
            # the gaps come with the card's figures: its one query
            with self.assertQueryCount(__system__=4):
                page.read(["customer_rating_gap_categ_ids"])

    def test_segment_shares_computed_once_a_day(self):
        """The segments' shares are computed by the first card of the day
        (or the daily job), then read: a card of the same day computes
        nothing over the period's order lines again."""
        penetration = self.env["customer.rating.segment.penetration"]
        expected = self._expected_gaps(self.bob)
        self.assertEqual(set(self.bob.customer_rating_gap_categ_ids), expected)
        self.assertEqual(penetration.search_count([]), 1)
        self.env["res.partner"].invalidate_model()
        with patch.object(
            type(penetration), "_compute_rows", side_effect=AssertionError
        ):
            self.assertEqual(set(self.bob.customer_rating_gap_categ_ids), expected)
            self.assertEqual(
                set(self.carla.customer_rating_gap_categ_ids),
                self._expected_gaps(self.carla),
            )
        with freeze_time(TODAY + timedelta(days=2)):
            penetration._cron_refresh()
            shares = penetration.search([])
            self.assertEqual(set(shares.mapped("date_to")), {TODAY + timedelta(days=2)})
            self.assertIn(
                self.env.ref("base.user_admin").company_id, shares.company_ids
            )


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCrossSellGapsOwnDocuments(CrossSellGapsCommon):
    """A salesperson who sees only their own orders: the segment's habit is
    the companies' (an aggregate), the customer's purchases those the
    salesperson may read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="cr_gap_salesman",
            groups="sales_team.group_sale_salesman,"
            "customer_rating.customer_rating_group_user",
            company_id=cls.main.id,
            company_ids=[Command.set((cls.main | cls.branch).ids)],
            tz="UTC",
        )
        cls._order(cls.bob, "2026-06-05 10:00", 1, cls.main, user=cls.salesman)
        cls.order_bob.order_line = [Command.create({"product_id": cls.green_tea.id})]

    def test_own_purchases_from_readable_orders(self):
        as_salesman = self.env["res.partner"].with_user(self.salesman)
        for partner in (self.bob, self.carla, self.acme):
            with self.subTest(partner=partner.name):
                expected = self._expected_gaps(partner, self.salesman)
                self.assertEqual(
                    set(as_salesman.browse(partner.id).customer_rating_gap_categ_ids),
                    expected,
                )
        self.assertFalse(
            as_salesman.browse(self.carla.id).customer_rating_gap_categ_ids
        )
        # fewer purchases seen, never fewer gaps, against the same segments
        self.assertLessEqual(
            set(self.bob.customer_rating_gap_categ_ids),
            set(as_salesman.browse(self.bob.id).customer_rating_gap_categ_ids),
        )
