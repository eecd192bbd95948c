# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class PosConfig(models.Model):
    """Win-back coupons at the till: the code of a customer's company
    coupon works for its contacts, and a coupon valid on chosen weekdays is
    refused on other days (the till asks the server for every code typed
    or scanned)."""

    _inherit = "pos.config"

    def use_coupon_code(self, code, creation_date, partner_id, pricelist_id):
        result = super().use_coupon_code(code, creation_date, partner_id, pricelist_id)
        customer = self.env["res.partner"].browse(partner_id).commercial_partner_id
        if not result["successful"] and partner_id and customer.id != partner_id:
            result = super().use_coupon_code(
                code, creation_date, customer.id, pricelist_id
            )
        if not result["successful"]:
            return result
        program = self.env["loyalty.program"].browse(result["payload"]["program_id"])
        error = program._customer_rating_weekday_error(self.company_id)
        if error:
            return {"successful": False, "payload": {"error_message": error}}
        return result
