# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class CustomerRatingBranchLine(models.TransientModel):
    """A customer's sales at one branch with one sales team, for the
    customers x branch and customers x team cross views."""

    _name = "customer.rating.branch.line"
    _description = "Customer Rating branch line"
    # The table is made by the report mixin's `init`, without foreign keys.
    _auto = False
    _log_access = True
    _inherit = "customer.rating.report.mixin"
    _order = "net_revenue desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    branch_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    home_company_id = fields.Many2one(
        "res.company",
        "Home Branch",
        readonly=True,
        help="Where the customer spent most in the period",
    )
    revenue = fields.Monetary(readonly=True)
    returns = fields.Monetary(readonly=True)
    net_revenue = fields.Monetary(readonly=True)
    profit = fields.Monetary(readonly=True)
    order_count = fields.Integer("Orders", readonly=True)
    customer_count = fields.Integer(
        "Customers",
        readonly=True,
        aggregator="count_distinct",
        help="Distinct customers",
    )

    @api.model
    def _xlsx_columns(self):
        return [
            "partner_id",
            "branch_id",
            "team_id",
            "home_company_id",
            "revenue",
            "returns",
            "net_revenue",
            "profit",
            "order_count",
        ]

    @api.model
    def _query(self, scope):
        rules = self.env["customer.rating.rules"]
        ctes = {
            "facts": SQL(
                "%s UNION ALL %s",
                self._sales_facts_query(scope, rules),
                self._return_facts_query(scope, rules),
            ),
            "crossed": self._crossed_query(),
        }
        values = {
            **self._standard_values(scope),
            "partner_id": SQL("c.partner_id"),
            "customer_count": SQL("c.partner_id"),
            "branch_id": SQL("c.company_id"),
            "team_id": SQL("c.team_id"),
            # the branch of the customer's largest revenue, the first on a tie
            "home_company_id": SQL(
                "-(MAX(ARRAY[c.company_revenue, -c.company_id])"
                " OVER (PARTITION BY c.partner_id))[2]::int"
            ),
            "revenue": SQL("c.revenue"),
            "returns": SQL("c.returns"),
            "net_revenue": SQL("c.revenue - c.returns"),
            "profit": SQL("c.profit"),
            "order_count": SQL("c.order_count"),
        }
        return self._insert(ctes, values, SQL("FROM crossed c"))

    @api.model
    def _sales_facts_query(self, scope, rules):
        """Sales of the period per customer, branch and sales team."""
        return SQL(
            """
            SELECT p.commercial_partner_id AS partner_id, o.company_id, o.team_id,
                   SUM(%(revenue)s) AS revenue, 0.0::float8 AS returns,
                   SUM(%(profit)s) AS profit, COUNT(*) AS order_count
              %(source)s
             GROUP BY 1, 2, 3
            """,
            revenue=rules._order_revenue(),
            profit=rules._order_profit(),
            source=rules._orders_from(scope, scope.start, scope.end),
        )

    @api.model
    def _return_facts_query(self, scope, rules):
        """Returns of the period (dated by their credit note) per customer,
        branch and sales team; they take back profit."""
        return SQL(
            """
            SELECT p.commercial_partner_id AS partner_id, o.company_id, o.team_id,
                   0.0::float8 AS revenue, SUM(%(amount)s) AS returns,
                   -SUM(%(profit)s) AS profit, 0 AS order_count
              %(source)s
             GROUP BY 1, 2, 3
            """,
            amount=rules._returned_amount(),
            profit=rules._returned_profit(),
            source=rules._returns_from(scope, scope.date_from, scope.date_to),
        )

    @api.model
    def _crossed_query(self):
        """Sales and returns of the period per customer, branch and team,
        with the customer's revenue at the branch for the home branch: the
        sum over the rows of the same branch (the window's peers), sorted by
        customer and branch, so that the home branch's window over each
        customer reads them without sorting again."""
        return SQL(
            """
            SELECT partner_id, company_id, team_id,
                   SUM(revenue) AS revenue, SUM(returns) AS returns,
                   SUM(profit) AS profit, SUM(order_count) AS order_count,
                   SUM(SUM(revenue)) OVER (
                       PARTITION BY partner_id ORDER BY company_id
                       RANGE BETWEEN CURRENT ROW AND CURRENT ROW
                   ) AS company_revenue
              FROM facts
             GROUP BY partner_id, company_id, team_id
            """
        )

    @api.model
    def _dimension(self, wizard):
        return "team_id" if wizard.report == "teams" else "branch_id"

    @api.model
    def _report_view_mode(self, wizard):
        return "pivot,list"

    @api.model
    def _report_context(self, wizard):
        return {
            "pivot_row_groupby": ["partner_id"],
            "pivot_column_groupby": [self._dimension(wizard)],
            "pivot_measures": ["net_revenue", "customer_count"],
        }

    def _report_xlsx(self, wizard):
        """The cross view as the pivot shows it: customers x branches (or
        teams) of net revenue, with totals and distinct customers."""
        return self._xlsx_matrix(
            [("wizard_id", "=", wizard.id)],
            wizard._title(),
            row_field="partner_id",
            column_field=self._dimension(wizard),
            value_field="net_revenue",
            distinct_label=self._fields["customer_count"]._description_string(self.env),
        )
