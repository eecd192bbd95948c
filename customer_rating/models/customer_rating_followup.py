# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .customer_rating_callback import OUTCOMES

FOLLOWUP_ACTIONS = [
    ("pin_pricelist", "Pin the tier's price list"),
    ("coupon", "Send a coupon"),
    ("manager_activity", "Activity for the branch manager"),
]


class CustomerRatingFollowup(models.Model):
    """What closing a call-back with an outcome may lead to: the follow-ups
    of its outcome are offered in the Close dialog (those ticked by default
    are pre-selected) and applied to the customer when it is closed.
    Managers configure them."""

    _name = "customer.rating.followup"
    _description = "Call-back follow-up"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    outcome = fields.Selection(OUTCOMES, required=True)
    action = fields.Selection(FOLLOWUP_ACTIONS, required=True)
    selected_by_default = fields.Boolean(
        "Ticked by Default",
        help="Pre-selected in the Close dialog: applied unless the user unticks it.",
    )
    program_id = fields.Many2one(
        "loyalty.program",
        "Coupon Program",
        domain=[("program_type", "in", ("coupons", "promotion", "next_order_coupons"))],
        help="The program whose coupon the customer gets (its communication "
        "plan emails it).",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        default=lambda self: self.env.ref(
            "mail.mail_activity_data_todo", raise_if_not_found=False
        ),
    )
    user_id = fields.Many2one(
        "res.users",
        "Branch Manager",
        domain=[("share", "=", False)],
        help="Gets the activity; empty: the leader of the sales team of the "
        "customer's last order, else the call-backs fallback user of Settings.",
    )
    company_id = fields.Many2one(
        "res.company", help="Offered in this company only; empty: in all companies."
    )

    @api.constrains("action", "program_id")
    def _check_program(self):
        if self.filtered(
            lambda followup: followup.action == "coupon" and not followup.program_id
        ):
            raise ValidationError(
                self.env._("A follow-up that sends a coupon needs its coupon program.")
            )

    def _apply(self, callbacks):
        """Apply these follow-ups to the customers of `callbacks`."""
        for followup in self:
            getattr(followup, f"_apply_{followup.action}")(callbacks)

    def _apply_pin_pricelist(self, callbacks):
        """Pin the customer's price list (their loyalty tier's, else the
        one they have) in the main company of the call-back's branch and its
        branches: the tiers no longer change it, a slower year no longer
        demotes them."""
        for callback in callbacks:
            root = callback.company_id.root_id
            family = (
                self.env["res.company"].sudo().search([("id", "child_of", root.id)])
            )
            # sudo: pinning keeps the price list the customer already has
            # (their tier's), as the manager who configured this follow-up
            # allowed; it changes no price.
            partner = callback.partner_id.commercial_partner_id.sudo()
            pricelist = (
                partner._customer_rating_tier(root).pricelist_id
                or partner.with_company(root).property_product_pricelist
            )
            partner.with_company(root).customer_rating_pricelist_pinned = True
            for branch in family:
                partner.with_company(
                    branch
                ).specific_property_product_pricelist = pricelist
            callback.partner_id.message_post(
                body=self.env._(
                    "Price list %(pricelist)s pinned after a call-back (%(outcome)s).",
                    pricelist=pricelist.display_name,
                    outcome=dict(OUTCOMES)[callback.outcome],
                )
            )

    def _apply_coupon(self, callbacks):
        """A coupon of the follow-up's program for each customer, which the
        program's communication plan emails; it shows on the customer's
        Marketing tab."""
        # sudo: salespeople may not create loyalty cards; the program is the
        # one a manager chose for this follow-up, one coupon per call-back.
        self.env["loyalty.card"].sudo().create(
            [
                {
                    "program_id": self.program_id.id,
                    "partner_id": callback.partner_id.commercial_partner_id.id,
                    "points": 1,
                }
                for callback in callbacks
            ]
        )

    def _apply_manager_activity(self, callbacks):
        """An activity for the branch manager on each customer, with the
        call-back's feedback."""
        fallback = self.env["customer.rating.callback"]._fallback_user()
        for callback in callbacks:
            manager = self.user_id or callback.team_id.user_id or fallback
            # sudo: the activity goes to the manager, whom the closing user
            # may not otherwise assign work to
            callback.partner_id.sudo().activity_schedule(
                activity_type_id=self.activity_type_id.id,
                summary=self.env._(
                    "Follow up: %(outcome)s", outcome=dict(OUTCOMES)[callback.outcome]
                ),
                note=callback.feedback or "",
                user_id=(manager or self.env.user).id,
            )
