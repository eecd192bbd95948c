# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_amount, split_every

# Customers whose tier changes written at once by the re-tier job.
RETIER_CHUNK_SIZE = 1000


class CustomerRatingTier(models.Model):
    """A loyalty tier (Bronze, Silver, Gold...) of a company and its branches.

    A customer is in the tier with the highest threshold that their rolling
    12-month measure (net revenue or profit, as the company's setting says)
    reaches. The tier multiplies the bonus points they earn and gives them
    its price list, unless a manager pinned their price list."""

    _name = "customer.rating.tier"
    _description = "Customer Loyalty Tier"
    _order = "company_id, threshold, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company.root_id,
        domain=[("parent_id", "=", False)],
        help="Tiers of a company apply to its branches too.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    threshold = fields.Monetary(
        "Minimum Amount",
        help="The customer's net revenue or profit over the last 12 months "
        "(in the company's currency) from which they are in this tier.",
    )
    points_multiplier = fields.Float(
        default=1.0, help="Bonus points earned are multiplied by this factor."
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        "Price List",
        domain=[("company_id", "=", False)],
        help="Given to the customers of this tier, in the company and its "
        "branches, unless their price list is pinned. A shared price list (no "
        "company), so that every branch can sell with it.",
    )
    partner_count = fields.Integer("Customers", compute="_compute_partner_count")

    _sql_constraints = (
        (
            "threshold_company_uniq",
            "unique (company_id, threshold)",
            "Two tiers of a company cannot have the same minimum amount.",
        ),
    )

    @api.constrains("threshold", "points_multiplier", "company_id")
    def _check_values(self):
        for tier in self:
            if tier.threshold < 0 or tier.points_multiplier < 0:
                raise ValidationError(
                    _("A tier's minimum amount and multiplier cannot be negative.")
                )
            if tier.company_id.parent_id:
                raise ValidationError(
                    _(
                        "Tiers belong to a main company and apply to its "
                        "branches: choose %s.",
                        tier.company_id.root_id.name,
                    )
                )

    @api.constrains("pricelist_id")
    def _check_pricelist_shared(self):
        """Odoo lets an order use a price list of its own company or of no
        company, never one of the parent company: a tier's price list,
        given in every branch, has no company."""
        for tier in self.filtered("pricelist_id.company_id"):
            raise ValidationError(
                _(
                    "The price list of tier %(tier)s is given in every branch: "
                    "remove its company (%(company)s) so that all can use it.",
                    tier=tier.name,
                    company=tier.pricelist_id.company_id.name,
                )
            )

    @api.model
    def _share_tier_pricelists(self):
        """Remove the company of the tiers' price lists (set by earlier
        versions), which branches could not use."""
        tiers = self.with_context(active_test=False).search([])
        tiers.pricelist_id.filtered("company_id").write({"company_id": False})

    def _compute_partner_count(self):
        counts = {}
        for company, tiers in self.grouped("company_id").items():
            counts.update(
                self.env["res.partner"]
                .with_company(company)
                ._read_group(
                    [("customer_rating_tier_id", "in", tiers.ids)],
                    ["customer_rating_tier_id"],
                    ["__count"],
                )
            )
        for tier in self:
            tier.partner_count = counts.get(tier, 0)

    def action_open_customers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("customer_rating_tier_id", "=", self.id)],
            "context": {"allowed_company_ids": [self.company_id.id]},
        }

    @api.model
    def action_retier(self):
        """Re-tier the customers of the main companies of the active
        companies now, as the daily cron does."""
        companies = self.env.companies.root_id
        changed = sum(self._retier(company) for company in companies)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("%s customers changed tier.", changed),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _cron_retier(self):
        for company in self.search([]).company_id:
            self._retier(company)

    @api.model
    def _retier(self, company):
        """Put every customer of `company` (a main company) in the tier its
        rolling 12-month measure reaches, and set its price list in the
        company and its branches. Return how many customers changed tier.

        The customers who change are written `RETIER_CHUNK_SIZE` at a time,
        each chunk flushed and the ORM's cache emptied after it: the first
        run of a large database changes most customers, and its memory stays
        flat."""
        tiers = self.with_company(company).search([("company_id", "=", company.id)])
        measures = self._tier_measures(company)
        floor, tenured = self._tenure_floor(company)
        current = self._current_tiers(company)
        ranked = tiers.sorted("threshold", reverse=True)
        changes = {}
        for partner_id in current.keys() | measures.keys() | tenured:
            amount = measures.get(partner_id, 0.0)
            tier = next((t for t in ranked if t.threshold <= amount), tiers.browse())
            if partner_id in tenured and (not tier or tier.threshold < floor.threshold):
                tier = floor
            if tier != current.get(partner_id, tiers.browse()):
                changes[partner_id] = tier
        family = self.env["res.company"].search([("id", "child_of", company.id)])
        for chunk in split_every(RETIER_CHUNK_SIZE, sorted(changes)):
            self._apply_tiers(
                company, family, {pid: changes[pid] for pid in chunk}, measures
            )
            self.env.flush_all()
            self.env.invalidate_all()
        return len(changes)

    @api.model
    def _current_tiers(self, company):
        """{customer id: tier} of the customers in a tier of `company`,
        archived ones included (their orders still count)."""
        groups = (
            self.env["res.partner"]
            .with_company(company)
            .with_context(active_test=False)
            ._read_group(
                [("customer_rating_tier_id", "!=", False)],
                ["customer_rating_tier_id"],
                ["id:array_agg"],
            )
        )
        return {pid: tier for tier, ids in groups for pid in ids}

    @api.model
    def _apply_tiers(self, company, family, changes, measures):
        """Write the tiers of `changes` ({customer id: tier}) and their price
        lists in `company` and its branches `family`. Not tracked: the
        change is logged on each customer with its measure instead."""
        partner_model = self.env["res.partner"].with_context(
            customer_rating_tiering=True, mail_notrack=True
        )
        by_tier = defaultdict(list)
        for partner_id, tier in changes.items():
            by_tier[tier].append(partner_id)
        for tier, partner_ids in by_tier.items():
            partners = partner_model.browse(partner_ids).with_company(company)
            partners.customer_rating_tier_id = tier
            unpinned = partners.filtered(
                lambda p: not p.customer_rating_pricelist_pinned
            )
            for branch in family:
                unpinned.with_company(
                    branch
                ).specific_property_product_pricelist = tier.pricelist_id
        self._log_tier_changes(company, changes, measures)

    @api.model
    def _log_tier_changes(self, company, changes, measures):
        basis = dict(
            company._fields["customer_rating_tier_basis"]._description_selection(
                self.env
            )
        )[company.customer_rating_tier_basis]
        bodies = {}
        for partner_id, tier in changes.items():
            amount = format_amount(
                self.env, measures.get(partner_id, 0.0), company.currency_id
            )
            bodies[partner_id] = Markup("%s") % self.env._(
                "Loyalty tier (%(company)s): %(tier)s, %(basis)s over 12 months "
                "%(amount)s.",
                company=company.name,
                tier=tier.name or _("none"),
                basis=basis.lower(),
                amount=amount,
            )
        if bodies:
            self.env["res.partner"].browse(bodies)._message_log_batch(bodies=bodies)

    @api.model
    def _tenure_floor(self, company):
        """(tier, customer ids): the minimum tier of Settings and the
        customers of `company` and its branches it is kept for, those whose
        first counted order is at least the years of Settings old (their
        tenure, `customer.rating.rules._tenure_years`), so that one slow year
        does not demote a long-standing customer. No tier: nobody."""
        floor = company.customer_rating_tenure_tier_id
        years = company.customer_rating_tenure_years
        if not floor or floor.company_id != company or years <= 0:
            return floor, set()
        family = self.env["res.company"].search([("id", "child_of", company.id)])
        # sudo: as `_tier_measures`, a customer's tenure counts all their
        # orders in the company and its branches; only customer ids come out.
        rules = (
            self.env["customer.rating.rules"]
            .sudo()
            .with_context(allowed_company_ids=family.ids)
        )
        today = rules._today()
        scope = rules._report_scope(today, today, company=company, companies=family)
        rules._flush_sources()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT p.commercial_partner_id
                  %(orders)s
                 GROUP BY p.commercial_partner_id
                HAVING %(tenure)s >= %(years)s
                """,
                orders=rules._orders_from(scope, end=scope.end),
                tenure=rules._tenure_years(
                    SQL("MIN(%s)", rules._local_day(SQL("o.date_order"))), today
                ),
                years=years,
            )
        )
        return floor, {partner_id for (partner_id,) in rows}

    @api.model
    def _tier_measures(self, company):
        """Each customer's measure over the last 12 months in `company` and
        its branches, in the company's currency: net revenue (revenue less
        returns) or profit (less the profit of returns)."""
        family = self.env["res.company"].search([("id", "child_of", company.id)])
        # sudo: a tier follows everything the customer bought in the company
        # and its branches, whoever runs the job (the cron, or a manager who
        # sees only some orders); only the per-customer totals come out.
        rules = (
            self.env["customer.rating.rules"]
            .sudo()
            .with_context(allowed_company_ids=family.ids)
        )
        scope = rules._report_scope(
            *rules._last_12_months(rules._today()), company=company, companies=family
        )
        profit = company.customer_rating_tier_basis == "profit"
        rules._flush_sources()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner_id, SUM(amount) FROM (
                    SELECT p.commercial_partner_id AS partner_id, %(sold)s AS amount
                      %(orders)s
                    UNION ALL
                    SELECT p.commercial_partner_id, -%(returned)s
                      %(returns)s
                ) moves
                GROUP BY partner_id
                """,
                sold=rules._order_profit() if profit else rules._order_revenue(),
                returned=rules._returned_profit()
                if profit
                else rules._returned_amount(),
                orders=rules._orders_from(scope, scope.start, scope.end),
                returns=rules._returns_from(scope, scope.date_from, scope.date_to),
            )
        )
        return dict(rows)
