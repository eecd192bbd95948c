# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import html
import re
from datetime import date
from pathlib import Path

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.translate import TranslationFileReader

# the languages the addon is written for: (language code, .po file)
LANGUAGES = [
    ("ro_RO", "ro.po"),
    ("de_DE", "de.po"),
    ("hu_HU", "hu.po"),
    ("bg_BG", "bg.po"),
    ("uk_UA", "uk.po"),
]
NOTE = (
    "<p>Last purchase on %(last)s, %(days)s days ago; usually buys every "
    "%(rhythm)s days. Spent %(total)s in %(orders)s orders.</p>"
)
HEADERS = [
    "Rank",
    "Movement",
    "Customer",
    "Net Revenue",
    "Profit",
    "Orders",
    "Share %",
    "Cumulative %",
    "Class",
]
PLACEHOLDER = re.compile(r"%\(\w+\)s")


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """Each language of the addon loads without a warning and translates the
    rating report and the note of a call-back.

    The expected texts are read from the .po file itself, so that the test
    checks what Odoo shows, not the wording of one translator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wizard = cls.env["customer.rating.wizard"].create({"top": 5})
        cls.row = {
            "last_purchase": date(2026, 4, 5),
            "days_since": 71,
            "rhythm": 23.4,
            "total_spent": 1234.5,
            "order_count": 17,
        }

    def _translations(self, path):
        return {term["src"]: term["value"] for term in TranslationFileReader(str(path))}

    def _load(self, code):
        self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(
            ["customer_rating"], [code], overwrite=True
        )

    def _report_html(self, code):
        wizard = self.wizard.with_context(lang=code)
        wizard._compute_report()
        page = (
            self.env["ir.actions.report"]
            .with_context(lang=code)
            ._render_qweb_html("customer_rating.report_customer_rating", wizard.ids)[0]
            .decode()
        )
        return wizard, html.unescape(page)

    def _note(self, code):
        user = new_test_user(self.env, f"cr_translations_{code}", lang=code)
        return self.env["customer.rating.callback"]._note(
            self.row, self.env.company.currency_id, user
        )

    def test_report_and_call_back_note_are_translated(self):
        i18n = Path(get_module_path("customer_rating"), "i18n")
        for code, po_name in LANGUAGES:
            with self.subTest(language=code):
                path = i18n / po_name
                self.assertTrue(path.exists(), f"{path} is missing ({code})")
                terms = self._translations(path)
                with self.assertNoLogs("odoo", "WARNING"):
                    self._load(code)
                    wizard, page = self._report_html(code)
                    note = self._note(code)
                self.assertTrue(wizard.line_ids, "the demo data has no customers")
                self._assert_report(terms, page)
                self._assert_note(terms, note)

    def _assert_report(self, terms, page):
        for english in ("Rank", "Customer"):
            self.assertNotEqual(terms[english], english)
        headers = re.findall(r"<th[^>]*>\s*(.*?)\s*</th>", page)
        # an empty msgstr: the same as the source (OCA's po-pretty-format)
        self.assertEqual(headers, [terms[header] or header for header in HEADERS])
        self.assertIn(terms["Customer rating"], page)  # the title
        self.assertNotIn("Ranked by", page)
        self.assertIn(terms["Ranked by"], page)

    def _assert_note(self, terms, note):
        self.assertNotEqual(terms[NOTE], NOTE)
        self.assertNotIn("Last purchase", note)
        for text in PLACEHOLDER.split(terms[NOTE]):
            self.assertIn(text.strip(), note)
        for number in ("71", "23", "17"):
            self.assertIn(number, note)
