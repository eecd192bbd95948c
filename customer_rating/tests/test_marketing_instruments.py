# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import re

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import BonusCommon, post_refund


@tagged("post_install", "-at_install")
class TestMarketingInstruments(BonusCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.bonus_points_rate = 1.0
        cls.printed = cls.env["loyalty.card"].create(
            [
                {"program_id": cls.program.id, "code": code}
                for code in ("5901234123457", "4006381333931", "CR-CARD-0001")
            ]
        )
        coupons = cls.env["loyalty.program"].create(
            {"name": "CR Coupons", "program_type": "coupons"}
        )
        cls.coupon = cls.env["loyalty.card"].create(
            {"program_id": coupons.id, "code": "CR-COUPON-1"}
        )

    def _assign(self, code, partner=None):
        wizard = Form(
            self.env["customer.rating.instrument.assign"].with_context(
                default_partner_id=(partner or self.customer).id
            )
        )
        wizard.code = code
        return wizard.save().action_assign()

    def _replace(self, card, reason="lost", new_code=None):
        wizard = Form(
            self.env["customer.rating.instrument.replace"].with_context(
                default_card_id=card.id
            )
        )
        wizard.reason = reason
        if new_code:
            wizard.new_code = new_code
        action = wizard.save().action_replace()
        return self.env["loyalty.card"].browse(action["res_id"])

    def test_barcode_validation(self):
        with self.assertRaisesRegex(ValidationError, "check digit should be 7"):
            self.env["loyalty.card"].create(
                {"program_id": self.program.id, "code": "5901234123458"}
            )
        with self.assertRaisesRegex(ValidationError, "cannot be printed"):
            self.env["loyalty.card"].create(
                {"program_id": self.program.id, "code": "CARTE-Ñ"}
            )
        ean, _other, code128 = self.printed
        self.assertEqual(ean.barcode_type, "ean13")
        self.assertEqual(code128.barcode_type, "code128")
        for card in (ean, code128):
            png = base64.b64decode(card.barcode_image)
            self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")

    def test_assign_by_scanning(self):
        self._assign(" 5901234123457 ")
        self.assertEqual(self.printed[0].partner_id, self.customer)
        self.assertIn(self.printed[0], self.customer.customer_rating_instrument_ids)
        self._assign("CR-COUPON-1", partner=self.buyer)
        self.assertEqual(self.coupon.partner_id, self.customer, "to the company")
        with self.assertRaisesRegex(UserError, "already holds the Customer Bonus"):
            self._assign("CR-CARD-0001")

    def test_assign_errors(self):
        with self.assertRaisesRegex(UserError, "No marketing instrument has the code"):
            self._assign("4006381333948")
        with self.assertRaisesRegex(ValidationError, "check digit"):
            self._assign("4006381333932")
        self._assign("4006381333931")
        with self.assertRaisesRegex(UserError, "already holds"):
            self._assign("4006381333931")
        other = self.env["res.partner"].create({"name": "CR Someone Else"})
        with self.assertRaisesRegex(UserError, "already belongs to CR Bonus Co"):
            self._assign("4006381333931", partner=other)

    def test_replacement_moves_the_balance_and_blocks_the_old_code(self):
        self._assign("5901234123457")
        old = self.printed[0]
        self._confirmed(self.buyer, 3)  # earns on the customer's card
        self.assertEqual(self._card(), old, "the assigned card is the bonus card")
        self.assertEqual(old.points, 300.0)
        earned = self._ledger(old).filtered(lambda h: h.bonus_move_type == "earn")
        new = self._replace(old, "damaged", new_code="CR-CARD-0001")
        self.assertEqual(new, self.printed[2])
        self.assertTrue(old.is_blocked)
        self.assertFalse(old.active)
        self.assertEqual(old.blocked_reason, "damaged")
        self.assertEqual((old.points, new.points), (0.0, 300.0))
        self.assertEqual(new.partner_id, self.customer)
        self.assertEqual((old.replaced_by_id, new.replaces_id), (new, old))
        moved_out = self._ledger(old)[-1]
        moved_in = self._ledger(new)
        self.assertEqual(
            (moved_out.bonus_move_type, moved_out.used), ("transfer", 300.0)
        )
        self.assertEqual(moved_in.mapped("issued"), [300.0])
        self.assertEqual(moved_in.expiration_date, earned.expiration_date)
        self._assert_balance_is_ledger(old)
        self._assert_balance_is_ledger(new)
        self.assertIn(old, self.customer.customer_rating_instrument_ids)
        with self.assertRaisesRegex(UserError, "blocked"):
            self._assign("5901234123457")
        self._confirmed(self.buyer, 1)
        self.assertEqual(new.points, 400.0, "the new card earns from now on")

    def test_a_refund_after_a_replacement_takes_from_the_new_card(self):
        order = self._confirmed(self.buyer, 4)
        old = self._card()
        new = self._replace(old)
        post_refund(order, 1)
        self.assertEqual((old.points, new.points), (0.0, 300.0))
        self.assertEqual(self._ledger(new)[-1].issued, -100.0)
        order._bonus_sync_ledger()
        self.assertEqual(len(self._ledger(new)), 2, "nothing written twice")

    def test_replacement_with_a_new_code(self):
        self._confirmed(self.buyer, 2)
        old = self._card()
        new = self._replace(old)
        self.assertNotEqual(new.code, old.code)
        self.assertEqual(new.points, 200.0)
        with self.assertRaisesRegex(UserError, "already blocked"):
            self._replace(old)

    def test_a_replacement_is_one_movement_in_the_ledger(self):
        self._confirmed(self.buyer, 2)
        self._confirmed(self.buyer, 1)
        old = self._card()
        new = self._replace(old)
        lots = self._ledger(new)
        self.assertEqual(len(lots), 2, "one line per lot")
        action = self.env.ref("customer_rating.loyalty_history_action_bonus_ledger")
        groups = self.env["loyalty.history"]._read_group(
            [*safe_eval(action.domain), ("card_id", "=", new.id)],
            ["description"],
            ["issued:sum", "__count"],
        )
        self.assertEqual(groups, [(f"Replaces {old.code}", 300.0, 2)])

    def test_a_salesperson_assigns_and_replaces(self):
        salesman = new_test_user(
            self.env,
            login="cr_instrument_salesman",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        self.env = self.env(user=salesman)
        self._assign("5901234123457")
        new = self._replace(self.printed[0].with_user(salesman))
        self.assertEqual(new.partner_id, self.customer)
        self.assertTrue(self.printed[0].is_blocked)

    def test_a_used_instrument_cannot_replace(self):
        self._confirmed(self.buyer, 2)
        self._assign(
            "4006381333931",
            partner=self.env["res.partner"].create({"name": "CR Holder"}),
        )
        with self.assertRaisesRegex(UserError, "unused, empty and nobody's"):
            self._replace(self._card(), new_code="4006381333931")

    def test_blank_and_blocked_codes_say_so(self):
        with self.assertRaisesRegex(UserError, "Type or scan the instrument's code"):
            self._assign("   ")
        self._confirmed(self.buyer, 2)
        old = self._card()
        self._replace(old, new_code="CR-CARD-0001")
        other = self._confirmed(self.env["res.partner"].create({"name": "CR Other"}), 1)
        card = self._card(other.partner_id)
        with self.assertRaisesRegex(
            UserError,
            rf"The instrument {re.escape(old.code)} is blocked since .*cannot",
        ):
            self._replace(card, new_code=old.code)

    def test_printable_card(self):
        self._assign("5901234123457")
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "customer_rating.report_instrument_card", self.printed[0].ids
        )
        self.assertIn(b"5901234123457", html)
        self.assertIn(b"data:image/png;base64,", html)
