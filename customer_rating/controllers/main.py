# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import content_disposition, request

from ..report.customer_rating_xlsx_mixin import XLSX_MIMETYPE


class CustomerRatingXlsxController(http.Controller):
    """Streams a report's Excel file, as OCA's report_xlsx does, instead of
    storing it as an attachment that would stay behind."""

    @http.route("/customer_rating/xlsx/<int:wizard_id>", type="http", auth="user")
    def download_xlsx(self, wizard_id):
        wizard = request.env["customer.rating.wizard"].browse(wizard_id).exists()
        if not wizard:
            raise request.not_found()
        # the wizard's record rules: a user downloads their own reports only
        wizard.check_access("read")
        filename, content = wizard._xlsx_file()
        return request.make_response(
            content,
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
