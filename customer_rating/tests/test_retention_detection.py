# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import TODAY, RetentionCommon, post_refund


def rounded(row):
    """A row with its sums rounded to the cent: sums of floats may differ
    in their last bits with the order they are added in."""
    return {
        key: round(value, 2) if isinstance(value, float) else value
        for key, value in row.items()
    }


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestRetentionDetection(RetentionCommon):
    def test_status_on_each_customers_rhythm(self):
        rows = self._retention_rows()
        for customer, status in [
            (self.ana, "at_risk"),
            (self.ben, "lost"),
            (self.cleo, "active"),
            (self.dan, "at_risk"),
        ]:
            with self.subTest(customer=customer.name):
                row, expected = rows[customer.id], self._expected(customer)
                self.assertEqual(expected["status"], status)
                self.assertEqual(row["status"], status)
                self.assertEqual(row["last_purchase"], expected["last_purchase"])
                self.assertEqual(row["days_since"], expected["days_since"])
                self.assertAlmostEqual(row["rhythm"], expected["rhythm"])
                self.assertEqual(row["order_count"], expected["order_count"])
                self.assertAlmostEqual(
                    row["total_spent"], expected["total_spent"], places=2
                )
                self.assertEqual(row["lost_date"], expected["lost_date"])

    def test_contacts_roll_up_and_cancelled_orders_do_not_count(self):
        row = self._retention_rows()[self.ana.id]
        self.assertNotIn(self.ana_contact.id, self._retention_rows())
        self.assertEqual(row["order_count"], 4)
        self.assertEqual(row["last_purchase"], date(2026, 4, 5))
        self.assertEqual(row["company_id"], self.branch.id)  # the last order's

    def test_archived_customers_are_left_out(self):
        self.assertNotIn(self.eva.id, self._retention_rows())

    def test_single_order_uses_the_default_gap(self):
        row = self._retention_rows()[self.dan.id]
        self.assertIsNone(row["median_gap"])
        self.assertEqual(row["rhythm"], 60)
        self.env["ir.config_parameter"].set_param("customer_rating.default_gap", 90)
        self.assertEqual(self._retention_rows()[self.dan.id]["status"], "active")
        self.assertEqual(self._expected(self.dan, default_gap=90)["status"], "active")

    def test_thresholds_come_from_settings(self):
        settings = Form(self.env["res.config.settings"])
        settings.customer_rating_at_risk_factor = 3
        settings.customer_rating_lost_factor = 9
        settings.save().execute()
        rows = self._retention_rows()
        for customer in self.ana | self.ben | self.cleo | self.dan:
            with self.subTest(customer=customer.name):
                expected = self._expected(customer, at_risk=3, lost=9)
                self.assertEqual(rows[customer.id]["status"], expected["status"])
                self.assertEqual(rows[customer.id]["lost_date"], expected["lost_date"])
        self.assertEqual(rows[self.ana.id]["status"], "active")  # 71 <= 3 x 30

    def test_bad_thresholds_are_refused(self):
        for values in [
            {"customer_rating_at_risk_factor": 0},
            {"customer_rating_at_risk_factor": 4, "customer_rating_lost_factor": 3},
            {"customer_rating_default_gap": 0},
        ]:
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.env["res.config.settings"].create(values)

    def test_status_as_of_a_past_day(self):
        """On 2026-03-20, Ana (last 03-06, every 30 days) was active and Ben
        lost; Cleo had not bought yet."""
        at = date(2026, 3, 20)
        rows = self._retention_rows(at=at)
        self.assertEqual(rows[self.ana.id]["status"], "active")
        self.assertEqual(rows[self.ana.id]["order_count"], 3)
        self.assertEqual(
            rows[self.ben.id]["status"], self._expected(self.ben, at)["status"]
        )
        self.assertNotIn(self.cleo.id, rows)

    def test_days_are_the_users_days(self):
        """An order at 02:00 UTC on 2026-06-02 was on 2026-06-01 in New York."""
        self._order(self.cleo, "2026-06-02 02:00", 1, self.main)
        query = self.env["customer.rating.rules"]._retention_query(
            self.main | self.branch, self.main, TODAY, "America/New_York"
        )
        self.env.flush_all()
        self.env.cr.execute(query)
        row = next(
            r for r in self.env.cr.dictfetchall() if r["partner_id"] == self.cleo.id
        )
        self.assertEqual(row["last_purchase"], date(2026, 6, 1))
        self.assertEqual(row["order_count"], 4)
        # two orders on one day are one visit: the gaps are 14 and 14 days
        self.assertEqual(row["median_gap"], 14)

    def test_several_days_at_once_match_each_day_alone(self):
        """The reports read the rule on two days in one pass: each day's rows
        are those of the rule on that day alone, returns included."""
        post_refund(self._counted_orders(self.ana)[0], 1, "2026-03-10")
        post_refund(self._counted_orders(self.cleo)[-1], 1, "2026-06-05")
        days = [date(2026, 3, 20), date(2026, 5, 31), TODAY]
        rules = self.env["customer.rating.rules"]
        self.env.flush_all()
        self.env.cr.execute(
            rules._retention_days_query(self.main | self.branch, self.main, days, "UTC")
        )
        together = {}
        for row in self.env.cr.dictfetchall():
            together.setdefault(row["retention_day"], {})[row["partner_id"]] = row
        for day in days:
            with self.subTest(day=day):
                alone = self._retention_rows(at=day)
                self.assertTrue(alone)
                for partner_id, row in alone.items():
                    self.assertEqual(rounded(together[day][partner_id]), rounded(row))
        self.assertIsInstance(together[TODAY][self.ana.id]["order_count"], int)
        # Ana's return of 03-10 counts from that day; Cleo's not before 06-05
        price = self._counted_orders(self.ana)[0].order_line.price_unit
        ana = {day: together[day][self.ana.id]["total_spent"] for day in days}
        self.assertAlmostEqual(
            ana[date(2026, 3, 20)],
            sum(self._counted_orders(self.ana, days[0]).mapped("amount_untaxed"))
            - price,
            places=2,
        )
        self.assertAlmostEqual(
            together[days[1]][self.cleo.id]["total_spent"],
            sum(self._counted_orders(self.cleo, days[1]).mapped("amount_untaxed")),
            places=2,
        )

    def test_without_spending_only_the_spending_is_left_out(self):
        """The reports that compare statuses read the rule without its
        spending: every other column of every row is the same, returns,
        a day of returns only and two orders in one second included."""
        post_refund(self._counted_orders(self.ana)[0], 1, "2026-03-10")
        post_refund(self._counted_orders(self.cleo)[-1], 1, "2026-06-05")
        self._order(self.dan, "2026-06-12 09:00", 1, self.main)
        self._order(self.dan, "2026-06-12 09:00", 1, self.branch, user=self.salesman)
        days = [date(2026, 3, 20), date(2026, 6, 5), TODAY]
        rules = self.env["customer.rating.rules"]
        self.env.flush_all()
        rows = {}
        for spending in (True, False):
            self.env.cr.execute(
                rules._retention_days_query(
                    self.main | self.branch, self.main, days, "UTC", spending=spending
                )
            )
            rows[spending] = {
                (row["retention_day"], row["partner_id"]): row
                for row in self.env.cr.dictfetchall()
            }
        self.assertEqual(rows[False].keys(), rows[True].keys())
        self.assertGreater(len(rows[True]), 6)
        for key, row in rows[False].items():
            with self.subTest(day=key[0], partner_id=key[1]):
                self.assertIsNone(row.pop("total_spent"))
                self.assertIsNone(row.pop("spent_12m"))
                full = dict(rows[True][key])
                self.assertIsNotNone(full.pop("total_spent"))
                full.pop("spent_12m")
                self.assertEqual(row, full)

    def test_spent_12m_counts_the_returns_of_the_last_12_months(self):
        """The 12 months up to the last purchase (2026-04-05) start after
        2025-04-05: the order of that day is out, its return of 2026-04-20
        is in, as is the return of 2025-04-10; each day sees only the
        returns made by then."""
        gus = self.env["res.partner"].create({"name": "CR Gus"})
        self.customers |= gus
        first = self._order(gus, "2025-04-05 10:00", 3, self.main)
        second = self._order(gus, "2025-04-06 10:00", 2, self.main)
        last = self._order(gus, "2026-04-05 10:00", 4, self.main)
        early_return = post_refund(second, 1, "2025-04-10")
        late_return = post_refund(first, 1, "2026-04-20")
        returned = early_return.amount_untaxed + late_return.amount_untaxed
        orders = first.amount_untaxed + second.amount_untaxed + last.amount_untaxed
        in_12m = second.amount_untaxed + last.amount_untaxed
        row = self._retention_rows()[gus.id]
        self.assertAlmostEqual(row["total_spent"], orders - returned, places=2)
        self.assertAlmostEqual(row["spent_12m"], in_12m - returned, places=2)
        before = self._retention_rows(at=date(2026, 4, 15))[gus.id]
        self.assertAlmostEqual(
            before["spent_12m"], in_12m - early_return.amount_untaxed, places=2
        )

    def test_last_order_of_a_second_is_the_last_created(self):
        """Two orders in the same second: the last order (its branch and
        salesperson) is the one created last, on every run."""
        first = self._order(self.dan, "2026-06-12 09:00", 1, self.main)
        last = self._order(
            self.dan, "2026-06-12 09:00", 1, self.branch, user=self.salesman
        )
        self.assertEqual(first.date_order, last.date_order)
        row = self._retention_rows()[self.dan.id]
        self.assertEqual(row["company_id"], self.branch.id)
        self.assertEqual(row["last_user_id"], self.salesman.id)

    def test_one_query_for_all_customers(self):
        rules = self.env["customer.rating.rules"]
        query = rules._retention_query(self.main | self.branch, self.main, TODAY, "UTC")
        with self.assertQueryCount(1):
            self.env.cr.execute(query)
