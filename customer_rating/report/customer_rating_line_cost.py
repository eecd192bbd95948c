# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class CustomerRatingLine(models.TransientModel):
    """Cost to serve on the rating: the interactions and hours each customer
    took in the period (`customer.rating.rules._interactions_query`), and
    its profit per interaction and per hour."""

    _inherit = "customer.rating.line"

    interactions = fields.Integer(
        readonly=True,
        help="Notes and messages logged by hand, activities done (calls "
        "included) and meetings in the period, on the customer, its contacts "
        "and its sale orders",
    )
    hours = fields.Float(
        readonly=True,
        digits=(16, 2),
        help="Hours timesheeted in the period on the customer's tasks and projects",
    )
    profit_per_interaction = fields.Monetary(
        "Profit per Interaction",
        readonly=True,
        aggregator=False,
        help="Profit of the period over the interactions; empty without any",
    )
    profit_per_hour = fields.Monetary(
        "Profit per Hour",
        readonly=True,
        aggregator=False,
        help="Profit of the period over the hours; empty without any",
    )

    @api.model
    def _xlsx_columns(self):
        return [
            *super()._xlsx_columns(),
            "interactions",
            "hours",
            "profit_per_interaction",
            "profit_per_hour",
        ]

    @api.model
    def _customers_query(self, scope):
        """The customers of the rating with their interactions and hours
        in the period (0 without any)."""
        return SQL(
            """
            SELECT c.*, COALESCE(cost.interactions, 0) AS interactions,
                   COALESCE(cost.hours, 0) AS hours
              FROM (%s) c
              LEFT JOIN (%s) cost ON cost.partner_id = c.partner_id
            """,
            super()._customers_query(scope),
            self.env["customer.rating.rules"]._interactions_query(scope),
        )

    @api.model
    def _insert_values(self, scope, rules):
        return {
            **super()._insert_values(scope, rules),
            "interactions": SQL("cur.interactions"),
            "hours": SQL("cur.hours"),
            "profit_per_interaction": SQL("cur.profit / NULLIF(cur.interactions, 0)"),
            "profit_per_hour": SQL("cur.profit / NULLIF(cur.hours, 0)"),
        }
