# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import TODAY, CustomerRatingCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDefinitions(CustomerRatingCommon):
    """One definition per figure, the same on the card and in the reports:
    net revenue, rhythm on distinct days, days in the user's time zone,
    amounts in the report company's currency."""

    def test_card_revenue_and_profit_are_net_of_returns(self):
        orders = self._orders_of(self.acme)
        revenue = sum(o.amount_untaxed / o.currency_rate for o in orders)
        returned = self.refund.amount_untaxed
        self.assertAlmostEqual(
            self.acme.customer_rating_revenue, revenue - returned, places=2
        )
        self.assertAlmostEqual(
            self.acme.customer_rating_revenue_12m, revenue - returned, places=2
        )
        line = self._rating().line_ids.filtered(lambda ln: ln.partner_id == self.acme)
        self.assertAlmostEqual(
            self.acme.customer_rating_revenue, line.net_revenue, places=2
        )
        # the returned goods' cost comes back: 2 units at 100 sold, 60 cost
        profit = sum(o.margin / o.currency_rate for o in orders)
        self.assertAlmostEqual(
            self.acme.customer_rating_profit, profit - 2 * (100 - 60), places=2
        )

    def test_card_rhythm_counts_days_not_orders(self):
        """Several orders on one day are one visit, as in retention."""
        regular = self.env["res.partner"].create({"name": "CR Regular"})
        for when in (
            "2026-05-01 10:00",
            "2026-05-01 15:00",
            "2026-05-11 09:00",
            "2026-05-31 18:00",
        ):
            self._order(regular, when, 1, self.main)
        self.assertEqual(regular.customer_rating_order_count, 4)
        self.assertEqual(regular.customer_rating_rhythm, 15.0)  # gaps 10, 20 days
        self.assertEqual(regular.customer_rating_next_purchase, date(2026, 6, 15))

    def test_days_since_last_purchase_are_the_users_days(self):
        """At 09:00 in Tokyo on 2026-06-15, an order of 2026-06-14 20:00 UTC
        was placed today (05:00 in Tokyo)."""
        late = self.env["res.partner"].create({"name": "CR Late"})
        self._order(late, "2026-06-14 20:00", 1, self.main)
        self.assertEqual(late.customer_rating_days_since, 1)  # UTC user
        tokyo = late.with_context(tz="Asia/Tokyo")
        self.assertEqual(tokyo.customer_rating_days_since, 0)
        self.env.user.tz = "Asia/Tokyo"
        self.env.invalidate_all()
        self.assertEqual(late.customer_rating_days_since, 0)
        line = self._rating().line_ids.filtered(lambda ln: ln.partner_id == late)
        self.assertEqual(line.days_since_last, 0)

    def test_report_company_in_another_currency(self):
        """Branches in USD, a report company in EUR at 1 EUR = 2 USD: every
        amount is halved."""
        euro = self.env["res.company"].create(
            {"name": "CR Euro", "currency_id": self.eur.id}
        )
        self.env["res.currency.rate"].create(
            {
                "name": "2026-01-01",
                "rate": 2.0,
                "currency_id": self.env.ref("base.USD").id,
                "company_id": euro.id,
            }
        )
        self.env.user.company_ids |= euro
        env = self.env(
            context=dict(
                self.env.context,
                allowed_company_ids=(self.main | self.branch | euro).ids,
            )
        )
        self.assertEqual(
            (self.main | self.branch).currency_id, self.env.ref("base.USD")
        )
        in_usd = self._rating().line_ids
        wizard = env["customer.rating.wizard"].create(
            {
                "report": "rating",
                "period": "custom",
                "date_from": "2026-03-16",
                "date_to": "2026-06-15",
                "company_id": euro.id,
                "company_ids": [Command.set((self.main | self.branch).ids)],
                "team_ids": [Command.set(self.team.ids)],
            }
        )
        wizard.action_open()
        in_eur = wizard.line_ids
        self.assertEqual(in_eur.currency_id, self.eur)
        self.assertEqual(in_eur.partner_id, in_usd.partner_id)
        for line in in_usd:
            converted = in_eur.filtered(
                lambda ln, line=line: ln.partner_id == line.partner_id
            )
            with self.subTest(customer=line.partner_id.name):
                self.assertAlmostEqual(converted.net_revenue, line.net_revenue / 2, 2)
                self.assertAlmostEqual(converted.profit, line.profit / 2, 2)

    def test_last_12_months_is_one_window(self):
        rules = self.env["customer.rating.rules"]
        self.assertEqual(rules._last_12_months(TODAY), (date(2025, 6, 16), TODAY))
        self.assertEqual(
            rules._period_dates("last_12_months", TODAY), (date(2025, 6, 16), TODAY)
        )
        wizard = self.env["customer.rating.wizard"].create({"period": "last_12_months"})
        self.assertEqual((wizard.date_from, wizard.date_to), (date(2025, 6, 16), TODAY))
        scope = rules._card_scope()
        self.assertEqual(scope.date_from, date(2025, 6, 16))
        self.assertEqual(scope.previous_date_from, date(2024, 6, 16))
        self.assertEqual(scope.end - scope.start, timedelta(days=365))
