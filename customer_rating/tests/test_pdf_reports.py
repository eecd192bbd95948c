# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import subprocess
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..wizards import customer_rating_wizard


@tagged("post_install", "-at_install")
class TestPdfReports(HttpCase):
    """The PDFs users print, rendered by wkhtmltopdf as in production and
    read back with pdftotext. wkhtmltopdf loads the report's styles from
    this test's HTTP server. Debian's wkhtmltopdf draws web fonts as
    outlines, which pdftotext cannot read: the tests print with a system
    font."""

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("report.url", self.base_url())
        self.env["ir.asset"].create(
            {
                "name": "customer_rating: system font in tests",
                "bundle": "web.report_assets_common",
                "path": "customer_rating/static/tests/report_system_font.css",
            }
        )

    def _pdf_text(self, report, records):
        # Debian's wkhtmltopdf is built on an unpatched Qt and says so on
        # stderr (headers are printed in the page), which Odoo logs as a
        # warning; a real failure still raises.
        with mute_logger("odoo.addons.base.models.ir_actions_report"):
            pdf, report_format = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(report, records.ids)
            )
        self.assertEqual(report_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return subprocess.run(
            ["pdftotext", "-layout", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout.decode()

    def test_rating_pdf(self):
        wizard = self.env["customer.rating.wizard"].create(
            {"report": "rating", "period": "last_12_months", "top": 5}
        )
        wizard.action_print_pdf()
        lines = wizard.line_ids
        self.assertTrue(lines, "the demo data has orders in the last 12 months")

        text = self._pdf_text("customer_rating.report_customer_rating", wizard)

        self.assertIn(wizard._title(), text)
        for line in lines:
            self.assertIn(line.partner_id.name, text)
        total = sum(lines.mapped("net_revenue"))
        self.assertIn(f"{total:,.2f}", text)

    def test_rating_pdf_lists_the_first_customers_totals_all(self):
        """A rating of every customer would print thousands of pages: the
        PDF lists the first by rank, says so, and totals them all."""
        wizard = self.env["customer.rating.wizard"].create(
            {"report": "rating", "period": "last_12_months", "top": 5}
        )
        with patch.object(customer_rating_wizard, "PDF_MAX_LINES", 2):
            wizard.action_print_pdf()
            text = self._pdf_text("customer_rating.report_customer_rating", wizard)
        lines = wizard.line_ids.sorted("rank")
        self.assertEqual(len(lines), 5)
        for line in lines[:2]:
            self.assertIn(line.partner_id.name, text)
        for line in lines[2:]:
            self.assertNotIn(line.partner_id.name, text)
        self.assertIn("The first 2 of 5 customers by rank", " ".join(text.split()))
        self.assertIn(f"{sum(lines.mapped('net_revenue')):,.2f}", text)
        self.assertIn(str(sum(lines.mapped("order_count"))), text)

    def test_printable_card_pdf(self):
        customer = self.env["res.partner"].create({"name": "CR Card Holder"})
        program = self.env["loyalty.program"].create(
            {"name": "CR Printed Coupons", "program_type": "coupons"}
        )
        card = self.env["loyalty.card"].create(
            {
                "program_id": program.id,
                "code": "5901234123457",
                "partner_id": customer.id,
            }
        )

        text = self._pdf_text("customer_rating.report_instrument_card", card)

        self.assertIn("CR Printed Coupons", text)
        self.assertIn("CR Card Holder", text)
        self.assertIn("5901234123457", text)
