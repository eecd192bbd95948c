# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2.errors import LockNotAvailable

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestBonusConcurrency(TransactionCase):
    """Two transactions redeem 100 points each on a card holding 150: the
    second one waits for the first (here: gives up waiting), and once the
    first one committed it sees 55 points (150 - 100 + 5 earned) and is
    refused."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            program = env.ref("customer_rating.loyalty_program_customer_bonus")
            partner = env["res.partner"].create({"name": "CR Concurrent Customer"})
            product = env["product.product"].create(
                # a service: no delivery to clean up where Inventory is installed
                {
                    "name": "CR Concurrent Item",
                    "type": "service",
                    "list_price": 10.0,
                    "taxes_id": False,
                }
            )
            card = env["loyalty.card"]._bonus_cards_for(program, partner)[partner]
            env["loyalty.history"].create(
                {"card_id": card.id, "issued": 150.0, "description": "Welcome"}
            )
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "order_line": [
                            Command.create(
                                {"product_id": product.id, "product_uom_qty": 1}
                            )
                        ],
                    }
                    for _ in range(2)
                ]
            )
            for order in orders:
                order._apply_program_reward(program.reward_ids[0], card)
            self.ids = {
                "card": card.id,
                "orders": tuple(orders.ids),
                "partner": partner.id,
                "template": product.product_tmpl_id.id,
            }
        self.addCleanup(self._delete_committed_data)

    def _delete_committed_data(self):
        with self.registry.cursor() as cr:
            for statement in (
                "DELETE FROM sale_order WHERE id IN %(orders)s",
                "DELETE FROM loyalty_card WHERE id = %(card)s",
                "DELETE FROM product_template WHERE id = %(template)s",
                "DELETE FROM res_partner WHERE id = %(partner)s",
            ):
                cr.execute(statement, self.ids)

    def _confirm(self, cr, order_index):
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["sale.order"].browse(self.ids["orders"][order_index]).action_confirm()

    def test_two_transactions_cannot_spend_the_same_points(self):
        with self.registry.cursor() as first:
            self._confirm(first, 0)
            with self.registry.cursor() as second:
                second.execute("SET LOCAL lock_timeout = '300ms'")
                with mute_logger("odoo.sql_db"), self.assertRaises(LockNotAvailable):
                    self._confirm(second, 1)
                second.rollback()
        # the first transaction committed; Odoo retries the second one
        with self.registry.cursor() as retry:
            with self.assertRaisesRegex(UserError, "holds 55.0 points"):
                self._confirm(retry, 1)
            retry.rollback()
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT points FROM loyalty_card WHERE id = %s", [self.ids["card"]]
            )
            self.assertEqual(cr.fetchone()[0], 50.0 + 5.0, "150 - 100 + 5 earned")
