# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.customer_rating_callback import OUTCOMES


class CustomerRatingCallbackClose(models.TransientModel):
    """Close call-backs: what came out of the call, and why the customer left."""

    _name = "customer.rating.callback.close"
    _description = "Close call-backs"

    callback_ids = fields.Many2many(
        "customer.rating.callback", string="Call-backs", required=True
    )
    outcome = fields.Selection(OUTCOMES, required=True)
    reason_id = fields.Many2one(
        "customer.rating.churn.reason",
        "Churn Reason",
        domain="['|', ('outcome', '=', False), ('outcome', '=', outcome)]",
    )
    feedback = fields.Text()
    available_followup_ids = fields.Many2many(
        "customer.rating.followup",
        compute="_compute_available_followup_ids",
    )
    followup_ids = fields.Many2many(
        "customer.rating.followup",
        "customer_rating_callback_close_followup_rel",
        string="Follow-ups",
        domain="[('id', 'in', available_followup_ids)]",
        help="Applied to each customer when the call-backs are closed "
        "(Configuration > Call-back Follow-ups).",
    )

    @api.depends("outcome", "callback_ids")
    def _compute_available_followup_ids(self):
        for wizard in self:
            wizard.available_followup_ids = (
                self.env["customer.rating.followup"].search(
                    [
                        ("outcome", "=", wizard.outcome),
                        "|",
                        ("company_id", "=", False),
                        ("company_id", "in", wizard.callback_ids.company_id.ids),
                    ]
                )
                if wizard.outcome
                else False
            )

    @api.onchange("outcome")
    def _onchange_outcome(self):
        if self.reason_id.outcome and self.reason_id.outcome != self.outcome:
            self.reason_id = False
        self.followup_ids = self.available_followup_ids.filtered("selected_by_default")

    def action_close(self):
        self.ensure_one()
        if self.callback_ids.filtered(lambda callback: callback.state != "open"):
            raise UserError(self.env._("Only open call-backs can be closed."))
        self.callback_ids._close(self.outcome, self.reason_id, self.feedback)
        self.followup_ids.filtered(
            lambda followup: followup.outcome == self.outcome
        )._apply(self.callback_ids)
        return {"type": "ir.actions.act_window_close"}
