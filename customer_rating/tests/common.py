# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import itertools
import math
import statistics
from datetime import date, datetime, timedelta

import openpyxl

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

TODAY = date(2026, 6, 15)


def xlsx_sheet(wizard):
    """Export the wizard's report to Excel as the button does and return
    the streamed workbook's sheet; no attachment is stored."""
    attachments = wizard.env["ir.attachment"].search_count([])
    action = wizard.action_export_xlsx()
    assert action["url"] == f"/customer_rating/xlsx/{wizard.id}", action
    assert wizard.env["ir.attachment"].search_count([]) == attachments
    _filename, content = wizard._xlsx_file()
    return openpyxl.load_workbook(io.BytesIO(content)).active


def post_refund(order, quantity, day=None):
    """Invoice the order, then post a credit note for `quantity` units of
    its product line, both dated `day` (default: today)."""
    order = order.with_company(order.company_id)
    invoice = order._create_invoices()
    invoice.invoice_date = day
    invoice.action_post()
    line = order.order_line.filtered(lambda line: not line.is_reward_line)
    credit_note = order.env["account.move"].create(
        {
            "move_type": "out_refund",
            "partner_id": order.partner_invoice_id.id,
            "invoice_date": day,
            "invoice_line_ids": [
                Command.create(line._prepare_invoice_line(quantity=quantity))
            ],
        }
    )
    credit_note.action_post()
    return credit_note


