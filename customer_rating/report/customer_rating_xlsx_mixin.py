# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io

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


class CustomerRatingXlsxMixin(models.AbstractModel):
    """Excel export of report lines with the list view's columns: same
    headers (the field labels), same figures, a totals row for the summed
    columns, and number formats by field type."""

    _name = "customer.rating.xlsx.mixin"
    _description = "Customer Rating Excel export"

    @api.model
    def _xlsx_columns(self):
        """Field names, in the order of the list view."""
        return []

    def _xlsx_content(self, title):
        """The workbook of these lines, as bytes."""
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(title[:31])
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
        sheet.write(0, 0, title, bold)
        for col, field in enumerate(columns):
            sheet.write(2, col, field._description_string(self.env), bold)
            sheet.set_column(col, col, 28 if field.type == "many2one" else 14)
        for row, record in enumerate(self, start=3):
            for col, field in enumerate(columns):
                self._xlsx_write_cell(sheet, row, col, record, field, formats)
        total_row = len(self) + 3
        sheet.write(total_row, 0, self.env._("Total"), bold)
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
        elif field.type in formats:
            if value is not False:
                sheet.write_number(row, col, value, formats[field.type])
        else:
            sheet.write_string(row, col, str(value or ""))

    def _xlsx_download_action(self, title, filename):
        """An attachment of the workbook and the action downloading it."""
        attachment = self.env["ir.attachment"].create(
            {
                "name": filename,
                "datas": base64.b64encode(self._xlsx_content(title)),
                "mimetype": XLSX_MIMETYPE,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
