# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from odoo.addons.customer_rating.tests.ledger_fuzz import LedgerFuzz


class MixedChannelFuzz(LedgerFuzz):
    """The ledger fuzz of customer_rating with a shop of the main company:
    counter sales (some paying a reward with the customer's points, the till
    then sending its history lines as pos_loyalty does) and refunds at the
    till, mixed with the sales orders' operations."""

    def _setup(self, env):
        env = super()._setup(env)
        self.demo = env["customer.rating.pos.demo"]
        self.session = self.demo._demo_open_session(self.demo._demo_shop(self.main))
        self.product.available_in_pos = True
        self.counter_orders = env["pos.order"]
        return env

    def operations(self):
        return [
            *super().operations(),
            (self.op_counter_sale, 6),
            (self.op_counter_refund, 2),
        ]

    def op_counter_sale(self):
        buyer = self._pick(self.buyers)
        lines = [(self.product, self.rng.randint(1, 5))]
        card = self._card_of_buyer(buyer)
        if card and self.rng.random() < 0.4:
            reward = card.program_id.reward_ids
            lines.append(
                (
                    reward.discount_line_product_id,
                    1,
                    {
                        "price_unit": -5.0,
                        "is_reward_line": True,
                        "reward_id": reward.id,
                        "coupon_id": card.id,
                        "points_cost": reward.required_points,
                    },
                )
            )
        order = self.demo._demo_sell(self.session, buyer, lines, self.now)
        self.counter_orders |= order
        if card:
            spent = sum(order.lines.mapped("points_cost"))
            order.add_loyalty_history_lines(
                [{"card_id": card.id, "won": spent + 1.0, "spent": spent}], []
            )

    def op_counter_refund(self):
        lines = self.counter_orders.lines.filtered(
            lambda line: line.qty > 0 and line.refunded_qty < line.qty
        )
        line = self._pick(lines)
        if line:
            left = int(line.qty - line.refunded_qty)
            self.demo._demo_refund(line, self.now, qty=self.rng.randint(1, left))

    def _card_of_buyer(self, buyer):
        program = self.programs.filtered(lambda p: p.company_id == self.main)
        return self.env["loyalty.card"].search(
            [
                ("program_id", "=", program.id),
                ("partner_id", "=", buyer.commercial_partner_id.id),
                ("points", ">=", program.reward_ids.required_points),
            ]
        )


@tagged("post_install", "-at_install")
class TestPosBonusFuzz(TransactionCase):
    def test_random_mixed_channel_operations_keep_the_ledger(self):
        """600 seeded random operations mixing sales orders and the till:
        the ledger's invariant is checked after each one; counter sales,
        rewards paid at the till and refunds at the till were all played."""
        fuzz = MixedChannelFuzz(self.env, seed=13)
        done, refused = fuzz.run(600)
        self.assertEqual(done.total() + refused.total(), 600)
        for operation in ("op_counter_sale", "op_counter_refund", "op_confirm"):
            self.assertGreater(done[operation], 0, operation)
        counter_lines = fuzz.cards().history_ids.filtered(
            lambda line: line.order_model == "pos.order"
        )
        self.assertEqual(
            set(counter_lines.mapped("bonus_move_type")), {"earn", "redeem", "reversal"}
        )
        # the till's own accrual was never written: one earn line per sale
        earned = counter_lines.filtered(lambda line: line.bonus_move_type == "earn")
        self.assertEqual(len(earned), len(set(earned.mapped("order_id"))))
