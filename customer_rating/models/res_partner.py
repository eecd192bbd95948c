# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from .customer_rating_rules import STATUSES

WEEKDAYS = [
    ("1", "Monday"),
    ("2", "Tuesday"),
    ("3", "Wednesday"),
    ("4", "Thursday"),
    ("5", "Friday"),
    ("6", "Saturday"),
    ("7", "Sunday"),
]
CARD_GROUP = "customer_rating.customer_rating_group_user"

CARD_QUERY = """
WITH orders AS (
    SELECT p.commercial_partner_id AS partner_id, o.date_order, o.user_id,
           %(local)s AS local_date, %(revenue)s AS revenue, %(profit)s AS profit
      FROM sale_order o
      JOIN res_partner p ON p.id = o.partner_id
      JOIN %(currency_table)s ON account_currency_table.company_id = o.company_id
     WHERE o.id IN (%(readable)s)
), sales AS (
    SELECT partner_id,
           SUM(revenue) AS revenue,
           SUM(revenue) FILTER (WHERE date_order >= %(since)s) AS revenue_12m,
           SUM(profit) AS profit,
           SUM(profit) FILTER (WHERE date_order >= %(since)s) AS profit_12m,
           COUNT(*) AS order_count,
           MIN(date_order) AS first_purchase,
           MAX(date_order) AS last_purchase,
           mode() WITHIN GROUP (ORDER BY EXTRACT(ISODOW FROM local_date)) AS weekday,
           mode() WITHIN GROUP (ORDER BY EXTRACT(HOUR FROM local_date)) AS hour,
           mode() WITHIN GROUP (ORDER BY user_id) AS user_id
      FROM orders GROUP BY partner_id
), rhythm AS (
    SELECT partner_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS rhythm
      FROM (SELECT partner_id,
                   EXTRACT(EPOCH FROM date_order - LAG(date_order)
                       OVER (PARTITION BY partner_id ORDER BY date_order)) / 86400.0
                   AS gap
              FROM orders) g
     WHERE gap IS NOT NULL
     GROUP BY partner_id
), returns AS (
    SELECT p.commercial_partner_id AS partner_id,
           COUNT(DISTINCT am.id) AS return_count,
           SUM(%(returned)s) AS return_amount
      FROM %(return_lines)s
      JOIN %(currency_table)s ON account_currency_table.company_id = o.company_id
     WHERE %(posted_return)s AND o.id IN (%(readable)s)
     GROUP BY p.commercial_partner_id
), debt AS (
    SELECT p.commercial_partner_id AS partner_id,
           SUM(aml.amount_residual * account_currency_table.rate) AS amount_due,
           SUM(aml.amount_residual * account_currency_table.rate)
               FILTER (WHERE aml.date_maturity < %(today)s) AS amount_overdue
      FROM account_move_line aml
      JOIN account_account a ON a.id = aml.account_id
      JOIN res_partner p ON p.id = aml.partner_id
      JOIN %(currency_table)s ON account_currency_table.company_id = aml.company_id
     WHERE a.account_type = 'asset_receivable' AND aml.parent_state = 'posted'
       AND NOT aml.reconciled AND aml.company_id IN %(companies)s
       AND p.commercial_partner_id IN %(partners)s
     GROUP BY p.commercial_partner_id
), bonus AS (
    SELECT card.partner_id, SUM(card.points) AS bonus_balance
      FROM loyalty_card card
      JOIN loyalty_program program ON program.id = card.program_id
     WHERE program.is_customer_bonus AND card.partner_id IN %(partners)s
       AND program.company_id IN %(bonus_companies)s
     GROUP BY card.partner_id
)
SELECT c.id AS partner_id, s.revenue, s.revenue_12m, s.profit, s.profit_12m,
       s.order_count, s.revenue / NULLIF(s.order_count, 0) AS average_ticket,
       s.first_purchase, s.last_purchase, s.weekday::int::text AS weekday,
       s.hour::int AS hour, s.user_id, r.rhythm,
       ret.return_count, ret.return_amount, d.amount_due, d.amount_overdue,
       bonus.bonus_balance
  FROM res_partner c
  LEFT JOIN sales s ON s.partner_id = c.id
  LEFT JOIN rhythm r ON r.partner_id = c.id
  LEFT JOIN returns ret ON ret.partner_id = c.id
  LEFT JOIN debt d ON d.partner_id = c.id
  LEFT JOIN bonus ON bonus.partner_id = c.id
 WHERE c.id IN %(partners)s
"""


