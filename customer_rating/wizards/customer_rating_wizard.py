# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date, formatLang

from ..models.customer_rating_rules import GAP_THRESHOLD

REPORTS = [
    ("rating", "Customer rating"),
    ("branches", "Customers x branches"),
    ("teams", "Customers x sales teams"),
    ("buyers", "Buyers of products"),
    ("discounts", "Discounts"),
    ("gaps", "Cross-sell gaps"),
    ("bonus", "Bonus points"),
    ("lost", "Lost customers"),
    ("churn", "Churn reasons"),
    ("retention", "Retention per salesperson"),
    ("visits", "Visit patterns"),
    ("marketing", "Acquisition sources and referrals"),
    ("staff", "Staff performance"),
]
REPORT_MODELS = {
    "rating": "customer.rating.line",
    "branches": "customer.rating.branch.line",
    "teams": "customer.rating.branch.line",
    "buyers": "customer.rating.buyer.line",
    "discounts": "customer.rating.discount.line",
    "gaps": "customer.rating.gap.line",
    "bonus": "customer.rating.bonus.line",
    "lost": "customer.rating.lost.line",
    "churn": "customer.rating.churn.line",
    "retention": "customer.rating.retention.line",
    "visits": "customer.rating.visit.line",
    "marketing": "customer.rating.marketing.line",
    "staff": "customer.rating.staff.line",
}
# The largest "top N": more than any customer base, well within a database
# integer (a larger number would be refused by PostgreSQL, unexplained).
TOP_MAX = 1_000_000
# The printed rating lists at most this many customers, the first by rank
# (about 25 pages); its totals are those of every customer rated, and the
# Excel export lists them all.
PDF_MAX_LINES = 1000
PERIODS = [
    ("this_month", "This month"),
    ("last_month", "Last month"),
    ("last_quarter", "Last quarter"),
    ("last_12_months", "Last 12 months"),
    ("custom", "Custom"),
]


