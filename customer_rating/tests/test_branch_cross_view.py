# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from collections import defaultdict
from datetime import date

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, new_test_user, tagged

from .common import TODAY, CustomerRatingCommon, post_refund, xlsx_sheet


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestBranchCrossView(CustomerRatingCommon):
    def _expected_cells(self):
        """Net revenue per (customer, branch) of the period, from the orders."""
        cells = defaultdict(float)
        for order in self.period_orders.filtered(lambda o: o.state == "sale"):
            key = (order.partner_id.commercial_partner_id, order.company_id)
            cells[key] += order.amount_untaxed / order.currency_rate
        cells[self.acme, self.main] -= self.refund.amount_untaxed
        return cells

    def _lines(self, wizard):
        return self.env["customer.rating.branch.line"].search(
            [("wizard_id", "=", wizard.id)]
        )

    def test_cells_and_totals(self):
        lines = self._lines(self._run("branches"))
        expected = self._expected_cells()
        cells = defaultdict(float)
        for line in lines:
            cells[line.partner_id, line.branch_id] += line.net_revenue
        self.assertEqual(set(cells), set(expected))
        for key, value in expected.items():
            self.assertAlmostEqual(cells[key], value, places=2, msg=key)
        groups = self.env["customer.rating.branch.line"]._read_group(
            [("id", "in", lines.ids)],
            ["branch_id"],
            ["net_revenue:sum", "customer_count:count_distinct"],
        )
        for branch, net_revenue, customers in groups:
            branch_cells = {k: v for k, v in expected.items() if k[1] == branch}
            self.assertAlmostEqual(net_revenue, sum(branch_cells.values()), places=2)
            self.assertEqual(
                customers, len({customer for customer, _b in branch_cells})
            )

    def test_home_branch(self):
        lines = self._lines(self._run("branches"))
        home = {line.partner_id: line.home_company_id for line in lines}
        self.assertEqual(home[self.acme], self.main)
        self.assertEqual(home[self.carla], self.branch)

    def test_return_where_nothing_was_sold_in_the_period(self):
        """A return in the period of an order bought before it, at a branch
        where the customer bought nothing in the period: a cell of its own,
        returns only, and the home branch stays where they spent."""
        old_order = self._order(self.carla, "2026-02-01 12:00", 3, self.main)
        refund = post_refund(old_order, quantity=1, day="2026-04-01")
        lines = self._lines(self._run("branches")).filtered(
            lambda line: line.partner_id == self.carla
        )
        cell = lines.filtered(lambda line: line.branch_id == self.main)
        self.assertEqual(len(cell), 1)
        self.assertEqual((cell.revenue, cell.order_count), (0, 0))
        self.assertAlmostEqual(cell.returns, refund.amount_untaxed, places=2)
        self.assertAlmostEqual(cell.net_revenue, -refund.amount_untaxed, places=2)
        self.assertEqual(set(lines.home_company_id), {self.branch})

    def test_teams_view_and_excel_matrix(self):
        wizard = self._run("teams")
        action = wizard.action_open()
        self.assertEqual(action["context"]["pivot_column_groupby"], ["team_id"])
        sheet = xlsx_sheet(wizard)
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        header, body, total, distinct = rows[0], rows[1:-2], rows[-2], rows[-1]
        self.assertEqual(header[1:], (self.team.display_name, "Total"))
        expected = self._expected_cells()
        per_customer = defaultdict(float)
        for (customer, _branch), value in expected.items():
            per_customer[customer] += value
        self.assertEqual(len(body), len(per_customer))
        self.assertEqual(body[0][0], self.acme.display_name)  # largest first
        self.assertAlmostEqual(total[-1], sum(expected.values()), places=2)
        self.assertEqual(distinct[-1], len(per_customer))

    def test_every_branch_by_default_whatever_the_switcher_ticks(self):
        """The owner (a sales manager, not a Settings administrator) works in
        the main company with only it ticked in the company switcher: the
        report still has a column per branch, the branches of the current
        company the owner is allowed in; another company the owner is
        allowed in is not among them."""
        other = self.env["res.company"].create({"name": "CR Other Group"})
        owner = new_test_user(
            self.env,
            "cr_owner",
            groups="sales_team.group_sale_manager,base.group_multi_company",
            company_id=self.main.id,
            company_ids=[Command.set((self.main | self.branch | other).ids)],
        )
        switcher = self.env(user=owner, context={"allowed_company_ids": self.main.ids})
        form = Form(
            switcher["customer.rating.wizard"].with_context(default_report="branches")
        )
        form.period = "custom"
        form.date_from = date(2026, 3, 16)
        form.date_to = date(2026, 6, 15)
        form.team_ids.add(self.team)
        wizard = form.save()
        self.assertFalse(wizard.company_ids, "empty: all the branches")
        self.assertEqual(wizard._branches(), self.main | self.branch)
        action = wizard.action_open()
        self.assertIn(self.branch.name, action["help"])
        lines = switcher["customer.rating.branch.line"].search(action["domain"])
        expected = self._expected_cells()
        self.assertEqual(set(lines.branch_id), {branch for _c, branch in expected})
        self.assertIn(self.branch, lines.branch_id)
        cells = defaultdict(float)
        for line in lines:
            cells[line.partner_id, line.branch_id] += line.net_revenue
        for key, value in expected.items():
            self.assertAlmostEqual(cells[key], value, places=2, msg=key)
        wizard.company_id = self.branch
        self.assertEqual(wizard._branches(), self.branch, "the report company's")
        groups = lines.web_read_group(action["domain"], ["net_revenue"], ["branch_id"])
        self.assertIn(
            (self.branch.id, self.branch.display_name),
            [group["branch_id"] for group in groups["groups"]],
        )

    def test_excel_matrix_cell_by_cell(self):
        """The whole matrix, cell by cell, against the lines summed here: a
        line without a team (a column "None"), two lines in one cell, a
        customer without a name of their own (an address, named as the ORM
        names it), and ties on the total ordered by name as Python sorts
        text."""
        wizard = self.env["customer.rating.wizard"].create({"report": "teams"})
        partner = self.env["res.partner"]
        zed, alpha, beta = partner.create(
            [{"name": "CR Zed"}, {"name": "CR alpha"}, {"name": "CR Beta"}]
        )
        address = partner.create({"parent_id": self.acme.id, "type": "invoice"})
        other_team = self.env["crm.team"].create({"name": "CR Export Team"})
        cells = [
            (zed, self.team, 60.0),
            (zed, self.team, 40.0),
            (zed, other_team, -10.0),
            (alpha, self.team, 50.0),
            (beta, self.env["crm.team"], 50.0),
            (address, other_team, 50.0),
        ]
        lines = self.env["customer.rating.branch.line"].create(
            [
                {
                    "wizard_id": wizard.id,
                    "company_id": self.main.id,
                    "partner_id": customer.id,
                    "branch_id": self.main.id,
                    "team_id": team.id,
                    "net_revenue": value,
                }
                for customer, team, value in cells
            ]
        )
        content = lines._xlsx_matrix(
            [("id", "in", lines.ids)],
            "Teams",
            "partner_id",
            "team_id",
            "net_revenue",
            "Customers",
        )
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        teams = sorted(
            {team for _c, team, _v in cells}, key=lambda t: t.display_name or ""
        )
        sums = defaultdict(float)
        for customer, team, value in cells:
            sums[customer, team] += value
        totals = defaultdict(float)
        for (customer, _team), value in sums.items():
            totals[customer] += value
        customers = sorted(totals, key=lambda c: (-totals[c], c.display_name))
        expected = [
            ("Partner", *(t.display_name if t else "None" for t in teams), "Total"),
            *(
                (
                    customer.display_name,
                    *(sums.get((customer, team)) for team in teams),
                    totals[customer],
                )
                for customer in customers
            ),
            (
                "Total",
                *(sum(v for (_c, t), v in sums.items() if t == team) for team in teams),
                sum(totals.values()),
            ),
            (
                "Customers",
                *(len([1 for (_c, t) in sums if t == team]) for team in teams),
                len(customers),
            ),
        ]
        self.assertEqual(
            [c.display_name for c in customers],
            ["CR Zed", "CR Acme, Invoice Address", "CR Beta", "CR alpha"],
        )
        self.assertEqual(rows[0][0], lines._fields["partner_id"].string)
        self.assertEqual(rows[1:], expected[1:])
        self.assertEqual(rows[0][1:], expected[0][1:])
