# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from datetime import datetime

import openpyxl

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestLargeExcelExport(TransactionCase):
    """The Excel export reads the lines in chunks and writes the rows as it
    goes: a report of more lines than a chunk is exported exactly, row by
    row, in the lines' order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        count = 2500
        cls.env.user.tz = "UTC"
        industries = cls.env["res.partner.industry"].create(
            [{"name": f"CR Export Industry {n}"} for n in range(3)]
        )
        cls.partners = cls.env["res.partner"].create(
            [{"name": f"CR Export Customer {n:04d}"} for n in range(count)]
        )
        cls.categories = cls.env["product.category"].create(
            [{"name": f"CR Export Category {n}"} for n in range(7)]
        )
        wizard = cls.env["customer.rating.wizard"].create({"report": "gaps"})
        cls.lines = cls.env["customer.rating.gap.line"].create(
            [
                {
                    "wizard_id": wizard.id,
                    "company_id": cls.env.company.id,
                    "partner_id": partner.id,
                    "categ_id": cls.categories[n % 7].id,
                    "is_company": bool(n % 2),
                    "segment": "business" if n % 2 else "private",
                    "industry_id": industries[n % 4].id if n % 4 < 3 else False,
                    "segment_customers": n,
                    "segment_share": n / 25.0,
                }
                for n, partner in enumerate(cls.partners)
            ]
        )

    def test_every_row_exact(self):
        lines = self.lines.search([("id", "in", self.lines.ids)])
        self.assertEqual(len(lines), 2500)
        content = lines._xlsx_content("Gaps")
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        labels = {"business": "Business customer", "private": "Private customer"}
        expected = [
            (
                line.partner_id.name,
                line.categ_id.complete_name,
                labels[line.segment],
                line.industry_id.name or "",
                line.segment_customers,
                line.segment_share,
            )
            for line in lines
        ]
        self.assertEqual(len(rows), len(expected) + 1)
        for number, (row, values) in enumerate(zip(rows, expected, strict=False)):
            with self.subTest(row=number):
                self.assertEqual(row[:4], values[:4])
                self.assertEqual(row[4], values[4])
                self.assertAlmostEqual(row[5], values[5], places=6)
        self.assertEqual(rows[-1][0], "Total")
        self.assertEqual([cell.value for cell in sheet[3]][0], "Customer")

    def test_customers_named_as_the_list_names_them(self):
        """A customer is written with their display name: their stored
        complete name, or, for an address without a name of its own, the
        name the ORM gives it; a customer created in the same transaction
        too (written to the database before it is read)."""
        company = self.env["res.partner"].create(
            {"name": "CR Export Company", "is_company": True}
        )
        address = self.env["res.partner"].create(
            {"parent_id": company.id, "type": "invoice"}
        )
        contact = self.env["res.partner"].create(
            {"parent_id": company.id, "name": "CR Export Buyer"}
        )
        wizard = self.env["customer.rating.wizard"].create({"report": "gaps"})
        lines = self.env["customer.rating.gap.line"].create(
            [
                {
                    "wizard_id": wizard.id,
                    "company_id": self.env.company.id,
                    "partner_id": partner.id,
                    "categ_id": self.categories[0].id,
                }
                for partner in (address, contact)
            ]
        )
        content = lines._xlsx_content("Gaps")
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        names = [
            row[0] for row in sheet.iter_rows(min_row=4, max_row=5, values_only=True)
        ]
        self.assertEqual(
            names, [address.display_name, "CR Export Company, CR Export Buyer"]
        )
        self.assertTrue(address.display_name)

    def test_datetimes_in_the_users_time_zone(self):
        """Datetimes are written in the user's time zone (converted by
        PostgreSQL for the stored columns), summer and winter time apart."""
        wizard = self.env["customer.rating.wizard"].create({"report": "buyers"})
        stamps = [datetime(2026, 1, 10, 22, 30), datetime(2026, 7, 10, 22, 30)]
        lines = self.env["customer.rating.buyer.line"].create(
            [
                {
                    "wizard_id": wizard.id,
                    "company_id": self.env.company.id,
                    "partner_id": self.partners[n].id,
                    "last_purchase": stamp,
                }
                for n, stamp in enumerate(stamps)
            ]
        )
        self.env.user.tz = "Europe/Bucharest"
        content = lines.with_context(tz=None)._xlsx_content("Buyers")
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = sheet.iter_rows(min_row=4, max_row=5, values_only=True)
        written = [row[-1] for row in rows]
        # Bucharest: UTC+2 in winter, UTC+3 in summer
        self.assertEqual(
            written, [datetime(2026, 1, 11, 0, 30), datetime(2026, 7, 11, 1, 30)]
        )
