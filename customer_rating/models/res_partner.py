# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from .customer_rating_rules import STATUSES


class ResPartner(models.Model):
    """A customer's loyalty status and typed properties, and the loyalty
    tier (with its price list) the daily tier job gives them. The card's
    figures are in `res_partner_card.py`, marketing in
    `res_partner_marketing.py`."""

    _inherit = "res.partner"

    customer_rating_tier_id = fields.Many2one(
        "customer.rating.tier",
        "Loyalty Tier",
        company_dependent=True,
        readonly=True,
        help="Set every day from the customer's 12-month net revenue or profit.",
    )
    customer_rating_pricelist_pinned = fields.Boolean(
        "Price List Pinned",
        company_dependent=True,
        help="The loyalty tiers do not change this customer's price list. Set "
        "when a Customer Rating manager chooses a price list by hand.",
    )

    customer_rating_status = fields.Selection(
        STATUSES,
        "Loyalty Status",
        default="active",
        required=True,
        index=True,
        tracking=True,
        help="Active: a customer the shop talks to. Control: data to be "
        "completed: a required customer property is empty (set and cleared "
        "automatically), or set by hand (kept until cleared by hand). Archived: "
        "communication stopped, set by hand: history kept, no reminders, not "
        "counted among regular customers.",
    )
    customer_rating_control_manual = fields.Boolean(
        "Control Set by Hand",
        readonly=True,
        copy=False,
        help="A user put this customer in Control: the required properties rule "
        "leaves it there until a user changes the status by hand.",
    )
    customer_rating_property_holder_id = fields.Many2one(
        "customer.rating.property.holder",
        "Customer Property Definitions",
        compute="_compute_customer_rating_property_holder_id",
        search="_search_customer_rating_property_holder_id",
        groups="base.group_user",
    )
    customer_rating_properties = fields.Properties(
        "Customer Properties",
        definition="customer_rating_property_holder_id.property_definition",
        groups="base.group_user",
    )

    def _compute_customer_rating_property_holder_id(self):
        self.customer_rating_property_holder_id = self.env[
            "customer.rating.property.holder"
        ]._holder()

    def _search_customer_rating_property_holder_id(self, operator, value):
        """Every partner has the one holder (the search panel filters the
        properties on it)."""
        if operator not in ("=", "!=", "in", "not in"):
            return expression.FALSE_DOMAIN
        holder = self.env["customer.rating.property.holder"]._holder()
        ids = value if isinstance(value, list | tuple) else [value]
        if (holder.id in ids) == (operator in ("=", "in")):
            return expression.TRUE_DOMAIN
        return expression.FALSE_DOMAIN

    @api.model
    def _add_missing_default_values(self, values):
        """Odoo gives the defaults of the properties from the definition
        record found in the values; ours is computed, so add it."""
        holder = self.env["customer.rating.property.holder"]._holder()
        field = self._fields["customer_rating_properties"]
        if not holder or field.definition_record in values:
            return super()._add_missing_default_values(values)
        defaults = super()._add_missing_default_values(
            {**values, field.definition_record: holder.id}
        )
        defaults.pop(field.definition_record)
        return defaults

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [
            self._customer_rating_mark_manual_control(vals) for vals in vals_list
        ]
        partners = super().create(vals_list)
        partners._customer_rating_sync_status()
        return partners

    def write(self, vals):
        """A price list a Customer Rating manager sets by hand is pinned:
        the loyalty tiers leave it alone. The loyalty status follows the
        required customer properties (see `_customer_rating_sync_status`)."""
        pricelist_fields = {
            "property_product_pricelist",
            "specific_property_product_pricelist",
        }
        if (
            pricelist_fields & set(vals)
            and "customer_rating_pricelist_pinned" not in vals
            and not self.env.context.get("customer_rating_tiering")
            and self.env.user.has_group("customer_rating.customer_rating_group_manager")
        ):
            vals = {**vals, "customer_rating_pricelist_pinned": True}
        vals = self._customer_rating_mark_manual_control(vals)
        result = super().write(vals)
        status_fields = {
            "customer_rating_properties",
            "customer_rating_status",
            "parent_id",
            "is_company",
        }
        if status_fields & set(vals) and not self.env.context.get(
            "customer_rating_status_sync"
        ):
            self._customer_rating_sync_status()
        return result

    def _customer_rating_mark_manual_control(self, vals):
        """A status chosen by a user (not by the control rule): Control is
        then kept by hand, any other status clears that."""
        if "customer_rating_status" not in vals or self.env.context.get(
            "customer_rating_status_sync"
        ):
            return vals
        manual = vals["customer_rating_status"] == "control"
        return {**vals, "customer_rating_control_manual": manual}

    def _customer_rating_sync_status(self):
        """Apply the control rule (`customer.rating.rules._status_control_rule`)
        to these partners."""
        partners = self
        if not self._customer_rating_required_properties():
            # nothing can be incomplete: only partners in control may move
            partners = self.filtered(lambda p: p.customer_rating_status == "control")
        if partners:
            self._customer_rating_move_statuses(SQL("p.id IN %s", tuple(partners.ids)))

    @api.model
    def _customer_rating_sync_all_statuses(self):
        """Apply the control rule to every partner (the definition or the
        required properties changed)."""
        self._customer_rating_move_statuses(SQL("TRUE"))

    @api.model
    def _customer_rating_required_properties(self):
        # sudo: the names of the required properties are no secret; reading
        # them must not depend on the rights of whoever edits a customer.
        holder = self.env["customer.rating.property.holder"].sudo()._holder()
        return holder._required_names()

    @api.model
    def _customer_rating_move_statuses(self, partners):
        """One query finds the partners (an SQL condition on alias `p`) whose
        status must move between active and control (archived ones and those
        put in control by hand never move); the change is written through
        the ORM so that it is tracked."""
        required = self._customer_rating_required_properties()
        target = self.env["customer.rating.rules"]._status_control_rule(required)
        self.flush_model(
            [
                "customer_rating_status",
                "customer_rating_control_manual",
                "customer_rating_properties",
                "commercial_partner_id",
            ]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT %(target)s, array_agg(p.id ORDER BY p.id)
                  FROM res_partner p
                 WHERE p.customer_rating_status != 'archived'
                   AND NOT COALESCE(p.customer_rating_control_manual, FALSE)
                   AND %(target)s != p.customer_rating_status AND %(partners)s
                 GROUP BY 1
                """,
                target=target,
                partners=partners,
            )
        )
        for status, ids in rows:
            # sudo: the status follows the shared property definition for
            # every customer, whoever changed it (a manager editing the
            # definition may not write every company's customers); only the
            # status is written, tracked in the name of the current user.
            self.browse(ids).sudo().with_context(
                customer_rating_status_sync=True
            ).write({"customer_rating_status": status})

    def _customer_rating_tier(self, company):
        """The loyalty tier of this customer in `company` (tiers belong to
        the main company of a branch)."""
        self.ensure_one()
        # sudo: a branch salesperson may not read the main company's tiers;
        # the tier only tells how many points an order earns.
        return self.sudo().with_company(company.root_id).customer_rating_tier_id
