# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

# The records whose customers a win-back offer can be sent to, with the
# field holding their customer (None: the record is the customer).
OFFER_SOURCES = {
    "res.partner": None,
    "customer.rating.line": "partner_id",
    "customer.rating.lost.line": "partner_id",
    "customer.rating.gap.line": "partner_id",
}


class CustomerRatingOfferWizard(models.TransientModel):
    """Send a win-back offer to the selected customers (of the Customers
    list or of a report's lines): a new offer, or more customers for an
    existing one. It suggests the branch's quietest weekday of the last 12
    months, by the Visit Patterns rule."""

    _name = "customer.rating.offer.wizard"
    _description = "Customer Rating win-back offer wizard"
    _check_company_auto = True

    offer_id = fields.Many2one(
        "customer.rating.offer",
        "Add to Offer",
        help="Send the coupons of an existing offer; leave empty for a new one.",
    )
    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    name = fields.Char("Offer")
    company_id = fields.Many2one(
        "res.company", "Branch", required=True, default=lambda self: self.env.company
    )
    template_program_id = fields.Many2one(
        "loyalty.program",
        "Based On",
        check_company=True,
        domain="[('program_type', 'in', ('coupons', 'promotion'))]",
    )
    categ_id = fields.Many2one("product.category", "Product Category")
    quietest_weekday_id = fields.Many2one(
        "customer.rating.weekday",
        "Quietest Day",
        compute="_compute_quietest_weekday_id",
        help="The day of the week with the fewest orders of the branch in "
        "the last 12 months (Visit Patterns), among the days it sold on.",
    )
    weekday_ids = fields.Many2many(
        "customer.rating.weekday",
        string="Valid On",
        compute="_compute_weekday_ids",
        store=True,
        readonly=False,
    )
    date_to = fields.Date("Valid Until")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        if model not in OFFER_SOURCES:
            return values
        records = self.env[model].browse(self.env.context.get("active_ids", []))
        field = OFFER_SOURCES[model]
        partners = (records[field] if field else records).commercial_partner_id
        values["partner_ids"] = [Command.set(partners.ids)]
        if model == "customer.rating.gap.line" and len(records.categ_id) == 1:
            values["categ_id"] = records.categ_id.id
        return values

    @api.depends("company_id")
    def _compute_quietest_weekday_id(self):
        for wizard in self:
            wizard.quietest_weekday_id = wizard._quietest_weekday()

    @api.depends("company_id")
    def _compute_weekday_ids(self):
        for wizard in self:
            wizard.weekday_ids = wizard._quietest_weekday()

    def _quietest_weekday(self):
        """The branch's quietest weekday of the last 12 months, in its
        time zone (`customer.rating.visit.line._quietest_weekdays`)."""
        self.ensure_one()
        branch = self.company_id
        if branch not in self.env.user.company_ids:
            return self.env["customer.rating.weekday"]
        rules = self.env["customer.rating.rules"].with_context(
            allowed_company_ids=branch.ids
        )
        scope = rules._report_scope(
            *rules._last_12_months(rules._today()), company=branch, companies=branch
        )
        number = (
            self.env["customer.rating.visit.line"]
            .with_env(rules.env)
            ._quietest_weekdays(scope)
            .get(branch.id)
        )
        return self.env["customer.rating.weekday"].search([("number", "=", number)])

    def action_send(self):
        """Create the offer (unless adding to one) and give its coupon to
        each selected customer who has none yet; open the offer."""
        self.ensure_one()
        offer = self.offer_id or self._create_offer()
        offer._generate_coupons(self.partner_ids)
        return {
            "type": "ir.actions.act_window",
            "res_model": "customer.rating.offer",
            "res_id": offer.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _create_offer(self):
        if not (self.name and self.template_program_id):
            raise UserError(
                self.env._(
                    "Name the offer and choose the program it is based on, "
                    "or choose an existing offer."
                )
            )
        return self.env["customer.rating.offer"].create(
            {
                "name": self.name,
                "company_id": self.company_id.id,
                "template_program_id": self.template_program_id.id,
                "categ_id": self.categ_id.id,
                "weekday_ids": [Command.set(self.weekday_ids.ids)],
                "date_to": self.date_to,
            }
        )
