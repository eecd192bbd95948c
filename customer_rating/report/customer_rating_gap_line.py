# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class CustomerRatingGapLine(models.TransientModel):
    """A product category a customer of the period never bought.

    Without chosen categories: the categories most customers of the same
    segment bought in the period (at least the wizard's threshold). With
    chosen categories: every customer of the period who never bought them,
    the list to act on."""

    _name = "customer.rating.gap.line"
    _description = "Customer Rating cross-sell gap"
    # The table is made by the report mixin's `init`, without foreign keys.
    _auto = False
    _log_access = True
    _inherit = "customer.rating.report.mixin"
    _order = "segment_share desc, partner_id, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    categ_id = fields.Many2one("product.category", "Never Bought", readonly=True)
    is_company = fields.Boolean("Business Customer", readonly=True)
    segment = fields.Selection(
        [("business", "Business customer"), ("private", "Private customer")],
        "Customer Type",
        readonly=True,
        help="The segment of the customer: a company (business) or a person",
    )
    industry_id = fields.Many2one("res.partner.industry", readonly=True)
    segment_customers = fields.Integer(
        readonly=True, aggregator=False, help="Customers of the segment in the period"
    )
    segment_share = fields.Float(
        "Bought by % of the Segment",
        readonly=True,
        aggregator=False,
        digits=(16, 1),
        help="Share of the segment's customers of the period who bought the category",
    )

    @api.model
    def _xlsx_columns(self):
        return [
            "partner_id",
            "categ_id",
            "segment",
            "industry_id",
            "segment_customers",
            "segment_share",
        ]

    @api.model
    def _report_view_mode(self, wizard):
        return "list,pivot"

    @api.model
    def _report_empty_reason(self, wizard):
        return self.env._(
            "No cross-sell gaps: no confirmed orders in this period for the chosen "
            "branches, or every customer bought what their segment usually buys."
        )

    @api.model
    def _query(self, scope):
        values = {
            **self._standard_values(scope),
            "partner_id": SQL("c.partner_id"),
            "categ_id": SQL("c.categ_id"),
            "is_company": SQL("c.is_company"),
            "segment": SQL("CASE WHEN c.is_company THEN 'business' ELSE 'private' END"),
            "industry_id": SQL("c.industry_id"),
            "segment_customers": SQL("c.customers"),
            "segment_share": SQL("100.0 * COALESCE(c.buyers, 0) / c.customers"),
        }
        from_clause = SQL("FROM candidates c WHERE %s", self._never_bought())
        return self._insert(self._gap_ctes(scope), values, from_clause)

    @api.model
    def _never_bought(self):
        """The candidate (alias `c`) is a gap: its customer never bought its
        category."""
        return SQL(
            """NOT EXISTS (SELECT 1 FROM bought b
                            WHERE b.partner_id = c.partner_id
                              AND b.categ_id = c.categ_id)"""
        )

    @api.model
    def _gap_ctes(self, scope):
        """The WITH queries of the gaps of `scope`'s period: `candidates`
        holds the (customer, category) pairs to check; `bought` what each
        customer bought. A segment
        is business or private customers, by industry when set."""
        rules = self.env["customer.rating.rules"]
        return {
            "active": SQL(
                """
            SELECT cp.id AS partner_id, cp.is_company, cp.industry_id
              FROM res_partner cp
             WHERE cp.id IN (SELECT p.commercial_partner_id %(orders)s)
            """,
                orders=rules._orders_from(scope, scope.start, scope.end),
            ),
            "bought": SQL(
                """
            SELECT DISTINCT p.commercial_partner_id AS partner_id, pt.categ_id
              %(lines)s AND l.reward_id IS NULL
               AND p.commercial_partner_id IN (SELECT partner_id FROM active)
            """,
                lines=rules._order_lines_from(scope, None, scope.end),
            ),
            "segments": SQL(
                """
            SELECT is_company, industry_id, COUNT(*) AS customers
              FROM active GROUP BY is_company, industry_id
            """
            ),
            "penetration": SQL(
                """
            SELECT a.is_company, a.industry_id, b.categ_id, COUNT(*) AS buyers
              FROM active a JOIN bought b ON b.partner_id = a.partner_id
             GROUP BY a.is_company, a.industry_id, b.categ_id
            """
            ),
            "candidates": self._candidates_query(scope),
        }

    @api.model
    def _candidates_query(self, scope):
        """(customer, category) pairs to check: the chosen categories for
        every customer, or the categories the customer's segment usually
        buys."""
        segment = SQL(
            "pen.is_company = a.is_company"
            " AND pen.industry_id IS NOT DISTINCT FROM a.industry_id"
        )
        if scope.categories:
            return SQL(
                """
                SELECT a.*, s.customers, categ.id AS categ_id, pen.buyers
                  FROM active a
                  JOIN segments s ON s.is_company = a.is_company
                   AND s.industry_id IS NOT DISTINCT FROM a.industry_id
                 CROSS JOIN product_category categ
                  LEFT JOIN penetration pen ON pen.categ_id = categ.id AND %(segment)s
                 WHERE categ.id IN %(categories)s
                """,
                segment=segment,
                categories=tuple(scope.categories.ids),
            )
        return SQL(
            """
            SELECT a.*, s.customers, pen.categ_id, pen.buyers
              FROM active a
              JOIN segments s ON s.is_company = a.is_company
               AND s.industry_id IS NOT DISTINCT FROM a.industry_id
              JOIN penetration pen ON %(segment)s
             WHERE 100.0 * pen.buyers / s.customers >= %(threshold)s
            """,
            segment=segment,
            threshold=scope.gap_threshold,
        )
