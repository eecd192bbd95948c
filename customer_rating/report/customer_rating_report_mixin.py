# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from dataclasses import dataclass

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, format_date, sql

_logger = logging.getLogger(__name__)

# Rows read on the replica are inserted on the primary this many at a time:
# one statement per batch, the memory of one batch of Python values.
REPLICA_BATCH = 2000
# The temporary table a report's rows are selected into on the primary.
ROWS_TABLE = "customer_rating_report_rows"


@dataclass(frozen=True)
class ReportInsert:
    """A report's INSERT ... SELECT, kept in its parts: the SELECT can then
    run on a read replica and its rows be inserted on the primary."""

    table: str
    columns: tuple
    select: SQL

    def _into(self):
        return SQL(
            "INSERT INTO %s (%s)",
            SQL.identifier(self.table),
            SQL(", ").join(SQL.identifier(name) for name in self.columns),
        )

    def insert_select(self):
        """The whole statement, run on the primary."""
        return SQL("%s %s", self._into(), self.select)

    def select_into(self, table):
        """The SELECT's rows into the new temporary table `table`, with the
        names of the columns: a statement PostgreSQL may run in parallel
        (see `CustomerRatingReportMixin._fill`)."""
        return SQL(
            "CREATE TEMPORARY TABLE %s (%s) ON COMMIT DROP AS %s",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(name) for name in self.columns),
            self.select,
        )

    def insert_from(self, table):
        """The rows of the temporary table `table` (`select_into`)."""
        return SQL("%s SELECT * FROM %s", self._into(), SQL.identifier(table))

    def insert_values(self, rows, types):
        """One multi-row INSERT of `rows` (tuples in the order of the
        columns), each value typed as the SELECT typed it (`types`, SQL
        type names), so that PostgreSQL converts it to its column's type as
        the INSERT ... SELECT does (a numeric figure into a double precision
        column is rounded to its nearest double, not read back as a Python
        float and typed again)."""
        row = "(" + ", ".join("%s::" + name for name in types) + ")"
        values = SQL(", ".join([row] * len(rows)), *(v for r in rows for v in r))
        return SQL("%s VALUES %s", self._into(), values)


