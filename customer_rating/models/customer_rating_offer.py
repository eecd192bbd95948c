# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CustomerRatingOffer(models.Model):
    """A win-back offer: one coupon per customer, of a coupon program of
    its own made from a chosen coupon or promotion program, optionally
    restricted to a product category and to chosen weekdays, with what the
    coupons brought back.

    Why a program per offer: the category restriction (a condition and the
    discount's products) and the weekdays then live on the program that
    Odoo's own flows read (sale_loyalty's codes and rewards, pos_loyalty's
    till), so every channel enforces them, and the chosen program stays
    untouched for its other uses."""

    _name = "customer.rating.offer"
    _description = "Customer Rating win-back offer"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company",
        "Branch",
        required=True,
        default=lambda self: self.env.company,
        help="The coupons are valid in this company and its branches; the "
        "weekdays are counted in its time zone.",
    )
    template_program_id = fields.Many2one(
        "loyalty.program",
        "Based On",
        required=True,
        check_company=True,
        domain="[('program_type', 'in', ('coupons', 'promotion'))]",
        help="The coupon or promotion program whose conditions and rewards "
        "the offer's coupons give.",
    )
    program_id = fields.Many2one(
        "loyalty.program",
        "Coupon Program",
        readonly=True,
        copy=False,
        help="The offer's own coupon program, made from the chosen one.",
    )
    categ_id = fields.Many2one(
        "product.category",
        "Product Category",
        help="Only orders with products of this category (subcategories "
        "included) get the reward, and the discount applies to them only.",
    )
    weekday_ids = fields.Many2many(
        "customer.rating.weekday",
        string="Valid On",
        help="The coupons give their reward on these days only, in the "
        "branch's time zone. Empty: every day.",
    )
    date_to = fields.Date(
        "Valid Until", help="The last day the coupons can be used (included)."
    )
    coupon_ids = fields.One2many(
        "loyalty.card",
        "customer_rating_offer_id",
        "Coupons",
        readonly=True,
        context={"active_test": False},
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    coupon_count = fields.Integer("Coupons Sent", compute="_compute_results")
    used_count = fields.Integer(
        "Coupons Used",
        compute="_compute_results",
        help="Coupons used on at least one counted order you may read.",
    )
    customer_back_count = fields.Integer(
        "Customers Back",
        compute="_compute_results",
        help="Customers with a counted order that used the offer's coupon.",
    )
    order_count = fields.Integer(
        "Orders", compute="_compute_results", help="Counted orders using a coupon"
    )
    revenue = fields.Monetary(
        compute="_compute_results",
        help="Untaxed amount of the counted orders that used a coupon of "
        "the offer (the whole order, after the discount).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        offers = super().create(vals_list)
        for offer in offers:
            offer.program_id = offer._create_program()
        return offers

    def write(self, vals):
        res = super().write(vals)
        if {"weekday_ids", "date_to", "name"} & set(vals):
            for offer in self.filtered("program_id"):
                offer._sync_program()
        return res

    def _create_program(self):
        """The offer's own coupon program: the chosen program's conditions
        (without their codes: the coupons are the codes), rewards and
        messages (a promotion's coupons are mailed as Odoo's coupons are),
        with the offer's category, weekdays and end date."""
        self.ensure_one()
        template = self.template_program_id
        # sudo: only Customer Rating managers create offers (access rights);
        # the program is the offer's own, copied from one they chose
        Program = self.env["loyalty.program"].sudo()
        plans = template.communication_plan_ids.copy_data()
        if template.program_type == "promotion":
            # a promotion has no coupon to mail: mail them as coupons do
            plans = [
                values
                for __, __, values in Program._program_type_default_values()["coupons"][
                    "communication_plan_ids"
                ][1:]
            ]
        program = Program.create(
            {
                "name": self.name,
                "program_type": "coupons",
                "trigger": "with_code",
                "applies_on": "current",
                "company_id": self.company_id.id,
                "currency_id": template.currency_id.id,
                "sale_ok": template.sale_ok,
                "date_to": self.date_to,
                "customer_rating_offer_id": self.id,
                "customer_rating_weekday_ids": [Command.set(self.weekday_ids.ids)],
                "rule_ids": [Command.create(v) for v in self._rule_values()],
                "reward_ids": [Command.create(v) for v in self._reward_values()],
                "communication_plan_ids": [Command.create(v) for v in plans],
                **self._program_channel_values(template),
            }
        )
        return program.sudo(False)

    @api.model
    def _program_channel_values(self, template):
        """Values of the offer's program that other channels' addons copy
        from the chosen program (the Point of Sale: `pos_ok`)."""
        return {}

    def _rule_values(self):
        """The chosen program's conditions, applied automatically; with a
        category, each requires a product of it (one rule when none)."""
        self.ensure_one()
        rules = [
            {**values, "mode": "auto", "code": False}
            for values in self.template_program_id.rule_ids.copy_data()
        ]
        if not self.categ_id:
            return rules
        category = {
            "product_ids": [Command.clear()],
            "product_tag_id": False,
            "product_domain": "[]",
            "product_category_id": self.categ_id.id,
        }
        return [
            {
                **values,
                **category,
                "minimum_qty": max(values.get("minimum_qty") or 0, 1),
            }
            for values in rules or [{"minimum_qty": 1, "reward_point_amount": 1}]
        ]

    def _reward_values(self):
        """The chosen program's rewards; with a category, discounts on its
        products only."""
        self.ensure_one()
        rewards = self.template_program_id.reward_ids
        if not rewards:
            raise UserError(
                self.env._(
                    "%(program)s has no reward to give.",
                    program=self.template_program_id.name,
                )
            )
        if not self.categ_id:
            return rewards.copy_data()
        if any(reward.reward_type != "discount" for reward in rewards):
            raise UserError(
                self.env._(
                    "Only discounts can be restricted to a product category: "
                    "%(program)s also gives other rewards.",
                    program=self.template_program_id.name,
                )
            )
        return [
            {
                **values,
                "discount_applicability": "specific",
                "discount_product_ids": [Command.clear()],
                "discount_product_tag_id": False,
                "discount_product_domain": "[]",
                "discount_product_category_id": self.categ_id.id,
            }
            for values in rewards.copy_data()
        ]

    def _sync_program(self):
        """Keep the offer's program and coupons valid on the offer's days
        and up to its end date."""
        self.ensure_one()
        # sudo: the offer's own program and coupons, changed by a manager
        # who may write the offer
        self.program_id.sudo().write(
            {
                "name": self.name,
                "date_to": self.date_to,
                "customer_rating_weekday_ids": [Command.set(self.weekday_ids.ids)],
            }
        )
        self.coupon_ids.sudo().expiration_date = self.date_to

    def _generate_coupons(self, partners):
        """Give each customer of `partners` (their commercial partners) one
        coupon of the offer, once: who already holds one gets nothing more.
        Coupons are created as Odoo's coupon generation creates them, with
        the points of the offer's dearest reward and a ledger line, and are
        mailed when the program says so. Returns the new coupons."""
        self.ensure_one()
        self.check_access("write")
        customers = partners.commercial_partner_id - self.coupon_ids.partner_id
        if not customers:
            return self.env["loyalty.card"]
        points = max(self.program_id.reward_ids.mapped("required_points"), default=1)
        # sudo: a Customer Rating manager (write access on the offer, checked
        # above) sends coupons of the offer's own program
        coupons = (
            self.env["loyalty.card"]
            .sudo()
            .create(
                [
                    {
                        "program_id": self.program_id.id,
                        "partner_id": customer.id,
                        "points": points,
                        "expiration_date": self.date_to,
                        "customer_rating_offer_id": self.id,
                    }
                    for customer in customers
                ]
            )
        )
        self.env["loyalty.history"].sudo().create(
            [
                {"card_id": coupon.id, "issued": points, "description": self.name}
                for coupon in coupons
            ]
        )
        return coupons.sudo(False)

    @api.depends("coupon_ids")
    def _compute_results(self):
        results = self._results()
        for offer in self:
            row = results.get(offer.id, {})
            offer.coupon_count = len(offer.coupon_ids)
            offer.used_count = row.get("used", 0)
            offer.customer_back_count = row.get("customers", 0)
            offer.order_count = row.get("orders", 0)
            offer.revenue = row.get("revenue", 0.0)

    def _results(self):
        """{offer id: used, customers, orders, revenue}: the counted orders
        (through the rules layer: those the user may read, in the offer's
        company and its branches the user is allowed in) that used a coupon
        of the offer, one query per company of the offers."""
        offers = self.filtered("id")
        if not offers:
            return {}
        rules = self.env["customer.rating.rules"]
        rules._flush_sources()
        results = {}
        for company, company_offers in offers.grouped("company_id").items():
            # sudo: the place in the company tree of the offer's company
            branches = self.env.user.company_ids.sudo().filtered(
                lambda branch, c=company: branch.parent_path.startswith(
                    c.sudo().parent_path
                )
            )
            if not branches:
                continue
            scoped = rules.with_context(allowed_company_ids=branches.ids)
            scope = scoped._report_scope(
                rules._today(), rules._today(), company=company, companies=branches
            )
            results.update(company_offers.with_env(scoped.env)._offer_results(scope))
        return results

    def _offer_results(self, scope):
        """The results of these offers over the counted orders of `scope`
        (all their history)."""
        rules = self.env["customer.rating.rules"]
        rows = self.env.execute_query_dict(
            SQL(
                """
                WITH used AS (
                    SELECT DISTINCT lc.customer_rating_offer_id AS offer_id,
                           u.model, u.order_id, u.coupon_id
                      FROM (%(uses)s) u
                      JOIN loyalty_card lc ON lc.id = u.coupon_id
                     WHERE lc.customer_rating_offer_id IN %(offers)s
                ), counted AS (
                    SELECT o.model, o.id, p.commercial_partner_id,
                           %(revenue)s AS revenue
                      %(orders)s
                       AND (o.model, o.id) IN (SELECT model, order_id FROM used)
                ), coupons AS (
                    SELECT used.offer_id, COUNT(DISTINCT used.coupon_id) AS used
                      FROM used
                      JOIN counted c ON c.model = used.model AND c.id = used.order_id
                     GROUP BY used.offer_id
                ), orders AS (
                    SELECT DISTINCT used.offer_id, c.model, c.id,
                           c.commercial_partner_id, c.revenue
                      FROM counted c
                      JOIN used ON used.model = c.model AND used.order_id = c.id
                )
                SELECT o.offer_id, cp.used,
                       COUNT(DISTINCT o.commercial_partner_id) AS customers,
                       COUNT(*) AS orders, SUM(o.revenue) AS revenue
                  FROM orders o JOIN coupons cp ON cp.offer_id = o.offer_id
                 GROUP BY o.offer_id, cp.used
                """,
                uses=rules._union(rules._coupon_use_sources()),
                offers=tuple(self.ids),
                revenue=rules._order_revenue(),
                orders=rules._orders_from(scope),
            )
        )
        return {row.pop("offer_id"): row for row in rows}

    def action_view_coupons(self):
        self.ensure_one()
        coupons_list = self.env.ref("customer_rating.loyalty_card_view_list_offer")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Coupons of %(offer)s", offer=self.name),
            "res_model": "loyalty.card",
            "view_mode": "list,form",
            "views": [(coupons_list.id, "list"), (False, "form")],
            "domain": [("customer_rating_offer_id", "=", self.id)],
            "context": {"active_test": False, "create": False},
        }
