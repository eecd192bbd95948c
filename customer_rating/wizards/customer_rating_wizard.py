# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

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
}
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
        default=lambda self: self.env.companies,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
        help="Among the companies selected in the company switcher.",
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

    @api.constrains("top")
    def _check_top(self):
        if any(wizard.top < 0 for wizard in self):
            raise ValidationError(
                self.env._("Top must be a positive number, or 0 for all.")
            )

    def _scope(self):
        """The report's parameters, as the rules layer gives them to the
        report builders."""
        self.ensure_one()
        return self.env["customer.rating.rules"]._report_scope(
            self.date_from,
            self.date_to,
            company=self.company_id,
            companies=self.company_ids,
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
        scope = self._scope()
        if not scope.companies:
            raise UserError(
                self.env._(
                    "Choose at least one branch among the companies you are working in."
                )
            )
        self._report_lines().unlink()
        self._report_model()._fill(scope)
        self.invalidate_recordset(["line_ids"])

    def _title(self):
        return self.env._(
            "%(report)s %(date_from)s - %(date_to)s",
            report=dict(self._fields["report"]._description_selection(self.env))[
                self.report
            ],
            date_from=self.date_from,
            date_to=self.date_to,
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
        }

    def action_print_pdf(self):
        self.report = "rating"
        self._compute_report()
        return self.env.ref("customer_rating.customer_rating_report_pdf").report_action(
            self
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
