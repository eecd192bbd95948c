# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .ledger_fuzz import LedgerFuzz


@tagged("post_install", "-at_install")
class TestBonusFuzz(TransactionCase):
    def test_random_operations_keep_the_ledger(self):
        """1,000 seeded random operations over two companies (and a branch)
        and several customers, two years and more of clock: the invariant is
        checked after each one (a break fails the test); every kind of
        operation was played at least once."""
        fuzz = LedgerFuzz(self.env, seed=11)
        done, refused = fuzz.run(1000)
        self.assertEqual(done.total() + refused.total(), 1000)
        for operation in (
            "op_quotation",
            "op_confirm",
            "op_cancel",
            "op_reconfirm",
            "op_reward_on_confirmed",
            "op_invoice",
            "op_credit_note",
            "op_credit_note_to_draft",
            "op_repost_credit_note",
            "op_expire",
            "op_replace",
            "op_retier",
            "op_referral",
            "op_update_balance",
        ):
            self.assertGreater(done[operation], 0, operation)
        self.assertTrue(fuzz.cards().history_ids.filtered("points_written_off"))