class CustomerRatingCommon(TransactionCase):
    """Orders of a few customers around the period 2026-03-16 .. 2026-06-15,
    at two branches, in two currencies, with a return and a cancellation.

    The test orders belong to their own sales team, which the wizard filters
    on, so that the demo data stays out of the figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        cls.main = cls.env.company
        cls.branch = cls.env["res.company"].create(
            {
                "name": "CR Test Branch",
                "parent_id": cls.main.id,
                "country_id": cls.main.country_id.id,
            }
        )
        cls.env.user.company_ids |= cls.branch
        cls.env = cls.env(
            context=dict(
                cls.env.context, allowed_company_ids=(cls.main | cls.branch).ids
            )
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "CR Test Team", "company_id": False}
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "CR Widget",
                "list_price": 100.0,
                "standard_price": 60.0,
                "taxes_id": False,
                "invoice_policy": "order",
            }
        )
        cls.product.with_company(cls.branch).standard_price = 60.0
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.env["res.currency.rate"].search(
            [
                ("currency_id", "=", cls.eur.id),
                ("company_id", "in", (cls.main.id, False)),
            ]
        ).unlink()
        cls.env["res.currency.rate"].create(
            [
                {
                    "name": "2025-01-01",
                    "rate": 0.8,
                    "currency_id": cls.eur.id,
                    "company_id": cls.main.id,
                },
                {
                    "name": "2026-04-01",
                    "rate": 0.9,
                    "currency_id": cls.eur.id,
                    "company_id": cls.main.id,
                },
            ]
        )
        cls.pricelist_usd = cls.env["product.pricelist"].create(
            {"name": "CR USD", "company_id": False}
        )
        cls.pricelist_eur = cls.env["product.pricelist"].create(
            {"name": "CR EUR", "currency_id": cls.eur.id, "company_id": False}
        )
        partner = cls.env["res.partner"]
        cls.acme = partner.create({"name": "CR Acme", "is_company": True})
        cls.acme_contact = partner.create(
            {"name": "CR Acme Buyer", "parent_id": cls.acme.id}
        )
        cls.bob = partner.create({"name": "CR Bob"})
        cls.carla = partner.create({"name": "CR Carla"})
        cls.dora = partner.create({"name": "CR Dora"})
        cls.emil = partner.create({"name": "CR Emil"})
        # period 2026-03-16 .. 2026-06-15 (last quarter would be 2026-01..03)
        cls.order_acme_1 = cls._order(
            cls.acme_contact, "2026-05-02 10:00", 10, cls.main
        )
        cls.order_acme_2 = cls._order(cls.acme, "2026-06-01 10:00", 5, cls.branch)
        cls.order_bob = cls._order(
            cls.bob, "2026-04-10 09:00", 3, cls.main, cls.pricelist_eur
        )
        cls.order_carla = cls._order(cls.carla, "2026-05-20 12:00", 4, cls.branch)
        cls.order_dora = cls._order(cls.dora, "2026-05-21 12:00", 4, cls.main)
        cls.order_emil_old = cls._order(cls.emil, "2026-02-01 12:00", 20, cls.main)
        cls.order_emil = cls._order(cls.emil, "2026-06-10 12:00", 1, cls.main)
        cls.order_cancelled = cls._order(cls.bob, "2026-05-05 12:00", 50, cls.main)
        cls.order_cancelled._action_cancel()
        # the orders dated in the period, the cancelled one included
        cls.period_orders = (
            cls.order_acme_1
            | cls.order_acme_2
            | cls.order_bob
            | cls.order_carla
            | cls.order_dora
            | cls.order_emil
            | cls.order_cancelled
        )
        cls.refund = post_refund(cls.order_acme_1, quantity=2, day="2026-05-10")
        cls.dora.action_archive()

    @classmethod
    def _order(cls, partner, when, quantity, company, pricelist=None, user=None):
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "team_id": cls.team.id,
                    "user_id": (user or cls.env.user).id,
                    "pricelist_id": (pricelist or cls.pricelist_usd).id,
                    "order_line": [
                        Command.create(
                            {"product_id": cls.product.id, "product_uom_qty": quantity}
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        order.date_order = datetime.fromisoformat(when)
        return order

    @classmethod
    def _rewarded_order(cls, partner, when, quantity):
        """An order with a 20% promotion claimed, as a salesperson does."""
        program = cls.env["loyalty.program"].create(
            {
                "name": "CR 20% off",
                "program_type": "promotion",
                "trigger": "auto",
                "applies_on": "current",
                "company_id": cls.main.id,
                "rule_ids": [
                    Command.create({"reward_point_mode": "order", "minimum_amount": 0})
                ],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount": 20,
                            "discount_applicability": "order",
                        }
                    )
                ],
            }
        )
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "company_id": cls.main.id,
                "team_id": cls.team.id,
                "pricelist_id": cls.pricelist_usd.id,
                "order_line": [
                    Command.create(
                        {"product_id": cls.product.id, "product_uom_qty": quantity}
                    )
                ],
            }
        )
        order._update_programs_and_rewards()
        coupon = order.coupon_point_ids.coupon_id.filtered(
            lambda c: c.program_id == program
        )
        order._apply_program_reward(program.reward_ids, coupon)
        order.action_confirm()
        order.date_order = when
        program.active = False
        return order

    def _run(self, report="rating", **values):
        """A wizard over the test period and team, its report computed."""
        wizard = self.env["customer.rating.wizard"].create(
            {
                "report": report,
                "period": "custom",
                "date_from": "2026-03-16",
                "date_to": "2026-06-15",
                "team_ids": [Command.set(self.team.ids)],
                **values,
            }
        )
        wizard.action_open()
        return wizard

    def _rating(self, **values):
        return self._run("rating", **values)

    def _channels(self):
        """The sales channels whose orders count (sales orders, and those of
        the bridge addons installed)."""
        return self.env["customer.rating.bonus.order"]._bonus_channels()

    def _orders_of(self, partner):
        """The confirmed orders of a customer and its contacts."""
        return self.env["sale.order"].search(
            [("partner_id", "child_of", partner.ids), ("state", "=", "sale")],
            order="date_order",
        )


class BonusCommon(TransactionCase):
    """The customer bonus program installed by the module (1 point per unit
    of untaxed amount, 12 months of validity), a customer company with two
    contacts, and a product without taxes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        cls.company = cls.env.company
        cls.program = cls.env.ref("customer_rating.loyalty_program_customer_bonus")
        cls.program.write({"bonus_points_rate": 1.0, "bonus_expiry_months": 12})
        cls.reward = cls.program.reward_ids
        cls.reward.write({"required_points": 100, "discount": 5})
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "CR Bonus USD", "company_id": False}
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "CR Bonus Widget",
                "list_price": 100.0,
                "standard_price": 60.0,
                "taxes_id": False,
                "invoice_policy": "order",
            }
        )
        partner = cls.env["res.partner"]
        cls.customer = partner.create({"name": "CR Bonus Co", "is_company": True})
        cls.buyer = partner.create(
            {"name": "CR Bonus Buyer", "parent_id": cls.customer.id}
        )
        cls.other_buyer = partner.create(
            {"name": "CR Bonus Other Buyer", "parent_id": cls.customer.id}
        )

    @classmethod
    def _quotation(cls, partner, quantity, company=None, price=None):
        company = company or cls.company
        line = {"product_id": cls.product.id, "product_uom_qty": quantity}
        if price is not None:
            line["price_unit"] = price
        return (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "pricelist_id": cls.pricelist.id,
                    "order_line": [Command.create(line)],
                }
            )
        )

    @classmethod
    def _confirmed(cls, partner, quantity, company=None, price=None):
        order = cls._quotation(partner, quantity, company, price)
        order.action_confirm()
        return order

    def _card(self, partner=None, program=None):
        return self.env["loyalty.card"].search(
            [
                ("program_id", "=", (program or self.program).id),
                ("partner_id", "=", (partner or self.customer).id),
            ]
        )

    def _ledger(self, card):
        return self.env["loyalty.history"].search(
            [("card_id", "=", card.id)], order="id"
        )

    def _assert_balance_is_ledger(self, card):
        ledger = self._ledger(card)
        self.assertAlmostEqual(
            card.points, sum(ledger.mapped("issued")) - sum(ledger.mapped("used"))
        )

    def _claim(self, order, card):
        """Claim the program's reward with `card`, as the Rewards button does."""
        result = order._apply_program_reward(self.reward, card)
        self.assertNotIn("error", result)


