# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL


class CustomerRatingRetentionMixin(models.AbstractModel):
    """Report lines built on the retention rule
    (`customer.rating.rules._retention_query`): customers filtered by their
    salesperson and sales team, not by those of single orders, so that a
    customer's rhythm comes from all their orders in the chosen branches."""

    _name = "customer.rating.retention.mixin"
    _description = "Customer Rating retention report lines"
    _inherit = "customer.rating.report.mixin"

    @api.model
    def _retention(self, scope, at):
        """Where each customer stands on day `at`, as an SQL query."""
        return self.env["customer.rating.rules"]._retention_query(
            scope.companies, scope.company, at, scope.tz
        )

    @api.model
    def _customer_filter(self, scope, alias):
        """The chosen sales teams and salespeople, on the customers (`alias`:
        rows of the retention query)."""
        conditions = [SQL("TRUE")]
        if scope.teams:
            conditions.append(
                SQL(
                    "%s IN %s", SQL.identifier(alias, "team_id"), tuple(scope.teams.ids)
                )
            )
        if scope.users:
            conditions.append(
                SQL(
                    "%s IN %s", SQL.identifier(alias, "user_id"), tuple(scope.users.ids)
                )
            )
        return SQL(" AND ").join(conditions)
