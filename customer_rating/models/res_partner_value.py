# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, models
from odoo.osv import expression


class ResPartner(models.Model):
    """The value score from the customer card: the rating of the last 12
    months on this customer, where the score and its parts are computed
    among all the customers of the companies of the card (the percentiles
    need them all: the card's one query per page of customers does not
    compute them)."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def action_customer_rating_value_score(self):
        """The rating of the last 12 months, on this customer: their value
        score, its parts and why."""
        wizard = self.env["customer.rating.wizard"].create(
            {
                "report": "rating",
                "period": "last_12_months",
                "company_ids": [Command.set(self.env.companies.ids)],
            }
        )
        action = wizard.action_open()
        action["domain"] = expression.AND(
            [action["domain"], [("partner_id", "=", self.commercial_partner_id.id)]]
        )
        return action
