# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL

from odoo.addons.customer_rating.models.customer_rating_rules import utc_start

# The Point of Sale orders that count: paid, posted (session closed) or
# invoiced. Draft and cancelled orders never count.
POS_COUNTED_STATES = ("paid", "done", "invoiced")


class CustomerRatingRules(models.AbstractModel):
    """The Point of Sale is a channel of the order set: its orders count
    like sales orders, its refunds like credit notes, with the user's record
    rules on `pos.order` (a user without Point of Sale access counts none).

    What a POS order is made of, for the reports: its lines that are not
    refunds (a refund line returns the line it refunds, see
    `_pos_refund_return_source`) nor the settlement of a sales order at the
    till (pos_sale: that sales order counts already)."""

    _inherit = "customer.rating.rules"

    @api.model
    def _source_models(self):
        return [*super()._source_models(), "pos.order", "pos.order.line"]

    @api.model
    def _counted_pos_orders(self, domain=()):
        """The POS orders that count, as an SQL subquery to read in place of
        their table (see `_readable_table`): paid, posted or invoiced orders
        of a customer matching `domain`, among those the user may read."""
        return self._readable_table(
            "pos.order",
            [
                ("state", "in", POS_COUNTED_STATES),
                ("partner_id", "!=", False),
                *domain,
            ],
        )

    @api.model
    def _pos_salesperson(self, alias="po"):
        """SQL: the salesperson of a POS order (alias `alias`): the user of
        its cashier (pos_hr's employee, when they have a user), else the
        order's Responsible, the user who sold at the till."""
        user = SQL.identifier(alias, "user_id")
        if "employee_id" not in self.env["pos.order"]._fields:
            return user
        return SQL(
            "COALESCE((SELECT cashier.user_id FROM hr_employee cashier"
            " WHERE cashier.id = %s), %s)",
            SQL.identifier(alias, "employee_id"),
            user,
        )

    @api.model
    def _pos_sold_line(self, alias="pl"):
        """SQL: a POS order line that sells (not a refund, nor a sales
        order settled at the till)."""
        return SQL(
            "%s IS NULL AND %s IS NULL",
            SQL.identifier(alias, "refunded_orderline_id"),
            SQL.identifier(alias, "sale_order_origin_id"),
        )

    @api.model
    def _pos_scope_domain(self, scope, start, end):
        """`_scope_order_domain` on `pos.order`: its sales team is
        `crm_team_id`; the salesperson filter is applied in SQL (see
        `_pos_salesperson`)."""
        domain = [("company_id", "in", scope.companies.ids)]
        if scope.teams:
            domain.append(("crm_team_id", "in", scope.teams.ids))
        if start:
            domain.append(("date_order", ">=", start))
        if end:
            domain.append(("date_order", "<", end))
        return domain

    @api.model
    def _order_sources(self, scope, start=None, end=None, domain=()):
        return [
            *super()._order_sources(scope, start, end, domain),
            self._pos_order_source(scope, start, end, domain),
        ]

    @api.model
    def _pos_order_source(self, scope, start, end, domain):
        """The counted POS orders, with the columns of
        `_sale_order_source`: revenue is the untaxed amount of the lines
        that sell, profit their margin where Odoo computed their cost (at
        payment, or at the session's closing for FIFO/AVCO products; 0
        before, as in Odoo's own POS analysis). An order that only refunds
        or settles sales orders is not a purchase."""
        salesperson = self._pos_salesperson()
        users = (
            SQL("%s IN %s", salesperson, tuple(scope.users.ids))
            if scope.users
            else SQL("TRUE")
        )
        return SQL(
            """
            SELECT po.id, 'pos.order'::varchar AS model, po.partner_id,
                   po.company_id, %(salesperson)s AS user_id,
                   po.crm_team_id AS team_id, po.date_order, po.currency_rate,
                   sold.amount AS amount_untaxed, sold.margin, po.pricelist_id
              FROM %(orders)s po
              JOIN LATERAL (
                   SELECT SUM(pl.price_subtotal) AS amount,
                          COALESCE(SUM(pl.price_subtotal - pl.total_cost)
                                   FILTER (WHERE pl.is_total_cost_computed), 0)
                          AS margin
                     FROM pos_order_line pl
                    WHERE pl.order_id = po.id AND %(sold)s
                   ) sold ON sold.amount IS NOT NULL
             WHERE %(users)s
            """,
            salesperson=salesperson,
            sold=self._pos_sold_line(),
            orders=self._counted_pos_orders(
                [*self._pos_scope_domain(scope, start, end), *domain]
            ),
            users=users,
        )

    @api.model
    def _order_line_sources(self):
        return [*super()._order_line_sources(), self._pos_order_line_source()]

    @api.model
    def _pos_order_line_source(self):
        """The POS order lines that sell, with the columns of
        `_sale_order_line_source` (quantities in the product's unit)."""
        return SQL(
            """
            SELECT pl.id, 'pos.order'::varchar AS model, pl.order_id,
                   pl.product_id, pl.qty AS product_uom_qty,
                   tmpl.uom_id AS product_uom, pl.price_unit, pl.discount,
                   pl.price_subtotal, pl.reward_id
              FROM pos_order_line pl
              JOIN product_product variant ON variant.id = pl.product_id
              JOIN product_template tmpl ON tmpl.id = variant.product_tmpl_id
             WHERE %s
            """,
            self._pos_sold_line(),
        )

    @api.model
    def _return_sources(self, date_from=None, date_to=None):
        return [
            *super()._return_sources(date_from, date_to),
            self._pos_refund_return_source(date_from, date_to),
        ]

    @api.model
    def _pos_refund_return_source(self, date_from, date_to):
        """The returns of POS orders: the lines of counted refund orders
        that refund a line of another order, dated by the refund (the day
        it was paid at the till, in the user's time zone), with the columns
        of `_credit_note_return_source`. The cost of the goods that come
        back is their cost when they were sold (none where Odoo had not
        computed it: that sale counted no profit)."""
        domain = []
        if date_from:
            domain.append(("date_order", ">=", utc_start(date_from, self._tz())))
        if date_to:
            end = utc_start(date_to + timedelta(days=1), self._tz())
            domain.append(("date_order", "<", end))
        return SQL(
            """
            SELECT 'pos.order'::varchar AS move_model, refund.id AS move_id,
                   %(day)s AS day, 'pos.order'::varchar AS order_model,
                   refunded.order_id,
                   -rl.price_subtotal::float8 / %(rate)s AS amount,
                   %(cost)s / %(rate)s AS cost
              FROM pos_order_line rl
              JOIN pos_order refund ON refund.id = rl.order_id
              JOIN pos_order_line refunded ON refunded.id = rl.refunded_orderline_id
             WHERE refund.id IN (%(refunds)s)
            """,
            day=self._local_day(SQL("refund.date_order")),
            rate=SQL(
                "CASE COALESCE(refund.currency_rate, 0) WHEN 0 THEN 1.0"
                " ELSE refund.currency_rate::float8 END"
            ),
            cost=SQL(
                "CASE WHEN refunded.is_total_cost_computed AND refunded.qty <> 0"
                " THEN -rl.qty * refunded.total_cost / refunded.qty"
                " ELSE -rl.price_subtotal END::float8"
            ),
            refunds=self._readable(
                "pos.order", [("state", "in", POS_COUNTED_STATES), *domain]
            ),
        )

    @api.model
    def _ledger_order_sources(self):
        return [
            *super()._ledger_order_sources(),
            SQL(
                "SELECT 'pos.order'::varchar AS model, id, company_id"
                " FROM pos_order WHERE id IN (%s)",
                self._readable("pos.order", []),
            ),
        ]

    @api.model
    def _coupon_use_sources(self):
        """The till's reward lines that used a coupon (pos_loyalty)."""
        return [
            *super()._coupon_use_sources(),
            SQL(
                "SELECT 'pos.order'::varchar AS model, order_id, coupon_id"
                " FROM pos_order_line WHERE coupon_id IS NOT NULL"
            ),
        ]
