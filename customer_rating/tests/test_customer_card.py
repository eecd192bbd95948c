# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import itertools
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from ..models.res_partner_card import SORTABLE
from .common import TODAY, CustomerRatingCommon

CARD_FIELDS = [
    "customer_rating_revenue",
    "customer_rating_revenue_12m",
    "customer_rating_order_count",
    "customer_rating_last_purchase",
    "customer_rating_days_since",
    "customer_rating_amount_due",
    "customer_rating_status",
]


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCustomerCard(CustomerRatingCommon):
    def test_sales_figures_and_rhythm(self):
        acme = self.acme
        orders = self._orders_of(acme)
        revenue = sum(o.amount_untaxed / o.currency_rate for o in orders)
        profit = sum(o.margin / o.currency_rate for o in orders)
        # net of the return of 2 units (sold at 100, cost 60)
        net_revenue = revenue - self.refund.amount_untaxed
        net_profit = profit - 2 * (100.0 - 60.0)
        self.assertEqual(len(orders), 2)
        self.assertAlmostEqual(acme.customer_rating_revenue, net_revenue, places=2)
        self.assertAlmostEqual(acme.customer_rating_revenue_12m, net_revenue, places=2)
        self.assertAlmostEqual(acme.customer_rating_profit, net_profit, places=2)
        self.assertEqual(acme.customer_rating_order_count, 2)
        self.assertAlmostEqual(
            acme.customer_rating_average_ticket, revenue / 2, places=2
        )
        self.assertEqual(acme.customer_rating_first_purchase, orders[0].date_order)
        self.assertEqual(acme.customer_rating_last_purchase, orders[1].date_order)
        self.assertEqual(
            acme.customer_rating_days_since, (TODAY - orders[1].date_order.date()).days
        )
        # the rhythm counts days (the user's, UTC here) between visits
        gap = (orders[1].date_order.date() - orders[0].date_order.date()).days
        self.assertEqual(acme.customer_rating_rhythm, gap)
        self.assertEqual(
            acme.customer_rating_next_purchase,
            orders[1].date_order.date() + timedelta(days=gap),
        )

    def test_last_12_months_button_opens_those_orders(self):
        old = self._order(self.acme, "2025-06-15 09:00", 1, self.main)
        recent = self._order(self.acme, "2025-06-16 09:00", 1, self.main)
        action = self.acme.action_customer_rating_orders()
        orders = self.env["sale.order"].search(action["domain"])
        self.assertIn(recent, orders)
        self.assertNotIn(old, orders)
        self.assertEqual(orders, self._orders_of(self.acme) - old)

    def test_contact_shows_its_company_card(self):
        self.assertEqual(
            self.acme_contact.customer_rating_revenue, self.acme.customer_rating_revenue
        )
        self.assertEqual(self.acme_contact.customer_rating_order_count, 2)

    def test_last_12_months_and_median_rhythm(self):
        emil = self.emil
        self._order(emil, "2025-03-01 12:00", 7, self.main)  # older than 12 months
        orders = self._orders_of(emil)
        recent = orders.filtered(lambda o: o.date_order >= datetime(2025, 6, 15))
        self.assertAlmostEqual(
            emil.customer_rating_revenue_12m,
            sum(o.amount_untaxed / o.currency_rate for o in recent),
            places=2,
        )
        gaps = sorted(
            (b.date_order - a.date_order).total_seconds() / 86400
            for a, b in itertools.pairwise(orders)
        )
        self.assertAlmostEqual(
            emil.customer_rating_rhythm, (gaps[0] + gaps[1]) / 2, places=3
        )

    def test_weekday_and_hour_in_the_user_time_zone(self):
        night_owl = self.env["res.partner"].create({"name": "CR Night Owl"})
        for day in ("2026-05-04", "2026-05-11", "2026-05-18"):  # Mondays
            self._order(night_owl, f"{day} 23:30", 1, self.main)
        self.assertEqual(night_owl.customer_rating_weekday, "1")
        self.assertEqual(night_owl.customer_rating_hour, "23")
        self.assertEqual(
            dict(night_owl._fields["customer_rating_hour"].selection)["23"],
            "23:00-24:00",
        )
        brussels = night_owl.with_context(tz="Europe/Brussels")
        self.assertEqual(brussels.customer_rating_weekday, "2")  # Tuesday, 01:30
        self.assertEqual(brussels.customer_rating_hour, "1")
        self.assertEqual(night_owl.customer_rating_user_id, self.env.user)

    def test_returns_and_debt(self):
        acme = self.acme
        invoice = self.order_acme_1.invoice_ids.filtered(
            lambda m: m.move_type == "out_invoice"
        )
        self.assertEqual(acme.customer_rating_return_count, 1)
        self.assertAlmostEqual(
            acme.customer_rating_return_amount, self.refund.amount_untaxed, places=2
        )
        receivable = self.env["account.move.line"].search(
            [
                ("partner_id", "=", acme.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
            ]
        )
        self.assertEqual(receivable.move_id, invoice | self.refund)
        due = invoice.amount_residual - self.refund.amount_residual
        overdue = sum(
            line.amount_residual for line in receivable if line.date_maturity < TODAY
        )
        self.assertAlmostEqual(acme.customer_rating_amount_due, due, places=2)
        self.assertAlmostEqual(acme.customer_rating_amount_overdue, overdue, places=2)
        self.assertEqual(self.carla.customer_rating_amount_due, 0.0)

    def test_salesperson_sees_own_orders_only(self):
        salesman = new_test_user(
            self.env,
            "cr_own_docs",
            groups="sales_team.group_sale_salesman",
            company_ids=[Command.set((self.main | self.branch).ids)],
        )
        own = self.env["sale.order"].create(
            {
                "partner_id": self.bob.id,
                "company_id": self.main.id,
                "user_id": salesman.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 1}
                    )
                ],
            }
        )
        own.action_confirm()
        self.assertEqual(self.bob.customer_rating_order_count, 2)
        bob = self.bob.with_user(salesman).with_context(
            allowed_company_ids=self.main.ids
        )
        self.assertEqual(bob.customer_rating_order_count, 1)
        self.assertAlmostEqual(
            bob.customer_rating_revenue, own.amount_untaxed, places=2
        )

    def test_a_page_of_customers_costs_the_same_queries(self):
        customers = self.env["res.partner"].create(
            [{"name": f"CR Page {n}"} for n in range(30)]
        )
        for customer in customers[:10]:
            self._order(customer, "2026-05-05 10:00", 1, self.main)
        customers[:2].read(CARD_FIELDS)  # warm the caches of users, companies...
        # one query more per channel besides sales orders (its access rules)
        expected = 4 + len(self._channels()) - 1
        for page in (customers[:5], customers):
            self.env["res.partner"].invalidate_model()
            self.env.flush_all()  # the orders' pending writes are not the card's
            with self.assertQueryCount(__system__=expected):
                page.read(CARD_FIELDS)

    def test_customers_sort_by_the_card_figures(self):
        """Revenue, orders, last purchase and days since are not stored,
        yet the Customers list sorts by them, each user by their figures;
        customers who never bought have no days since and sort last."""
        nobody = self.env["res.partner"].create({"name": "CR Never Bought"})
        customers = (self.acme | self.bob | self.carla | self.emil | nobody).sorted(
            "id"
        )
        partners = self.env["res.partner"]
        sortable = partners.fields_get(list(SORTABLE), ["sortable"])
        self.assertTrue(all(attrs["sortable"] for attrs in sortable.values()))
        for fname in SORTABLE:
            for direction in ("asc", "desc"):
                with self.subTest(field=fname, direction=direction):
                    found = partners.search(
                        [("id", "in", customers.ids)], order=f"{fname} {direction}, id"
                    )
                    bought = customers.filtered("customer_rating_order_count")
                    if fname in (
                        "customer_rating_last_purchase",
                        "customer_rating_days_since",
                    ):
                        ordered = bought.sorted(
                            lambda p, f=fname: p[f], reverse=direction == "desc"
                        )
                        # ties keep the id order
                        self.assertEqual(
                            found[: len(bought)].mapped(fname), ordered.mapped(fname)
                        )
                        self.assertEqual(found[-1], nobody)
                    else:
                        values = found.mapped(fname)
                        self.assertEqual(
                            values, sorted(values, reverse=direction == "desc")
                        )
        self.assertFalse(nobody.customer_rating_last_purchase)
        self.assertEqual(
            partners.search(
                [("id", "in", customers.ids)],
                order="customer_rating_revenue_12m desc, id",
                limit=1,
            ),
            max(customers, key=lambda p: p.customer_rating_revenue_12m),
        )
        salesman = new_test_user(
            self.env,
            "cr_own_sorter",
            groups="sales_team.group_sale_salesman",
            company_ids=[Command.set((self.main | self.branch).ids)],
        )
        own = self._order(self.carla, "2026-06-01 10:00", 1, self.main, user=salesman)
        theirs = partners.with_user(salesman).with_context(
            allowed_company_ids=self.main.ids
        )
        found = theirs.search(
            [("id", "in", customers.ids)], order="customer_rating_revenue desc, id"
        )
        self.assertEqual(found[0], self.carla)
        self.assertAlmostEqual(
            found[0].customer_rating_revenue,
            own.amount_untaxed / own.currency_rate,
            places=2,
        )
        self.assertEqual(found[1:].mapped("customer_rating_revenue"), [0.0] * 4)
