# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import itertools
import math
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import TODAY, post_refund

MONTH_AGO = date(2026, 5, 15)
PERIOD_START = date(2025, 6, 16)


def expected_status(days, at, at_risk=2, lost=4, default_gap=60, ahead=7):
    """The retention rule and "due soon", from the days a customer ordered
    on (up to `at`): (status, due soon)."""
    days = sorted({day for day in days if day <= at})
    gaps = [(b - a).days for a, b in itertools.pairwise(days)]
    rhythm = statistics.median(gaps) if gaps else default_gap
    since = (at - days[-1]).days
    if since > lost * rhythm:
        return "lost", False
    if since > at_risk * rhythm:
        return "at_risk", False
    next_purchase = days[-1] + timedelta(days=math.floor(rhythm + 0.5))
    return "active", at <= next_purchase <= at + timedelta(days=ahead)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDashboard(TransactionCase):
    """The dashboard's figures, computed here from the orders, for a company
    of its own and its branch (the demo data stays out): as admin, and as a
    salesperson with "Own Documents Only" who sees her figures only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        usd = cls.env.ref("base.USD")
        cls.company = cls.env["res.company"].create(
            {
                "name": "CR Dash Co",
                "currency_id": usd.id,
                "country_id": cls.env.ref("base.us").id,
            }
        )
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company, install_demo=False
        )
        cls.branch = cls.env["res.company"].create(
            {"name": "CR Dash Branch", "parent_id": cls.company.id}
        )
        cls.companies = cls.company | cls.branch
        cls.env.user.company_ids |= cls.companies
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=cls.companies.ids)
        )
        cls.env["loyalty.program"].create(
            {
                "name": "CR Dash Bonus",
                "program_type": "loyalty",
                "company_id": cls.company.id,
                "is_customer_bonus": True,
                "bonus_points_rate": 1.0,
                "rule_ids": [Command.clear()],
                "reward_ids": [
                    Command.create({"reward_type": "discount", "required_points": 10})
                ],
            }
        )
        cls.salesman = new_test_user(
            cls.env,
            "cr_dash_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.companies.ids)],
            tz="UTC",
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "CR Dash Widget",
                "list_price": 100.0,
                "standard_price": 60.0,
                "taxes_id": False,
                "invoice_policy": "order",
            }
        )
        cls.product.with_company(cls.branch).standard_price = 60.0
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "CR Dash USD", "currency_id": usd.id, "company_id": False}
        )
        cls.fair, cls.web = cls.env["utm.source"].create(
            [{"name": "CR Dash Fair"}, {"name": "CR Dash Web"}]
        )
        names = ("Ana", "Ben", "Cleo", "Dan", "Eve", "Fay")
        cls.ana, cls.ben, cls.cleo, cls.dan, cls.eve, cls.fay = cls.env[
            "res.partner"
        ].create([{"name": f"CR Dash {name}"} for name in names])
        co, br, her = cls.company, cls.branch, cls.salesman
        cls._order(cls.ana, "2026-05-01 10:00", 2, co, source=cls.fair)
        cls._order(cls.ana, "2026-05-31 10:00", 1, br)
        cls._order(cls.ben, "2026-05-20 10:00", 3, co, source=cls.web)
        cls._order(cls.ben, "2026-06-03 10:00", 1, co, user=her)
        cleo_first = cls._order(cls.cleo, "2026-03-01 10:00", 5, co, source=cls.web)
        cls._order(cls.cleo, "2026-03-11 10:00", 1, co)
        cls._order(cls.dan, "2026-01-20 10:00", 7, co)
        cls._order(cls.eve, "2026-06-01 10:00", 2, br, user=her, source=cls.fair)
        cls._order(cls.eve, "2026-06-10 10:00", 4, br, user=her)
        cls._order(cls.fay, "2024-09-01 10:00", 1, co)
        cls._order(cls.ana, "2026-06-12 10:00", 50, co, confirm=False)._action_cancel()
        cls.refund = post_refund(cleo_first, quantity=1, day="2026-04-10")
        callbacks = cls.env["customer.rating.callback"]
        callbacks.create(
            [
                {"partner_id": cls.dan.id, "company_id": co.id, "user_id": cls.env.uid},
                {"partner_id": cls.eve.id, "company_id": br.id, "user_id": her.id},
                {
                    "partner_id": cls.cleo.id,
                    "company_id": co.id,
                    "user_id": cls.env.uid,
                    "state": "cancelled",
                },
            ]
        )

    @classmethod
    def _order(
        cls, partner, when, quantity, company, user=None, source=None, confirm=True
    ):
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "user_id": (user or cls.env.user).id,
                    "pricelist_id": cls.pricelist.id,
                    "source_id": source and source.id,
                    "order_line": [
                        Command.create(
                            {"product_id": cls.product.id, "product_uom_qty": quantity}
                        )
                    ],
                }
            )
        )
        if confirm:
            order.action_confirm()
        order.date_order = datetime.fromisoformat(when)
        return order

    def _dashboard(self, user):
        return (
            self.env["customer.rating.dashboard"]
            .with_user(user)
            .with_context(allowed_company_ids=self.companies.ids)
            .get_dashboard_data()
        )

    def _visible_orders(self, user):
        """The confirmed orders of the two companies Sales shows `user`."""
        return (
            self.env["sale.order"]
            .with_user(user)
            .with_context(allowed_company_ids=self.companies.ids)
            .search([("company_id", "in", self.companies.ids), ("state", "=", "sale")])
            .sudo()
        )

    def _expected(self, user, refunds):
        """The dashboard's figures computed from the orders and the credit
        notes `user` may read."""
        orders = self._visible_orders(user)
        days = defaultdict(list)
        for order in orders:
            days[order.partner_id].append(order.date_order.date())
        retention = {}
        for key, at in (("now", TODAY), ("before", MONTH_AGO)):
            counts = Counter()
            for customer_days in days.values():
                if min(customer_days) > at:
                    continue
                status, due = expected_status(customer_days, at)
                counts[status] += 1
                counts["due_soon"] += due
            retention[key] = counts
        in_period = orders.filtered(lambda o: o.date_order.date() >= PERIOD_START)
        net = defaultdict(float)
        profit = 0.0
        for order in in_period:
            net[order.partner_id] += order.amount_untaxed
            profit += order.margin
        for credit_note, partner, quantity in refunds:
            net[partner] -= credit_note.amount_untaxed
            profit -= credit_note.amount_untaxed - 60.0 * quantity
        ranked = sorted(net.items(), key=lambda item: -item[1])
        total = sum(net.values())
        classes, before = Counter(), 0.0
        for _partner, amount in ranked:
            share = before / total
            classes["A" if share < 0.8 else "B" if share < 0.95 else "C"] += 1
            before += amount
        firsts = {}
        for order in orders.sorted("date_order"):
            firsts.setdefault(order.partner_id, order.date_order.date())
        sources = Counter(
            partner.utm_source_id.name or "No source"
            for partner, first in firsts.items()
            if first >= PERIOD_START
        )
        return {
            "retention": retention,
            "revenue": total,
            "profit": profit,
            "top": [partner.name for partner, _amount in ranked],
            "classes": classes,
            # points are dated by the confirmation: today, in the period
            "points": sum(orders.mapped("amount_untaxed"))
            - sum(credit_note.amount_untaxed for credit_note, _p, _q in refunds),
            "sources": sources,
        }

    def _assert_dashboard(self, data, expected):
        for status in ("active", "due_soon", "at_risk", "lost"):
            with self.subTest(status=status):
                now = expected["retention"]["now"][status]
                before = expected["retention"]["before"][status]
                self.assertEqual(data["retention"][status]["count"], now)
                self.assertEqual(data["retention"][status]["trend"], now - before)
        self.assertAlmostEqual(data["revenue"], expected["revenue"], places=2)
        self.assertAlmostEqual(data["profit"], expected["profit"], places=2)
        self.assertAlmostEqual(
            sum(month["revenue"] for month in data["months"]),
            expected["revenue"],
            places=2,
        )
        self.assertEqual([line["name"] for line in data["top"]], expected["top"])
        self.assertTrue(all(line["movement"] == "new" for line in data["top"]))
        self.assertEqual(
            {row["class"]: row["customers"] for row in data["pareto"]},
            {key: expected["classes"][key] for key in "ABC"},
        )
        self.assertAlmostEqual(data["points"]["issued"], expected["points"], places=2)
        self.assertEqual(data["points"]["expired"], 0.0)
        self.assertEqual(
            {row["source"]: row["count"] for row in data["sources"]},
            dict(expected["sources"]),
        )

    def test_admin(self):
        data = self._dashboard(self.env.user)
        expected = self._expected(self.env.user, [(self.refund, self.cleo, 1)])
        self._assert_dashboard(data, expected)
        # the fixture covers every status
        self.assertEqual(
            dict(expected["retention"]["now"]),
            {"active": 3, "due_soon": 2, "at_risk": 1, "lost": 2},
        )
        self.assertEqual(data["callbacks"], 1)
        self.assertEqual(len(data["months"]), 12)
        self.assertEqual(data["months"][-1]["month"], date(2026, 6, 1))

    def test_salesperson_sees_her_own_figures(self):
        data = self._dashboard(self.salesman)
        expected = self._expected(self.salesman, [])
        self._assert_dashboard(data, expected)
        self.assertEqual(expected["top"], ["CR Dash Eve", "CR Dash Ben"])
        self.assertEqual(data["callbacks"], 1)

    def test_tiles_open_their_filtered_lists(self):
        partners = self.env["res.partner"]
        customers = self.ana | self.ben | self.cleo | self.dan | self.eve | self.fay
        dashboard = self.env["customer.rating.dashboard"]
        for tile, domain, expected in (
            (
                "active",
                [("customer_rating_retention", "=", "active")],
                self.ana | self.ben | self.eve,
            ),
            (
                "due_soon",
                [("customer_rating_due_soon", "=", True)],
                self.ben | self.eve,
            ),
            ("at_risk", [("customer_rating_retention", "=", "at_risk")], self.dan),
            (
                "lost",
                [("customer_rating_retention", "=", "lost")],
                self.cleo | self.fay,
            ),
        ):
            with self.subTest(tile=tile):
                action = dashboard.action_open_tile(tile)
                self.assertEqual(action["res_model"], "res.partner")
                self.assertEqual(
                    action["context"][f"search_default_customer_rating_{tile}"], 1
                )
                found = partners.search([("id", "in", customers.ids), *domain])
                self.assertEqual(found, expected)
                self.assertEqual(
                    {p.customer_rating_retention for p in expected},
                    {"active"} if tile == "due_soon" else {tile},
                )
        self.assertEqual(
            partners.search(
                [("id", "in", customers.ids), ("customer_rating_due_soon", "=", False)]
            ),
            customers - self.ben - self.eve,
        )
        for tile, model in (
            ("revenue", "customer.rating.line"),
            ("top", "customer.rating.line"),
            ("pareto", "customer.rating.line"),
            ("points", "customer.rating.bonus.line"),
            ("sources", "customer.rating.marketing.line"),
            ("callbacks", "customer.rating.callback"),
        ):
            with self.subTest(tile=tile):
                action = dashboard.action_open_tile(tile)
                self.assertEqual(action["res_model"], model)
                self.assertTrue(action["views"])
        top = dashboard.action_open_tile("top")
        self.assertEqual(len(self.env["customer.rating.line"].search(top["domain"])), 5)
        visits = dashboard.action_open_tile("visits")
        self.assertEqual(visits["tag"], "customer_rating_visit_heat_map")

    def test_heat_map(self):
        """The heat map's cells are the visit patterns' orders per branch,
        weekday and hour (UTC here)."""
        wizard = self.env["customer.rating.wizard"].create(
            {"report": "visits", "period": "last_12_months"}
        )
        wizard.action_open_heat_map()
        data = wizard.get_heat_map_data()
        expected = Counter()
        for order in self._visible_orders(self.env.user):
            if order.date_order.date() >= PERIOD_START:
                key = (order.company_id.id, order.date_order.isoweekday() - 1, 10)
                expected[key] += 1
        cells = Counter()
        for branch in data["branches"]:
            for day, row in enumerate(branch["cells"]):
                for hour, cell in enumerate(row):
                    if cell["orders"]:
                        cells[branch["id"], day, hour] = cell["orders"]
        self.assertEqual(cells, expected)
        self.assertEqual(data["max_orders"], max(expected.values()))
        self.assertEqual(data["weekdays"][0], "Monday")

    def test_card_chart(self):
        """Net revenue and visits per month on the card, 24 months, from the
        orders the user may read."""
        history = self.cleo.customer_rating_monthly_history()
        months = {row["month"]: row for row in history["months"]}
        self.assertEqual(len(months), 24)
        self.assertEqual(min(months), date(2024, 7, 1))
        self.assertEqual(months[date(2026, 3, 1)]["revenue"], 600.0)
        self.assertEqual(months[date(2026, 3, 1)]["visits"], 2)
        self.assertEqual(months[date(2026, 4, 1)]["revenue"], -100.0)
        self.assertEqual(months[date(2026, 4, 1)]["visits"], 0)
        ben = self.ben.with_user(self.salesman).with_context(
            allowed_company_ids=self.companies.ids
        )
        mine = {
            row["month"]: row
            for row in ben.customer_rating_monthly_history()["months"]
            if row["visits"]
        }
        self.assertEqual(list(mine), [date(2026, 6, 1)])
        self.assertEqual(mine[date(2026, 6, 1)]["revenue"], 100.0)

    def test_due_soon_days_of_settings(self):
        """Due within 2 days: Ben (expected on 2026-06-17), not Eve (06-19)."""
        self.env["res.config.settings"].create(
            {"customer_rating_due_soon_days": 2}
        ).execute()
        data = self._dashboard(self.env.user)
        self.assertEqual(data["due_soon_days"], 2)
        self.assertEqual(data["retention"]["due_soon"]["count"], 1)
        found = self.env["res.partner"].search(
            [("customer_rating_due_soon", "=", True), ("name", "like", "CR Dash")]
        )
        self.assertEqual(found, self.ben)

    def test_queries_do_not_grow_with_the_customers(self):
        """Set-based: as many queries for 6 customers as for 12."""

        def count_queries():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self._dashboard(self.env.user)
            return self.env.cr.sql_log_count - before

        self._dashboard(self.env.user)  # caches of the registry warmed up
        few = count_queries()
        for n in range(6):
            customer = self.env["res.partner"].create({"name": f"CR Dash More {n}"})
            self._order(customer, f"2026-0{n + 1}-10 10:00", n + 1, self.company)
        self.assertEqual(count_queries(), few)
