# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, format_date


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

    # The models a report reads besides those of the order set (see
    # `customer.rating.rules._source_models`), flushed before its query.
    _report_sources = ()

    @api.model
    def _query(self, scope):
        """The INSERT ... SELECT filling the lines of a report whose
        parameters are `scope` (see `customer.rating.rules._report_scope`)."""
        raise NotImplementedError

    @api.model
    def _report_view_mode(self, wizard):
        return "list,pivot,graph"

    @api.model
    def _report_context(self, wizard):
        return {}

    @api.model
    def _report_empty_reason(self, wizard):
        """Why the report of `wizard` may have no line, in plain words."""
        return self.env._(
            "No confirmed orders in this period for the chosen branches, "
            "sales teams and salespeople."
        )

    @api.model
    def _report_help(self, wizard):
        """The help the views show when the report has no line: why, and
        what it was computed on (`wizard` in the context of its branches)."""
        return Markup('<p class="o_view_nocontent_empty_folder">%s</p><p>%s</p>') % (
            self._report_empty_reason(wizard),
            self.env._(
                "%(date_from)s - %(date_to)s, branches: %(branches)s.",
                date_from=format_date(self.env, wizard.date_from),
                date_to=format_date(self.env, wizard.date_to),
                branches=", ".join(wizard._branches().mapped("name")),
            ),
        )

    def _report_xlsx(self, wizard):
        """The Excel file of these lines, as bytes."""
        return self._xlsx_content(wizard._title())

    @api.model
    def _fill(self, scope):
        """Compute the lines of the report of `scope` with one query."""
        self.env["customer.rating.rules"]._flush_sources()
        for model in self._report_sources:
            self.env[model].flush_model()
        # JIT compiling this one-off query costs more than it saves, and the
        # sorts and hashes of a large history fit in a larger work_mem.
        self.env.cr.execute("SET LOCAL jit = off")
        self.env.cr.execute("SET LOCAL work_mem = '64MB'")
        self.env.cr.execute(self._query(scope))
        self.invalidate_model()

    @api.model
    def _standard_values(self, scope):
        return {
            "wizard_id": SQL("%s", scope.wizard_id),
            "company_id": SQL("%s", scope.company.id),
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
