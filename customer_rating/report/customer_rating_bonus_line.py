# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class CustomerRatingBonusLine(models.TransientModel):
    """Bonus points of a customer at a branch: issued, used and expired in
    the period, and the net points up to its end. The branch of a ledger
    line is its order's company (for expired points: where they were
    earned), else the program's: the net points of a customer's branches
    add up to their balance."""

    _name = "customer.rating.bonus.line"
    _description = "Customer Rating bonus points"
    # The table is made by the report mixin's `init`, without foreign keys.
    _auto = False
    _log_access = True
    _inherit = "customer.rating.report.mixin"
    _order = "balance desc, id"
    _rec_name = "partner_id"
    _report_sources = (
        "sale.order",
        "res.partner",
        "loyalty.history",
        "loyalty.card",
        "loyalty.program",
    )

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    branch_id = fields.Many2one("res.company", readonly=True)
    tier_id = fields.Many2one("customer.rating.tier", "Loyalty Tier", readonly=True)
    issued = fields.Float(readonly=True, help="Points earned, net of reversals")
    used = fields.Float(readonly=True, help="Points redeemed, net of reversals")
    expired = fields.Float(readonly=True)
    written_off = fields.Float(
        readonly=True,
        help="Points that refunds and cancellations should have taken back "
        "but the customer had already spent: what the refunds cost.",
    )
    balance = fields.Float(
        "Net Points",
        readonly=True,
        help="Points issued less points used and expired up to the end of the "
        "period at this branch (expired points count where they were earned); "
        "the branches of a customer add up to their balance.",
    )

    @api.model
    def _xlsx_columns(self):
        return [
            "partner_id",
            "branch_id",
            "tier_id",
            "issued",
            "used",
            "expired",
            "written_off",
            "balance",
        ]

    @api.model
    def _report_context(self, wizard):
        return {
            "pivot_row_groupby": ["partner_id"],
            "pivot_column_groupby": ["branch_id"],
            "pivot_measures": ["issued", "used", "expired", "written_off", "balance"],
        }

    @api.model
    def _report_empty_reason(self, wizard):
        return self.env._(
            "No bonus points were issued, used or held in this period in the chosen "
            "branches."
        )

    @api.model
    def _query(self, scope):
        rules = self.env["customer.rating.rules"]
        in_period = SQL("h.date >= %s AND h.date <= %s", scope.date_from, scope.date_to)
        expiry = SQL("h.bonus_move_type = 'expiry'")
        values = {
            **self._standard_values(scope),
            "partner_id": SQL("p.commercial_partner_id"),
            "branch_id": SQL("branch.id"),
            "tier_id": SQL(
                "(MIN(cp.customer_rating_tier_id ->> %s))::int",
                str(scope.company.root_id.id),
            ),
            "issued": SQL("COALESCE(SUM(h.issued) FILTER (WHERE %s), 0)", in_period),
            "used": SQL(
                "COALESCE(SUM(h.used) FILTER (WHERE %s AND NOT %s), 0)",
                in_period,
                expiry,
            ),
            "expired": SQL(
                "COALESCE(SUM(h.used) FILTER (WHERE %s AND %s), 0)", in_period, expiry
            ),
            "written_off": SQL(
                "COALESCE(SUM(h.points_written_off) FILTER (WHERE %s), 0)", in_period
            ),
            "balance": SQL(
                "ROUND(SUM(COALESCE(h.issued, 0) - COALESCE(h.used, 0))::numeric, 2)"
            ),
        }
        from_clause = SQL(
            """
              FROM loyalty_history h
              JOIN loyalty_card card ON card.id = h.card_id
              JOIN loyalty_program program ON program.id = card.program_id
              JOIN res_partner p ON p.id = card.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
              LEFT JOIN (%(orders)s) o
                     ON o.model = h.order_model AND o.id = h.order_id
              LEFT JOIN loyalty_history lot ON lot.id = h.expired_lot_id
              LEFT JOIN (%(orders)s) lot_order
                     ON lot_order.model = lot.order_model
                    AND lot_order.id = lot.order_id
             CROSS JOIN LATERAL (
                   SELECT COALESCE(o.company_id, lot_order.company_id,
                                   program.company_id) AS id) branch
             WHERE program.is_customer_bonus AND h.date <= %(date_to)s
               AND branch.id IN %(companies)s
               AND CASE WHEN h.order_id IS NULL AND lot.order_id IS NULL
                        THEN card.id IN (%(cards)s)
                        ELSE COALESCE(o.id, lot_order.id) IS NOT NULL END
             GROUP BY p.commercial_partner_id, branch.id
            HAVING bool_or(%(in_period)s)
                OR SUM(COALESCE(h.issued, 0) - COALESCE(h.used, 0)) <> 0
            """,
            date_to=scope.date_to,
            companies=tuple(scope.companies.ids),
            in_period=in_period,
            # the points of an order count when the user may read the order
            # (any state: a cancelled order's reversal goes with its points);
            # the others (expiry of points without an order, adjustments)
            # when they may read the card
            orders=rules._union(rules._ledger_order_sources()),
            cards=rules._readable("loyalty.card", []),
        )
        return self._insert({}, values, from_clause)