class CustomerRatingReportMixin(models.AbstractModel):
    """What the report lines share: they belong to a run of the period
    wizard, are filled by one INSERT ... SELECT (`_query`), and their SQL
    starts from the same counted orders, filtered the same way."""

    _name = "customer.rating.report.mixin"
    _description = "Customer Rating report lines"
    _inherit = "customer.rating.xlsx.mixin"

    wizard_id = fields.Many2one(
        "customer.rating.wizard", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")

    # The models a report reads besides those of the order set (see
    # `customer.rating.rules._source_models`), flushed before its query.
    _report_sources = ()

    def init(self):
        res = super().init()
        if not self._abstract:
            self._init_lines_table()
        return res

    @api.model
    def _init_lines_table(self):
        """Create the lines' table as Odoo would, but without foreign keys
        (the line models set `_auto = False`). PostgreSQL checks each
        foreign key of each inserted row: the rating's nine keys took about
        a third of its time, the cross views' keys two thirds. They would
        guard nothing: the lines are rewritten at each run and vacuumed
        within hours, and the wizard deletes its own lines (see its
        `unlink`). A table that differs from the fields, or has foreign keys
        (made by an older version), is rebuilt, not migrated: its lines are
        transient."""
        cr = self.env.cr
        columns = self._lines_table_columns()
        if sql.table_exists(cr, self._table) and not self._lines_table_current(columns):
            cr.execute(SQL("DROP TABLE %s CASCADE", SQL.identifier(self._table)))
        if not sql.table_exists(cr, self._table):
            sql.create_model_table(
                cr,
                self._table,
                self._description,
                [
                    (name, self._lines_column_type(field)[1], field.string)
                    for name, field in columns.items()
                ],
            )
        for name, field in columns.items():
            if field.index:
                sql.create_index(
                    cr, sql.make_index_name(self._table, name), self._table, [name]
                )

    @api.model
    def _lines_table_columns(self):
        """The stored fields of the lines (but `id`), by column name."""
        fields_ = sorted(self._fields.values(), key=lambda field: field.column_order)
        return {
            field.name: field
            for field in fields_
            if field.store and field.column_type and field.name != "id"
        }

    @api.model
    def _lines_column_type(self, field):
        """The column type of a field of the lines, as Odoo's `column_type`:
        Odoo's, but double precision where Odoo uses numeric (monetary
        fields, and floats with digits). The reports compute their figures
        in double precision (see
        `customer.rating.rules._to_report_currency`), the ORM reads both
        types as Python floats, and converting each figure of each inserted
        line to numeric cost a third of the insert (301,058 cross-view
        lines: 1.2 s, 0.8 s in double precision)."""
        if field.column_type[0] == "numeric":
            return ("float8", "double precision")
        return field.column_type

    @api.model
    def _lines_table_current(self, columns):
        """Whether the table has exactly the columns of `columns` (name:
        field) and no foreign key."""
        cr = self.env.cr
        types = {
            name: column["udt_name"]
            for name, column in sql.table_columns(cr, self._table).items()
        }
        expected = {
            name: self._lines_column_type(field)[0] for name, field in columns.items()
        }
        cr.execute(
            SQL(
                "SELECT 1 FROM pg_constraint"
                " WHERE conrelid = %s::regclass AND contype = 'f'",
                self._table,
            )
        )
        return types == dict(expected, id="int4") and not cr.rowcount

    @api.model
    def _query(self, scope):
        """The INSERT ... SELECT (a `ReportInsert`, see `_insert`) filling
        the lines of a report whose parameters are `scope` (see
        `customer.rating.rules._report_scope`)."""
        raise NotImplementedError

    @api.model
    def _report_view_mode(self, wizard):
        return "list,pivot,graph"

    @api.model
    def _report_context(self, wizard):
        return {}

    @api.model
    def _report_empty_reason(self, wizard):
        """Why the report of `wizard` may have no line, in plain words."""
        return self.env._(
            "No confirmed orders in this period for the chosen branches, "
            "sales teams and salespeople."
        )

    @api.model
    def _report_help(self, wizard):
        """The help the views show when the report has no line: why, and
        what it was computed on (`wizard` in the context of its branches)."""
        return Markup('<p class="o_view_nocontent_empty_folder">%s</p><p>%s</p>') % (
            self._report_empty_reason(wizard),
            self.env._(
                "%(date_from)s - %(date_to)s, branches: %(branches)s.",
                date_from=format_date(self.env, wizard.date_from),
                date_to=format_date(self.env, wizard.date_to),
                branches=", ".join(wizard._branches().mapped("name")),
            ),
        )

    def _report_xlsx(self, wizard):
        """The Excel file of these lines, as bytes."""
        return self._xlsx_content(wizard._title())

    @api.model
    def _unlink_wizard_lines(self, wizards):
        """Delete the lines of `wizards` (a new run of a report, a deleted
        wizard), in SQL. Odoo's `unlink` checked the lines' record rules in
        Python, line by line, then looked for what could refer to them
        (defaults, attachments), which lines never have: 46.8 s and 399 MB
        for the 301,058 lines of a cross view. The rules are the same, in
        the query: lines they refuse to delete go through `check_access`,
        for its error, and nothing is deleted."""
        self.browse().check_access("unlink")
        allowed = self._where_calc([("wizard_id", "in", wizards.ids)])
        self._apply_ir_rules(allowed, "unlink")
        self.flush_model()
        table = SQL.identifier(self._table)
        refused = self.env.execute_query(
            SQL(
                "SELECT id FROM %s WHERE wizard_id IN %s AND id NOT IN (%s)",
                table,
                tuple(wizards.ids) or (None,),
                allowed.select(),
            )
        )
        self.browse([line for (line,) in refused]).check_access("unlink")
        self.env.execute_query(
            SQL(
                "DELETE FROM %s WHERE wizard_id IN %s",
                table,
                tuple(wizards.ids) or (None,),
            )
        )
        self.invalidate_model()

    @api.model
    def _flush_report_sources(self):
        """Write what the ORM holds of the tables the report reads."""
        self.env["customer.rating.rules"]._flush_sources()
        for model in self._report_sources:
            self.env[model].flush_model()

    @api.model
    def _replica_usable(self):
        """Whether the report may read on the read replica: the registry has
        a read-only pool (Odoo's `db_replica_host`), and this transaction
        has written nothing yet, so that the replica's snapshot lacks only
        what replication has not brought yet (its lag), never the caller's
        own changes. Asked before the wizard deletes its previous lines."""
        if self.env.registry._db_readonly is None or self.env.registry.in_test_mode():
            return False
        self._flush_report_sources()
        return not self._transaction_wrote()

    @api.model
    def _transaction_wrote(self):
        """Whether this transaction has written to the database (it has
        a transaction id only once it has)."""
        self.env.cr.execute(SQL("SELECT pg_current_xact_id_if_assigned() IS NOT NULL"))
        return self.env.cr.fetchone()[0]

    @api.model
    def _fill(self, scope, replica=False):
        """Compute the lines of the report of `scope` with one query: its
        SELECT on the read replica when `replica` (see `_replica_usable`)
        and one answers, else on the primary.

        On the primary, the SELECT fills a temporary table that is then
        inserted: PostgreSQL never runs the SELECT of an INSERT in parallel,
        but runs that of a CREATE TABLE ... AS with its parallel workers
        (the rating at 100,000 customers: 10.5 s instead of 11.6 s on two
        cores)."""
        self._flush_report_sources()
        if not (replica and self._fill_from_replica(scope)):
            cr = self.env.cr
            query = self._query(scope)
            self._tune(cr)
            cr.execute(query.select_into(ROWS_TABLE))
            cr.execute(query.insert_from(ROWS_TABLE))
            cr.execute(SQL("DROP TABLE %s", SQL.identifier(ROWS_TABLE)))
        self.invalidate_model()

    @api.model
    def _tune(self, cr):
        """JIT compiling this one-off query costs more than it saves, the
        sorts and hashes of a large history fit in a larger work_mem, and
        the scans of most of the orders are worth PostgreSQL's parallel
        workers: its default costs, made for short queries, keep many of
        them on one core (the company condition of the record rules, which
        the branches of the report repeat, also halves its estimate of the
        orders read)."""
        cr.execute(
            SQL(
                "SET LOCAL jit = off; SET LOCAL work_mem = '64MB';"
                " SET LOCAL parallel_setup_cost = 100;"
                " SET LOCAL parallel_tuple_cost = 0.01"
            )
        )

    @api.model
    def _fill_from_replica(self, scope):
        """Run the report's SELECT (the same SQL, record rules included) on
        a read-only cursor of the replica and insert its rows here, in
        batches. False when the replica does not answer (Odoo then hands
        out a cursor of the primary) or fails the query: the caller then
        computes the report on the primary, in its transaction."""
        # The currency table inlined: the replica has no temporary table.
        query = self.with_context(customer_rating_replica=True)._query(scope)
        with self.env.registry.cursor(readonly=True) as replica:
            if not replica.readonly:
                return False
            try:
                self._tune(replica)
                replica.execute(query.select)
            except psycopg2.OperationalError as error:
                _logger.warning(
                    "The read replica failed, %s is computed on the primary: %s",
                    self._name,
                    error,
                )
                return False
            types = self._result_types(replica.description)
            # The replica sent all the rows with its answer: only their
            # conversion to Python values goes batch after batch.
            while rows := replica.fetchmany(REPLICA_BATCH):
                self.env.cr.execute(query.insert_values(rows, types))
        return True

    @api.model
    def _result_types(self, description):
        """The SQL type names of the columns of a query's result (its
        cursor's `description`)."""
        oids = [column.type_code for column in description]
        self.env.cr.execute(
            SQL(
                "SELECT oid, format_type(oid, NULL) FROM pg_type WHERE oid IN %s",
                tuple(oids),
            )
        )
        names = dict(self.env.cr.fetchall())
        return [names[oid] for oid in oids]

    @api.model
    def _standard_values(self, scope):
        return {
            "wizard_id": SQL("%s", scope.wizard_id),
            "company_id": SQL("%s", scope.company.id),
            "create_uid": SQL("%s", self.env.uid),
            "write_uid": SQL("%s", self.env.uid),
            "create_date": SQL("now() at time zone 'UTC'"),
            "write_date": SQL("now() at time zone 'UTC'"),
        }

    @api.model
    def _insert(self, ctes, values, from_clause):
        """INSERT INTO this model's table (a `ReportInsert`): `ctes` (name:
        SQL query) for the WITH clause, `values` (column: SQL expression)
        selected `from_clause` (an SQL fragment starting with FROM)."""
        return ReportInsert(
            self._table,
            tuple(values),
            SQL(
                "%s SELECT %s %s",
                self._with(ctes),
                SQL(", ").join(values.values()),
                from_clause,
            ),
        )

    @api.model
    def _with(self, ctes):
        """The WITH clause of `ctes` (name: SQL query), if any."""
        if not ctes:
            return SQL()
        return SQL(
            "WITH %s",
            SQL(", ").join(
                SQL("%s AS (%s)", SQL.identifier(name), query)
                for name, query in ctes.items()
            ),
        )
