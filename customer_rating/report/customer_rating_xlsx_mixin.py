# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import re
from collections import defaultdict

import xlsxwriter

from odoo import api, fields, models

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {
    "monetary": "#,##0.00",
    "float": "#,##0.00",
    "integer": "0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}


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

    def _xlsx_content(self, title):
        """The workbook of these lines, as bytes."""
        output = io.BytesIO()
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
        for row, record in enumerate(self, start=3):
            for col, field in enumerate(columns):
                self._xlsx_write_cell(sheet, row, col, record, field, formats)
        total_row = len(self) + 3
        sheet.write_string(total_row, 0, self.env._("Total"), bold)
        for col, field in enumerate(columns):
            if (
                field.type in ("monetary", "float", "integer")
                and field.aggregator == "sum"
            ):
                total = sum(self.mapped(field.name))
                sheet.write_number(total_row, col, total, total_formats[field.type])
        sheet.freeze_panes(3, 0)
        workbook.close()
        return output.getvalue()

    def _xlsx_matrix(self, title, row_field, column_field, value_field, distinct_label):
        """A cross table of these lines, as the pivot view shows it: rows by
        `row_field` (largest total first), columns by `column_field`, the sum
        of `value_field` in the cells, row and column totals, and a last row
        counting the distinct rows per column."""
        cells = defaultdict(float)
        row_totals = defaultdict(float)
        members = defaultdict(set)
        for line in self:
            row, column = line[row_field], line[column_field]
            cells[row, column] += line[value_field]
            row_totals[row] += line[value_field]
            members[column].add(row)
        rows = sorted(row_totals, key=lambda r: (-row_totals[r], r.display_name or ""))
        columns = sorted(members, key=lambda c: c.display_name or "")
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
        for row_index, row in enumerate(rows, start=3):
            sheet.write_string(row_index, 0, row.display_name or undefined)
            for col, column in enumerate(columns, start=1):
                if (row, column) in cells:
                    sheet.write_number(row_index, col, cells[row, column], money)
            sheet.write_number(row_index, total_col, row_totals[row], money_total)
        totals_row = len(rows) + 3
        sheet.write_string(totals_row, 0, self.env._("Total"), bold)
        for col, column in enumerate(columns, start=1):
            column_total = sum(cells[row, column] for row in members[column])
            sheet.write_number(totals_row, col, column_total, money_total)
        sheet.write_number(totals_row, total_col, sum(row_totals.values()), money_total)
        # constant memory: a row is written whole before the next one
        sheet.write_string(totals_row + 1, 0, distinct_label, bold)
        for col, column in enumerate(columns, start=1):
            sheet.write_number(totals_row + 1, col, len(members[column]), bold)
        sheet.write_number(totals_row + 1, total_col, len(rows), bold)
        sheet.freeze_panes(3, 1)
        workbook.close()
        return output.getvalue()

    @api.model
    def _xlsx_blank(self, record, field):
        """Whether the figure `field` of `record` has no meaning (a rate
        without a base): its cell stays empty."""
        return False

    @api.model
    def _xlsx_write_cell(self, sheet, row, col, record, field, formats):
        value = record[field.name]
        if field.type == "many2one":
            sheet.write_string(row, col, value.display_name or "")
        elif field.type == "selection":
            sheet.write_string(
                row, col, dict(field._description_selection(self.env)).get(value, "")
            )
        elif field.type in ("date", "datetime"):
            if value:
                if field.type == "datetime":
                    value = fields.Datetime.context_timestamp(record, value).replace(
                        tzinfo=None
                    )
                sheet.write_datetime(row, col, value, formats[field.type])
        elif field.type == "boolean":
            sheet.write_boolean(row, col, bool(value))
        elif field.type in formats:
            if value is not False and not self._xlsx_blank(record, field):
                sheet.write_number(row, col, value, formats[field.type])
        else:
            sheet.write_string(row, col, str(value or ""))
