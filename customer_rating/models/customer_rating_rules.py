# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The business rules every report follows, written once.

Each method returns an SQL fragment over the usual aliases: `o` for the
counted orders of every channel (sales orders, and the channels of bridge
addons such as the Point of Sale), `l` for their lines, `ret` for their
returns, `p` for the customer, and Odoo's `account_currency_table` (joined
on the order's company), which converts a company's currency into the
report currency.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

# A customer is in class A while the customers ranked before them make less
# than 80% of the measure, in class B below 95%, in class C after that.
PARETO_A = 0.80
PARETO_B = 0.95

# Retention defaults, overridden in Settings (ir.config_parameter).
RETENTION_DEFAULTS = {
    "customer_rating.at_risk_factor": 2.0,
    "customer_rating.lost_factor": 4.0,
    "customer_rating.default_gap": 60,
}

# The retention rule (see `_retention_query`), in one pass over the orders
# and returns of the customers for every day it is read on. From
# `retention_facts` (one row per order or return: partner_id, day,
# is_order, revenue, and for orders company_id, user_id, team_id,
# date_order, model and id):
# - `retention_visits`: one row per customer and day, with its orders, its
#   revenue (returns deducted) and the last order of the day (company, user
#   and team; ties in the same second go to the last created order);
# - `retention_gaps`: each day of orders with the gap since the customer's
#   previous day of orders, and the revenue of the days a year or more
#   before it (what the 12 months up to a last purchase leave out).
# Each day the rule is read on then aggregates the rows up to that day
# (`RETENTION_DAY_COLUMNS`): no row is repeated for several days.
# The orders' revenue, the returns and the revenue before a year count only
# in the spending columns (total_spent, spent_12m): a report that only
# compares statuses leaves them all out (`spending=False`, `SPENDING_COLUMNS`).
RETENTION_VISITS_CTES = """
retention_ranked AS (
    SELECT f.*, ROW_NUMBER() OVER (
               PARTITION BY f.partner_id, f.day
               ORDER BY f.is_order DESC, f.date_order DESC, f.model DESC, f.id DESC
           ) AS recency
      FROM retention_facts f
), retention_visits AS (
    SELECT partner_id, day, COUNT(*) FILTER (WHERE is_order) AS orders,
           SUM(revenue) AS revenue,
           MAX(ARRAY[company_id, user_id, team_id])
               FILTER (WHERE is_order AND recency = 1) AS last_order
      FROM retention_ranked GROUP BY partner_id, day
), %(gaps)s"""
RETENTION_GAPS_CTE = """
retention_gaps AS (
    SELECT v.*,
           CASE WHEN v.orders > 0 THEN v.day - MAX(v.day) FILTER (WHERE v.orders > 0)
               OVER (by_day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
           END AS gap,
           %(revenue_before_year)s AS revenue_before_year
      FROM retention_visits v
    WINDOW by_day AS (PARTITION BY v.partner_id ORDER BY v.day)
)"""
REVENUE_BEFORE_YEAR = """COALESCE(SUM(v.revenue) OVER (
    by_day RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL '1 year' PRECEDING
), 0)"""
# The columns of the rule on the day `at`, aggregated per customer from
# `retention_gaps`; `last_order` and `last_year` are arrays led by the day,
# whose MAX is the last day of orders up to `at`.
RETENTION_DAY_COLUMNS = {
    "order_count": "(SUM(orders) FILTER (WHERE day <= %(at)s))::bigint",
    "first_purchase": "MIN(day) FILTER (WHERE orders > 0 AND day <= %(at)s)",
    "last_purchase": "MAX(day) FILTER (WHERE orders > 0 AND day <= %(at)s)",
    "total_spent": "SUM(revenue) FILTER (WHERE day <= %(at)s)",
    "last_order": "MAX(ARRAY[day - DATE '2000-01-01'] || last_order)"
    " FILTER (WHERE orders > 0 AND day <= %(at)s)",
    "last_year": "MAX(ARRAY[(day - DATE '2000-01-01')::float8, revenue_before_year])"
    " FILTER (WHERE orders > 0 AND day <= %(at)s)",
    "median_gap": "percentile_cont(0.5) WITHIN GROUP (ORDER BY gap)"
    " FILTER (WHERE gap IS NOT NULL AND day <= %(at)s)",
}
# What the day columns without the spending are (`spending=False`).
SPENDING_COLUMNS = {"total_spent": "NULL::float8", "last_year": "NULL::float8[]"}
RETENTION_QUERY = """
WITH retention_orders AS (
    SELECT p.commercial_partner_id AS partner_id, %(day)s AS day, TRUE AS is_order,
           %(revenue)s AS revenue, o.company_id, o.user_id, o.team_id,
           o.date_order, o.model, o.id
      %(orders)s
), retention_facts AS (
    SELECT * FROM retention_orders
    %(returns)s
), %(visits)s, retention_customers AS (
    SELECT partner_id, %(day_columns)s
      FROM retention_gaps GROUP BY partner_id
)
SELECT v.retention_day, c.partner_id, v.last_order[2] AS company_id,
       COALESCE(cp.user_id, v.last_order[3]) AS user_id,
       v.last_order[3] AS last_user_id, v.last_order[4] AS team_id,
       v.order_count, v.first_purchase, v.last_purchase, v.total_spent,
       v.total_spent - v.last_year[2] AS spent_12m,
       v.median_gap, g.rhythm, v.retention_day - v.last_purchase AS days_since,
       d.at_risk_date, d.lost_date,
       CASE WHEN v.retention_day >= d.lost_date THEN 'lost'
            WHEN v.retention_day >= d.at_risk_date THEN 'at_risk'
            ELSE 'active' END AS status,
       %(stopped)s AS stopped
  FROM retention_customers c
 CROSS JOIN LATERAL (VALUES %(days)s) AS v(retention_day, %(columns)s)
  JOIN res_partner cp ON cp.id = c.partner_id AND cp.active AND %(kept)s
 CROSS JOIN LATERAL (SELECT COALESCE(v.median_gap, %(default_gap)s) AS rhythm) g
 CROSS JOIN LATERAL (
       SELECT v.last_purchase + %(at_risk_days)s AS at_risk_date,
              v.last_purchase + %(lost_days)s AS lost_date
       ) d
 WHERE v.order_count > 0
"""
# The returns among the facts of the rule (with the spending only).
RETENTION_RETURNS = """
     UNION ALL
    SELECT p.commercial_partner_id, ret.day, FALSE, -%(returned)s,
           NULL, NULL, NULL, NULL, NULL, NULL
      %(returns)s
"""
# Only what the value score needs of the retention rule: the rhythm and the
# days since the last purchase of the customers it does not leave out, from
# the days of orders alone (the same gaps as the rule's).
RHYTHM_QUERY = """
WITH retention_visits AS (
    SELECT p.commercial_partner_id AS partner_id, %(day)s AS day,
           COUNT(*) AS orders, NULL::float8 AS revenue
      %(orders)s
     GROUP BY 1, 2
), %(gaps)s
SELECT r.partner_id, COALESCE(r.median_gap, %(default_gap)s) AS rhythm,
       %(at)s - r.last_purchase AS days_since
  FROM (SELECT partner_id, MAX(day) AS last_purchase,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY gap)
                   FILTER (WHERE gap IS NOT NULL) AS median_gap
          FROM retention_gaps GROUP BY partner_id) r
  JOIN res_partner cp ON cp.id = r.partner_id AND cp.active AND NOT %(stopped)s
"""
# A product category is a cross-sell gap for a customer who never bought it
# when at least this share (%) of the customers of the same segment bought it.
GAP_THRESHOLD = 50.0

