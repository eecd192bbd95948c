# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError


class CustomerRatingInstrumentAssign(models.TransientModel):
    """Give a customer a marketing instrument by typing or scanning the code
    printed on it."""

    _name = "customer.rating.instrument.assign"
    _description = "Assign a marketing instrument"

    partner_id = fields.Many2one("res.partner", "Customer", required=True)
    code = fields.Char(required=True, help="Type or scan the instrument's barcode.")

    def action_assign(self):
        self.ensure_one()
        card = self._instrument((self.code or "").strip())
        card.partner_id = self.partner_id.commercial_partner_id
        return {"type": "ir.actions.act_window_close"}

    def _instrument(self, code):
        """The instrument of `code`, if it can be given to the customer."""
        cards = self.env["loyalty.card"]
        if not code:
            raise UserError(self.env._("Type or scan the instrument's code."))
        cards._check_barcode(code)
        card = cards.with_context(active_test=False).search(
            [("code", "=", code)], limit=1
        )
        customer = self.partner_id.commercial_partner_id
        if not card:
            raise UserError(
                self.env._("No marketing instrument has the code %s.", code)
            )
        if card.is_blocked:
            raise UserError(
                self.env._(
                    "The instrument %(code)s is blocked since %(date)s and was "
                    "replaced by %(new)s: it cannot be assigned.",
                    code=code,
                    date=card.blocked_date,
                    new=card.replaced_by_id.code,
                )
            )
        if card.partner_id.commercial_partner_id == customer:
            raise UserError(
                self.env._(
                    "%(customer)s already holds %(code)s.",
                    customer=customer.display_name,
                    code=code,
                )
            )
        if card.partner_id:
            raise UserError(
                self.env._(
                    "The instrument %(code)s already belongs to %(owner)s.",
                    code=code,
                    owner=card.partner_id.display_name,
                )
            )
        if not card.active:
            raise UserError(self.env._("The instrument %s is archived.", code))
        self._check_one_bonus_card(card, customer)
        return card

    def _check_one_bonus_card(self, card, customer):
        """A customer holds one card of a bonus program: another one would
        split their points. A lost or damaged card is replaced instead."""
        if not card.program_id.is_customer_bonus:
            return
        held = self.env["loyalty.card"].search(
            [
                ("program_id", "=", card.program_id.id),
                ("partner_id", "=", customer.id),
                ("is_blocked", "=", False),
            ],
            limit=1,
        )
        if held:
            raise UserError(
                self.env._(
                    "%(customer)s already holds the %(program)s card %(code)s: "
                    "replace it instead.",
                    customer=customer.display_name,
                    program=card.program_id.name,
                    code=held.code,
                )
            )
