# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Random operations on the bonus ledger, its invariant checked after each.

Used by tests/test_bonus_fuzz.py (1,000 operations) and by
benchmarks/ledger_fuzz.py (10,000). Imports nothing from odoo.tests, so that
the benchmark can load it in an Odoo shell."""

import random
from collections import Counter
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError

BROKEN = "The bonus ledger would break"


class LedgerFuzz:
    """A main company with a branch and a second main company, each main
    company with its bonus program; customers (companies with contacts and
    persons) buying at random. `run(n)` plays n operations from `start`, the
    clock moving on by hours to months, and checks after each one that the
    ledger holds (`loyalty.card._bonus_check_invariant`) and that no blocked
    card got a new line. Operations that Odoo or the module refuse with a
    UserError (not enough points, an order already invoiced...) are rolled
    back and counted as refused."""

    def __init__(self, env, seed, start=datetime(2024, 1, 1, 9, 0)):
        self.rng = random.Random(seed)
        self.now = start
        self.done = Counter()
        self.refused = Counter()
        self.env = self._setup(env)
        self.blocked_lines = {}

    # setup

    def _setup(self, env):
        main = env.company
        branch = env["res.company"].create(
            {"name": "CR Fuzz Branch", "parent_id": main.id}
        )
        other = env["res.company"].create(
            {"name": "CR Fuzz Other", "currency_id": main.currency_id.id}
        )
        env.user.company_ids |= branch | other
        env = env(
            context=dict(
                env.context,
                allowed_company_ids=(main | branch | other).ids,
                tracking_disable=True,
                mail_notrack=True,
            )
        )
        self.main, self.branch, self.other = main, branch, other
        main_program = env.ref("customer_rating.loyalty_program_customer_bonus")
        main_program.write({"bonus_points_rate": 1.0, "bonus_expiry_months": 12})
        main_program.reward_ids.write({"required_points": 100, "discount": 5})
        self.programs = main_program | self._other_program(env, other)
        self.product = env["product.product"].create(
            {
                "name": "CR Fuzz Widget",
                "list_price": 100.0,
                "taxes_id": False,
                "invoice_policy": "order",
            }
        )
        self.pricelist = env["product.pricelist"].create(
            {"name": "CR Fuzz USD", "company_id": False}
        )
        partners = env["res.partner"]
        self.customers = partners.create(
            [{"name": f"CR Fuzz Customer {i}", "is_company": i < 3} for i in range(6)]
        )
        contacts = partners.create(
            [
                {"name": f"CR Fuzz Buyer {i}", "parent_id": self.customers[i].id}
                for i in range(3)
            ]
        )
        self.buyers = self.customers | contacts
        self.orders = env["sale.order"]
        return env

    def _other_program(self, env, company):
        program = env["loyalty.program"].create(
            {
                "name": "CR Fuzz Other Bonus",
                "program_type": "loyalty",
                "applies_on": "both",
                "trigger": "auto",
                "company_id": company.id,
            }
        )
        program.rule_ids.unlink()
        program.reward_ids.unlink()
        program.write(
            {
                "is_customer_bonus": True,
                "bonus_points_rate": 0.5,
                "bonus_expiry_months": 6,
                "bonus_referral_points": 30.0,
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount_mode": "per_order",
                            "discount": 5,
                            "required_points": 100,
                            "discount_applicability": "order",
                        }
                    )
                ],
            }
        )
        return program

    # running

    def operations(self):
        """The operations played, with their weights: the ledger's own moves
        often, Odoo's slow accounting less."""
        return [
            (self.op_quotation, 4),
            (self.op_confirm, 6),
            (self.op_cancel, 3),
            (self.op_reconfirm, 2),
            (self.op_reward_on_confirmed, 2),
            (self.op_invoice, 2),
            (self.op_credit_note, 2),
            (self.op_credit_note_to_draft, 1),
            (self.op_repost_credit_note, 1),
            (self.op_expire, 2),
            (self.op_replace, 1),
            (self.op_retier, 1),
            (self.op_referral, 1),
            (self.op_update_balance, 2),
        ]

    def run(self, count):
        functions, weights = zip(*self.operations(), strict=True)
        with freeze_time(self.now) as self.clock:
            for _step in range(count):
                self.now += timedelta(hours=self.rng.randint(1, 60))
                self.clock.move_to(self.now)
                operation = self.rng.choices(functions, weights)[0]
                self._play(operation)
                self.check()
        return self.done, self.refused

    def _play(self, operation):
        name = operation.__name__
        try:
            with self.env.cr.savepoint():
                operation()
        except ValidationError as error:
            if BROKEN in str(error):
                raise AssertionError(f"{name}: {error}") from error
            self.refused[name] += 1
        except UserError:
            self.refused[name] += 1
        else:
            self.done[name] += 1

    def cards(self):
        return (
            self.env["loyalty.card"]
            .with_context(active_test=False)
            .search(
                [
                    ("program_id", "in", self.programs.ids),
                    ("partner_id", "child_of", self.customers.ids),
                ]
            )
        )

    def check(self):
        """The invariant over every card of the customers, and nothing
        written on a blocked card since it was blocked."""
        cards = self.cards()
        cards._bonus_check_invariant()
        for card in cards.filtered("is_blocked"):
            lines = set(card.history_ids.ids)
            if self.blocked_lines.setdefault(card.id, lines) != lines:
                raise AssertionError(f"blocked card {card.code} changed")

    # picking

    def _pick(self, records):
        return self.rng.choice(records) if records else None

    def _orders(self, state):
        return self.orders.filtered(lambda order: order.state == state)

    def _card_of(self, order):
        program = self.env["loyalty.program"]._bonus_program_for(order.company_id)
        return (
            self.env["loyalty.card"]
            .search(
                [
                    ("program_id", "=", program.id),
                    ("partner_id", "=", order.partner_id.commercial_partner_id.id),
                ]
            )
            .filtered(lambda card: card.points >= program.reward_ids.required_points)
        )

    def _claim(self, order):
        card = self._card_of(order)
        if card:
            reward = card.program_id.reward_ids
            order._apply_program_reward(reward, card)

    # operations

    def op_quotation(self, partner=None):
        company = self.rng.choice(self.main | self.branch | self.other)
        partner = partner or self._pick(self.buyers)
        price = self.rng.choice([5.0, 20.0, 100.0, 250.0])
        order = (
            self.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "pricelist_id": self.pricelist.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": self.rng.randint(1, 5),
                                "price_unit": price,
                            }
                        )
                    ],
                }
            )
        )
        self.orders |= order
        return order

    def op_confirm(self):
        order = self._pick(self._orders("draft")) or self.op_quotation()
        if self.rng.random() < 0.4:
            self._claim(order)
        order.action_confirm()

    def op_cancel(self):
        order = self._pick(self._orders("sale"))
        if order:
            order._action_cancel()

    def op_reconfirm(self):
        order = self._pick(self._orders("cancel"))
        if order:
            order.action_draft()
            order.action_confirm()

    def op_reward_on_confirmed(self):
        order = self._pick(self._orders("sale"))
        if order:
            self._claim(order)
            order._update_programs_and_rewards()

    def op_invoice(self):
        orders = self._orders("sale").filtered(
            lambda order: order.invoice_status == "to invoice"
        )
        order = self._pick(orders)
        if order:
            invoice = order.with_company(order.company_id)._create_invoices()
            invoice.action_post()

    def op_credit_note(self):
        invoices = self._orders("sale").invoice_ids.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted"
        )
        invoice = self._pick(invoices)
        if not invoice:
            return
        credit_note = invoice.with_company(invoice.company_id)._reverse_moves()
        if self.rng.random() < 0.5:
            for line in credit_note.invoice_line_ids.filtered("quantity"):
                line.quantity = self.rng.randint(1, int(line.quantity))
        credit_note.action_post()

    def _credit_notes(self, state):
        return self.orders.invoice_ids.filtered(
            lambda move: move.move_type == "out_refund" and move.state == state
        )

    def op_credit_note_to_draft(self):
        credit_note = self._pick(self._credit_notes("posted"))
        if credit_note:
            credit_note.button_draft()

    def op_repost_credit_note(self):
        credit_note = self._pick(self._credit_notes("draft"))
        if credit_note:
            credit_note.action_post()

    def op_expire(self):
        self.now += relativedelta(months=self.rng.randint(1, 3))
        self.clock.move_to(self.now)
        self.env["loyalty.card"]._cron_expire_bonus_points()

    def op_replace(self):
        card = self._pick(self.cards().filtered(lambda card: not card.is_blocked))
        if card:
            wizard = self.env["customer.rating.instrument.replace"].create(
                {"card_id": card.id, "reason": "lost"}
            )
            wizard.action_replace()

    def op_retier(self):
        self.env["customer.rating.tier"]._retier(self.main)

    def op_referral(self):
        referrer = self._pick(self.customers)
        referred = self.env["res.partner"].create(
            {
                "name": f"CR Fuzz Referred {len(self.customers)}",
                "customer_rating_referred_by_id": referrer.id,
            }
        )
        self.customers |= referred
        self.buyers |= referred
        self.op_quotation(referred).action_confirm()

    def op_update_balance(self):
        card = self._pick(self.cards().filtered(lambda card: not card.is_blocked))
        if not card:
            return
        new_balance = round(self.rng.uniform(0, card.points + 200), 2)
        wizard = self.env["loyalty.card.update.balance"].create(
            {"card_id": card.id, "new_balance": new_balance, "description": "Fuzz"}
        )
        wizard.action_update_card_point()
