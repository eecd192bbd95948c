# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from unittest.mock import MagicMock, patch

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.customer_rating.controllers.main import (
    CustomerRatingXlsxController,
)

from .common import TODAY, CustomerRatingCommon, xlsx_sheet


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestReportPrivacy(CustomerRatingCommon):
    """Report lines and wizards belong to the user who asked: nobody else
    reads, changes or deletes them, and nobody changes them once filled."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        companies = [Command.set((cls.main | cls.branch).ids)]
        cls.owner = new_test_user(
            cls.env,
            "cr_privacy_owner",
            groups="sales_team.group_sale_salesman_all_leads",
            company_ids=companies,
        )
        cls.other = new_test_user(
            cls.env,
            "cr_privacy_other",
            groups="sales_team.group_sale_salesman_all_leads",
            company_ids=companies,
        )

    def _wizard_of(self, user, report="rating"):
        wizard = (
            self.env["customer.rating.wizard"]
            .with_user(user)
            .with_context(allowed_company_ids=(self.main | self.branch).ids)
            .create(
                {
                    "report": report,
                    "period": "custom",
                    "date_from": "2026-03-16",
                    "date_to": "2026-06-15",
                    "team_ids": [Command.set(self.team.ids)],
                }
            )
        )
        wizard.action_open()
        return wizard

    def test_lines_and_wizards_are_private(self):
        for report in ("rating", "branches", "retention", "visits"):
            with self.subTest(report=report):
                wizard = self._wizard_of(self.owner, report)
                lines = wizard._report_lines()
                self.assertTrue(lines)
                model = lines.browse().with_user(self.other)
                self.assertFalse(model.search([("wizard_id", "=", wizard.id)]))
                with self.assertRaises(AccessError):
                    lines.with_user(self.other).read(["company_id"])
                with self.assertRaises(AccessError):
                    lines.with_user(self.other).unlink()
                with self.assertRaises(AccessError):
                    model._unlink_wizard_lines(wizard)
                with self.assertRaises(AccessError):
                    lines.with_user(self.other)._xlsx_content(report)
                with self.assertRaises(AccessError):
                    lines.with_user(self.other)._report_xlsx(wizard)
                with self.assertRaises(AccessError):
                    wizard.with_user(self.other).read(["report"])
                with self.assertRaises(AccessError):
                    wizard.with_user(self.other).action_open()
                self.assertTrue(lines.exists())

    def test_nobody_writes_a_filled_line(self):
        wizard = self._wizard_of(self.owner)
        line = wizard._report_lines()[:1]
        for user in (self.owner, self.other):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                line.with_user(user).write({"profit": 0.0})
        self.assertTrue(line.profit)

    def test_the_owner_reads_and_deletes_their_lines(self):
        wizard = self._wizard_of(self.owner)
        lines = wizard._report_lines().with_user(self.owner)
        self.assertEqual(
            lines.search([("wizard_id", "=", wizard.id)]),
            wizard._report_lines(),
        )
        lines.unlink()
        self.assertFalse(lines.exists())

    def test_a_new_run_and_a_deleted_wizard_delete_the_lines(self):
        """The lines of a wizard are deleted (in SQL) when its report runs
        again and when it is deleted; the other wizards' stay."""
        wizard = self._wizard_of(self.owner).with_user(self.owner)
        other_wizard = self._wizard_of(self.owner)
        first = wizard._report_lines()
        kept = other_wizard._report_lines()
        wizard.action_open()
        second = wizard._report_lines()
        self.assertTrue(second)
        self.assertFalse(first.exists())
        self.assertEqual(len(second), len(first))
        wizard.unlink()
        self.assertFalse(second.exists())
        self.assertEqual(kept.exists(), kept)

    def test_excel_text_is_never_a_formula(self):
        names = ['=HYPERLINK("http://example.com","x")', "+1+2", "-3", "@SUM(A1)"]
        for name in names:
            self._order(
                self.env["res.partner"].create({"name": name}),
                "2026-05-05 10:00",
                1,
                self.main,
            )
        for report in ("rating", "branches"):
            with self.subTest(report=report):
                sheet = xlsx_sheet(self._wizard_of(self.owner, report))
                cells = {
                    cell.value: cell.data_type
                    for row in sheet.iter_rows()
                    for cell in row
                    if cell.value in names
                }
                self.assertEqual(cells, dict.fromkeys(names, "s"))

    def _download(self, user, wizard):
        """What the Excel download route answers `user` for `wizard`."""
        request = MagicMock()
        request.env = wizard.env(user=user)
        request.make_response = lambda content, headers: (content, dict(headers))
        endpoint = CustomerRatingXlsxController.download_xlsx.original_endpoint
        with patch("odoo.addons.customer_rating.controllers.main.request", request):
            return endpoint(CustomerRatingXlsxController(), wizard.id)

    def test_the_download_streams_the_owners_file_only(self):
        wizard = self._wizard_of(self.owner)
        url = wizard.action_export_xlsx()["url"]
        self.assertEqual(url, f"/customer_rating/xlsx/{wizard.id}")
        content, headers = self._download(self.owner, wizard)
        self.assertIn(".xlsx", headers["Content-Disposition"])
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        names = {row[2] for row in sheet.iter_rows(min_row=4, values_only=True)}
        self.assertLessEqual(set(wizard.line_ids.partner_id.mapped("name")), names)
        with self.assertRaises(AccessError):
            self._download(self.other, wizard)