class ResPartner(models.Model):
    """The customer card: figures of the commercial partner (a contact shows
    its company's), computed for a whole page of partners by one query
    (`customer.rating.rules._customer_card`), never stored; its loyalty
    status and typed properties, which are stored."""

    _inherit = "res.partner"

    customer_rating_currency_id = fields.Many2one(
        "res.currency", compute="_compute_customer_rating_card", groups=CARD_GROUP
    )
    customer_rating_revenue = fields.Monetary(
        "Revenue (All Time)",
        compute="_compute_customer_rating_card",
        currency_field="customer_rating_currency_id",
        groups=CARD_GROUP,
    )
    customer_rating_revenue_12m = fields.Monetary(
        "Revenue (12 Months)",
        compute="_compute_customer_rating_card",
        currency_field="customer_rating_currency_id",
        groups=CARD_GROUP,
    )
    customer_rating_profit = fields.Monetary(
        "Profit (All Time)",
        compute="_compute_customer_rating_card",
        currency_field="customer_rating_currency_id",
        groups=CARD_GROUP,
    )
    customer_rating_profit_12m = fields.Monetary(
        "Profit (12 Months)",
        compute="_compute_customer_rating_card",
        currency_field="customer_rating_currency_id",
        groups=CARD_GROUP,
    )
    customer_rating_order_count = fields.Integer(
        "Confirmed Orders", compute="_compute_customer_rating_card", groups=CARD_GROUP
    )
    customer_rating_average_ticket = fields.Monetary(
        "Average Ticket",
        compute="_compute_customer_rating_card",
        currency_field="customer_rating_currency_id",
        groups=CARD_GROUP,
    )
    customer_rating_first_purchase = fields.Datetime(
        "First Purchase", compute="_compute_customer_rating_card", groups=CARD_GROUP
    )
    customer_rating_last_purchase = fields.Datetime(
        "Last Purchase", compute="_compute_customer_rating_card", groups=CARD_GROUP
    )
    customer_rating_days_since = fields.Integer(
        "Days Since Last Purchase",
        compute="_compute_customer_rating_card",
        groups=CARD_GROUP,
    )
    customer_rating_rhythm = fields.Float(
        "Usual Rhythm (Days)",
        compute="_compute_customer_rating_card",
        groups=CARD_GROUP,
        digits=(16, 1),
        help="Median number of days between two orders",
    )
    customer_rating_next_purchase = fields.Date(
        "Expected Next Purchase",
        compute="_compute_customer_rating_card",
        groups=CARD_GROUP,
    )
    customer_rating_weekday = fields.Selection(
        WEEKDAYS,
        "Preferred Weekday",
        compute="_compute_customer_rating_card",
        groups=CARD_GROUP,
    )
    customer_rating_hour = fields.Integer(
        "Preferred Hour",
        compute="_compute_customer_rating_card",
        groups=CARD_GROUP,
        help="Hour of the day the customer orders most, in your time zone",
    )
    customer_rating_user_id = fields.Many2one(
        "res.users",
        "Preferred Salesperson",
        compute="_compute_customer_rating_card",
        groups=CARD_GROUP,
        help="The salesperson of most of the customer's orders",
    )
    customer_rating_return_count = fields.Integer(
        "Returns", compute="_compute_customer_rating_card", groups=CARD_GROUP
    )
    customer_rating_return_amount = fields.Monetary(
        "Returned Amount",
        compute="_compute_customer_rating_card",
        currency_field="customer_rating_currency_id",
        groups=CARD_GROUP,
    )
    customer_rating_amount_due = fields.Monetary(
        "Amount Due",
        compute="_compute_customer_rating_card",
        currency_field="customer_rating_currency_id",
        groups=CARD_GROUP,
    )
    customer_rating_amount_overdue = fields.Monetary(
        "Amount Overdue",
        compute="_compute_customer_rating_card",
        currency_field="customer_rating_currency_id",
        groups=CARD_GROUP,
    )

    customer_rating_bonus_balance = fields.Float(
        "Bonus Points",
        compute="_compute_customer_rating_card",
        groups=CARD_GROUP,
        help="Points on the customer's bonus cards",
    )
    customer_rating_tier_id = fields.Many2one(
        "customer.rating.tier",
        "Loyalty Tier",
        company_dependent=True,
        readonly=True,
        help="Set every day from the customer's 12-month net revenue or profit.",
    )
    customer_rating_pricelist_pinned = fields.Boolean(
        "Price List Pinned",
        company_dependent=True,
        help="The loyalty tiers do not change this customer's price list. Set "
        "when a Customer Rating manager chooses a price list by hand.",
    )

    utm_source_id = fields.Many2one(
        "utm.source",
        "Acquisition Source",
        index="btree_not_null",
        help="Where the customer came from: the source of their first order "
        "(or lead) when left empty. Orders keep their own source.",
    )
    customer_rating_referred_by_id = fields.Many2one(
        "res.partner",
        "Referred By",
        index="btree_not_null",
        help="The customer who brought this one; they earn bonus points at "
        "this customer's first confirmed order.",
    )
    customer_rating_referral_ids = fields.One2many(
        "res.partner",
        "customer_rating_referred_by_id",
        "Referrals",
        domain=[("parent_id", "=", False)],
    )
    customer_rating_instrument_ids = fields.One2many(
        "loyalty.card",
        "partner_id",
        "Marketing Instruments",
        context={"active_test": False},
    )

    @api.constrains("customer_rating_referred_by_id")
    def _check_customer_rating_referrer(self):
        for partner in self.filtered("customer_rating_referred_by_id"):
            referrer = partner.customer_rating_referred_by_id.commercial_partner_id
            if referrer == partner.commercial_partner_id:
                raise ValidationError(
                    self.env._("A customer cannot be referred by themselves.")
                )

    def _commercial_fields(self):
        return [
            *super()._commercial_fields(),
            "utm_source_id",
            "customer_rating_referred_by_id",
        ]

    @api.model
    def _customer_rating_fill_sources(self, partners=None):
        """First touch: give customers without an acquisition source the
        source of their first confirmed order (or of their first lead, when
        CRM is installed), with one query. `partners`: commercial partners,
        None for all."""
        if partners is not None and not partners:
            return 0
        self.env["sale.order"].flush_model(["source_id", "partner_id", "state"])
        self.env["res.partner"].flush_model(["utm_source_id", "commercial_partner_id"])
        customers = (
            SQL("p.commercial_partner_id IN %s", tuple(partners.ids))
            if partners is not None
            else SQL("TRUE")
        )
        touches = [
            SQL(
                """SELECT p.commercial_partner_id AS partner_id, o.source_id,
                          o.date_order AS touched, o.id
                     FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
                    WHERE o.source_id IS NOT NULL AND o.state = 'sale' AND %s""",
                customers,
            )
        ]
        if "crm.lead" in self.env:
            self.env["crm.lead"].flush_model(["source_id", "partner_id"])
            touches.append(
                SQL(
                    """SELECT p.commercial_partner_id, l.source_id, l.create_date, l.id
                         FROM crm_lead l JOIN res_partner p ON p.id = l.partner_id
                        WHERE l.source_id IS NOT NULL AND %s""",
                    customers,
                )
            )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (t.partner_id) t.partner_id, t.source_id
                  FROM (%s) t
                  JOIN res_partner c ON c.id = t.partner_id
                 WHERE c.utm_source_id IS NULL
                 ORDER BY t.partner_id, t.touched, t.id
                """,
                SQL(" UNION ALL ").join(touches),
            )
        )
        by_source = {}
        for partner_id, source_id in rows:
            by_source.setdefault(source_id, []).append(partner_id)
        for source_id, partner_ids in by_source.items():
            self.browse(partner_ids).write({"utm_source_id": source_id})
        return len(rows)

    def action_customer_rating_assign_instrument(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Assign a Marketing Instrument"),
            "res_model": "customer.rating.instrument.assign",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    customer_rating_gap_categ_ids = fields.Many2many(
        "product.category",
        string="Cross-sell Gaps",
        compute="_compute_customer_rating_gaps",
        groups=CARD_GROUP,
        help="Product categories this customer never bought although most "
        "customers of the same segment bought them in the last 12 months",
    )
    customer_rating_status = fields.Selection(
        STATUSES,
        "Loyalty Status",
        default="active",
        required=True,
        index=True,
        tracking=True,
        help="Active: a customer the shop talks to. Control: a required customer "
        "property is empty (set and cleared automatically). Archived: "
        "communication stopped, set by hand: history kept, no reminders, not "
        "counted among regular customers.",
    )
    customer_rating_property_holder_id = fields.Many2one(
        "customer.rating.property.holder",
        "Customer Property Definitions",
        compute="_compute_customer_rating_property_holder_id",
        search="_search_customer_rating_property_holder_id",
        groups="base.group_user",
    )
    customer_rating_properties = fields.Properties(
        "Customer Properties",
        definition="customer_rating_property_holder_id.property_definition",
        groups="base.group_user",
    )

    def _compute_customer_rating_property_holder_id(self):
        self.customer_rating_property_holder_id = self.env[
            "customer.rating.property.holder"
        ]._holder()

    def _search_customer_rating_property_holder_id(self, operator, value):
        """Every partner has the one holder (the search panel filters the
        properties on it)."""
        if operator not in ("=", "!=", "in", "not in"):
            return expression.FALSE_DOMAIN
        holder = self.env["customer.rating.property.holder"]._holder()
        ids = value if isinstance(value, (list, tuple)) else [value]
        if (holder.id in ids) == (operator in ("=", "in")):
            return expression.TRUE_DOMAIN
        return expression.FALSE_DOMAIN

    @api.depends_context("company", "allowed_company_ids", "tz", "uid")
    def _compute_customer_rating_card(self):
        commercial = self.commercial_partner_id.filtered("id")
        card = self._customer_rating_card(commercial)
        today = fields.Date.context_today(self)
        for partner in self:
            figures = card.get(partner.commercial_partner_id.id, {})
            last = figures.get("last_purchase")
            rhythm = figures.get("rhythm") or 0.0
            partner.customer_rating_currency_id = self.env.company.currency_id
            partner.customer_rating_revenue = figures.get("revenue", 0.0)
            partner.customer_rating_revenue_12m = figures.get("revenue_12m", 0.0)
            partner.customer_rating_profit = figures.get("profit", 0.0)
            partner.customer_rating_profit_12m = figures.get("profit_12m", 0.0)
            partner.customer_rating_order_count = figures.get("order_count", 0)
            partner.customer_rating_average_ticket = figures.get("average_ticket", 0.0)
            partner.customer_rating_first_purchase = figures.get("first_purchase")
            partner.customer_rating_last_purchase = last
            partner.customer_rating_days_since = (
                (today - last.date()).days if last else 0
            )
            partner.customer_rating_rhythm = rhythm
            partner.customer_rating_next_purchase = (
                last.date() + timedelta(days=round(rhythm))
                if last and rhythm
                else False
            )
            partner.customer_rating_weekday = figures.get("weekday")
            partner.customer_rating_hour = figures.get("hour", 0)
            partner.customer_rating_user_id = figures.get("user_id")
            partner.customer_rating_return_count = figures.get("return_count", 0)
            partner.customer_rating_return_amount = figures.get("return_amount", 0.0)
            partner.customer_rating_amount_due = figures.get("amount_due", 0.0)
            partner.customer_rating_amount_overdue = figures.get("amount_overdue", 0.0)
            partner.customer_rating_bonus_balance = figures.get("bonus_balance", 0.0)

    @api.model
    def _customer_rating_card(self, partners):
        """The figures of the customer card of `partners` (commercial
        partners), with one query whatever their number: {partner id: {name:
        value}}. Amounts in the current company's currency; weekday and hour
        in the user's time zone; the orders are those the user may read; the
        debt is the customer's open receivable in the companies the user
        works in."""
        if not partners:
            return {}
        for model in ("sale.order", "res.partner", "account.move", "account.move.line"):
            self.env[model].flush_model()
        rules = self.env["customer.rating.rules"]
        companies = self.env.companies
        tz = self.env.context.get("tz") or self.env.user.tz or "UTC"
        self.env.cr.execute(
            SQL(
                CARD_QUERY,
                local=SQL("o.date_order AT TIME ZONE 'UTC' AT TIME ZONE %s", tz),
                revenue=rules._order_revenue(),
                profit=rules._order_profit(),
                returned=rules._returned_amount(),
                return_lines=rules._return_lines(),
                posted_return=rules._posted_return(),
                currency_table=rules._currency_table(companies, self.env.company),
                readable=rules._readable_orders(partners),
                since=fields.Datetime.now() - relativedelta(years=1),
                today=fields.Date.context_today(self),
                companies=tuple(companies.ids),
                bonus_companies=tuple((companies | companies.parent_id).ids),
                partners=tuple(partners.ids),
            )
        )
        return {
            row["partner_id"]: {
                key: value for key, value in row.items() if value is not None
            }
            for row in self.env.cr.dictfetchall()
        }

    @api.depends_context("company", "allowed_company_ids", "uid")
    def _compute_customer_rating_gaps(self):
        commercial = self.commercial_partner_id.filtered("id")
        gaps = self.env["customer.rating.gap.line"]._card_gaps(commercial)
        categories = self.env["product.category"]
        for partner in self:
            partner.customer_rating_gap_categ_ids = categories.browse(
                gaps.get(partner.commercial_partner_id.id, [])
            )

    @api.model
    def _add_missing_default_values(self, values):
        """Odoo gives the defaults of the properties from the definition
        record found in the values; ours is computed, so add it."""
        holder = self.env["customer.rating.property.holder"]._holder()
        field = self._fields["customer_rating_properties"]
        if not holder or field.definition_record in values:
            return super()._add_missing_default_values(values)
        defaults = super()._add_missing_default_values(
            {**values, field.definition_record: holder.id}
        )
        defaults.pop(field.definition_record)
        return defaults

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        partners._customer_rating_sync_status()
        return partners

    def write(self, vals):
        """A price list a Customer Rating manager sets by hand is pinned:
        the loyalty tiers leave it alone. The loyalty status follows the
        required customer properties (see `_customer_rating_sync_status`)."""
        pricelist_fields = {
            "property_product_pricelist",
            "specific_property_product_pricelist",
        }
        if (
            pricelist_fields & set(vals)
            and "customer_rating_pricelist_pinned" not in vals
            and not self.env.context.get("customer_rating_tiering")
            and self.env.user.has_group("customer_rating.customer_rating_group_manager")
        ):
            vals = {**vals, "customer_rating_pricelist_pinned": True}
        result = super().write(vals)
        status_fields = {
            "customer_rating_properties",
            "customer_rating_status",
            "parent_id",
            "is_company",
        }
        if status_fields & set(vals) and not self.env.context.get(
            "customer_rating_status_sync"
        ):
            self._customer_rating_sync_status()
        return result

    def _customer_rating_sync_status(self):
        """Apply the control rule (`customer.rating.rules._status_control_rule`)
        to these partners."""
        partners = self
        if not self._customer_rating_required_properties():
            # nothing can be incomplete: only partners in control may move
            partners = self.filtered(lambda p: p.customer_rating_status == "control")
        if partners:
            self._customer_rating_move_statuses(SQL("p.id IN %s", tuple(partners.ids)))

    @api.model
    def _customer_rating_sync_all_statuses(self):
        """Apply the control rule to every partner (the definition or the
        required properties changed)."""
        self._customer_rating_move_statuses(SQL("TRUE"))

    @api.model
    def _customer_rating_required_properties(self):
        # sudo: the names of the required properties are no secret; reading
        # them must not depend on the rights of whoever edits a customer.
        holder = self.env["customer.rating.property.holder"].sudo()._holder()
        return holder._required_names()

    @api.model
    def _customer_rating_move_statuses(self, partners):
        """One query finds the partners (an SQL condition on alias `p`) whose
        status must move between active and control (archived ones never
        move); the change is written through the ORM so that it is tracked."""
        required = self._customer_rating_required_properties()
        target = self.env["customer.rating.rules"]._status_control_rule(required)
        self.flush_model(
            [
                "customer_rating_status",
                "customer_rating_properties",
                "commercial_partner_id",
            ]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT %(target)s, array_agg(p.id ORDER BY p.id)
                  FROM res_partner p
                 WHERE p.customer_rating_status != 'archived'
                   AND %(target)s != p.customer_rating_status AND %(partners)s
                 GROUP BY 1
                """,
                target=target,
                partners=partners,
            )
        )
        for status, ids in rows:
            # sudo: the status follows the shared property definition for
            # every customer, whoever changed it (a manager editing the
            # definition may not write every company's customers); only the
            # status is written, tracked in the name of the current user.
            self.browse(ids).sudo().with_context(
                customer_rating_status_sync=True
            ).write({"customer_rating_status": status})

    def _customer_rating_tier(self, company):
        """The loyalty tier of this customer in `company` (tiers belong to
        the main company of a branch)."""
        self.ensure_one()
        # sudo: a branch salesperson may not read the main company's tiers;
        # the tier only tells how many points an order earns.
        return self.sudo().with_company(company.root_id).customer_rating_tier_id

    def action_customer_rating_ledger(self):
        """The bonus ledger of this customer, oldest line first."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_rating.loyalty_history_action_bonus_ledger"
        )
        action["domain"] = [
            ("card_id.partner_id", "=", self.commercial_partner_id.id),
            ("card_id.program_id.is_customer_bonus", "=", True),
        ]
        return action

    def action_customer_rating_orders(self):
        """The confirmed orders of this customer (and its contacts)."""
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action["domain"] = [
            ("partner_id", "child_of", self.commercial_partner_id.ids),
            ("state", "=", "sale"),
        ]
        action["context"] = {}
        return action

    def action_customer_rating_gaps(self):
        """The Cross-sell Gaps report of the last 12 months, on this customer."""
        wizard = self.env["customer.rating.wizard"].create(
            {"report": "gaps", "period": "last_12_months"}
        )
        action = wizard.action_open()
        action["domain"] = expression.AND(
            [action["domain"], [("partner_id", "=", self.commercial_partner_id.id)]]
        )
        return action

    def action_customer_rating_returns(self):
        """The posted credit notes of this customer."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_refund_type"
        )
        action["domain"] = [
            ("move_type", "=", "out_refund"),
            ("state", "=", "posted"),
            ("commercial_partner_id", "in", self.commercial_partner_id.ids),
        ]
        action["context"] = {"default_move_type": "out_refund"}
        return action
