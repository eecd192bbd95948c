# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import new_test_user, tagged

from .common import PosChannelCommon


@tagged("post_install", "-at_install")
class TestPosCardLookup(PosChannelCommon):
    """A customer is found by the code of their card or coupon, in the back
    office and at the till (the domain the till's search and scanner use)."""

    def _holders(self, code, user=None):
        partners = self.env["res.partner"].with_user(user or self.env.user)
        return partners.search([("customer_rating_instrument_code", "=", code)])

    def test_card_code_finds_its_customer(self):
        card = self.env["loyalty.card"].create(
            {
                "program_id": self.program.id,
                "partner_id": self.tina.id,
                "code": "CRT-1001",
            }
        )
        self.assertEqual(self._holders(card.code), self.tina)
        self.assertFalse(self._holders("CRT-0000"))
        cashier = new_test_user(
            self.env,
            "cr_pos_cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
            company_ids=[self.company.id],
        )
        found = (
            self.env["res.partner"]
            .with_user(cashier)
            .search_read(
                [("customer_rating_instrument_code", "=", card.code)], ["name"]
            )
        )
        self.assertEqual([row["id"] for row in found], self.tina.ids)

    def test_a_replaced_card_finds_no_one(self):
        old = self.env["loyalty.card"].create(
            {
                "program_id": self.program.id,
                "partner_id": self.tina.id,
                "code": "CRT-2001",
            }
        )
        new = self.env["loyalty.card"].create(
            {"program_id": self.program.id, "code": "CRT-2002"}
        )
        old._replace_by(new, "lost")
        new.partner_id = self.tina
        self.assertFalse(self._holders("CRT-2001"))
        self.assertEqual(self._holders("CRT-2002"), self.tina)