class RetentionCommon(TransactionCase):
    """Customers with their own rhythms, seen on TODAY (2026-06-15) with the
    default thresholds (at risk after 2x the rhythm, lost after 4x, a
    60-day rhythm for one day of orders):

    - Ana buys every 30 days (one order through her contact), last on
      2026-04-05: at risk; a cancelled order of 2026-06-10 does not count;
    - Ben bought every 10 days until 2025-10-21: lost;
    - Cleo buys every 2 weeks, last on 2026-06-01: active;
    - Dan ordered once, on 2026-01-20, has no salesperson, and his orders'
      team has a leader: at risk on the default rhythm;
    - Eva is archived, on Ana's rhythm: left out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        cls.main = cls.env.company
        cls.branch = cls.env["res.company"].create(
            {"name": "CR Retention Branch", "parent_id": cls.main.id}
        )
        cls.env.user.company_ids |= cls.branch
        cls.env = cls.env(
            context=dict(
                cls.env.context, allowed_company_ids=(cls.main | cls.branch).ids
            )
        )
        cls.salesman = new_test_user(
            cls.env,
            "cr_retention_salesman",
            groups="sales_team.group_sale_salesman",
            company_ids=[Command.set((cls.main | cls.branch).ids)],
        )
        cls.leader = new_test_user(
            cls.env,
            "cr_retention_leader",
            groups="sales_team.group_sale_manager",
            company_ids=[Command.set((cls.main | cls.branch).ids)],
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "CR Retention Team", "company_id": False}
        )
        cls.led_team = cls.env["crm.team"].create(
            {"name": "CR Led Team", "company_id": False, "user_id": cls.leader.id}
        )
        cls.teams = cls.team | cls.led_team
        cls.product = cls.env["product.product"].create(
            {"name": "CR Retention Widget", "list_price": 100.0, "taxes_id": False}
        )
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "CR Retention USD", "company_id": False}
        )
        partner = cls.env["res.partner"]
        cls.ana = partner.create(
            {"name": "CR Ana", "is_company": True, "user_id": cls.salesman.id}
        )
        cls.ana_contact = partner.create(
            {"name": "CR Ana Buyer", "parent_id": cls.ana.id}
        )
        cls.ben = partner.create({"name": "CR Ben", "user_id": cls.salesman.id})
        cls.cleo = partner.create({"name": "CR Cleo", "user_id": cls.salesman.id})
        cls.dan = partner.create({"name": "CR Dan"})
        cls.eva = partner.create({"name": "CR Eva", "user_id": cls.salesman.id})
        cls.customers = cls.ana | cls.ben | cls.cleo | cls.dan | cls.eva
        for day in ("2026-01-05", "2026-02-04", "2026-03-06"):
            cls._order(cls.ana, f"{day} 10:00", 2, cls.main)
        cls._order(cls.ana_contact, "2026-04-05 10:00", 3, cls.branch)
        cls._order(cls.ana, "2026-06-10 10:00", 9, cls.main)._action_cancel()
        for day in ("2025-10-01", "2025-10-11", "2025-10-21"):
            cls._order(cls.ben, f"{day} 11:00", 1, cls.main)
        for day in ("2026-05-04", "2026-05-18", "2026-06-01"):
            cls._order(cls.cleo, f"{day} 12:00", 1, cls.branch)
        cls._order(cls.dan, "2026-01-20 15:00", 5, cls.main, team=cls.led_team)
        for day in ("2026-01-05", "2026-02-04", "2026-03-06", "2026-04-05"):
            cls._order(cls.eva, f"{day} 10:00", 1, cls.main)
        cls.eva.action_archive()

    @classmethod
    def _order(cls, partner, when, quantity, company, team=None, user=None):
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "team_id": (team or cls.team).id,
                    "user_id": (user or partner.commercial_partner_id.user_id).id,
                    "pricelist_id": cls.pricelist.id,
                    "order_line": [
                        Command.create(
                            {"product_id": cls.product.id, "product_uom_qty": quantity}
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        order.date_order = datetime.fromisoformat(when)
        return order

    @classmethod
    def _counted_orders(cls, partner, until=None):
        """The confirmed orders of a customer and its contacts, up to a day."""
        orders = cls.env["sale.order"].search(
            [("partner_id", "child_of", partner.ids), ("state", "=", "sale")],
            order="date_order",
        )
        return orders.filtered(lambda o: not until or o.date_order.date() <= until)

    @classmethod
    def _expected(cls, partner, at=TODAY, at_risk=2, lost=4, default_gap=60):
        """The retention rule, computed in Python from the orders."""
        orders = cls._counted_orders(partner, at)
        days = sorted({order.date_order.date() for order in orders})
        gaps = [(b - a).days for a, b in itertools.pairwise(days)]
        rhythm = statistics.median(gaps) if gaps else default_gap
        since = (at - days[-1]).days
        status = (
            "lost"
            if since > lost * rhythm
            else "at_risk"
            if since > at_risk * rhythm
            else "active"
        )
        return {
            "status": status,
            "rhythm": rhythm,
            "last_purchase": days[-1],
            "days_since": since,
            "order_count": len(orders),
            "total_spent": sum(orders.mapped("amount_untaxed")),
            "lost_date": days[-1] + timedelta(days=math.floor(lost * rhythm) + 1),
        }

    def _run_period(self, date_from, report="rating", user=None, **values):
        """A wizard of `user` (default: the test's) over the test teams from
        `date_from` to TODAY, its report computed."""
        wizard = (
            self.env["customer.rating.wizard"]
            .with_user(user or self.env.user)
            .create(
                {
                    "report": report,
                    "period": "custom",
                    "date_from": date_from,
                    "date_to": TODAY,
                    "team_ids": [Command.set(self.teams.ids)],
                    **values,
                }
            )
        )
        wizard.action_open()
        return wizard

    def _retention_rows(self, at=TODAY, companies=None):
        """Rows of the retention query for the test customers."""
        query = self.env["customer.rating.rules"]._retention_query(
            companies or (self.main | self.branch), self.main, at, "UTC"
        )
        self.env.flush_all()
        self.env.cr.execute(query)
        return {
            row["partner_id"]: row
            for row in self.env.cr.dictfetchall()
            if row["partner_id"] in self.customers.ids
        }


PROPERTY_DEFINITION = [
    {"name": "birthday", "string": "Birthday", "type": "date"},
    {
        "name": "kind",
        "string": "Customer Type",
        "type": "selection",
        "selection": [["retail", "Retail"], ["vip", "VIP"]],
    },
    {"name": "visits", "string": "Visits", "type": "integer"},
    {"name": "budget", "string": "Budget", "type": "float"},
    {"name": "consent", "string": "Consent", "type": "boolean"},
    {"name": "notes", "string": "Notes", "type": "char", "default": "none"},
]


class CustomerPropertiesCommon(TransactionCase):
    """Typed customer properties of every kind the issue asks for, a
    customer company with a contact, a private customer, and a Customer
    Rating manager and user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.holder = cls.env.ref("customer_rating.customer_rating_property_holder")
        cls.holder.property_definition = PROPERTY_DEFINITION
        partner = cls.env["res.partner"]
        cls.company = partner.create({"name": "CR Props Co", "is_company": True})
        cls.contact = partner.create(
            {"name": "CR Props Buyer", "parent_id": cls.company.id}
        )
        cls.person = partner.create({"name": "CR Props Person"})
        cls.manager = new_test_user(
            cls.env,
            "cr_props_manager",
            groups="base.group_user,base.group_partner_manager,customer_rating.customer_rating_group_manager",
        )
        cls.user = new_test_user(
            cls.env,
            "cr_props_user",
            groups="base.group_user,base.group_partner_manager,customer_rating.customer_rating_group_user",
        )

    def _require(self, *labels):
        self.holder._set_required_labels(", ".join(labels))

    def flush_tracking(self):
        """Write the pending tracking messages, as a commit would."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _status_changes(self, partner):
        """The loyalty status changes tracked on `partner`, oldest first."""
        values = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "res.partner"),
                ("mail_message_id.res_id", "=", partner.id),
                ("field_id.name", "=", "customer_rating_status"),
            ],
            order="id",
        )
        return [(v.old_value_char, v.new_value_char) for v in values]
