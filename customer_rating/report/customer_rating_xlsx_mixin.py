# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import json
import re
import tempfile
from collections import defaultdict

import pytz
import xlsxwriter

from odoo import api, models
from odoo.tools import SQL, split_every

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {
    "monetary": "#,##0.00",
    "float": "#,##0.00",
    "integer": "0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}
# Lines read at a time by the Excel export.
XLSX_CHUNK = 2000


def sheet_name(title):
    """`title` as a worksheet name: at most 31 characters, without those
    Excel refuses in a name (a date written 06/15/2026 has slashes)."""
    return re.sub(r"[\[\]:*?/\\]", "-", title)[:31]


def new_workbook(output):
    """A workbook writing into `output`, one row after the other
    (constant memory: rows go to a temporary file as they are written)."""
    return xlsxwriter.Workbook(output, {"constant_memory": True})


class CustomerRatingXlsxMixin(models.AbstractModel):
    """Excel export of report lines with the list view's columns: same
    headers (the field labels), same figures, a totals row for the summed
    columns, and number formats by field type. Text is always written as
    text (`write_string`): a customer named "=HYPERLINK(...)" stays a name,
    never a formula; booleans are Excel booleans (TRUE/FALSE)."""

    _name = "customer.rating.xlsx.mixin"
    _description = "Customer Rating Excel export"

    @api.model
    def _xlsx_columns(self):
        """Field names, in the order of the list view."""
        return []

    @api.model
    def _xlsx_row_computes(self):
        """{name: (dependencies, function)}: the computed fields the export
        derives from the stored fields `dependencies` of each line, by
        `function` (of the line's values, with those fields as the ORM gives
        them), the same function as the field's compute uses, rather than
        through the ORM, which would compute them line by line."""
        return {}

    def _xlsx_content(self, title):
        """The workbook of these lines, as bytes. The lines are read in
        chunks of XLSX_CHUNK with the columns only, and the workbook is
        written row after row into a temporary file: the memory taken does
        not grow with the number of lines."""
        with tempfile.TemporaryFile() as output:
            workbook = new_workbook(output)
            sheet = workbook.add_worksheet(sheet_name(title))
            bold = workbook.add_format({"bold": True})
            formats = {
                kind: workbook.add_format({"num_format": fmt})
                for kind, fmt in NUMBER_FORMATS.items()
            }
            total_formats = {
                kind: workbook.add_format({"num_format": fmt, "bold": True, "top": 1})
                for kind, fmt in NUMBER_FORMATS.items()
            }
            columns = [self._fields[name] for name in self._xlsx_columns()]
            sheet.write_string(0, 0, title, bold)
            for col, field in enumerate(columns):
                sheet.write_string(2, col, field._description_string(self.env), bold)
                sheet.set_column(col, col, 28 if field.type == "many2one" else 14)
            summed = [
                field
                for field in columns
                if field.type in ("monetary", "float", "integer")
                and field.aggregator == "sum"
            ]
            totals = dict.fromkeys((field.name for field in summed), 0.0)
            bases = self._xlsx_blank_bases()
            cells = [
                (col, field.name, *self._xlsx_writer(sheet, field, formats))
                for col, field in enumerate(columns)
            ]
            # Cells always written, and those written when their base is not 0.
            plain = [cell for cell in cells if cell[1] not in bases]
            based = [(*cell, bases[cell[1]]) for cell in cells if cell[1] in bases]
            row = 3
            # The hot loop: one call per cell, chosen once per column.
            for values in self._xlsx_rows(columns):
                for col, name, write, cell_format in plain:
                    write(row, col, values[name], cell_format)
                for col, name, write, cell_format, base in based:
                    if values[base]:
                        write(row, col, values[name], cell_format)
                for name in totals:
                    totals[name] += values[name] or 0.0
                row += 1
            sheet.write_string(row, 0, self.env._("Total"), bold)
            for col, field in enumerate(columns):
                if field in summed:
                    sheet.write_number(
                        row, col, totals[field.name], total_formats[field.type]
                    )
            sheet.freeze_panes(3, 0)
            workbook.close()
            output.seek(0)
            return output.read()

    def _xlsx_rows(self, columns):
        """The values of `columns` of these lines, in their order, one dict
        per line (a many2one as its display name, a datetime in the user's
        time zone), read XLSX_CHUNK lines at a time: the stored columns in
        SQL, as the ORM would give them (`_xlsx_column`), the computed ones
        derived from them where the model says how (`_xlsx_row_computes`),
        the others through the ORM. The lines were searched with the user's
        rules; their fields' access is checked here, and the rules again on
        each chunk (`_xlsx_fetch`)."""
        self.browse().check_access("read")
        self.check_field_access_rights("read", [field.name for field in columns])
        self.flush_model()
        row_computes = {
            name: compute
            for name, compute in self._xlsx_row_computes().items()
            if name in {field.name for field in columns}
        }
        stored = [field for field in columns if field.store and field.column_type]
        for dependencies, _function in row_computes.values():
            stored += [
                self._fields[name]
                for name in dependencies
                if self._fields[name] not in stored
            ]
        others = [
            field.name
            for field in columns
            if field not in stored and field.name not in row_computes
        ]
        # datetimes the ORM gives in UTC, shown in the user's time zone
        local_others = [
            name for name in others if self._fields[name].type == "datetime"
        ]
        relations = [field for field in stored if field.type == "many2one"]
        names = {}
        for ids in split_every(XLSX_CHUNK, self.ids):
            # Customers are named chunk by chunk: their names would grow with
            # the export. The names of the other records are kept.
            names = {
                key: name for key, name in names.items() if key[0] != "res.partner"
            }
            rows = self._xlsx_fetch(ids, stored)
            for field in relations:
                self._xlsx_add_names(names, field.comodel_name, rows, field.name)
            computed = (
                {values["id"]: values for values in self.browse(ids).read(others)}
                if others
                else {}
            )
            for values in computed.values():
                for name in local_others:
                    values[name] = values[name] and self._xlsx_local(values[name])
            for values in rows:
                for name, (_dependencies, function) in row_computes.items():
                    values[name] = function(values)
                for field in relations:
                    values[field.name] = names.get(
                        (field.comodel_name, values[field.name]), ""
                    )
                values.update(computed.get(values["id"], {}))
                yield values
            self.env.invalidate_all()

    def _xlsx_fetch(self, ids, fields):
        """The values of the stored `fields` of the lines `ids`, in the order
        of `ids`, numbers as the ORM gives them (`_xlsx_column`), a many2one
        as its id.

        Each line is looked up by its id in the ORM's `_search` query, with
        the user's record rules, in the same query: `check_access` would
        evaluate the rules in Python on every field of every line (150 MB
        for 86,000 lines). One index lookup per line rather than `id IN
        (...)`: the lines' table has just been filled, its statistics say it
        is empty, and PostgreSQL then scanned the whole table for each chunk
        (`OFFSET 0` keeps the lookup inside the loop). Lines the rules
        refuse go through `check_access`, for its error."""
        query = self._search([])
        line_id = SQL.identifier(self._table, "id")
        query.add_where(SQL("%s = chunk.id", line_id))
        columns = [SQL("%s AS id", line_id)]
        columns += [self._xlsx_column(field) for field in fields]
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT line.*
                  FROM unnest(%s::int[]) WITH ORDINALITY AS chunk(id, position)
                 CROSS JOIN LATERAL (%s OFFSET 0) line
                 ORDER BY chunk.position
                """,
                list(ids),
                query.select(*columns),
            )
        )
        found = {values["id"] for values in rows}
        self.browse([line for line in ids if line not in found]).check_access("read")
        return rows

    @api.model
    def _xlsx_add_names(self, names, model, rows, column):
        """Add to `names` the display names of the records of `model` that
        `column` of `rows` refers to ({(model, id): name}), as the list view
        shows them (read gives the name of a record the user may not read,
        too). A customer's stored complete name is its display name (the
        ORM's compute, per record, would take as long as the export
        itself)."""
        ids = {values[column] for values in rows} - {None}
        ids = [record for record in ids if (model, record) not in names]
        if not ids:
            return
        # sudo: the names of the records of the lines, as `read` shows them
        records = self.env[model].sudo().browse(ids)
        if model == "res.partner":
            records.flush_model(["name", "complete_name"])
            for partner, name in self.env.execute_query(
                SQL(
                    "SELECT p.id, %s FROM res_partner p WHERE p.id IN %s",
                    self._xlsx_partner_name("p"),
                    tuple(ids),
                )
            ):
                if name:
                    names[model, partner] = name
            records = records.filtered(lambda r: (model, r.id) not in names)
        for record in records:
            names[model, record.id] = record.display_name

    @api.model
    def _xlsx_partner_name(self, alias):
        """SQL: the display name of the customer `alias` (a `res_partner`
        row): their stored complete name, when they have a name of their
        own; NULL for an address without one, which the ORM names."""
        return SQL(
            "CASE WHEN COALESCE(%s, '') != '' THEN %s END",
            SQL.identifier(alias, "name"),
            SQL.identifier(alias, "complete_name"),
        )

    @api.model
    def _xlsx_column(self, field):
        """SQL: the stored column of `field` as the ORM gives its value:
        numbers without NULLs, floats rounded to their digits; datetimes in
        the user's time zone. Converted by PostgreSQL, not cell by cell in
        Python."""
        column = SQL.identifier(self._table, field.name)
        if field.type == "float" and field.get_digits(self.env):
            value = SQL(
                "COALESCE(ROUND(%s::numeric, %s), 0)::float8",
                column,
                field.get_digits(self.env)[1],
            )
        elif field.type in ("float", "monetary"):
            value = SQL("COALESCE(%s, 0)::float8", column)
        elif field.type == "integer":
            value = SQL("COALESCE(%s, 0)", column)
        elif field.type == "datetime":
            value = SQL(
                "(%s AT TIME ZONE 'UTC') AT TIME ZONE %s",
                column,
                self._xlsx_tz().zone,
            )
        else:
            value = column
        return SQL("%s AS %s", value, SQL.identifier(field.name))

    @api.model
    def _xlsx_tz(self):
        """The time zone the export shows datetimes in: the user's."""
        return pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")

    @api.model
    def _xlsx_local(self, value):
        """A datetime of the ORM (naive, UTC) in the user's time zone."""
        return pytz.utc.localize(value).astimezone(self._xlsx_tz()).replace(tzinfo=None)

    @api.model
    def _xlsx_matrix(
        self, domain, title, row_field, column_field, value_field, distinct_label
    ):
        """A cross table of the lines of `domain`, as the pivot view shows it
        (a report's export: its wizard's lines, searched by their wizard
        rather than by hundreds of thousands of ids): rows by
        `row_field` (a customer; largest total first, then by name), columns
        by `column_field`, the sum of `value_field` in the cells, row and
        column totals, and a last row counting the distinct rows per column.

        PostgreSQL sums the cells and sorts the rows, over the lines the
        ORM's `_search` gives (the user's record rules), and the rows are
        written as they are fetched: reading every line through the ORM took
        349 MB for 77,267 lines. Lines the rules refuse go through
        `check_access`, for its error."""
        self.flush_model()
        self._xlsx_check_readable(domain)
        columns = self._xlsx_matrix_columns(domain, column_field)
        unnamed = self._xlsx_matrix_unnamed_rows(domain, row_field)
        output = io.BytesIO()
        workbook = new_workbook(output)
        sheet = workbook.add_worksheet(sheet_name(title))
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": NUMBER_FORMATS["monetary"]})
        money_total = workbook.add_format(
            {"num_format": NUMBER_FORMATS["monetary"], "bold": True}
        )
        undefined = self.env._("None")
        sheet.set_column(0, 0, 32)
        sheet.set_column(1, len(columns) + 1, 16)
        sheet.write_string(0, 0, title, bold)
        sheet.write_string(
            2, 0, self._fields[row_field]._description_string(self.env), bold
        )
        for col, column in enumerate(columns, start=1):
            sheet.write_string(2, col, column.display_name or undefined, bold)
        total_col = len(columns) + 1
        sheet.write_string(2, total_col, self.env._("Total"), bold)
        places = {column.id or None: col for col, column in enumerate(columns, 1)}
        column_totals = defaultdict(float)
        members = defaultdict(int)
        row_index = 3
        cr = self.env.cr
        cr.execute(
            self._xlsx_matrix_rows(
                domain, row_field, column_field, value_field, unnamed
            )
        )
        while rows := cr.fetchmany(XLSX_CHUNK):
            for row_id, name, total, column_ids, values in rows:
                label = name or unnamed.get(row_id) or undefined
                sheet.write_string(row_index, 0, label)
                for column_id, value in zip(column_ids, values, strict=True):
                    sheet.write_number(row_index, places[column_id], value, money)
                    column_totals[column_id] += value
                    members[column_id] += 1
                sheet.write_number(row_index, total_col, total, money_total)
                row_index += 1
        sheet.write_string(row_index, 0, self.env._("Total"), bold)
        for column_id, col in places.items():
            sheet.write_number(row_index, col, column_totals[column_id], money_total)
        sheet.write_number(
            row_index, total_col, sum(column_totals.values()), money_total
        )
        # constant memory: a row is written whole before the next one
        sheet.write_string(row_index + 1, 0, distinct_label, bold)
        for column_id, col in places.items():
            sheet.write_number(row_index + 1, col, members[column_id], bold)
        sheet.write_number(row_index + 1, total_col, row_index - 3, bold)
        sheet.freeze_panes(3, 1)
        workbook.close()
        return output.getvalue()

    @api.model
    def _xlsx_check_readable(self, domain):
        """Raise Odoo's error if the user's rules refuse some lines of
        `domain`: the refused ones are found in SQL, and only they go through
        `check_access` (which evaluates the rules in Python, line by
        line)."""
        [(refused,)] = self.env.execute_query(
            SQL(
                "SELECT COALESCE(array_agg(line.id), '{}') FROM (%s) AS line(id)"
                " WHERE line.id NOT IN (%s)",
                self._where_calc(domain).select(),
                self._search(domain).select(),
            )
        )
        self.browse(refused).check_access("read")

    @api.model
    def _xlsx_matrix_columns(self, domain, column_field):
        """The records of `column_field` of the lines of `domain`, sorted by
        name; an empty record for lines without one."""
        comodel = self.env[self._fields[column_field].comodel_name]
        ids = [
            column_id
            for (column_id,) in self.env.execute_query(
                self._search(domain).select(
                    SQL("DISTINCT %s", SQL.identifier(self._table, column_field))
                )
            )
        ]
        columns = [comodel.browse(column_id) for column_id in ids]
        return sorted(columns, key=lambda column: column.display_name or "")

    @api.model
    def _xlsx_matrix_unnamed_rows(self, domain, row_field):
        """{id: display name} of the customers of `row_field` of the lines of
        `domain` who have no name of their own (an address), as the ORM
        names them; the others' display name is their stored complete name
        (`_xlsx_partner_name`)."""
        partners = self.env["res.partner"].sudo()  # names, as `read` shows them
        partners.flush_model(["name", "complete_name"])
        row = SQL.identifier(self._table, row_field)
        lines = self._search(domain)
        lines.add_join(
            "JOIN", "xlsx_unnamed", "res_partner", SQL("xlsx_unnamed.id = %s", row)
        )
        lines.add_where(SQL("%s IS NULL", self._xlsx_partner_name("xlsx_unnamed")))
        ids = [
            row_id
            for (row_id,) in self.env.execute_query(
                lines.select(SQL("DISTINCT %s", row))
            )
        ]
        return {partner.id: partner.display_name for partner in partners.browse(ids)}

    @api.model
    def _xlsx_matrix_rows(self, domain, row_field, column_field, value_field, unnamed):
        """SQL: one row per customer of the lines of `domain`: id, name (NULL
        for the customers of `unnamed`, {id: name}), total, the columns and
        their sums (two arrays in the same order); the largest total first,
        then by name as Python sorts text (by code point: the "C" collation
        of UTF-8), then by id."""
        column = SQL.identifier
        cells = self._search(domain).select(
            SQL(
                "%s AS row_id, %s AS column_id, SUM(%s) AS value",
                column(self._table, row_field),
                column(self._table, column_field),
                column(self._table, value_field),
            )
        )
        return SQL(
            """
            WITH cells AS (%(cells)s GROUP BY 1, 2)
            SELECT r.row_id, r.name, r.total, r.columns, r.cell_values
              FROM (SELECT c.row_id,
                           MAX(%(name)s) AS name,
                           SUM(c.value) AS total,
                           array_agg(c.column_id) AS columns,
                           array_agg(c.value) AS cell_values
                      FROM cells c
                      LEFT JOIN res_partner p ON p.id = c.row_id
                     GROUP BY c.row_id) r
             ORDER BY r.total DESC,
                      COALESCE(r.name, %(unnamed)s::jsonb ->> r.row_id::text, '')
                          COLLATE "C",
                      r.row_id
            """,
            cells=cells,
            name=self._xlsx_partner_name("p"),
            unnamed=json.dumps({str(key): name for key, name in unnamed.items()}),
        )

    @api.model
    def _xlsx_blank_bases(self):
        """{figure: its base}: fields whose cell stays empty when the base
        field of the line is 0 (a rate without a base has no meaning)."""
        return {}

    @api.model
    def _xlsx_writer(self, sheet, field, formats):
        """How a value of `field` is written on `sheet`: a function (row,
        column, value, format) and the format, chosen once per column. Numbers
        go straight to xlsxwriter (the SQL gives them without NULLs, see
        `_xlsx_column`)."""
        if field.type in ("monetary", "float", "integer"):
            return sheet.write_number, formats[field.type]
        if field.type == "many2one":
            return sheet.write_string, None
        if field.type == "selection":
            labels = dict(field._description_selection(self.env))

            def write_selection(row, col, value, cell_format):
                sheet.write_string(row, col, labels.get(value, ""))

            return write_selection, None
        if field.type in ("date", "datetime"):

            def write_date(row, col, value, cell_format):
                if value:
                    sheet.write_datetime(row, col, value, cell_format)

            return write_date, formats[field.type]
        if field.type == "boolean":

            def write_boolean(row, col, value, cell_format):
                sheet.write_boolean(row, col, bool(value))

            return write_boolean, None

        def write_text(row, col, value, cell_format):
            sheet.write_string(row, col, str(value or ""))

        return write_text, None
