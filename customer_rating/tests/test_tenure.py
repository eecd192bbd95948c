# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import TODAY, RetentionCommon


def tenure(first_day, at=TODAY):
    """Years from the first day to `at`, as the README defines them."""
    return (at - first_day).days / 365.25


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestTenure(RetentionCommon):
    """Fred has bought since 2025-03-01 (600 in the last 12 months), Ben
    since 2025-10-01 (lost), Ana since 2026-01-05."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fred = cls.env["res.partner"].create({"name": "CR Fred"})
        cls.customers |= cls.fred
        for day in ("2025-03-01", "2026-03-01", "2026-03-11", "2026-03-21"):
            cls._order(cls.fred, f"{day} 16:00", 2, cls.branch)
        cls.bronze = cls.env.ref("customer_rating.customer_rating_tier_bronze")
        cls.silver = cls.env.ref("customer_rating.customer_rating_tier_silver")
        cls.gold = cls.env.ref("customer_rating.customer_rating_tier_gold")
        cls.bronze.write({"threshold": 0, "company_id": cls.main.id})
        cls.silver.write({"threshold": 2000, "company_id": cls.main.id})
        cls.gold.write({"threshold": 10000, "company_id": cls.main.id})

    def test_card_shows_years_as_customer(self):
        for customer, first in (
            (self.fred, date(2025, 3, 1)),
            (self.ben, date(2025, 10, 1)),
            (self.ana, date(2026, 1, 5)),
        ):
            with self.subTest(customer=customer.name):
                self.assertAlmostEqual(
                    customer.customer_rating_tenure, tenure(first), places=1
                )
        self.assertEqual(self.ana_contact.customer_rating_tenure, 0.4)
        self.assertEqual(self.fred.customer_rating_tenure, 1.3)

    def test_rating_has_tenure_at_the_end_of_the_period(self):
        wizard = self.env["customer.rating.wizard"].create(
            {
                "period": "custom",
                "date_from": "2026-03-01",
                "date_to": "2026-03-31",
                "team_ids": [Command.set(self.teams.ids)],
            }
        )
        wizard.action_open()
        lines = wizard._report_lines()
        fred = lines.filtered(lambda line: line.partner_id == self.fred)
        ana = lines.filtered(lambda line: line.partner_id == self.ana)
        self.assertAlmostEqual(
            fred.tenure, tenure(date(2025, 3, 1), date(2026, 3, 31)), places=6
        )
        self.assertAlmostEqual(
            ana.tenure, tenure(date(2026, 1, 5), date(2026, 3, 31)), places=6
        )

    def _tier(self, partner):
        return partner.with_company(self.main).customer_rating_tier_id

    def test_tenure_keeps_a_minimum_tier(self):
        tiers = self.env["customer.rating.tier"]
        tiers._retier(self.main)
        self.assertEqual(self._tier(self.fred), self.bronze)  # 600 over 12 months
        with Form(self.env["res.config.settings"]) as settings:
            settings.customer_rating_tenure_years = 1
            settings.customer_rating_tenure_tier_id = self.silver
        self.assertEqual(self.main.customer_rating_tenure_tier_id, self.silver)
        tiers._retier(self.main)
        self.assertEqual(self._tier(self.fred), self.silver)  # 1.3 years
        self.assertEqual(self._tier(self.ana), self.bronze)  # 0.4 years
        self.assertEqual(self._tier(self.ben), self.bronze)  # 0.7 years, lost
        self.main.customer_rating_tenure_years = 0
        tiers._retier(self.main)
        self.assertEqual(self._tier(self.fred), self.bronze)

    def test_tenure_settings_are_checked(self):
        with self.assertRaises(ValidationError):
            self.main.customer_rating_tenure_years = -1
        other = self.env["res.company"].create({"name": "CR Other Company"})
        with self.assertRaises(ValidationError):
            other.customer_rating_tenure_tier_id = self.silver
