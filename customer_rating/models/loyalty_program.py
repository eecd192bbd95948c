# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    is_customer_bonus = fields.Boolean(
        "Customer Bonus Program",
        help="Customers get one card of this program at their first confirmed "
        "order; confirmed orders earn points, cancellations and refunds "
        "reverse them, and points expire.",
    )
    bonus_points_rate = fields.Float(
        "Points per Amount",
        default=1.0,
        help="Points earned per unit of the program's currency of untaxed "
        "amount, before the customer's tier multiplier.",
    )
    bonus_expiry_months = fields.Integer(
        "Points Expire After (months)",
        default=12,
        help="Points expire this many months after they were earned, the "
        "oldest first. 0: points never expire.",
    )

    bonus_referral_points = fields.Float(
        "Referral Points",
        default=100.0,
        help="Points a customer earns when a customer they referred confirms "
        "their first order.",
    )

    @api.constrains("is_customer_bonus", "program_type", "company_id", "active")
    def _check_customer_bonus(self):
        for program in self.filtered("is_customer_bonus"):
            if program.program_type != "loyalty":
                raise ValidationError(
                    _("A customer bonus program must be a loyalty card program.")
                )
            if program.rule_ids:
                raise ValidationError(
                    _(
                        "A customer bonus program earns its points itself "
                        "(rate x untaxed amount x tier multiplier): remove "
                        "its conditional rules."
                    )
                )
            others = self.search_count(
                [
                    ("id", "!=", program.id),
                    ("is_customer_bonus", "=", True),
                    ("company_id", "=", program.company_id.id),
                ]
            )
            if others:
                raise ValidationError(
                    _("A company has one active customer bonus program at most.")
                )

    @api.constrains("bonus_points_rate", "bonus_expiry_months", "bonus_referral_points")
    def _check_bonus_settings(self):
        if any(
            min(p.bonus_points_rate, p.bonus_expiry_months, p.bonus_referral_points) < 0
            for p in self
        ):
            raise ValidationError(
                _(
                    "The points rate, expiry months and referral points "
                    "cannot be negative."
                )
            )

    @api.model
    def _bonus_program_for(self, company):
        """The customer bonus program of `company`: its own, else its parent
        company's (branches share it), as sale_loyalty finds programs."""
        # sudo: a branch user may not read the main company's program; it is
        # only used to earn points on the branch's orders.
        programs = self.sudo().search(
            [
                ("is_customer_bonus", "=", True),
                ("company_id", "in", (company | company.parent_id).ids),
            ]
        )
        own = programs.filtered(lambda program: program.company_id == company)
        return (own or programs)[:1].sudo(False)
