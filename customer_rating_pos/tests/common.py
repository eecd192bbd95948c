# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from odoo import Command
from odoo.tests import TransactionCase

TODAY = date(2026, 6, 15)


def at(when):
    """A naive UTC datetime from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(when)


class PosChannelCommon(TransactionCase):
    """A shop of the main company selling for its own sales team, a product
    sold at 100 (cost 60, no taxes), the customer bonus program at 1 point
    per unit of untaxed amount, and customers buying at the counter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        cls.company = cls.env.company
        cls.demo = cls.env["customer.rating.pos.demo"]
        cls.team = cls.env["crm.team"].create(
            {"name": "CR Counter Team", "company_id": False}
        )
        cls.config = cls.demo._demo_shop(cls.company)
        cls.config.crm_team_id = cls.team
        cls.session = cls.demo._demo_open_session(cls.config)
        cls.product = cls.env["product.product"].create(
            {
                "name": "CR Counter Widget",
                "list_price": 100.0,
                "standard_price": 60.0,
                "taxes_id": False,
                "available_in_pos": True,
                "invoice_policy": "order",
            }
        )
        cls.program = cls.env.ref("customer_rating.loyalty_program_customer_bonus")
        cls.program.write({"bonus_points_rate": 1.0, "bonus_expiry_months": 12})
        cls.reward = cls.program.reward_ids[:1]
        cls.reward.write({"required_points": 100, "discount": 5})
        partner = cls.env["res.partner"]
        cls.tina = partner.create({"name": "CR Till Tina"})
        cls.mixa = partner.create({"name": "CR Mixed Max"})
        cls.shop_co = partner.create({"name": "CR Shop Co", "is_company": True})
        cls.shop_buyer = partner.create(
            {"name": "CR Shop Buyer", "parent_id": cls.shop_co.id}
        )

    @classmethod
    def _sell(cls, partner, when, qty, extra_lines=()):
        """A paid counter sale of `qty` widgets (and `extra_lines`)."""
        return cls.demo._demo_sell(
            cls.session, partner, [(cls.product, qty), *extra_lines], at(when)
        )

    @classmethod
    def _sale_order(cls, partner, when, qty):
        """A confirmed sales order of `qty` widgets for the same team."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "team_id": cls.team.id,
                "order_line": [
                    Command.create(
                        {"product_id": cls.product.id, "product_uom_qty": qty}
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = at(when)
        return order

    def _rating_lines(self, user=None):
        """The rating of 2026-03-16 .. 2026-06-15 for the test team, by
        customer, as `user` (default: the current one) runs it."""
        env = self.env(user=user) if user else self.env
        wizard = env["customer.rating.wizard"].create(
            {
                "report": "rating",
                "period": "custom",
                "date_from": "2026-03-16",
                "date_to": "2026-06-15",
                "team_ids": [Command.set(self.team.ids)],
            }
        )
        wizard.action_open()
        return {line.partner_id: line for line in wizard.line_ids}

    def _bonus_card(self, partner):
        return self.env["loyalty.card"].search(
            [("program_id", "=", self.program.id), ("partner_id", "=", partner.id)]
        )

    def _ledger(self, card):
        return self.env["loyalty.history"].search(
            [("card_id", "=", card.id)], order="id"
        )