# The loyalty status of a customer (see `_status_control_rule`).
STATUSES = [
    ("active", "Active"),
    ("control", "Control"),
    ("archived", "Archived"),
]


@dataclass(frozen=True)
class ReportScope:
    """The parameters of a report, as the rules layer hands them to the
    report builders (`customer.rating.rules._report_scope`): the period in
    the user's days, the report company (its currency), the branches the
    user may work in, the filters, and the bounds of the period in UTC."""

    company: models.BaseModel
    companies: models.BaseModel
    date_from: date
    date_to: date
    tz: str
    teams: models.BaseModel
    users: models.BaseModel
    products: models.BaseModel
    categories: models.BaseModel
    measure: str = "revenue"
    top: int = 0
    gap_threshold: float = GAP_THRESHOLD
    wizard_id: int = 0

    @property
    def previous_date_from(self):
        """First day of the previous period of the same length."""
        return self.date_from - (self.date_to - self.date_from + timedelta(days=1))

    @property
    def start(self):
        """The period's first instant, naive UTC."""
        return utc_start(self.date_from, self.tz)

    @property
    def previous_start(self):
        """The previous period's first instant, naive UTC."""
        return utc_start(self.previous_date_from, self.tz)

    @property
    def end(self):
        """The instant after the period's last day, naive UTC."""
        return utc_start(self.date_to + timedelta(days=1), self.tz)


def utc_start(day, tz):
    """The first instant of `day` in the time zone `tz`, as a naive UTC
    datetime (how Odoo stores datetimes)."""
    local = pytz.timezone(tz or "UTC").localize(datetime.combine(day, time.min))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


