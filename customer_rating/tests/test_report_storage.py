# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import SQL, sql

from ..wizards.customer_rating_wizard import REPORT_MODELS
from .common import TODAY, CustomerRatingCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestReportStorage(CustomerRatingCommon):
    """The report lines' tables are made without foreign keys (see the
    report mixin's `init`): what the keys did is done otherwise."""

    def _foreign_keys(self, model):
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM pg_constraint"
                " WHERE conrelid = %s::regclass AND contype = 'f'",
                model._table,
            )
        )
        return self.env.cr.fetchone()[0]

    def _table_oid(self, model):
        self.env.cr.execute(SQL("SELECT %s::regclass::oid", model._table))
        return self.env.cr.fetchone()[0]

    def test_lines_tables_have_no_foreign_key(self):
        for name in set(REPORT_MODELS.values()):
            model = self.env[name]
            self.assertFalse(model._auto, name)
            self.assertEqual(self._foreign_keys(model), 0, name)
            self.assertTrue(model._lines_table_current(model._lines_table_columns()))

    def test_deleting_a_wizard_deletes_its_lines(self):
        wizard, other = self._run("rating"), self._run("rating")
        lines, kept = wizard.line_ids, other.line_ids
        self.assertTrue(lines)
        wizard.unlink()
        self.assertFalse(lines.exists())
        self.assertEqual(kept.exists(), kept)

    def test_vacuum_deletes_old_lines(self):
        self._run("branches")
        lines = self.env["customer.rating.branch.line"].search([])
        self.assertTrue(lines)
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET create_date = create_date - interval '1 day',"
                " write_date = write_date - interval '1 day'",
                SQL.identifier(lines._table),
            )
        )
        lines.invalidate_model()
        lines._transient_vacuum()
        self.assertFalse(lines.exists())

    def test_table_of_an_older_version_rebuilt(self):
        """A table with a foreign key, as an older version made it, is
        rebuilt without it; a current table is kept as it is."""
        model = self.env["customer.rating.lost.line"]
        kept = self._table_oid(model)
        model.init()
        self.assertEqual(self._table_oid(model), kept)
        self.env.cr.execute(
            SQL(
                "ALTER TABLE %s ADD FOREIGN KEY (partner_id)"
                " REFERENCES res_partner(id)",
                SQL.identifier(model._table),
            )
        )
        model.init()
        self.assertNotEqual(self._table_oid(model), kept)
        self.assertEqual(self._foreign_keys(model), 0)
        self.assertTrue(self._run("lost").action_open())

    def test_figures_stored_in_double_precision(self):
        """Monetary fields and floats with digits, numeric in Odoo's tables,
        are double precision in the lines' tables; a table with a numeric
        figure (an older version's) is rebuilt."""
        for name in set(REPORT_MODELS.values()):
            model = self.env[name]
            columns = sql.table_columns(self.env.cr, model._table)
            for field in model._lines_table_columns().values():
                if field.type in ("monetary", "float"):
                    self.assertEqual(
                        columns[field.name]["udt_name"], "float8", field.name
                    )
        model = self.env["customer.rating.line"]
        self.env.cr.execute(
            SQL(
                "ALTER TABLE %s ALTER COLUMN profit TYPE numeric",
                SQL.identifier(model._table),
            )
        )
        self.assertFalse(model._lines_table_current(model._lines_table_columns()))
        model.init()
        self.assertTrue(model._lines_table_current(model._lines_table_columns()))

    def test_table_missing_a_column_rebuilt(self):
        model = self.env["customer.rating.line"]
        self.env.cr.execute(
            SQL("ALTER TABLE %s DROP COLUMN profit", SQL.identifier(model._table))
        )
        self.assertFalse(model._lines_table_current(model._lines_table_columns()))
        model.init()
        self.assertTrue(model._lines_table_current(model._lines_table_columns()))
        self.assertTrue(self._rating().line_ids)
