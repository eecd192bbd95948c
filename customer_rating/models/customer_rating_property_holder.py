# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

HOLDER_XMLID = "customer_rating.customer_rating_property_holder"


class CustomerRatingPropertyHolder(models.Model):
    """The one record that holds the definition of the typed customer
    properties (`res.partner.customer_rating_properties`).

    Customers are shared between the companies of the database, so their
    properties are too: one definition for all, not one per company (a
    customer's values would otherwise depend on the company switcher)."""

    _name = "customer.rating.property.holder"
    _description = "Customer property definitions"

    name = fields.Char(required=True, translate=True)
    property_definition = fields.PropertiesDefinition("Customer Properties")
    required_property_names = fields.Json(
        help="Technical names of the properties a customer must fill; an empty "
        "one puts the customer in the Control status."
    )

    @api.model
    def _holder(self):
        """The holder; none while the module's data is being installed."""
        return self.env.ref(HOLDER_XMLID, raise_if_not_found=False) or self.browse()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_holder(self):
        if self.env.ref(HOLDER_XMLID, raise_if_not_found=False) in self:
            raise UserError(
                self.env._("The customer property definitions cannot be deleted.")
            )

    def write(self, vals):
        """A change of the definition or of the required properties moves
        the customers between the active and control statuses at once."""
        result = super().write(vals)
        if {"property_definition", "required_property_names"} & set(vals):
            self.env["res.partner"]._customer_rating_sync_all_statuses()
        return result

    def _required_names(self):
        """The required properties that still exist, in definition order."""
        required = set(self.required_property_names or [])
        return [
            definition["name"]
            for definition in self.property_definition
            if definition["name"] in required
        ]

    def _required_labels(self):
        """The labels of the required properties, comma-separated (Settings)."""
        labels = {
            d["name"]: d.get("string") or d["name"] for d in self.property_definition
        }
        return ", ".join(labels[name] for name in self._required_names())

    def _set_required_labels(self, text):
        """Require the properties named by their labels in `text` (comma-
        separated, case-insensitive); an unknown label is an error."""
        self.ensure_one()
        if (text or "") == self._required_labels():
            return
        names = {
            (d.get("string") or d["name"]).strip().lower(): d["name"]
            for d in self.property_definition
            if d["type"] != "separator"
        }
        labels = [label.strip() for label in (text or "").split(",") if label.strip()]
        unknown = [label for label in labels if label.lower() not in names]
        if unknown:
            raise ValidationError(
                self.env._(
                    "No customer property is called %(labels)s. Add it on a "
                    "customer's Customer Rating tab first.",
                    labels=", ".join(unknown),
                )
            )
        required = [names[label.lower()] for label in labels]
        if set(required) != set(self._required_names()):
            self.required_property_names = required
