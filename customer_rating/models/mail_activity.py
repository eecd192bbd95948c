# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _open_call_backs(self):
        # sudo: the call-back of an activity the user may act on
        return (
            self.env["customer.rating.callback"]
            .sudo()
            .search([("activity_id", "in", self.ids), ("state", "=", "open")])
        )

    def action_customer_rating_close(self, feedback=False):
        """What *Mark Done* does on a call-back's activity (see
        static/src/activity_model_patch.esm.js): the dialog asking for the
        call-back's outcome and churn reason, with what the user typed as
        its feedback. False for any other activity, which Odoo marks done."""
        callbacks = self._open_call_backs()
        if not callbacks:
            return False
        action = callbacks.with_user(self.env.user).action_close()
        action["context"]["default_feedback"] = feedback
        return action

    def _action_done(self, feedback=False, attachment_ids=None):
        """A call-back is closed with its outcome (the dialog that Mark Done
        opens), which marks its activity done; done alone, it would lose the
        outcome."""
        if self._open_call_backs():
            raise UserError(
                self.env._(
                    "A call-back is closed with its outcome: use Mark Done on "
                    "the activity, or Close on the call-back."
                )
            )
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

    def write(self, vals):
        """Reassigning a call-back's activity reassigns the call-back, with
        the call-back's rule: only its assignee, creator or a Customer
        Rating manager may."""
        callbacks = self._open_call_backs() if "user_id" in vals else None
        if callbacks and not self.env.su:
            callbacks.with_user(self.env.user)._check_can_act()
        result = super().write(vals)
        if callbacks:
            # sudo: allowed above; the call-back follows its activity
            callbacks.filtered(
                lambda callback: callback.user_id.id != vals["user_id"]
            ).write({"user_id": vals["user_id"]})
        return result

    def unlink(self):
        """A call-back whose activity is cancelled is cancelled too, by
        those who may close it."""
        callbacks = self._open_call_backs()
        if callbacks and not self.env.su:
            callbacks.with_user(self.env.user)._check_can_act()
        callbacks.write({"state": "cancelled"})
        return super().unlink()
