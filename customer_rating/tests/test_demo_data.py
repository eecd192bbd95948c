# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import Counter
from datetime import date, datetime, timedelta

import pytz
from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged

from odoo.addons.customer_rating.demo.customer_rating_demo import (
    CATALOG,
    DEMO_TZ,
    HOUR_WEIGHTS,
)

TODAY = date(2026, 3, 15)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDemoData(TransactionCase):
    """The demo generator on a small scale: shape, coherence, determinism."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.generator = cls.env["customer.rating.demo"]
        cls.orders = cls.generator._generate(
            customers=24, orders=200, days=365, seed=7, tag=" T1"
        )
        cls.main_company = cls.env.ref("base.main_company")

    def _fingerprint(self, orders):
        return [
            (
                o.partner_id.name,
                o.date_order,
                o.state,
                o.amount_untaxed,
                o.currency_id.name,
                o.company_id.name.removesuffix(" T1").removesuffix(" T2"),
            )
            for o in orders
        ]

    def test_orders_and_branches(self):
        self.assertEqual(len(self.orders), 200)
        companies = self.orders.company_id
        self.assertEqual(len(companies), 4)
        branches = companies - self.main_company
        self.assertEqual(branches.parent_id, self.main_company)
        states = Counter(self.orders.mapped("state"))
        self.assertEqual(set(states), {"sale", "cancel"})
        self.assertLess(states["cancel"], 20)

    def test_dates_follow_the_period_and_shop_hours(self):
        tz = pytz.timezone(DEMO_TZ)
        first, last = TODAY - timedelta(days=365), TODAY - timedelta(days=1)
        for order in self.orders:
            local = pytz.utc.localize(order.date_order).astimezone(tz)
            self.assertTrue(first <= local.date() <= last, order.date_order)
            self.assertIn(local.hour, HOUR_WEIGHTS)

    def test_margin_uses_the_catalog_cost_in_every_branch(self):
        costs = {name: cost for _c, items in CATALOG for name, _p, cost in items}
        lines = self.orders.order_line.filtered(
            lambda line: line.product_id.name in costs
        )
        self.assertEqual(len(lines.order_id.company_id), 4)
        for line in lines:
            cost = costs[line.product_id.name] * line.order_id.currency_rate
            expected = line.price_subtotal - cost * line.product_uom_qty
            self.assertAlmostEqual(
                line.margin, expected, delta=0.01 * line.product_uom_qty
            )

    def test_currency_rate_is_the_rate_of_the_order_date(self):
        foreign = self.orders.filtered(
            lambda o: o.currency_id != o.company_id.currency_id
        )
        self.assertTrue(foreign, "some orders are in the second currency")
        for order in foreign:
            day, company = order.date_order.date(), order.company_id.root_id
            expected = self._rate(order.currency_id, company, day) / self._rate(
                company.currency_id, company, day
            )
            self.assertAlmostEqual(order.currency_rate, expected, places=6)

    def _rate(self, currency, company, day):
        rate = self.env["res.currency.rate"].search(
            [
                ("currency_id", "=", currency.id),
                ("company_id", "in", (company.id, False)),
                ("name", "<=", day),
            ],
            order="company_id, name desc",
            limit=1,
        )
        return rate.rate or 1.0

    def test_child_contacts_buy_for_their_company(self):
        by_contact = self.orders.filtered(lambda o: o.partner_id.parent_id)
        self.assertTrue(by_contact)
        self.assertTrue(
            all(o.partner_id.commercial_partner_id.is_company for o in by_contact)
        )

    def test_refunds_are_credit_notes_of_order_lines(self):
        refunds = self.orders.order_line.invoice_lines.move_id.filtered(
            lambda m: m.move_type == "out_refund"
        )
        self.assertTrue(refunds)
        self.assertEqual(set(refunds.mapped("state")), {"posted"})
        for line in refunds.invoice_line_ids:
            sale_line = line.sale_line_ids
            self.assertEqual(len(sale_line), 1)
            self.assertLessEqual(line.quantity, sale_line.product_uom_qty)
            # the return is deducted from what the order line has invoiced
            invoiced = sum(
                sale_line.invoice_lines.filtered(
                    lambda il: il.move_id.move_type == "out_invoice"
                ).mapped("quantity")
            )
            self.assertEqual(sale_line.qty_invoiced, invoiced - line.quantity)

    def test_discounts_of_every_kind(self):
        lines = self.orders.order_line
        self.assertTrue(lines.filtered("reward_id"), "promotion rewards")
        self.assertTrue(lines.filtered(lambda line: line.discount), "manual discounts")
        wholesale = lines.filtered(lambda line: line.order_id.pricelist_id.item_ids)
        self.assertTrue(wholesale, "price list discounts")

    def test_archived_customers_stopped_buying(self):
        commercials = self.orders.partner_id.commercial_partner_id
        archived = commercials.with_context(active_test=False).filtered(
            lambda p: not p.active
        )
        self.assertTrue(archived)
        limit = datetime.combine(TODAY - timedelta(days=180), datetime.min.time())
        for partner in archived:
            orders = self.orders.filtered(
                lambda o, p=partner: o.partner_id.commercial_partner_id == p
            )
            self.assertLess(max(orders.mapped("date_order")), limit)

    def test_same_seed_same_data(self):
        again = self.generator._generate(
            customers=24, orders=200, days=365, seed=7, tag=" T2"
        )
        self.assertEqual(self._fingerprint(again), self._fingerprint(self.orders))
