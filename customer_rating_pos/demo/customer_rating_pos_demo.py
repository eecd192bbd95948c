# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import random
import uuid
from datetime import timedelta

from odoo import Command, api, fields, models

from odoo.addons.customer_rating.demo.customer_rating_demo import (
    BRANCH_NAMES,
    CATALOG,
)


class CustomerRatingPosDemo(models.AbstractModel):
    """A shop selling at the counter in one branch of the demo data set, and
    the helpers that ring up a sale or a refund at its till the way the
    Point of Sale sends them (tests use them too)."""

    _name = "customer.rating.pos.demo"
    _description = "Customer Rating Point of Sale demo data generator"

    @api.model
    def _generate(self, sales=400, days=120, seed=7):
        """A shop in the Downtown branch with `sales` counter sales over the
        last `days` days: the branch's regulars (who also order through
        Sales) and walk-in customers, with about 3% of the sales refunded.
        Then the daily jobs run, as they would have."""
        rng = random.Random(seed)
        main = self.env.ref("base.main_company")
        branch = self.env["res.company"].search(
            [("name", "=", f"{main.name} {BRANCH_NAMES[1]}")], limit=1
        )
        if not branch:
            return self.env["pos.order"]
        demo = self.with_context(tracking_disable=True, mail_create_nolog=True)
        session = demo._demo_open_session(demo._demo_shop(branch))
        products = demo._demo_counter_products()
        customers = demo._demo_counter_customers(rng, branch)
        today = fields.Datetime.now()
        orders = self.env["pos.order"]
        for _n in range(sales):
            moment = today - timedelta(
                days=rng.randint(1, days), hours=rng.randint(0, 8)
            )
            lines = [
                (product, rng.choice([1, 1, 1, 2, 3]))
                for product in rng.sample(products, k=rng.choice([1, 1, 2, 3]))
            ]
            orders |= demo._demo_sell(session, rng.choice(customers), lines, moment)
        for order in orders.filtered(lambda _order: rng.random() < 0.03):
            line = order.lines[:1]
            demo._demo_refund(
                line, order.date_order + timedelta(days=rng.randint(0, 5))
            )
        self.env["loyalty.card"]._cron_expire_bonus_points()
        self.env["customer.rating.tier"]._cron_retier()
        return orders

    @api.model
    def _demo_shop(self, company):
        """A shop of `company` taking cash."""
        journal = self.env["account.journal"].create(
            {
                "name": "Counter Cash",
                "code": "CCSH",
                "type": "cash",
                "company_id": company.id,
            }
        )
        cash = self.env["pos.payment.method"].create(
            {"name": "Cash", "journal_id": journal.id, "company_id": company.id}
        )
        return (
            self.env["pos.config"]
            .with_company(company)
            .create(
                {
                    "name": "Downtown Counter",
                    "company_id": company.id,
                    "payment_method_ids": [Command.set(cash.ids)],
                }
            )
        )

    @api.model
    def _demo_open_session(self, config):
        """Open a session of `config`, as its cashier does (the superuser,
        who installs the demo data, may not)."""
        cashier = self.env.user
        if cashier._is_superuser():
            cashier = self.env.ref("base.user_admin")
        config.with_user(cashier).with_context(
            allowed_company_ids=config.company_id.ids
        ).open_ui()
        session = config.current_session_id
        session.set_opening_control(0, None)
        return session

    @api.model
    def _demo_counter_products(self):
        """The demo catalog's goods, sold at the counter too."""
        names = [name for _category, items in CATALOG for name, _p, _c in items]
        products = self.env["product.product"].search(
            [("name", "in", names), ("type", "=", "consu")]
        )
        products.available_in_pos = True
        return list(products)

    @api.model
    def _demo_counter_customers(self, rng, branch):
        """The branch's regulars (those who ordered there), and some
        customers seen only at the counter."""
        regulars = (
            self.env["sale.order"]
            .search([("company_id", "=", branch.id), ("state", "=", "sale")])
            .partner_id.commercial_partner_id
        )
        walk_ins = self.env["res.partner"].create(
            [{"name": f"Counter Customer {n + 1}"} for n in range(15)]
        )
        return rng.sample(list(regulars), k=min(25, len(regulars))) + list(walk_ins)

    @api.model
    def _demo_sell(self, session, partner, lines, moment):
        """Ring up `lines` ((product, quantity) pairs, or triples with a dict
        of other line values) for `partner` at `session`'s till at `moment`
        (naive UTC), paid in cash, as the till sends it; return the paid
        order."""
        config = session.config_id
        line_vals = []
        for product, qty, *extra in lines:
            vals = {"price_unit": product.lst_price}
            vals.update(*extra)
            line_vals.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "qty": qty,
                        "price_subtotal": vals["price_unit"] * qty,
                        "price_subtotal_incl": vals["price_unit"] * qty,
                        "uuid": str(uuid.uuid4()),
                        **vals,
                    }
                )
            )
        total = sum(price_line[2]["price_subtotal_incl"] for price_line in line_vals)
        cash = config.payment_method_ids[:1]
        data = {
            "amount_paid": total,
            "amount_return": 0,
            "amount_tax": 0,
            "amount_total": total,
            "date_order": fields.Datetime.to_string(moment),
            "pricelist_id": config.pricelist_id.id,
            "lines": line_vals,
            "partner_id": partner.id,
            "session_id": session.id,
            "sequence_number": 1,
            "payment_ids": [
                Command.create(
                    {
                        "amount": total,
                        "name": fields.Datetime.to_string(moment),
                        "payment_method_id": cash.id,
                    }
                )
            ],
            "uuid": str(uuid.uuid4()),
            "user_id": session.user_id.id,
            "to_invoice": False,
            "last_order_preparation_change": "{}",
        }
        result = (
            self.env["pos.order"].with_company(config.company_id).sync_from_ui([data])
        )
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])

    @api.model
    def _demo_refund(self, lines, moment, qty=None):
        """Refund `lines` (pos.order.line of one order; `qty` of each, or
        all of it) at the till of their order's session at `moment`."""
        order = lines.order_id
        return self._demo_sell(
            order.session_id,
            order.partner_id,
            [
                (
                    line.product_id,
                    -(qty or line.qty),
                    {"price_unit": line.price_unit, "refunded_orderline_id": line.id},
                )
                for line in lines
            ],
            moment,
        )
