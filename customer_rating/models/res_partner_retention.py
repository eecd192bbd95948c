# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .res_partner_card import CARD_GROUP

RETENTION_STATUSES = [
    ("active", "Active"),
    ("at_risk", "At Risk"),
    ("lost", "Lost"),
]


class ResPartner(models.Model):
    """Where a customer stands today (active, at risk, lost, due soon), to
    filter the Customers list as the dashboard counts them: the retention
    rule (`customer.rating.rules._retention_query`) over the orders the user
    may read in the companies they work in, today in their time zone.
    Nothing stored."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    customer_rating_retention = fields.Selection(
        RETENTION_STATUSES,
        "Retention",
        compute="_compute_customer_rating_retention",
        search="_search_customer_rating_retention",
        groups=CARD_GROUP,
        help="Today: active, at risk (no purchase for k times the usual rhythm) "
        "or lost (the lost factor times it)",
    )
    customer_rating_due_soon = fields.Boolean(
        "Purchase Due Soon",
        compute="_compute_customer_rating_retention",
        search="_search_customer_rating_due_soon",
        groups=CARD_GROUP,
        help="Active, and their expected next purchase falls in the next days",
    )

    @api.model
    def _customer_rating_retention_rows(self, condition=None):
        """SQL: partner ids of the retention query of today for the user,
        its rows `r` matching `condition`."""
        rules = self.env["customer.rating.rules"]
        rules._flush_sources()
        today = rules._today()
        return SQL(
            "(SELECT r.partner_id FROM (%s) r WHERE %s)",
            rules._retention_query(
                self.env.companies, self.env.company, today, rules._tz()
            ),
            condition or SQL("TRUE"),
        )

    @api.depends_context("company", "allowed_company_ids", "tz", "uid")
    def _compute_customer_rating_retention(self):
        rules = self.env["customer.rating.rules"]
        today = rules._today()
        commercial = self.commercial_partner_id.filtered("id")
        rows = {}
        if commercial:
            self.env.cr.execute(
                SQL(
                    "SELECT r.partner_id, r.status, %s AS due_soon FROM (%s) r"
                    " WHERE r.partner_id IN %s",
                    rules._due_soon("r", today, rules._due_soon_days()),
                    rules._retention_query(
                        self.env.companies, self.env.company, today, rules._tz()
                    ),
                    tuple(commercial.ids),
                )
            )
            rows = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for partner in self:
            status, due = rows.get(partner.commercial_partner_id.id, (False, False))
            partner.customer_rating_retention = status
            partner.customer_rating_due_soon = due

    def _search_customer_rating_retention(self, operator, value):
        if operator not in ("=", "in"):
            raise UserError(self.env._("Unsupported search on the retention."))
        statuses = [value] if isinstance(value, str) else list(value)
        return [
            (
                "commercial_partner_id",
                "in",
                self._customer_rating_retention_rows(
                    SQL("r.status IN %s", tuple(statuses))
                ),
            )
        ]

    def _search_customer_rating_due_soon(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Purchase Due Soon."))
        rules = self.env["customer.rating.rules"]
        rows = self._customer_rating_retention_rows(
            rules._due_soon("r", rules._today(), rules._due_soon_days())
        )
        wanted = (operator == "=") == value
        return [("commercial_partner_id", "in" if wanted else "not in", rows)]
