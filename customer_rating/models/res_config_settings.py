# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    """Customer Rating settings: loyalty tiers, and the retention thresholds
    (see `customer.rating.rules._retention_query`)."""

    _inherit = "res.config.settings"

    customer_rating_tier_basis = fields.Selection(
        related="company_id.customer_rating_tier_basis", readonly=False
    )
    customer_rating_at_risk_factor = fields.Float(
        "At Risk After (x Rhythm)",
        config_parameter="customer_rating.at_risk_factor",
        default=2.0,
        help="A customer is at risk when the days since their last purchase exceed "
        "this many times their usual rhythm (median days between orders).",
    )
    customer_rating_lost_factor = fields.Float(
        "Lost After (x Rhythm)",
        config_parameter="customer_rating.lost_factor",
        default=4.0,
        help="A customer is lost when the days since their last purchase exceed "
        "this many times their usual rhythm.",
    )
    customer_rating_default_gap = fields.Integer(
        "Default Rhythm (Days)",
        config_parameter="customer_rating.default_gap",
        default=60,
        help="The rhythm of customers who ordered on one day only.",
    )
    customer_rating_due_soon_days = fields.Integer(
        "Due Soon Within (Days)",
        config_parameter="customer_rating.due_soon_days",
        default=7,
        help="The dashboard's Due Soon: active customers whose expected next "
        "purchase (last purchase plus their rhythm) falls within this many days.",
    )
    customer_rating_reminder_mode = fields.Selection(
        [
            ("activity", "Activity for the salesperson"),
            ("email", "Email to the customer"),
        ],
        "Remind Customers Due Soon By",
        config_parameter="customer_rating.reminder_mode",
        default="activity",
        help="Once per expected purchase, the daily retention job reminds each "
        "customer due soon: with a Remind activity for whoever would call them "
        "back, or with an email from the template below (customers without an "
        "address, or blacklisted, get the activity).",
    )
    customer_rating_reminder_template_id = fields.Many2one(
        "mail.template",
        "Reminder Email",
        config_parameter="customer_rating.reminder_template_id",
        domain=[("model", "=", "res.partner")],
        help="The email sent to customers due soon (default: Customer Rating: "
        "next purchase due soon).",
    )
    customer_rating_callback_user_id = fields.Many2one(
        "res.users",
        "Call-backs Fallback User",
        config_parameter="customer_rating.callback_user_id",
        domain=[("share", "=", False)],
        help="Gets the call-backs of customers who have neither a salesperson nor "
        "a sales team leader able to read them.",
    )

    @api.constrains(
        "customer_rating_at_risk_factor",
        "customer_rating_lost_factor",
        "customer_rating_default_gap",
        "customer_rating_due_soon_days",
    )
    def _check_customer_rating_retention(self):
        for settings in self:
            if settings.customer_rating_at_risk_factor <= 0:
                raise ValidationError(
                    self.env._("The at risk factor must be positive.")
                )
            if settings.customer_rating_lost_factor <= (
                settings.customer_rating_at_risk_factor
            ):
                raise ValidationError(
                    self.env._(
                        "The lost factor must be larger than the at risk factor."
                    )
                )
            if settings.customer_rating_due_soon_days < 0:
                raise ValidationError(
                    self.env._("The due soon days cannot be negative.")
                )
            if settings.customer_rating_default_gap <= 0:
                raise ValidationError(
                    self.env._("The default rhythm must be at least one day.")
                )

    customer_rating_required_properties = fields.Char(
        "Required Customer Properties",
        help="Labels of the customer properties every customer must fill, "
        "separated by commas. A customer with an empty one is in the Control "
        "status until it is filled.",
    )

    @api.model
    def get_values(self):
        holder = self.env["customer.rating.property.holder"]._holder()
        return {
            **super().get_values(),
            "customer_rating_required_properties": holder._required_labels(),
        }

    def set_values(self):
        result = super().set_values()
        holder = self.env["customer.rating.property.holder"]._holder()
        holder._set_required_labels(self.customer_rating_required_properties)
        return result

    customer_rating_tenure_years = fields.Integer(
        related="company_id.root_id.customer_rating_tenure_years", readonly=False
    )
    customer_rating_tenure_tier_id = fields.Many2one(
        related="company_id.root_id.customer_rating_tenure_tier_id", readonly=False
    )

    customer_rating_score_weight_profit = fields.Float(
        "Score Weight: Profit",
        config_parameter="customer_rating.score_weight_profit",
    )
    customer_rating_score_weight_frequency = fields.Float(
        "Score Weight: Frequency",
        config_parameter="customer_rating.score_weight_frequency",
    )
    customer_rating_score_weight_tenure = fields.Float(
        "Score Weight: Tenure",
        config_parameter="customer_rating.score_weight_tenure",
    )
    customer_rating_score_weight_referrals = fields.Float(
        "Score Weight: Referrals",
        config_parameter="customer_rating.score_weight_referrals",
    )
    customer_rating_score_weight_returns = fields.Float(
        "Score Weight: Returns",
        config_parameter="customer_rating.score_weight_returns",
        help="Points taken away from a customer who returned all they bought.",
    )
    customer_rating_score_weight_cost_to_serve = fields.Float(
        "Score Weight: Cost to Serve",
        config_parameter="customer_rating.score_weight_cost_to_serve",
        help="Points taken away from the customer who took the most "
        "interactions in the period (its percentile of interactions).",
    )

    @api.constrains(
        "customer_rating_score_weight_profit",
        "customer_rating_score_weight_frequency",
        "customer_rating_score_weight_tenure",
        "customer_rating_score_weight_referrals",
        "customer_rating_score_weight_returns",
        "customer_rating_score_weight_cost_to_serve",
    )
    def _check_customer_rating_score_weights(self):
        for settings in self:
            weights = [
                settings.customer_rating_score_weight_profit,
                settings.customer_rating_score_weight_frequency,
                settings.customer_rating_score_weight_tenure,
                settings.customer_rating_score_weight_referrals,
            ]
            negative = [
                settings.customer_rating_score_weight_returns,
                settings.customer_rating_score_weight_cost_to_serve,
            ]
            if min(*weights, *negative) < 0:
                raise ValidationError(
                    self.env._("The value score's weights cannot be negative.")
                )
            if not sum(weights):
                raise ValidationError(
                    self.env._("At least one part of the value score needs a weight.")
                )
