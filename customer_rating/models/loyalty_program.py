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

    customer_rating_weekday_ids = fields.Many2many(
        "customer.rating.weekday",
        string="Valid On",
        help="Its coupons give their reward only on these days, in the time "
        "zone of the program's company (that of its address, else the "
        "user's). Empty: every day.",
    )
    customer_rating_offer_id = fields.Many2one(
        "customer.rating.offer",
        "Win-back Offer",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The win-back offer this program was made for.",
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

    def _customer_rating_weekday_error(self, company=None):
        """Why the program's rewards cannot be given today, or False: a
        program valid on chosen weekdays gives them only on those days, in
        the time zone of its company (else of `company`, where the order is
        made): see `customer.rating.rules._branch_today`."""
        self.ensure_one()
        days = self.customer_rating_weekday_ids
        if not days:
            return False
        today = self.env["customer.rating.rules"]._branch_today(
            self.company_id or company or self.env.company
        )
        if today.isoweekday() in days.mapped("number"):
            return False
        return _(
            "%(program)s is valid on %(days)s only.",
            program=self.name,
            days=", ".join(days.mapped("name")),
        )
