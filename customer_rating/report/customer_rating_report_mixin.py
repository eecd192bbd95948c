# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class CustomerRatingReportMixin(models.AbstractModel):
    """What the report lines share: they belong to a run of the period
    wizard, are filled by one INSERT ... SELECT (`_query`), and their SQL
    starts from the same counted orders, filtered the same way."""

    _name = "customer.rating.report.mixin"
    _description = "Customer Rating report lines"
    _inherit = "customer.rating.xlsx.mixin"

    wizard_id = fields.Many2one(
        "customer.rating.wizard", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")

    # The models the reports read, flushed before every query.
    _report_sources = (
        "sale.order",
        "sale.order.line",
        "res.partner",
        "account.move",
        "account.move.line",
        "product.product",
        "product.template",
        "product.pricelist.item",
        "loyalty.card",
    )

    @api.model
    def _query(self, wizard):
        """The INSERT ... SELECT filling the lines of `wizard`."""
        raise NotImplementedError

    @api.model
    def _report_view_mode(self, wizard):
        return "list,pivot,graph"

    @api.model
    def _report_context(self, wizard):
        return {}

    def _report_xlsx(self, wizard):
        """The Excel file of these lines, as bytes."""
        return self._xlsx_content(wizard._title())

    @api.model
    def _fill(self, wizard):
        """Compute the lines of `wizard` with one query."""
        for model in self._report_sources:
            self.env[model].flush_model()
        # JIT compiling this one-off query costs more than it saves, and the
        # sorts and hashes of a large history fit in a larger work_mem.
        self.env.cr.execute("SET LOCAL jit = off")
        self.env.cr.execute("SET LOCAL work_mem = '64MB'")
        self.env.cr.execute(self._query(wizard))
        self.invalidate_model()
        wizard.invalidate_recordset(["line_ids"])

    @api.model
    def _standard_values(self, wizard):
        return {
            "wizard_id": SQL("%s", wizard.id),
            "company_id": SQL("%s", wizard.company_id.id),
            "create_uid": SQL("%s", self.env.uid),
            "write_uid": SQL("%s", self.env.uid),
            "create_date": SQL("now() at time zone 'UTC'"),
            "write_date": SQL("now() at time zone 'UTC'"),
        }

    @api.model
    def _insert(self, ctes, values, from_clause):
        """INSERT INTO this model's table: `ctes` (name: SQL query) for the
        WITH clause, `values` (column: SQL expression) selected `from_clause`
        (an SQL fragment starting with FROM)."""
        return SQL(
            "INSERT INTO %s (%s) %s SELECT %s %s",
            SQL.identifier(self._table),
            SQL(", ").join(SQL.identifier(name) for name in values),
            self._with(ctes),
            SQL(", ").join(values.values()),
            from_clause,
        )

    @api.model
    def _with(self, ctes):
        """The WITH clause of `ctes` (name: SQL query), if any."""
        if not ctes:
            return SQL()
        return SQL(
            "WITH %s",
            SQL(", ").join(
                SQL("%s AS (%s)", SQL.identifier(name), query)
                for name, query in ctes.items()
            ),
        )

    @api.model
    def _order_filter(self, wizard, rules):
        """Counted orders of the chosen branches, teams and salespeople."""
        conditions = [
            rules._counted_order(),
            SQL("o.company_id IN %s", tuple(wizard._effective_companies().ids)),
        ]
        if wizard.team_ids:
            conditions.append(SQL("o.team_id IN %s", tuple(wizard.team_ids.ids)))
        if wizard.user_ids:
            conditions.append(SQL("o.user_id IN %s", tuple(wizard.user_ids.ids)))
        return SQL(" AND ").join(conditions)

    @api.model
    def _currency_join(self, wizard, rules):
        return SQL(
            "JOIN %s ON account_currency_table.company_id = o.company_id",
            rules._currency_table(wizard._effective_companies(), wizard.company_id),
        )

    @api.model
    def _orders_from(self, wizard, rules, start, end):
        """FROM and WHERE of the counted orders (alias `o`, customer `p`)
        dated from `start` (None: all history) to before `end`."""
        since = SQL("o.date_order >= %s", start) if start else SQL("TRUE")
        return SQL(
            """
              FROM sale_order o
              JOIN res_partner p ON p.id = o.partner_id
              %(currency_join)s
             WHERE %(filter)s AND %(since)s AND o.date_order < %(end)s
            """,
            currency_join=self._currency_join(wizard, rules),
            filter=self._order_filter(wizard, rules),
            since=since,
            end=end,
        )

    @api.model
    def _returns_from(self, wizard, rules, date_from, date_to):
        """FROM and WHERE of the returns (aliases `aml`, `am`, and `l`, `o`,
        `p` for the order line, order and customer they return) dated by
        their credit note between `date_from` and `date_to`."""
        return SQL(
            """
              FROM %(return_lines)s
              %(currency_join)s
             WHERE %(posted_return)s AND %(filter)s
               AND am.invoice_date >= %(date_from)s AND am.invoice_date <= %(date_to)s
            """,
            currency_join=self._currency_join(wizard, rules),
            return_lines=rules._return_lines(),
            posted_return=rules._posted_return(),
            filter=self._order_filter(wizard, rules),
            date_from=date_from,
            date_to=date_to,
        )
