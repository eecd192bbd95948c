# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Deterministic demo data: branches, salespeople, customers and two years of sales.

Everything goes through the ORM (sale orders are created and confirmed as a
user would), so every stored figure Odoo computes (amounts, margins, currency
rates, invoice status) is right by construction. The same seed on the same day
always gives the same data set; dates are relative to the day of the install.
"""

import random
from datetime import date, datetime, time, timedelta

import pytz
from barcode.ean import EuropeanArticleNumber13

from odoo import Command, api, fields, models
from odoo.tools import SQL

from ..models.customer_rating_callback import OUTCOMES

DEMO_TZ = "Europe/Brussels"

BRANCH_NAMES = ["North Branch", "Downtown Branch", "Airport Branch"]
SOURCE_NAMES = ["Walk-in", "Instagram", "Google Ads", "Flyer", "Referral", "Website"]
SALESPEOPLE = [
    ("Alice Martin", 0),
    ("Bruno Keller", 0),
    ("Chloe Dupont", 0),
    ("Dario Rossi", 1),
    ("Eva Novak", 1),
]
TEAM_NAMES = ["Retail Counter", "Wholesale & B2B"]

# (category, [(product, sales price, cost)])
CATALOG = [
    (
        "Coffee",
        [
            ("Espresso Beans 1kg", 24.0, 11.0),
            ("Filter Coffee 500g", 12.5, 5.2),
            ("Decaf Beans 1kg", 26.0, 13.5),
            ("Cold Brew Pack", 9.9, 3.1),
        ],
    ),
    (
        "Tea",
        [
            ("Green Tea 100g", 8.5, 2.9),
            ("Earl Grey 100g", 7.9, 2.4),
            ("Herbal Mix 100g", 6.5, 1.9),
        ],
    ),
    (
        "Pastry",
        [
            ("Croissant Box", 14.0, 6.0),
            ("Cheesecake", 29.0, 12.0),
            ("Cookies Jar", 11.0, 3.8),
        ],
    ),
    (
        "Equipment",
        [
            ("Hand Grinder", 79.0, 41.0),
            ("Pour-over Kit", 45.0, 19.0),
            ("Espresso Machine", 649.0, 402.0),
            ("Milk Frother", 59.0, 27.0),
        ],
    ),
    (
        "Services",
        [
            ("Barista Workshop", 120.0, 35.0),
            ("Machine Servicing", 95.0, 40.0),
            ("Office Catering", 350.0, 190.0),
        ],
    ),
    (
        "Gift Cards",
        [("Gift Box Classic", 39.0, 21.0), ("Gift Box Premium", 89.0, 47.0)],
    ),
]

FIRST_NAMES = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Elena",
    "Felix",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Katrin",
    "Leo",
    "Mila",
    "Noah",
    "Olga",
    "Paul",
    "Rosa",
    "Sami",
    "Tara",
    "Victor",
]
LAST_NAMES = [
    "Adams",
    "Berger",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ivanov",
    "Jansen",
    "Klein",
    "Laurent",
    "Moreau",
    "Nielsen",
    "Olsen",
    "Peeters",
    "Quinn",
    "Richter",
    "Silva",
    "Vogel",
]
COMPANY_WORDS = [
    "Atlas",
    "Blue",
    "Cedar",
    "Delta",
    "Echo",
    "Falcon",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kite",
    "Lumen",
    "Maple",
    "Nova",
    "Orbit",
]
COMPANY_KINDS = ["Offices", "Hotel", "Clinic", "Salon", "Bistro", "Studio"]

# Relative weights: December rush, quiet summer; busy Fridays and Saturdays;
# a lunch and an after-work peak (local time).
MONTH_WEIGHTS = [0.8, 0.8, 0.9, 1.0, 1.0, 0.9, 0.7, 0.7, 1.0, 1.1, 1.3, 1.7]
WEEKDAY_WEIGHTS = [0.9, 0.8, 1.0, 1.1, 1.4, 1.8, 0.5]
HOUR_WEIGHTS = {
    9: 0.5,
    10: 1.0,
    11: 1.3,
    12: 1.6,
    13: 1.2,
    14: 0.8,
    15: 0.8,
    16: 1.1,
    17: 1.6,
    18: 1.4,
    19: 0.7,
}


class CustomerRatingDemo(models.AbstractModel):
    _name = "customer.rating.demo"
    _description = "Customer Rating demo data generator"

    @api.model
    def _generate(self, customers=200, orders=3000, days=730, seed=42, tag=""):
        """Create the demo data set and return its sales orders.

        `tag` is appended to the unique names (branches, logins) so that a
        second data set can live next to the first one, as tests do."""
        rng = random.Random(seed)
        today = fields.Date.context_today(self)
        demo = self.with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True
        )
        companies = demo._demo_branches(tag)
        foreign_currency = demo._demo_foreign_currency(companies[0], today, days)
        pricelists = demo._demo_pricelists(foreign_currency)
        salespeople = demo._demo_sales_teams(companies, tag)
        sources = demo._demo_sources()
        products = demo._demo_products(companies)
        partners = demo._demo_customers(
            rng, customers, companies, salespeople, pricelists
        )
        promotion = demo._demo_promotion_program(companies[0])
        demo._demo_referrals(random.Random(seed + 1), partners)
        plans = demo._demo_order_plans(rng, partners, companies, orders, today, days)
        sale_orders = demo._demo_orders(rng, plans, sources, products, promotion)
        demo._demo_cancel_some(rng, sale_orders)
        demo._demo_refund_some(
            rng,
            sale_orders.filtered(
                lambda o: o.state == "sale" and o.company_id == companies[0]
            ),
        )
        demo._demo_archive_some(rng, partners, plans, today)
        demo._demo_bonus_history(sale_orders)
        demo._demo_instruments(random.Random(f"{seed}-instruments{tag}"))
        return sale_orders

    @api.model
    def _demo_referrals(self, rng, partners, share=0.1):
        """About one customer in ten was brought by another customer; the
        referrers earn their points when the orders are confirmed."""
        customers = partners.filtered(lambda partner: not partner.parent_id)
        for customer in customers:
            if rng.random() < share:
                referrer = rng.choice(customers - customer)
                customer.customer_rating_referred_by_id = referrer

    @api.model
    def _demo_instruments(self, rng, count=20):
        """A stack of printed bonus cards with EAN-13 codes, not handed out
        yet, and three customers whose lost card was replaced by one."""
        program = self.env.ref("customer_rating.loyalty_program_customer_bonus")
        bodies = [f"2{rng.randrange(10**10):010d}{n % 10}" for n in range(count)]
        codes = [
            f"{body}{EuropeanArticleNumber13(body).calculate_checksum()}"
            for body in bodies
        ]
        printed = self.env["loyalty.card"].create(
            [{"program_id": program.id, "code": code} for code in codes]
        )
        holders = self.env["loyalty.card"].search(
            [("program_id", "=", program.id), ("points", ">", 0)], order="id", limit=3
        )
        for old, new in zip(holders, printed, strict=False):
            old._replace_by(new, "lost")
            new.partner_id = old.partner_id

    @api.model
    def _demo_call_backs(self, seed=42):
        """Call back the customers at risk today, as the daily cron does,
        and close half of the call-backs with an outcome, so that the churn
        report has something to show."""
        rng = random.Random(seed)
        callbacks = self.env["customer.rating.callback"]
        while callbacks._cron_schedule_call_backs():
            continue
        reasons = self.env["customer.rating.churn.reason"].search([])
        for callback in callbacks.search([("state", "=", "open")], order="id"):
            if rng.random() < 0.5:
                outcome = rng.choice(OUTCOMES[1:])[0]
                fitting = reasons.filtered(lambda r, o=outcome: r.outcome in (False, o))
                callback._close(outcome, rng.choice(fitting) if fitting else None)

    # Structure: branches, currency, price lists, teams, sources, products

    @api.model
    def _demo_branches(self, tag):
        """The main company and three branches (companies with a parent)."""
        main = self.env.ref("base.main_company")
        branches = self.env["res.company"].create(
            [
                {
                    "name": f"{main.name} {name}{tag}",
                    "parent_id": main.id,
                    "country_id": main.country_id.id,
                }
                for name in BRANCH_NAMES
            ]
        )
        companies = main | branches
        admins = self.env.ref("base.user_admin") | self.env.ref("base.user_root")
        admins.write({"company_ids": [Command.link(c.id) for c in companies]})
        return companies

    @api.model
    def _demo_foreign_currency(self, company, today, days):
        """EUR (or USD for a EUR company) with a monthly rate over the period."""
        currency = self.env.ref(
            "base.EUR" if company.currency_id.name != "EUR" else "base.USD"
        )
        currency.active = True
        first = today.replace(day=1) - timedelta(days=days)
        months = [
            date(
                first.year + (first.month + i - 1) // 12,
                (first.month + i - 1) % 12 + 1,
                1,
            )
            for i in range(days // 30 + 2)
        ]
        existing = set(
            self.env["res.currency.rate"]
            .search(
                [
                    ("currency_id", "=", currency.id),
                    ("company_id", "=", company.id),
                ]
            )
            .mapped("name")
        )
        self.env["res.currency.rate"].create(
            [
                {
                    "name": month,
                    "currency_id": currency.id,
                    "company_id": company.id,
                    "rate": round(0.92 + 0.04 * ((i % 12) - 6) / 6, 4),
                }
                for i, month in enumerate(months)
                if month not in existing
            ]
        )
        return currency

    @api.model
    def _demo_pricelists(self, foreign_currency):
        pricelist = self.env["product.pricelist"]
        return pricelist.create(
            [
                {"name": "Retail", "company_id": False},
                {
                    "name": "Wholesale (-10%)",
                    "company_id": False,
                    "item_ids": [
                        Command.create(
                            {"compute_price": "percentage", "percent_price": 10.0}
                        )
                    ],
                },
                {
                    "name": f"Retail {foreign_currency.name}",
                    "company_id": False,
                    "currency_id": foreign_currency.id,
                },
            ]
        )

    @api.model
    def _demo_sales_teams(self, companies, tag):
        salesman = self.env.ref("sales_team.group_sale_salesman")
        users = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                [
                    {
                        "name": name,
                        "login": f"customer_rating_demo_{name.split()[0].lower()}{tag}",
                        "email": f"{name.split()[0].lower()}@example.com",
                        "tz": DEMO_TZ,
                        "company_id": companies[0].id,
                        "company_ids": [Command.set(companies.ids)],
                        "groups_id": [Command.link(salesman.id)],
                    }
                    for name, _team in SALESPEOPLE
                ]
            )
        )
        teams = self.env["crm.team"].create(
            [
                {
                    "name": name,
                    "company_id": False,
                    "user_id": users[index * 3].id,
                }
                for index, name in enumerate(TEAM_NAMES)
            ]
        )
        self.env["crm.team.member"].create(
            [
                {"crm_team_id": teams[team_index].id, "user_id": user.id}
                for user, (_name, team_index) in zip(users, SALESPEOPLE, strict=True)
            ]
        )
        return users

    @api.model
    def _demo_sources(self):
        return self.env["utm.source"].create([{"name": name} for name in SOURCE_NAMES])

    @api.model
    def _demo_products(self, companies):
        """The catalog, with its cost in every branch (the cost is per company)."""
        products = self.env["product.product"]
        for category_name, items in CATALOG:
            category = self.env["product.category"].create({"name": category_name})
            products |= products.create(
                [
                    {
                        "name": name,
                        "categ_id": category.id,
                        "type": "service" if category_name == "Services" else "consu",
                        "list_price": price,
                        "invoice_policy": "order",
                    }
                    for name, price, _cost in items
                ]
            )
        costs = [cost for _category, items in CATALOG for _name, _price, cost in items]
        for company in companies:
            for product, cost in zip(products, costs, strict=True):
                product.with_company(company).standard_price = cost
        return products

    @api.model
    def _demo_promotion_program(self, company):
        """A 10% promotion salespeople apply to some orders."""
        return self.env["loyalty.program"].create(
            {
                "name": "Seasonal 10% (demo)",
                "program_type": "promotion",
                "trigger": "auto",
                "applies_on": "current",
                "company_id": company.id,
                "rule_ids": [
                    Command.create({"reward_point_mode": "order", "minimum_amount": 0})
                ],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount": 10,
                            "discount_applicability": "order",
                        }
                    )
                ],
            }
        )

    @api.model
    def _demo_claim_promotion(self, rng, orders, promotion):
        """Claim the promotion on about 3% of the quotations, as a
        salesperson does with the Promotions button."""
        for order in orders:
            if rng.random() >= 0.03:
                continue
            order._update_programs_and_rewards()
            coupon = order.coupon_point_ids.coupon_id.filtered(
                lambda c: c.program_id == promotion
            )
            if coupon:
                order._apply_program_reward(promotion.reward_ids, coupon)

    # Customers

    @api.model
    def _demo_customers(self, rng, count, companies, salespeople, pricelists):
        """Commercial partners: people, and companies with one to three contacts."""
        partner_model = self.env["res.partner"]
        vals_list = []
        for index in range(count):
            is_company = index % 7 == 3
            if is_company:
                word = COMPANY_WORDS[index % len(COMPANY_WORDS)]
                name = f"{word} {rng.choice(COMPANY_KINDS)}"
            else:
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            salesperson = rng.choice(salespeople[3:] if is_company else salespeople[:3])
            vals_list.append(
                {
                    "name": name,
                    "is_company": is_company,
                    "email": f"customer{index:04d}@example.com",
                    "phone": f"+32 470 {index:06d}",
                    "tz": DEMO_TZ,
                    "user_id": salesperson.id,
                    "customer_rank": 1,
                }
            )
        partners = partner_model.create(vals_list)
        contacts = partner_model.create(
            [
                {
                    "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    "parent_id": company.id,
                    "type": "contact",
                    "email": f"contact{company.id}_{n}@example.com",
                }
                for company in partners.filtered("is_company")
                for n in range(rng.randint(1, 3))
            ]
        )
        self._demo_assign_pricelists(rng, partners, companies, pricelists)
        return partners | contacts

    @api.model
    def _demo_assign_pricelists(self, rng, partners, companies, pricelists):
        """Companies buy wholesale, one customer in eight pays in the foreign
        currency."""
        retail, wholesale, foreign = pricelists
        groups = {
            retail: partners.browse(),
            wholesale: partners.browse(),
            foreign: partners.browse(),
        }
        for partner in partners:
            if partner.is_company:
                groups[wholesale] |= partner
            elif rng.random() < 0.125:
                groups[foreign] |= partner
            else:
                groups[retail] |= partner
        for company in companies:
            for pricelist, members in groups.items():
                members.with_company(
                    company
                ).specific_property_product_pricelist = pricelist

    @api.model
    def _demo_archive_some(self, rng, partners, plans, today):
        """Archive a third of the customers who stopped buying half a year ago."""
        last_order = {}
        for plan in plans:
            commercial = plan["partner"].commercial_partner_id
            last_order[commercial] = max(
                last_order.get(commercial, plan["date"]), plan["date"]
            )
        gone = [p for p, last in last_order.items() if (today - last.date()).days > 180]
        rng.shuffle(gone)
        archived = partners.browse([p.id for p in gone[: max(1, len(gone) // 3)]])
        (archived | archived.child_ids).action_archive()
        return archived

    # Orders

    @api.model
    def _demo_order_plans(self, rng, partners, companies, count, today, days):
        """Decide who buys when and where: a few customers make most of the
        revenue, some stopped buying, some arrived recently, each mostly buys
        at a home branch; seasonality, weekday and hour patterns on top."""
        commercials = partners.filtered(lambda p: not p.parent_id)
        weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(commercials))]
        rng.shuffle(weights)
        windows = {
            partner: self._demo_activity_window(rng, days) for partner in commercials
        }
        homes = {
            partner: companies[index % len(companies)]
            for index, partner in enumerate(commercials)
        }
        plans = []
        for partner in rng.choices(commercials, weights=weights, k=count):
            start, end = windows[partner]
            plans.append(
                {
                    "partner": rng.choice(partner.child_ids)
                    if partner.child_ids and rng.random() < 0.7
                    else partner,
                    "company": homes[partner]
                    if rng.random() < 0.8
                    else rng.choice(companies),
                    "date": self._demo_order_datetime(rng, today, start, end),
                }
            )
        plans.sort(key=lambda plan: plan["date"])
        return plans

    @api.model
    def _demo_activity_window(self, rng, days):
        """(first, last) days before today a customer buys in; today's orders
        would lie in the future."""
        kind = rng.random()
        if kind < 0.2:  # stopped buying
            return days, rng.randint(120, days // 2)
        if kind < 0.3:  # new customer
            return rng.randint(30, days // 2), 1
        return days, 1

    @api.model
    def _demo_order_datetime(self, rng, today, start, end):
        """A UTC datetime between `start` and `end` days ago, following the patterns."""
        peak = max(MONTH_WEIGHTS) * max(WEEKDAY_WEIGHTS)
        while True:
            day = today - timedelta(days=rng.randint(end, start))
            weight = MONTH_WEIGHTS[day.month - 1] * WEEKDAY_WEIGHTS[day.weekday()]
            if rng.random() * peak <= weight:
                break
        hour = rng.choices(list(HOUR_WEIGHTS), weights=list(HOUR_WEIGHTS.values()))[0]
        local = pytz.timezone(DEMO_TZ).localize(
            datetime.combine(day, time(hour, rng.randint(0, 59)))
        )
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _demo_orders(self, rng, plans, sources, products, promotion):
        """Create and confirm the orders, then put back their planned dates
        (confirming stamps today's date)."""
        vals_list = [
            self._demo_order_vals(rng, plan, sources, products) for plan in plans
        ]
        orders = self.env["sale.order"]
        redeem_rng = random.Random(rng.random())
        for start in range(0, len(vals_list), 500):
            batch = orders.create(vals_list[start : start + 500])
            self._demo_claim_promotion(rng, batch, promotion)
            self._demo_redeem_points(redeem_rng, batch)
            batch.action_confirm()
            orders |= batch
        for order, plan in zip(orders, plans, strict=True):
            order.date_order = plan["date"]
        return orders

    @api.model
    def _demo_redeem_points(self, rng, orders, share=0.1):
        """Customers holding enough bonus points spend them on about one
        order in ten, with the program's reward, as a salesperson does with
        the Rewards button."""
        program = self.env.ref("customer_rating.loyalty_program_customer_bonus")
        reward = program.reward_ids[:1]
        cards = self.env["loyalty.card"].search(
            [
                ("program_id", "=", program.id),
                ("points", ">=", reward.required_points),
                ("is_blocked", "=", False),
            ]
        )
        balances = {card.partner_id: card for card in cards}
        spent = dict.fromkeys(balances, 0.0)
        for order in orders:
            customer = order.partner_id.commercial_partner_id
            card = balances.get(customer)
            if not card or rng.random() >= share:
                continue
            if card.points - spent[customer] < reward.required_points:
                continue
            order._update_programs_and_rewards()
            if not order._apply_program_reward(reward, card):
                spent[customer] += reward.required_points

    @api.model
    def _demo_bonus_history(self, orders):
        """Date the bonus points as the orders (confirming stamped today),
        then expire the old ones and tier the customers, as the daily crons
        would have done."""
        orders.flush_recordset(["date_order"])
        history = self.env["loyalty.history"]
        history.flush_model()
        self.env.cr.execute(
            SQL(
                """
                UPDATE loyalty_history h
                   SET date = o.date_order::date,
                       expiration_date = CASE
                           WHEN h.issued <> 0 AND program.bonus_expiry_months > 0
                           THEN o.date_order::date
                                + make_interval(months => program.bonus_expiry_months)
                           END
                  FROM sale_order o, loyalty_card card, loyalty_program program
                 WHERE h.order_model = 'sale.order' AND h.order_id = o.id
                   AND card.id = h.card_id AND program.id = card.program_id
                   AND o.id IN %s
                """,
                tuple(orders.ids),
            )
        )
        history.invalidate_model(["date", "expiration_date"])
        cards = self.env["loyalty.card"].search([("is_customer_bonus", "=", True)])
        cards._bonus_recompute()
        cards._cron_expire_bonus_points()
        self.env["customer.rating.tier"]._cron_retier()

    @api.model
    def _demo_order_vals(self, rng, plan, sources, products):
        partner, company = plan["partner"], plan["company"]
        commercial = partner.commercial_partner_id
        lines = rng.sample(products, k=rng.choice([1, 1, 2, 2, 3, 4]))
        return {
            "partner_id": partner.id,
            "company_id": company.id,
            "user_id": commercial.user_id.id,
            "source_id": rng.choice(sources).id,
            "pricelist_id": commercial.with_company(
                company
            ).property_product_pricelist.id,
            "date_order": plan["date"],
            "order_line": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": rng.choice([1, 1, 1, 2, 2, 3, 5])
                        * (4 if commercial.is_company else 1),
                        # a salesperson's discount now and then
                        "discount": rng.choice([5.0, 10.0, 15.0])
                        if rng.random() < 0.04
                        else 0.0,
                    }
                )
                for product in lines
            ],
        }

    @api.model
    def _demo_cancel_some(self, rng, orders):
        """About 3% of the orders are cancelled after confirmation."""
        cancelled = orders.browse([o.id for o in orders if rng.random() < 0.03])
        cancelled._action_cancel()
        return cancelled

    @api.model
    def _demo_refund_some(self, rng, orders):
        """About 2% of the orders are invoiced and then partly or fully returned:
        a posted credit note linked to the order lines, as a return creates.

        Only main company orders: account gives a new branch its chart of
        accounts when the transaction commits, after this runs."""
        refunded = orders.browse([o.id for o in orders if rng.random() < 0.02])
        if not refunded:
            return self.env["account.move"]
        invoices = refunded._create_invoices()
        for invoice in invoices:
            invoice.invoice_date = invoice.line_ids.sale_line_ids.order_id[
                :1
            ].date_order.date()
        invoices.action_post()
        credit_notes = self.env["account.move"].create(
            [self._demo_credit_note_vals(rng, order) for order in refunded]
        )
        credit_notes.action_post()
        return credit_notes

    @api.model
    def _demo_credit_note_vals(self, rng, order):
        lines = order.order_line.filtered(
            lambda line: not line.display_type and line.qty_invoiced
        )
        returned = lines if rng.random() < 0.4 else lines[:1]
        return {
            "move_type": "out_refund",
            "partner_id": order.partner_invoice_id.id,
            "company_id": order.company_id.id,
            "currency_id": order.currency_id.id,
            "invoice_date": order.date_order.date()
            + timedelta(days=rng.randint(1, 20)),
            "invoice_origin": order.name,
            "invoice_line_ids": [
                Command.create(
                    line._prepare_invoice_line(
                        quantity=max(1.0, line.qty_invoiced // 2)
                        if returned == lines[:1]
                        else line.qty_invoiced,
                    )
                )
                for line in returned
            ],
        }