class CustomerRatingWizard(models.TransientModel):
    _name = "customer.rating.wizard"
    _description = "Customer Rating: period and filters"

    report = fields.Selection(REPORTS, default="rating", required=True)
    period = fields.Selection(PERIODS, default="last_12_months", required=True)
    date_from = fields.Date(
        compute="_compute_dates",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    date_to = fields.Date(
        compute="_compute_dates",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    company_id = fields.Many2one(
        "res.company",
        "Report Company",
        required=True,
        default=lambda self: self.env.company,
        help="Amounts are shown in its currency.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    company_ids = fields.Many2many(
        "res.company",
        string="Branches",
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
        help="Empty: the report company and all its branches you are allowed "
        "in, whatever the company switcher ticks.",
    )
    team_ids = fields.Many2many("crm.team", string="Sales Teams")
    user_ids = fields.Many2many(
        "res.users", string="Salespeople", domain=[("share", "=", False)]
    )
    product_ids = fields.Many2many("product.product", string="Products")
    categ_ids = fields.Many2many("product.category", string="Product Categories")
    gap_threshold = fields.Float(
        "Usually Bought By (%)",
        default=GAP_THRESHOLD,
        help="A category is a gap for a customer who never bought it when at least "
        "this share of the customers of the same segment bought it in the period.",
    )
    measure = fields.Selection(
        [
            ("revenue", "Net revenue"),
            ("profit", "Profit"),
            ("orders", "Number of orders"),
        ],
        "Rank By",
        default="revenue",
        required=True,
    )
    top = fields.Integer(help="Show the first N customers only; 0 shows all.")
    line_ids = fields.One2many("customer.rating.line", "wizard_id")

    def _branches(self):
        """The branches of the report: those chosen, else the report
        company (by default the current one) and all its branches the user
        is allowed in, so that an owner's report covers every branch, not
        only those ticked in the company switcher. (Left empty rather than
        filled by default: the form could not show the names of companies
        left out of the switcher, Odoo's company rule hides them.)"""
        self.ensure_one()
        if self.company_ids:
            return self.company_ids
        # sudo: reads the place in the company tree of the report company
        # and of the companies the user is allowed in, which the company
        # rule hides when unticked in the switcher
        prefix = self.company_id.sudo().parent_path
        return (
            self.env.user.company_ids.sudo()
            .filtered(lambda company: company.parent_path.startswith(prefix))
            .sudo(False)
        )

    def _with_branches(self):
        """This wizard in a context whose allowed companies are its report
        company and branches (those the user is allowed in): the record
        rules and the rules layer read the companies of the context, which
        otherwise are only those ticked in the company switcher."""
        self.ensure_one()
        allowed = (self.company_id | self._branches()) & self.env.user.company_ids
        if not allowed:
            return self
        return self.with_context(allowed_company_ids=allowed.ids)

    @api.depends("period")
    def _compute_dates(self):
        rules = self.env["customer.rating.rules"]
        today = rules._today()
        for wizard in self:
            if wizard.period == "custom" and wizard.date_from and wizard.date_to:
                # a custom period keeps the dates the user typed
                wizard.date_from, wizard.date_to = wizard.date_from, wizard.date_to
            else:
                period = "this_month" if wizard.period == "custom" else wizard.period
                wizard.date_from, wizard.date_to = rules._period_dates(period, today)

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(self.env._("The period ends before it starts."))

    @api.constrains("gap_threshold")
    def _check_gap_threshold(self):
        if any(not 0 < wizard.gap_threshold <= 100 for wizard in self):
            raise ValidationError(self.env._("The share must be between 0 and 100%."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_top_value(vals.get("top"))
        return super().create(vals_list)

    def write(self, vals):
        self._check_top_value(vals.get("top"))
        return super().write(vals)

    def unlink(self):
        """Delete the wizards' lines too: the lines' tables have no foreign
        key to cascade the deletion (see the report mixin's `init`)."""
        for model in set(REPORT_MODELS.values()):
            self.env[model]._unlink_wizard_lines(self)
        return super().unlink()

    @api.model
    def _check_top_value(self, top):
        """Top N is 0 (all customers) or a number of customers up to
        TOP_MAX; checked before the database sees it, which would refuse a
        number beyond its integers with a raw error."""
        if top and not 0 <= top <= TOP_MAX:
            highest = format(TOP_MAX, ",")
            raise ValidationError(
                self.env._(
                    "Top must be a number of customers between 1 and %(max)s, "
                    "or 0 for all.",
                    max=highest,
                )
            )

    @api.constrains("top")
    def _check_top(self):
        for wizard in self:
            self._check_top_value(wizard.top)

    def _scope(self):
        """The report's parameters, as the rules layer gives them to the
        report builders."""
        self.ensure_one()
        return self.env["customer.rating.rules"]._report_scope(
            self.date_from,
            self.date_to,
            company=self.company_id,
            companies=self._branches(),
            teams=self.team_ids,
            users=self.user_ids,
            products=self.product_ids,
            categories=self.categ_ids,
            measure=self.measure,
            top=self.top,
            gap_threshold=self.gap_threshold,
            wizard_id=self.id,
        )

    def _report_model(self):
        return self.env[REPORT_MODELS[self.report]]

    def _report_lines(self):
        return self._report_model().search([("wizard_id", "=", self.id)])

    def _compute_report(self):
        """(Re)compute the lines of the chosen report."""
        self.ensure_one()
        wizard = self._with_branches()
        scope = wizard._scope()
        if not scope.companies:
            raise UserError(
                self.env._(
                    "Choose at least one branch among the companies you are allowed in."
                )
            )
        # Whether the report may read on the replica, asked before the
        # previous lines are deleted (see `_replica_usable`).
        replica = wizard._report_model()._replica_usable()
        wizard._report_model()._unlink_wizard_lines(wizard)
        wizard._report_model()._fill(scope, replica=replica)
        self.invalidate_recordset(["line_ids"])

    def _title(self):
        return self.env._(
            "%(report)s %(date_from)s - %(date_to)s",
            report=dict(self._fields["report"]._description_selection(self.env))[
                self.report
            ],
            date_from=format_date(self.env, self.date_from),
            date_to=format_date(self.env, self.date_to),
        )

    def action_open(self):
        self._compute_report()
        model = self._report_model()
        return {
            "type": "ir.actions.act_window",
            "name": self._title(),
            "res_model": model._name,
            "view_mode": model._report_view_mode(self),
            "domain": [("wizard_id", "=", self.id)],
            "context": model._report_context(self),
            "help": model._report_help(self._with_branches()),
        }

    def action_print_pdf(self):
        self.report = "rating"
        self._compute_report()
        return self.env.ref("customer_rating.customer_rating_report_pdf").report_action(
            self
        )

    def _pdf_lines(self):
        """The rating lines the PDF lists: the first `PDF_MAX_LINES` by
        rank."""
        self.ensure_one()
        return self.env["customer.rating.line"].search(
            [("wizard_id", "=", self.id)], limit=PDF_MAX_LINES
        )

    def _pdf_totals(self):
        """The PDF's totals, of every line of the rating (not only those
        listed): customers, net revenue, profit, orders and share."""
        self.ensure_one()
        [totals] = self.env["customer.rating.line"]._read_group(
            [("wizard_id", "=", self.id)],
            aggregates=[
                "__count",
                "net_revenue:sum",
                "profit:sum",
                "order_count:sum",
                "share:sum",
            ],
        )
        names = ("customers", "net_revenue", "profit", "order_count", "share")
        return {name: value or 0 for name, value in zip(names, totals, strict=True)}

    def _pdf_note(self, listed, customers):
        """The PDF's note when it lists only the first `listed` of the
        `customers` rated."""
        return self.env._(
            "The first %(listed)s of %(customers)s customers by rank; the totals "
            "are those of all, and the Excel export lists them all.",
            listed=formatLang(self.env, listed, digits=0),
            customers=formatLang(self.env, customers, digits=0),
        )

    def action_export_xlsx(self):
        """Compute the report and download it as an Excel file, streamed by
        the controller (`/customer_rating/xlsx/<wizard id>`): nothing is
        stored, no attachment is left behind."""
        self._compute_report()
        return {
            "type": "ir.actions.act_url",
            "url": f"/customer_rating/xlsx/{self.id}",
            "target": "self",
        }

    def _xlsx_file(self):
        """(file name, workbook bytes) of the computed lines of this report."""
        self.ensure_one()
        lines = self._report_lines()
        filename = f"{self.report}_{self.date_from}_{self.date_to}.xlsx"
        return filename, lines._report_xlsx(self)

    def action_open_heat_map(self):
        """Compute the visit patterns and show them as a heat map per branch
        (weekday x hour), the client action `customer_rating_visit_heat_map`."""
        self.ensure_one()
        self.report = "visits"
        self._compute_report()
        return {
            "type": "ir.actions.client",
            "tag": "customer_rating_visit_heat_map",
            "name": self._title(),
            "params": {"wizard_id": self.id},
        }

    def action_open_visit_pivot(self):
        """The computed visit patterns as a pivot (from the heat map)."""
        self.ensure_one()
        model = self._report_model()
        return {
            "type": "ir.actions.act_window",
            "name": self._title(),
            "res_model": model._name,
            "views": [(False, mode) for mode in ("pivot", "list", "graph")],
            "domain": [("wizard_id", "=", self.id)],
            "context": model._report_context(self),
        }

    def get_heat_map_data(self):
        """The computed visit patterns of this run: per branch, a row per
        weekday (Monday first) of 24 cells (hours), each with its orders and
        revenue; and the largest cell, which the colour scale ends at."""
        self.ensure_one()
        lines = self._report_lines()
        branches = {}
        for line in lines:
            branch = branches.setdefault(
                line.branch_id.id,
                {
                    "id": line.branch_id.id,
                    "name": line.branch_id.name,
                    "cells": [
                        [{"orders": 0, "revenue": 0.0} for _hour in range(24)]
                        for _day in range(7)
                    ],
                    "orders": 0,
                    "revenue": 0.0,
                },
            )
            cell = branch["cells"][int(line.weekday) - 1][int(line.hour)]
            cell["orders"] += line.order_count
            cell["revenue"] += line.revenue
            branch["orders"] += line.order_count
            branch["revenue"] += line.revenue
        weekdays = dict(
            self.env["customer.rating.visit.line"]
            ._fields["weekday"]
            ._description_selection(self.env)
        )
        cells = [cell for b in branches.values() for day in b["cells"] for cell in day]
        return {
            "title": self._title(),
            "currency_id": self.currency_id.id,
            "weekdays": [weekdays[str(day)] for day in range(1, 8)],
            "branches": sorted(branches.values(), key=lambda b: b["name"]),
            "max_orders": max((cell["orders"] for cell in cells), default=0),
            "max_revenue": max((cell["revenue"] for cell in cells), default=0.0),
        }
