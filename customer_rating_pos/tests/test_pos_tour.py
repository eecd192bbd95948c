# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestPosTour(HttpCase):
    """The till in a real browser (headless Chromium): a customer found by
    scanning their bonus card, and by typing a coupon code."""

    def test_find_customer_by_card_at_the_till(self):
        demo = self.env["customer.rating.pos.demo"]
        config = demo._demo_shop(self.env.company)
        partners = self.env["res.partner"].create(
            [{"name": "CR Scan Sally"}, {"name": "CR Scan Sam"}]
        )
        bonus = self.env.ref("customer_rating.loyalty_program_customer_bonus")
        coupons = self.env["loyalty.program"].create(
            {"name": "CR Scan Coupons", "program_type": "coupons"}
        )
        self.env["loyalty.card"].create(
            [
                {
                    "program_id": bonus.id,
                    "partner_id": partners[0].id,
                    "code": "CRT-3001",
                },
                {
                    "program_id": coupons.id,
                    "partner_id": partners[1].id,
                    "code": "CRT-3002",
                },
            ]
        )
        self.start_tour(
            f"/pos/ui?config_id={config.id}",
            "customer_rating_pos_find_customer_by_card",
            login="admin",
        )
