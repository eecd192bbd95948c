# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..models.loyalty_card import BLOCK_REASONS


class CustomerRatingInstrumentReplace(models.TransientModel):
    """Replace a lost or damaged instrument: the old one is blocked, its
    balance moves to the new one, and each keeps the link to the other."""

    _name = "customer.rating.instrument.replace"
    _description = "Replace a marketing instrument"

    card_id = fields.Many2one(
        "loyalty.card", "Instrument", required=True, readonly=True
    )
    partner_id = fields.Many2one(related="card_id.partner_id")
    points = fields.Float(related="card_id.points")
    reason = fields.Selection(BLOCK_REASONS, required=True, default="lost")
    new_code = fields.Char(
        help="Scan the new instrument, or leave empty to create one with a new code."
    )

    def action_replace(self):
        self.ensure_one()
        old = self.card_id
        if old.is_blocked:
            raise UserError(self.env._("%s is already blocked.", old.code))
        new = self._new_instrument(old)
        points = old._format_points(old.points)
        old._replace_by(new, self.reason)
        new.partner_id = old.partner_id
        old.partner_id._message_log(
            body=self.env._(
                "Instrument %(old)s (%(reason)s) replaced by %(new)s; "
                "%(points)s moved.",
                old=old.code,
                reason=dict(BLOCK_REASONS)[self.reason].lower(),
                new=new.code,
                points=points,
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "loyalty.card",
            "res_id": new.id,
            "view_mode": "form",
        }

    def _new_instrument(self, old):
        """The scanned instrument (empty, of the same program, nobody's), or
        a new one."""
        cards = self.env["loyalty.card"]
        code = (self.new_code or "").strip()
        if not code:
            # sudo: salespeople may not create cards; this one is an empty
            # card of the old one's program, given to its holder right after.
            return (
                cards.sudo()
                .create({"program_id": old.program_id.id, "points": 0})
                .sudo(False)
            )
        cards._check_barcode(code)
        new = cards.with_context(active_test=False).search(
            [("code", "=", code)], limit=1
        )
        if not new:
            raise UserError(
                self.env._("No marketing instrument has the code %s.", code)
            )
        if new.is_blocked:
            raise UserError(
                self.env._(
                    "The instrument %(code)s is blocked since %(date)s: it cannot "
                    "replace another one.",
                    code=code,
                    date=format_date(self.env, new.blocked_date),
                )
            )
        if new == old or new.partner_id or new.points:
            raise UserError(
                self.env._(
                    "%s cannot replace the instrument: it must be unused, "
                    "empty and nobody's.",
                    code,
                )
            )
        if new.program_id != old.program_id:
            raise UserError(
                self.env._(
                    "%(code)s belongs to %(program)s; the replacement must be "
                    "of %(old_program)s.",
                    code=code,
                    program=new.program_id.name,
                    old_program=old.program_id.name,
                )
            )
        return new
