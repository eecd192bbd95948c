# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import BonusCommon, xlsx_sheet


@tagged("post_install", "-at_install")
class TestBonusReport(BonusCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.branch = cls.env["res.company"].create(
            {"name": "CR Bonus Branch", "parent_id": cls.company.id}
        )
        cls.env.user.company_ids |= cls.branch
        cls.env = cls.env(
            context=dict(
                cls.env.context, allowed_company_ids=(cls.company | cls.branch).ids
            )
        )
        cls.today = fields.Date.context_today(cls.env.user)

    def _lines(self, wizard):
        return self.env["customer.rating.bonus.line"].search(
            [("wizard_id", "=", wizard.id)]
        )

    def _report(self):
        wizard = self.env["customer.rating.wizard"].create(
            {
                "report": "bonus",
                "period": "custom",
                "date_from": self.today - timedelta(days=30),
                "date_to": self.today,
            }
        )
        wizard.action_open()
        return wizard

    def test_issued_used_expired_and_balance_per_branch(self):
        self._confirmed(self.buyer, 10)
        self._confirmed(self.other_buyer, 2, company=self.branch)
        card = self._card()
        history = self.env["loyalty.history"]
        history.create(
            {
                "card_id": card.id,
                "issued": 500.0,
                "date": self.today - timedelta(days=400),
                "description": "Old points",
            }
        )
        history.create(
            {
                "card_id": card.id,
                "used": 50.0,
                "date": self.today - timedelta(days=5),
                "description": "Gift",
            }
        )
        self.env["loyalty.card"]._cron_expire_bonus_points()
        wizard = self._report()
        lines = {
            line.branch_id: line
            for line in self._lines(wizard)
            if line.partner_id == self.customer
        }
        self.assertEqual(set(lines), {self.company, self.branch})
        main, branch = lines[self.company], lines[self.branch]
        # main: 1000 earned; 50 used; the old 500 expire less the 50 used first
        self.assertEqual(
            (main.issued, main.used, main.expired, main.balance),
            (1000.0, 50.0, 450.0, 1000.0),
        )
        self.assertEqual((branch.issued, branch.balance), (200.0, 200.0))
        self.assertEqual(main.balance + branch.balance, card.points)

        sheet = xlsx_sheet(wizard)
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        self.assertEqual(
            rows[0][3:], ("Issued", "Used", "Expired", "Written Off", "Net Points")
        )
        ours = [row for row in rows if row[0] == self.customer.display_name]
        self.assertEqual(
            sorted(row[3:] for row in ours),
            [(200.0, 0, 0, 0, 200.0), (1000.0, 50.0, 450.0, 0, 1000.0)],
        )
        lines = self._lines(wizard)
        fields = ("issued", "used", "expired", "written_off", "balance")
        for total, field in zip(rows[-1][3:], fields, strict=True):
            self.assertAlmostEqual(total, sum(lines.mapped(field)), places=2)

    def test_rating_shows_tier_and_bonus_balance(self):
        self._confirmed(self.buyer, 25)
        self.env["customer.rating.tier"]._retier(self.company)
        wizard = self.env["customer.rating.wizard"].create(
            {
                "period": "custom",
                "date_from": self.today - timedelta(days=30),
                "date_to": self.today,
            }
        )
        wizard.action_open()
        line = wizard.line_ids.filtered(lambda line: line.partner_id == self.customer)
        self.assertEqual(
            line.tier_id, self.env.ref("customer_rating.customer_rating_tier_silver")
        )
        self.assertEqual(line.bonus_balance, 2500.0)


@tagged("post_install", "-at_install")
class TestBonusCompanies(BonusCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["res.company"].create({"name": "CR Bonus Other Co"})
        cls.env.user.company_ids |= cls.other
        cls.other_program = cls.env["loyalty.program"].create(
            {
                "name": "CR Other Bonus",
                "program_type": "loyalty",
                "company_id": cls.other.id,
                "is_customer_bonus": True,
                "bonus_points_rate": 2.0,
                "rule_ids": [Command.clear()],
                "reward_ids": [
                    Command.create({"reward_type": "discount", "required_points": 10})
                ],
            }
        )

    def test_each_company_has_its_own_card(self):
        self._confirmed(self.buyer, 1)
        self._confirmed(self.buyer, 1, company=self.other)
        card, other_card = self._card(), self._card(program=self.other_program)
        self.assertEqual(card.points, 100.0)
        self.assertEqual(other_card.points, 200.0)
        self.assertEqual(other_card.company_id, self.other)

    def test_a_user_of_another_company_cannot_read_the_card(self):
        self._confirmed(self.buyer, 1)
        card = self._card()
        user = new_test_user(
            self.env,
            login="cr_bonus_other_user",
            groups="sales_team.group_sale_salesman",
            company_id=self.other.id,
            company_ids=[Command.set(self.other.ids)],
        )
        with self.assertRaises(AccessError):
            card.with_user(user).check_access("read")
        self.assertFalse(self.customer.with_user(user).customer_rating_bonus_balance)

    def test_one_bonus_program_per_company(self):
        with self.assertRaises(ValidationError):
            self.other_program.copy()