class CustomerRatingRules(models.AbstractModel):
    _name = "customer.rating.rules"
    _description = "Customer Rating business rules"

    # ------------------------------------------------------------------
    # Time: the user's days, periods, "last 12 months"
    # ------------------------------------------------------------------

    @api.model
    def _tz(self):
        """The time zone the user's days are counted in."""
        return self.env.context.get("tz") or self.env.user.tz or "UTC"

    @api.model
    def _today(self):
        """Today, in the user's time zone."""
        return fields.Date.context_today(self.with_context(tz=self._tz()))

    @api.model
    def _branch_today(self, company):
        """Today in the time zone of `company` (a branch): that of its
        address, else the user's, as the visit patterns count weekdays."""
        return fields.Date.context_today(
            self.with_context(tz=company.partner_id.tz or self._tz())
        )

    @api.model
    def _local_day(self, column):
        """SQL: the user's day of a UTC timestamp `column`."""
        return SQL("(%s AT TIME ZONE 'UTC' AT TIME ZONE %s)::date", column, self._tz())

    @api.model
    def _last_12_months(self, day):
        """The last 12 months up to `day`: (first day, `day`), both included
        (2026-06-15: 2025-06-16 .. 2026-06-15)."""
        return day - relativedelta(years=1) + timedelta(days=1), day

    @api.model
    def _period_dates(self, period, today):
        """First and last day of a preset period ending around `today`."""
        month_start = today.replace(day=1)
        if period == "this_month":
            return month_start, today
        if period == "last_month":
            return month_start - relativedelta(months=1), month_start - timedelta(
                days=1
            )
        if period == "last_quarter":
            quarter_start = month_start - relativedelta(months=(today.month - 1) % 3)
            return quarter_start - relativedelta(months=3), quarter_start - timedelta(
                days=1
            )
        return self._last_12_months(today)

    # ------------------------------------------------------------------
    # The report's parameters
    # ------------------------------------------------------------------

    @api.model
    def _report_scope(
        self, date_from, date_to, company=None, companies=None, **filters
    ):
        """The parameters of a report over the days `date_from` ..
        `date_to` (the user's days): amounts in `company`'s currency (default:
        the current company), the branches among `companies` the user works
        in now (default: all of them), and the optional filters of
        `ReportScope` (teams, users, products, categories, measure, top,
        gap_threshold, wizard_id)."""
        empty = {
            "teams": self.env["crm.team"],
            "users": self.env["res.users"],
            "products": self.env["product.product"],
            "categories": self.env["product.category"],
        }
        chosen = self.env.companies if companies is None else companies
        return ReportScope(
            company=company or self.env.company,
            companies=chosen & self.env.companies,
            date_from=date_from,
            date_to=date_to,
            tz=self._tz(),
            **{**empty, **filters},
        )

    @api.model
    def _card_scope(self):
        """The scope of the customer card: the last 12 months, the companies
        the user works in, amounts in the current company's currency."""
        return self._report_scope(*self._last_12_months(self._today()))

    # ------------------------------------------------------------------
    # The orders and returns that count, as the ORM gives them to the user
    # ------------------------------------------------------------------

    @api.model
    def _source_models(self):
        """The models the figures are read from, in SQL: their pending
        writes are flushed first (`_flush_sources`)."""
        return [
            "sale.order",
            "sale.order.line",
            "res.partner",
            "account.move",
            "account.move.line",
            "product.product",
            "product.template",
            "product.pricelist.item",
            "loyalty.card",
            "loyalty.history",
        ]

    @api.model
    def _flush_sources(self):
        """Write what the ORM holds of the models the figures are read from
        before reading them in SQL."""
        for model in self._source_models():
            self.env[model].flush_model()

    @api.model
    def _readable(self, model, domain):
        """SQL subquery of the ids of the records of `model` matching
        `domain` that the current user may read: the ORM builds it, with
        every record rule of the user (companies, Sales' "Own Documents
        Only", any rule added later). A user without read access gets none."""
        if not self.env["ir.model.access"].check(model, "read", raise_exception=False):
            return SQL("SELECT NULL::int WHERE FALSE")
        return self.env[model]._search(domain).subselect()

    @api.model
    def _readable_table(self, model, domain):
        """SQL subquery to read in place of the table of `model`: its rows
        matching `domain` that the current user may read, as `_readable`
        decides. The rows come from the ORM's query itself rather than from
        the table filtered on the ids it returns: PostgreSQL then does not
        join a million orders to themselves."""
        records = self.env[model]
        table = SQL.identifier(records._table)
        if not self.env["ir.model.access"].check(model, "read", raise_exception=False):
            return SQL("(SELECT * FROM %s WHERE FALSE)", table)
        return records._search(domain).subselect(SQL("%s.*", table))

    @api.model
    def _counted_domain(self, domain=()):
        """The orders that count: confirmed orders (quotations and cancelled
        orders never count) matching `domain`."""
        return [("state", "=", "sale"), *domain]

    @api.model
    def _counted_orders(self, domain=()):
        """The orders that count (`_counted_domain`), as an SQL subquery of
        ids, among those the user may read."""
        return self._readable("sale.order", self._counted_domain(domain))

    @api.model
    def _counted_returns(self, domain=()):
        """The returns that count, as an SQL subquery of credit note line
        ids: posted customer credit note lines matching `domain` that the
        user may read (their order must be counted too, see
        `_returns_from`)."""
        return self._readable(
            "account.move.line",
            [
                ("move_id.move_type", "=", "out_refund"),
                ("parent_state", "=", "posted"),
                ("sale_line_ids", "!=", False),
                *domain,
            ],
        )

    @api.model
    def _scope_order_domain(self, scope, start=None, end=None):
        """Orders of the scope's branches, sales teams and salespeople,
        dated from `start` (None: all history) to before `end` (None: no
        end), two naive UTC datetimes."""
        domain = [("company_id", "in", scope.companies.ids)]
        if scope.teams:
            domain.append(("team_id", "in", scope.teams.ids))
        if scope.users:
            domain.append(("user_id", "in", scope.users.ids))
        if start:
            domain.append(("date_order", ">=", start))
        if end:
            domain.append(("date_order", "<", end))
        return domain

    @api.model
    def _currency_table(self, companies, report_company):
        """Odoo's currency table (as sale.report uses it): today's rate from
        each company's currency to the report company's currency. Odoo's
        helper only looks at the branches' currencies, so the report company
        is added: rates of 1 would leave a report company in another
        currency with unconverted amounts. A report read on a replica gets
        the table inlined (`_inline_currency_table`)."""
        companies |= report_company
        currencies = self.env["res.currency"].with_company(report_company)
        table = currencies._get_simple_currency_table(companies)
        replica = self.env.context.get("customer_rating_replica")
        if not replica or currencies._check_currency_table_monocurrency(companies):
            return table
        return self._inline_currency_table()

    @api.model
    def _inline_currency_table(self):
        """The temporary currency table Odoo has just created, as VALUES:
        a query run on a read replica cannot see a temporary table of the
        primary (nor create one)."""
        self.env.cr.execute(
            SQL(
                "SELECT company_id, period_key, date_from, date_next, rate_type, rate"
                "  FROM account_currency_table"
            )
        )
        rows = SQL(", ").join(
            SQL(
                "(%s, %s::varchar, %s::date, %s::date, %s::varchar, %s::numeric)",
                *row,
            )
            for row in self.env.cr.fetchall()
        )
        return SQL(
            "(VALUES %s) AS account_currency_table"
            "(company_id, period_key, date_from, date_next, rate_type, rate)",
            rows,
        )

    @api.model
    def _currency_join(self, scope, alias="o"):
        """JOIN of the currency table on the company of `alias`."""
        return SQL(
            "JOIN %s ON account_currency_table.company_id = %s",
            self._currency_table(scope.companies, scope.company),
            SQL.identifier(alias, "company_id"),
        )

    @api.model
    def _order_sources(self, scope, start=None, end=None, domain=()):
        """The channels whose orders count, as a list of SQL SELECTs of the
        counted orders of `scope` dated from `start` to before `end` (naive
        UTC datetimes, None: no bound) and matching `domain` (a domain on the
        fields the order models share: `partner_id`, `company_id`,
        `user_id`, `date_order`). Each SELECT gives the columns of
        `_sale_order_source`, in that order. Sales orders here; bridge
        addons add their channels (Point of Sale: `customer_rating_pos`)."""
        return [self._sale_order_source(scope, start, end, domain)]

    @api.model
    def _sale_order_source(self, scope, start, end, domain):
        """The counted sales orders, with the columns every channel gives:
        id, model (of the order), partner_id, company_id, user_id (the
        salesperson), team_id, date_order, currency_rate (order currency per
        company currency), amount_untaxed (revenue, order currency), margin
        (profit, order currency) and pricelist_id."""
        return SQL(
            """
            SELECT so.id, 'sale.order'::varchar AS model, so.partner_id,
                   so.company_id, so.user_id, so.team_id, so.date_order,
                   so.currency_rate, so.amount_untaxed, so.margin, so.pricelist_id
              FROM %s so
            """,
            self._readable_table(
                "sale.order",
                self._counted_domain(
                    [*self._scope_order_domain(scope, start, end), *domain]
                ),
            ),
        )

    @api.model
    def _order_line_sources(self):
        """The lines of every channel's orders that carry an amount, as a
        list of SQL SELECTs with the columns of `_sale_order_line_source`.
        Which of them count is decided by the orders they belong to."""
        return [self._sale_order_line_source()]

    @api.model
    def _sale_order_line_source(self):
        """Sales order lines that carry an amount, with the columns every
        channel gives: id, model (of the order), order_id, product_id,
        product_uom_qty, product_uom, price_unit, discount, price_subtotal
        (order currency) and reward_id (a loyalty reward line)."""
        return SQL(
            """
            SELECT sl.id, 'sale.order'::varchar AS model, sl.order_id,
                   sl.product_id, sl.product_uom_qty, sl.product_uom,
                   sl.price_unit, sl.discount, sl.price_subtotal, sl.reward_id
              FROM sale_order_line sl
             WHERE %s
            """,
            self._counted_line("sl"),
        )

    @api.model
    def _return_sources(self, date_from=None, date_to=None):
        """The returns of every channel dated from the day `date_from` to
        the day `date_to` (None: no bound), as a list of SQL SELECTs with the
        columns of `_credit_note_return_source`. Which of them count is
        decided by the orders they return (see `_returns_from`)."""
        return [self._credit_note_return_source(date_from, date_to)]

    @api.model
    def _credit_note_return_source(self, date_from, date_to):
        """The returns of sales orders: counted credit note lines (see
        `_counted_returns`), with the columns every channel gives: move_model
        and move_id (the return's document), day (its date), order_model and
        order_id (the order it returns), amount (the amount returned, company
        currency) and cost (the cost of the returned quantity, company
        currency)."""
        domain = []
        if date_from:
            domain.append(("move_id.invoice_date", ">=", date_from))
        if date_to:
            domain.append(("move_id.invoice_date", "<=", date_to))
        return SQL(
            """
            SELECT 'account.move'::varchar AS move_model, am.id AS move_id,
                   am.invoice_date AS day, 'sale.order'::varchar AS order_model,
                   sl.order_id, aml.balance::float8 AS amount,
                   (sl.purchase_price * aml.quantity)::float8
                   / CASE COALESCE(so.currency_rate, 0) WHEN 0 THEN 1.0
                     ELSE so.currency_rate::float8 END AS cost
              FROM account_move_line aml
              JOIN account_move am ON am.id = aml.move_id
              JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
              JOIN sale_order_line sl ON sl.id = rel.order_line_id
              JOIN sale_order so ON so.id = sl.order_id
             WHERE aml.id IN (%s)
            """,
            self._counted_returns(domain),
        )

    @api.model
    def _ledger_order_sources(self):
        """The orders of every channel that the user may read, in any state
        (the bonus points of an order count with it, a cancelled order's
        reversal too), as a list of SQL SELECTs of model, id and
        company_id."""
        return [
            SQL(
                "SELECT 'sale.order'::varchar AS model, id, company_id"
                " FROM sale_order WHERE id IN (%s)",
                self._readable("sale.order", []),
            )
        ]

    @api.model
    def _coupon_use_sources(self):
        """The order lines of every channel that used a coupon (the reward
        lines of sale_loyalty and pos_loyalty), as a list of SQL SELECTs of
        model (of the order), order_id and coupon_id. Which of them count is
        decided by their orders (`_orders_from`)."""
        return [
            SQL(
                "SELECT 'sale.order'::varchar AS model, order_id, coupon_id"
                " FROM sale_order_line WHERE coupon_id IS NOT NULL"
            )
        ]

    @api.model
    def _union(self, sources):
        """One SQL SELECT of all `sources`."""
        return SQL(" UNION ALL ").join(sources)

    @api.model
    def _orders_from(self, scope, start=None, end=None, domain=()):
        """FROM and WHERE of the counted orders of every channel of `scope`
        (alias `o`, with the columns of `_sale_order_source`; customer `p`,
        the currency table joined) dated from `start` to before `end` (naive
        UTC datetimes, None: no bound), matching `domain` too."""
        return SQL(
            """
              FROM (%(orders)s) o
              JOIN res_partner p ON p.id = o.partner_id
              %(currency_join)s
             WHERE TRUE
            """,
            orders=self._union(self._order_sources(scope, start, end, domain)),
            currency_join=self._currency_join(scope),
        )

    @api.model
    def _order_lines_from(self, scope, start, end, joins=None, domain=()):
        """FROM and WHERE of the lines that carry an amount (alias `l`, with
        the columns of `_sale_order_line_source`) of the counted orders of
        `scope` (alias `o`, customer `p`, product `pp` and template `pt`, the
        currency table and `joins` joined) dated from `start` to before
        `end`, matching `domain` (see `_order_sources`)."""
        return SQL(
            """
              FROM (%(lines)s) l
              JOIN (%(orders)s) o ON o.model = l.model AND o.id = l.order_id
              JOIN res_partner p ON p.id = o.partner_id
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              %(joins)s
              %(currency_join)s
             WHERE TRUE
            """,
            lines=self._union(self._order_line_sources()),
            orders=self._union(self._order_sources(scope, start, end, domain)),
            joins=joins or SQL(),
            currency_join=self._currency_join(scope),
        )

    @api.model
    def _returns_from(self, scope, date_from=None, date_to=None, order_domain=()):
        """FROM and WHERE of the returns (alias `ret`, with the columns of
        `_credit_note_return_source`; `o` and `p` for the order and customer
        they return, the currency table joined): the counted returns of every
        channel, of counted orders of `scope` (matching `order_domain` too),
        dated from the day `date_from` to the day `date_to` (None: no
        bound).

        What a return is: a credit note line linked to a sales order line,
        as a return or Odoo's invoicing of a smaller quantity creates (and,
        with bridge addons, their channels' refunds)."""
        return SQL(
            """
              FROM (%(returns)s) ret
              JOIN (%(orders)s) o
                ON o.model = ret.order_model AND o.id = ret.order_id
              JOIN res_partner p ON p.id = o.partner_id
              %(currency_join)s
             WHERE TRUE
            """,
            returns=self._union(self._return_sources(date_from, date_to)),
            orders=self._union(self._order_sources(scope, domain=order_domain)),
            currency_join=self._currency_join(scope),
        )

    @api.model
    def _to_report_currency(self, amount):
        """An amount in the order currency, in the report currency: to the
        company currency at the rate of the order date, then the currency
        table's rate. In double precision: sums of millions of amounts are
        several times faster than in numeric, and exact to the cent."""
        return SQL(
            "%s::float8 / CASE COALESCE(o.currency_rate, 0) WHEN 0 THEN 1.0"
            " ELSE o.currency_rate::float8 END"
            " * COALESCE(account_currency_table.rate, 1.0)::float8",
            amount,
        )

    @api.model
    def _order_revenue(self):
        """Revenue of an order: its untaxed amount, the sum of its lines
        (loyalty rewards and discounts included)."""
        return self._to_report_currency(SQL("o.amount_untaxed"))

    @api.model
    def _line_revenue(self):
        """Revenue of a sales order line (alias `l`): its untaxed amount."""
        return self._to_report_currency(SQL("l.price_subtotal"))

    @api.model
    def _counted_line(self, alias="l"):
        """Sales order lines (alias `alias`) that carry an amount: not
        sections or notes."""
        return SQL("%s IS NULL", SQL.identifier(alias, "display_type"))

    @api.model
    def _order_profit(self):
        """Profit of an order: sale_margin's margin, the sum of its lines'
        price minus cost."""
        return self._to_report_currency(SQL("o.margin"))

    @api.model
    def _returned_amount(self):
        """The amount of a return (alias `ret`, see `_returns_from`): its
        untaxed amount in company currency, converted."""
        return SQL("ret.amount * COALESCE(account_currency_table.rate, 1.0)::float8")

    @api.model
    def _returned_profit(self):
        """The profit a return takes back: its amount minus the cost of the
        returned quantity."""
        return SQL(
            "(ret.amount - ret.cost)"
            " * COALESCE(account_currency_table.rate, 1.0)::float8"
        )

    @api.model
    def _percentage_rule_join(self):
        """The price list's percentage rule for a line (alias `rule`): the
        most specific one among product, template, category and all products.
        Formula and fixed-price rules are not discounts here.

        The rules are resolved once per price list and product that have
        one, then joined on the line's price list and product: a join that
        PostgreSQL can run with its parallel workers (a lookup per line, or
        per pair, keeps the whole query on one core)."""
        return SQL(
            """
            LEFT JOIN (
                SELECT DISTINCT ON (i.pricelist_id, rule_pp.id)
                       i.pricelist_id, rule_pp.id AS product_id,
                       i.percent_price AS percent
                  FROM product_pricelist_item i
                  JOIN product_product rule_pp ON TRUE
                  JOIN product_template rule_pt ON rule_pt.id = rule_pp.product_tmpl_id
                 WHERE i.compute_price = 'percentage'
                   AND i.percent_price > 0 AND i.percent_price < 100
                   AND (i.applied_on = '3_global' OR i.product_id = rule_pp.id
                        OR i.product_tmpl_id = rule_pt.id
                        OR i.categ_id = rule_pt.categ_id)
                 ORDER BY i.pricelist_id, rule_pp.id,
                          i.applied_on, i.min_quantity DESC, i.id
            ) rule ON rule.pricelist_id = o.pricelist_id
                  AND rule.product_id = l.product_id
            """
        )

    @api.model
    def _line_discounts(self):
        """The discounts a line grants, by kind, in the report currency:

        - loyalty: a reward line gives its whole amount;
        - pricelist: the price list's percentage, shown as the line's discount
          (Sales setting "Discounts" on) or already taken off its unit price
          (setting off);
        - manual: the rest of the line's discount percentage.
        """
        gross = SQL("l.price_unit * l.product_uom_qty")
        shown = SQL("l.discount >= rule.percent")
        return {
            "loyalty": SQL(
                "CASE WHEN l.reward_id IS NOT NULL THEN -l.price_subtotal ELSE 0 END"
            ),
            "pricelist": SQL(
                """CASE WHEN l.reward_id IS NOT NULL OR rule.percent IS NULL THEN 0
                        WHEN %(shown)s THEN %(gross)s * rule.percent / 100.0
                        ELSE %(gross)s * rule.percent / (100.0 - rule.percent) END""",
                shown=shown,
                gross=gross,
            ),
            "manual": SQL(
                """CASE WHEN l.reward_id IS NOT NULL THEN 0
                        WHEN %(shown)s
                        THEN %(gross)s * (l.discount - rule.percent) / 100.0
                        ELSE %(gross)s * l.discount / 100.0 END""",
                shown=shown,
                gross=gross,
            ),
        }

    @api.model
    def _line_discount_sums(self, convert):
        """Per kind of `_line_discounts`, the sum of a group's discounted lines
        and their count (columns `<kind>` and `<kind>_count`), each amount
        converted by `convert` (the report currency, or none)."""
        discounts = self._line_discounts()
        return SQL(", ").join(
            SQL(
                "SUM(%(amount)s) FILTER (WHERE %(amount)s > 0) AS %(sum)s,"
                " COUNT(*) FILTER (WHERE %(amount)s > 0) AS %(count)s",
                amount=convert(discounts[kind]),
                sum=SQL.identifier(kind),
                count=SQL.identifier(f"{kind}_count"),
            )
            for kind in discounts
        )

    @api.model
    def _line_discount_filter(self):
        """The lines that may carry a discount: a reward, a discount
        percentage or a percentage rule of their price list."""
        return SQL(
            "(l.reward_id IS NOT NULL OR l.discount > 0 OR rule.percent IS NOT NULL)"
        )

    @api.model
    def _discount_kinds_split(self, sums):
        """The sums of `_line_discount_sums` (in the subquery named `sums`)
        split into rows `k(kind, amount, line_count)`, one per kind with
        at least one discounted line."""
        kinds = SQL(", ").join(
            SQL(
                "(%(kind)s, %(sums)s.%(sum)s, %(sums)s.%(count)s)",
                kind=kind,
                sums=SQL.identifier(sums),
                sum=SQL.identifier(kind),
                count=SQL.identifier(f"{kind}_count"),
            )
            for kind in self._line_discounts()
        )
        return SQL(
            "CROSS JOIN LATERAL (VALUES %(kinds)s) k(kind, amount, line_count)"
            " WHERE k.line_count > 0",
            kinds=kinds,
        )

    @api.model
    def _pareto_class(self, share_before):
        """The Pareto class from the share of the measure that the customers
        ranked before this one make."""
        return SQL(
            "CASE WHEN %(before)s < %(a)s THEN 'A'"
            " WHEN %(before)s < %(b)s THEN 'B' ELSE 'C' END",
            before=share_before,
            a=PARETO_A,
            b=PARETO_B,
        )

    @api.model
    def _retention_settings(self):
        """The retention thresholds of Settings: k (at risk factor), the lost
        factor and the default gap in days."""
        params = self.env["ir.config_parameter"].sudo()  # reading settings only
        return {
            key.split(".")[1]: type(default)(params.get_param(key) or default)
            for key, default in RETENTION_DEFAULTS.items()
        }

    @api.model
    def _retention_setting_sql(self, name):
        """SQL twin of `_retention_settings()[name]`, read by the query
        itself (the card reads it for every page of customers)."""
        key = f"customer_rating.{name}"
        return SQL(
            "COALESCE((SELECT NULLIF(value, '')::float8 FROM ir_config_parameter"
            " WHERE key = %s), %s)",
            key,
            RETENTION_DEFAULTS[key],
        )

    @api.model
    def _retention_query(
        self, companies, report_company, at, tz, domain=(), with_stopped=False
    ):
        """Where each customer stands on day `at` (a date in the time zone
        `tz`), from the counted orders of `companies` up to that day that
        the user may read, with one query: an SQL SELECT of one row per
        customer.

        The rule, in plain words: a customer's *rhythm* is the median number
        of days between two consecutive days they ordered on (a customer who
        ordered on one day only gets the default gap of Settings). A customer
        is *at risk* when the days since their last purchase exceed k times
        their rhythm (k = 2 by default), and *lost* when they exceed the lost
        factor times their rhythm (4 by default). Otherwise, they are
        *active*. Archived customers (archived contacts, and customers whose
        communication is stopped: loyalty status *archived*) are left out
        (the latter are kept, flagged `stopped`, with `with_stopped`);
        contacts roll up into their commercial partner. `domain` restricts
        the orders (see `_order_sources`), e.g. to some customers.

        Columns: retention_day (`at`), partner_id, company_id (the branch of
        the last order), user_id (the customer's salesperson, else the one
        of the last order), last_user_id (the salesperson or cashier of the
        last order), team_id (the sales team of the last order), order_count,
        first_purchase, last_purchase, total_spent and spent_12m (net
        revenue: revenue less returns up to `at`; the 12 months up to the
        last purchase; in `report_company`'s currency), median_gap (NULL for
        one day of orders), rhythm, days_since, at_risk_date and lost_date
        (the first days the customer is at risk, lost) and status (active,
        at_risk or lost), stopped (communication stopped)."""
        return self._retention_days_query(
            companies, report_company, [at], tz, domain, with_stopped
        )

    @api.model
    def _retention_days_query(
        self,
        companies,
        report_company,
        days,
        tz,
        domain=(),
        with_stopped=False,
        spending=True,
    ):
        """`_retention_query` on each of the dates `days` at once, one row
        per customer and day (`retention_day`): the orders are read once,
        for the last of the days, and each row of them is aggregated once
        (see `RETENTION_VISITS_CTES`).

        Without `spending`, total_spent and spent_12m are NULL, and what
        only they need is not computed: the returns are not read, nor the
        revenue of each day of orders (every other column is the same). For
        reports that only compare statuses: a fifth of their time at
        100,000 customers."""
        days = sorted(set(days))
        settings = self._retention_settings()
        scope = self._retention_scope(companies, report_company, days[-1], tz)
        stopped = self._communication_stopped("cp")
        day_columns = dict(
            RETENTION_DAY_COLUMNS, **({} if spending else SPENDING_COLUMNS)
        )
        return SQL(
            RETENTION_QUERY,
            revenue=self._order_revenue() if spending else SQL("NULL::float8"),
            orders=self._orders_from(scope, end=scope.end, domain=domain),
            returns=SQL(
                RETENTION_RETURNS,
                returned=self._returned_amount(),
                returns=self._returns_from(
                    scope, date_to=scope.date_to, order_domain=domain
                ),
            )
            if spending
            else SQL(),
            day=self.with_context(tz=tz)._local_day(SQL("o.date_order")),
            visits=SQL(RETENTION_VISITS_CTES, gaps=self._retention_gaps_cte(spending)),
            day_columns=SQL(", ").join(
                SQL("%s AS %s", SQL(column, at=day), SQL.identifier(f"{name}_{index}"))
                for index, day in enumerate(days)
                for name, column in day_columns.items()
            ),
            days=SQL(", ").join(
                SQL(
                    "(%s::date, %s)",
                    day,
                    SQL(", ").join(
                        SQL.identifier("c", f"{name}_{index}")
                        for name in RETENTION_DAY_COLUMNS
                    ),
                )
                for index, day in enumerate(days)
            ),
            columns=SQL(", ").join(map(SQL.identifier, RETENTION_DAY_COLUMNS)),
            at_risk_days=self._days_to_status(SQL("g.rhythm"), "at_risk", settings),
            lost_days=self._days_to_status(SQL("g.rhythm"), "lost", settings),
            default_gap=settings["default_gap"],
            stopped=stopped,
            kept=SQL("TRUE") if with_stopped else SQL("NOT %s", stopped),
        )

    @api.model
    def _retention_gaps_cte(self, spending=True):
        """The CTE `retention_gaps` (see `RETENTION_GAPS_CTE`), with the
        revenue before a year only for the spending."""
        return SQL(
            RETENTION_GAPS_CTE,
            revenue_before_year=SQL(
                REVENUE_BEFORE_YEAR if spending else "NULL::float8"
            ),
        )

    @api.model
    def _retention_scope(self, companies, report_company, at, tz):
        """The scope of the retention rule on day `at`: every order of
        `companies` up to the end of that day in the time zone `tz`."""
        return self.with_context(tz=tz)._report_scope(
            at, at, company=report_company, companies=companies
        )

    @api.model
    def _rhythm_query(self, companies, report_company, at, tz):
        """The columns partner_id, rhythm and days_since of
        `_retention_query` (same rule, same customers, same orders), without
        what the rest of its columns cost: for the value score."""
        scope = self._retention_scope(companies, report_company, at, tz)
        return SQL(
            RHYTHM_QUERY,
            orders=self._orders_from(scope, end=scope.end),
            day=self.with_context(tz=tz)._local_day(SQL("o.date_order")),
            gaps=self._retention_gaps_cte(spending=False),
            at=at,
            default_gap=self._retention_settings()["default_gap"],
            stopped=self._communication_stopped("cp"),
        )

    @api.model
    def _tenure_years(self, first_day, at):
        """SQL: a customer's tenure on the date `at`, in years: the days since
        the day of their first counted order (`first_day`, SQL) over 365.25
        (10 years: bought first ten years ago, whatever they bought since)."""
        return SQL("((%s) - (%s)) / 365.25", at, first_day)

    @api.model
    def _days_to_status(self, rhythm, status, settings=None):
        """SQL: the days after a purchase from which a customer of rhythm
        `rhythm` (SQL, days) is at risk (`status` 'at_risk') or lost
        ('lost'): the first whole day beyond the factor of Settings times
        their rhythm (2 x 30 days: at risk on the 61st day)."""
        settings = settings or self._retention_settings()
        return SQL("(floor(%s * %s)::int + 1)", settings[f"{status}_factor"], rhythm)

    @api.model
    def _regular_customer_domain(self):
        """Regular customers are those the shop still talks to: every
        loyalty status but *archived* ("communication stopped"). Counts of
        regular customers, reminders and call-backs leave archived-status
        customers out; their history stays in the reports."""
        return [("customer_rating_status", "!=", "archived")]

    @api.model
    def _communication_stopped(self, alias="p"):
        """SQL twin of `_regular_customer_domain`: true for a partner (alias
        `alias`) whose communication is stopped (status *archived*)."""
        return SQL("%s = 'archived'", SQL.identifier(alias, "customer_rating_status"))

    @api.model
    def _empty_property(self, name, alias="p"):
        """A customer property is empty when it has no value, or an empty
        text, or an unticked checkbox (a required checkbox must be ticked).
        The number 0 is a value."""
        return SQL(
            "COALESCE(%s -> %s, 'null'::jsonb)"
            " IN ('null'::jsonb, 'false'::jsonb, '\"\"'::jsonb, '[]'::jsonb)",
            SQL.identifier(alias, "customer_rating_properties"),
            name,
        )

    @api.model
    def _status_control_rule(self, required_names, alias="p"):
        """The loyalty status a partner (alias `alias`) should have, unless a
        user archived it (set by hand, never changed by this rule): *control*
        when a required customer property of a customer (a commercial
        partner; contacts roll up into it) is empty, *active* otherwise."""
        incomplete = SQL(" OR ").join(
            self._empty_property(name, alias) for name in required_names
        )
        return SQL(
            "CASE WHEN %s = %s AND (%s) THEN 'control' ELSE 'active' END",
            SQL.identifier(alias, "id"),
            SQL.identifier(alias, "commercial_partner_id"),
            incomplete if required_names else SQL("FALSE"),
        )

    @api.model
    def _due_soon_days(self):
        """The days ahead in which an expected next purchase is *due soon*
        (Settings, 7 by default)."""
        params = self.env["ir.config_parameter"].sudo()  # reading settings only
        return int(params.get_param("customer_rating.due_soon_days") or 7)

    @api.model
    def _due_soon(self, alias, at, days):
        """A customer (`alias`: a row of `_retention_query` on day `at`) is
        *due soon* when still active and their expected next purchase (last
        purchase plus their rhythm, as on the card) falls from `at` to `days`
        days later, both included."""
        return SQL(
            "(%(r)s.status = 'active' AND %(expected)s"
            " BETWEEN %(at)s AND %(at)s + %(days)s)",
            r=SQL.identifier(alias),
            expected=self._expected_purchase(alias),
            at=at,
            days=days,
        )

    @api.model
    def _retention_state(self, alias, at, days):
        """The retention state of a customer (`alias`: a row of
        `_retention_query(..., with_stopped=True)` on day `at`), the first
        that applies: *archived* (communication stopped), *lost*, *at risk*,
        *due soon* (`_due_soon` within `days`), *new* (ordered on one day
        only, so no rhythm of their own yet), else *active*."""
        return SQL(
            """CASE WHEN %(r)s.stopped THEN 'archived'
                    WHEN %(r)s.status != 'active' THEN %(r)s.status
                    WHEN %(due_soon)s THEN 'due_soon'
                    WHEN %(r)s.median_gap IS NULL THEN 'new'
                    ELSE 'active' END""",
            r=SQL.identifier(alias),
            due_soon=self._due_soon(alias, at, days),
        )

    @api.model
    def _expected_purchase(self, alias):
        """A customer's expected next purchase (`alias`: a row of
        `_retention_query`): their last purchase plus their rhythm, rounded
        to the day, as on the card."""
        return SQL(
            "(%(r)s.last_purchase + round(%(r)s.rhythm)::int)",
            r=SQL.identifier(alias),
        )
