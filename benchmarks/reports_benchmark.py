"""Time every report of the period wizard next to its floor, on a large
database (benchmarks/generate).

Each report runs as the wizard's button runs it (a new wizard of the last
12 months, `action_open`: the rules layer's query with the user's record
rules, the INSERT of its lines). Its floor, in the same run, is the bare SQL
that reads the same rows (the confirmed orders of the chosen companies up to
the end of the period, with the joins the report needs) and returns the
same rows (aggregated, not inserted): no record rules, no channels' UNION,
no currency table. The floor is a yardstick, not a shortcut the module
could take.

    python3 benchmarks/reports_benchmark.py -c .local/odoo.conf -d customer_rating_bench
    python3 benchmarks/reports_benchmark.py -c ... -d ... --explain [--report lost]

Prints the median of --repeat runs (report, floor and, for the rating,
`sale.report` run in turn: one of each per round), the lines of each
report next to the floor's rows, the ratio and the target: the rating
within 1.3x of its two-period floor (with first purchase and home branch,
over all history; parallel workers allowed) and faster than `sale.report`
grouped by customer; every other report within 2x of its floor.

Memory, per run: what PostgreSQL spilled to temporary files (sorts and
hashes past `work_mem`: the growth of `temp_bytes` and `temp_files` of
`pg_stat_database` for this database, the statistics flushed after each
run; the largest of the runs), and the growth of this process's peak
resident set size (reset before each run; the largest). Report and floor
run with the same settings (`jit` off, `work_mem` 64 MB, as the report's
`_tune` sets them). `--json FILE` also writes all figures, with the
database's customers and orders, for benchmarks/scale_chart.py.

--explain prints EXPLAIN (ANALYZE, BUFFERS) of each report's query as the
button runs it instead: its SELECT into a temporary table (the plan shown,
with the temporary files written), then the INSERT of its rows (the
foreign keys' checks apart), and flags nested loops over
CTE or subquery results whose row estimates are off by more than 10x (the
plans that hang).

Each run happens in a transaction of its own, rolled back after it.
"""

import argparse
import json
import statistics
import subprocess
import time
from datetime import timedelta

import odoo
from odoo import fields
from odoo.tools import SQL

DAY = timedelta(days=1)
EXPLAIN_TABLE = "customer_rating_benchmark_rows"
REPORTS = [
    "rating",
    "branches",
    "teams",
    "buyers",
    "discounts",
    "gaps",
    "bonus",
    "lost",
    "churn",
    "retention",
    "visits",
    "marketing",
    "staff",
]


def peak_rss_kib(field="VmHWM"):
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


def reset_peak_rss():
    """Linux: the peak resident set size starts again from the current one."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
        refs.write("5")


def temp_files(cr):
    """This database's temporary files so far (count, bytes), read at the
    start of a transaction: the previous one's statistics flushed first
    (PostgreSQL flushes a session's statistics when it goes idle outside a
    transaction, forced here)."""
    cr.execute("SELECT pg_stat_force_next_flush()")
    cr.rollback()
    cr.execute(
        "SELECT temp_files, temp_bytes FROM pg_stat_database"
        " WHERE datname = current_database()"
    )
    return cr.fetchone()


def tune(env):
    """The settings of the report's `_tune`, for its floor too."""
    env["customer.rating.report.mixin"]._tune(env.cr)


def measure(cr, function, repeat):
    """Runs `function` `repeat` times, each in a transaction of its own
    rolled back after it: the median seconds, its result, the largest
    spill (temporary files, bytes) and the largest growth of the peak
    resident set size (KiB), and every run's seconds."""
    timings, spills, rss, result = [], [], [], None
    for _ in range(repeat):
        files, written = temp_files(cr)
        reset_peak_rss()
        before = peak_rss_kib("VmRSS")
        started = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - started)
        rss.append(peak_rss_kib() - before)
        cr.rollback()
        files_after, written_after = temp_files(cr)
        spills.append((files_after - files, written_after - written))
    return {
        "seconds": statistics.median(timings),
        "result": result,
        "temp_files": max(files for files, _bytes in spills),
        "temp_bytes": max(written for _files, written in spills),
        "rss_kib": max(rss),
        "timings": timings,
    }


def measure_in_turn(cr, functions, repeat):
    """`measure` of each of `functions` ({name: function}), run in turn:
    one run of each per round, `repeat` rounds, so that a change of the
    machine's speed during the benchmark weighs on all of them alike."""
    runs = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            runs[name].append(measure(cr, function, 1))
    return {
        name: {
            "seconds": statistics.median(run["seconds"] for run in measures),
            "result": measures[-1]["result"],
            "temp_files": max(run["temp_files"] for run in measures),
            "temp_bytes": max(run["temp_bytes"] for run in measures),
            "rss_kib": max(run["rss_kib"] for run in measures),
            "timings": [run["seconds"] for run in measures],
        }
        for name, measures in runs.items()
    }


def new_wizard(env, report):
    return env["customer.rating.wizard"].create(
        {"report": report, "period": "last_12_months"}
    )


def run_report(env, report):
    """The wizard's button; the number of lines it made."""
    wizard = new_wizard(env, report)
    wizard.action_open()
    return wizard._report_model().search_count([("wizard_id", "=", wizard.id)])


class Floors:
    """The bare SQL of each report: the same rows read, the same rows
    returned."""

    def __init__(self, env, scope):
        self.env = env
        self.scope = scope
        settings = env["customer.rating.rules"]._retention_settings()
        self.at_risk_factor = settings["at_risk_factor"]
        self.lost_factor = settings["lost_factor"]
        self.default_gap = settings["default_gap"]
        self.companies = tuple(scope.companies.ids)

    def run(self, report):
        queries = getattr(self, report)()
        tune(self.env)
        rows = 0
        for query in queries if isinstance(queries, list) else [queries]:
            self.env.cr.execute(query)
            rows += len(self.env.cr.fetchall())
        return rows

    def orders(self, start=None, end=None):
        """FROM the confirmed orders of the companies (o) and customer (p)."""
        return SQL(
            """
              FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
             WHERE o.state = 'sale' AND o.company_id IN %s
               AND o.date_order >= %s AND o.date_order < %s
            """,
            self.companies,
            start or "1900-01-01",
            end or self.scope.end,
        )

    def lines(self, start=None, end=None, joins=None):
        """FROM the lines (l) of the confirmed orders (o) of the companies,
        with customer (p), product (pp), template (pt) and `joins`."""
        return SQL(
            """
              FROM sale_order_line l
              JOIN sale_order o ON o.id = l.order_id
              JOIN res_partner p ON p.id = o.partner_id
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              %s
             WHERE o.state = 'sale' AND o.company_id IN %s
               AND o.date_order >= %s AND o.date_order < %s
               AND l.display_type IS NULL
            """,
            joins or SQL(),
            self.companies,
            start or "1900-01-01",
            end or self.scope.end,
        )

    def day(self, column="o.date_order"):
        return SQL(
            "(%s AT TIME ZONE 'UTC' AT TIME ZONE %s)::date", SQL(column), self.scope.tz
        )

    def revenue(self, column="o.amount_untaxed"):
        return SQL(
            "%s::float8 / COALESCE(NULLIF(o.currency_rate, 0), 1)::float8",
            SQL(column),
        )

    def rating(self):
        """Two periods in one pass over all history up to the end, one row
        per customer of the period, with first purchase and home branch
        (the rating issue's floor: the rating reads all history for the
        first purchase)."""
        scope = self.scope
        current = SQL("o.date_order >= %s", scope.start)
        previous = SQL("o.date_order >= %s AND NOT %s", scope.previous_start, current)
        per_branch = SQL(", ").join(
            SQL(
                "SUM(%s) FILTER (WHERE %s AND o.company_id = %s)",
                self.revenue(),
                current,
                company,
            )
            for company in self.companies
        )
        return SQL(
            """
            SELECT partner_id, revenue, profit, orders, previous_revenue,
                   previous_profit, previous_orders, first_purchase,
                   (%(ids)s)[array_position(branches, GREATEST(%(best)s))]
              FROM (SELECT p.commercial_partner_id AS partner_id,
                           SUM(%(revenue)s) FILTER (WHERE %(current)s) AS revenue,
                           SUM(%(margin)s) FILTER (WHERE %(current)s) AS profit,
                           COUNT(*) FILTER (WHERE %(current)s) AS orders,
                           SUM(%(revenue)s) FILTER (WHERE %(previous)s)
                               AS previous_revenue,
                           SUM(%(margin)s) FILTER (WHERE %(previous)s)
                               AS previous_profit,
                           COUNT(*) FILTER (WHERE %(previous)s) AS previous_orders,
                           MIN(o.date_order) AS first_purchase,
                           ARRAY[%(per_branch)s] AS branches
                      %(orders)s
                     GROUP BY p.commercial_partner_id) c
             WHERE revenue IS NOT NULL
            """,
            revenue=self.revenue(),
            margin=self.revenue("o.margin"),
            current=current,
            previous=previous,
            per_branch=per_branch,
            ids=SQL("ARRAY[%s]", SQL(", ").join(SQL("%s", c) for c in self.companies)),
            best=SQL(", ").join(
                SQL("branches[%s]", index + 1) for index in range(len(self.companies))
            ),
            orders=self.orders(),
        )

    def sale_report(self):
        """What users do today: sale.report grouped by customer."""
        scope = self.scope
        return self.env["sale.report"]._read_group(
            [
                ("state", "=", "sale"),
                ("date", ">=", scope.start),
                ("date", "<", scope.end),
                ("company_id", "in", scope.companies.ids),
            ],
            ["commercial_partner_id"],
            ["price_subtotal:sum", "margin:sum", "order_reference:count_distinct"],
        )

    def branches(self):
        """Per customer, branch and sales team, with the customer's home
        branch (the branch of their largest revenue, the first on a tie)."""
        return SQL(
            """
            SELECT partner_id, company_id, team_id, revenue, profit, orders,
                   -(MAX(ARRAY[company_revenue, -company_id])
                         OVER (PARTITION BY partner_id))[2]::int
              FROM (SELECT p.commercial_partner_id AS partner_id, o.company_id,
                           o.team_id, SUM(%(revenue)s) AS revenue,
                           SUM(%(profit)s) AS profit, COUNT(*) AS orders,
                           SUM(SUM(%(revenue)s)) OVER (
                               PARTITION BY p.commercial_partner_id
                               ORDER BY o.company_id
                               RANGE BETWEEN CURRENT ROW AND CURRENT ROW
                           ) AS company_revenue
                      %(orders)s
                     GROUP BY 1, 2, 3) c
            """,
            revenue=self.revenue(),
            profit=self.revenue("o.margin"),
            orders=self.orders(self.scope.start),
        )

    def teams(self):
        return self.branches()

    def buyers(self):
        return SQL(
            """
            SELECT p.commercial_partner_id, l.product_id, pt.categ_id, pt.uom_id,
                   SUM(l.product_uom_qty), SUM(%s), COUNT(DISTINCT o.id),
                   MAX(o.date_order)
              %s AND l.reward_id IS NULL
             GROUP BY 1, 2, 3, 4
            """,
            self.revenue("l.price_subtotal"),
            self.lines(self.scope.start),
        )

    def discounts(self):
        """Lines of the period that carry a discount (a reward, a discount
        percentage or a price list's percentage rule, the most specific
        rule of their price list and product), per customer, product and
        price list, one row per kind of discount (the rules' own split)."""
        rules = self.env["customer.rating.rules"]
        return SQL(
            """
            SELECT d.partner_id, d.product_id, d.pricelist_id, k.kind, k.amount,
                   k.line_count
              FROM (SELECT p.commercial_partner_id AS partner_id, l.product_id,
                           o.pricelist_id, %(sums)s
                      %(lines)s AND %(discounted)s
                     GROUP BY 1, 2, 3) d
             %(split)s
            """,
            sums=rules._line_discount_sums(self.revenue),
            lines=self.lines(self.scope.start, joins=rules._percentage_rule_join()),
            discounted=rules._line_discount_filter(),
            split=rules._discount_kinds_split("d"),
        )

    def gaps(self):
        """Customers of the period, the categories each ever bought, the
        share of their segment buying each category, the gaps."""
        return SQL(
            """
            WITH active AS MATERIALIZED (
                SELECT cp.id AS partner_id, cp.is_company, cp.industry_id
                  FROM res_partner cp
                 WHERE cp.id IN (SELECT p.commercial_partner_id %(period)s)
            ), bought AS MATERIALIZED (
                SELECT DISTINCT p.commercial_partner_id AS partner_id, pt.categ_id
                  %(lines)s AND l.reward_id IS NULL
                   AND p.commercial_partner_id IN (SELECT partner_id FROM active)
            ), segments AS (
                SELECT is_company, industry_id, COUNT(*) AS customers
                  FROM active GROUP BY 1, 2
            ), penetration AS (
                SELECT a.is_company, a.industry_id, b.categ_id, COUNT(*) AS buyers
                  FROM active a JOIN bought b ON b.partner_id = a.partner_id
                 GROUP BY 1, 2, 3
            )
            SELECT a.partner_id, pen.categ_id
              FROM active a
              JOIN segments s ON s.is_company = a.is_company
               AND s.industry_id IS NOT DISTINCT FROM a.industry_id
              JOIN penetration pen ON pen.is_company = a.is_company
               AND pen.industry_id IS NOT DISTINCT FROM a.industry_id
              LEFT JOIN bought b
                ON b.partner_id = a.partner_id AND b.categ_id = pen.categ_id
             WHERE 100.0 * pen.buyers / s.customers >= %(threshold)s
               AND b.partner_id IS NULL
            """,
            period=self.orders(self.scope.start),
            lines=self.lines(),
            threshold=self.scope.gap_threshold,
        )

    def bonus(self):
        return SQL(
            """
            SELECT p.commercial_partner_id, card.company_id,
                   SUM(h.issued), SUM(h.used)
              FROM loyalty_history h
              JOIN loyalty_card card ON card.id = h.card_id
              JOIN res_partner p ON p.id = card.partner_id
             WHERE h.date <= %s
             GROUP BY 1, 2
            """,
            self.scope.date_to,
        )

    def churn(self):
        return SQL(
            """
            SELECT id FROM customer_rating_callback
             WHERE state = 'done' AND company_id IN %s
               AND date_closed BETWEEN %s AND %s
            """,
            self.companies,
            self.scope.date_from,
            self.scope.date_to,
        )

    def customer_days(self):
        """One pass over all history up to the end: per customer and day of
        orders, the revenue, the salesperson of the day's last order (by
        time, then id, as the rule) and the gap since the day before."""
        return SQL(
            """
            SELECT partner_id, day, orders, revenue, last_user_id,
                   day - LAG(day) OVER (PARTITION BY partner_id ORDER BY day) AS gap
              FROM (SELECT p.commercial_partner_id AS partner_id, %(day)s AS day,
                           COUNT(*) AS orders, SUM(%(revenue)s) AS revenue,
                           (MAX(ARRAY[EXTRACT(EPOCH FROM o.date_order), o.id,
                                      o.user_id]))[3]::int AS last_user_id
                      %(orders)s
                     GROUP BY 1, 2) d
            """,
            day=self.day(),
            revenue=self.revenue(),
            orders=self.orders(),
        )

    def due(self, day, factor):
        """The first day at risk or lost (`factor`) after the last purchase
        before the period (`day` 'start') or up to its end ('end')."""
        return SQL(
            "%s + floor(%s * COALESCE(%s, %s))::int + 1",
            SQL.identifier("c", f"last_{day}"),
            factor,
            SQL.identifier("c", f"gap_{day}"),
            self.default_gap,
        )

    def statuses(self):
        """Per customer: the last day and the rhythm on the day before the
        period and at its end (the two retention states, one pass)."""
        before = SQL("day < %s", self.scope.date_from)
        return SQL(
            """
            SELECT c.partner_id, COALESCE(cp.user_id, c.last_user_id) AS user_id,
                   c.last_user_id, c.last_user_start, c.last_start, c.last_end,
                   c.orders, c.revenue,
                   %(at_risk_start)s AS at_risk_start, %(lost_start)s AS lost_start,
                   %(at_risk_end)s AS at_risk_end, %(lost_end)s AS lost_end
              FROM (SELECT partner_id, MAX(day) FILTER (WHERE %(before)s) AS last_start,
                           MAX(day) AS last_end, SUM(orders) AS orders,
                           SUM(revenue) AS revenue,
                           (array_agg(last_user_id ORDER BY day DESC))[1]
                               AS last_user_id,
                           (array_agg(last_user_id ORDER BY day DESC)
                               FILTER (WHERE %(before)s))[1] AS last_user_start,
                           percentile_cont(0.5) WITHIN GROUP (ORDER BY gap)
                               FILTER (WHERE %(before)s) AS gap_start,
                           percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS gap_end
                      FROM (%(days)s) g GROUP BY partner_id) c
              JOIN res_partner cp ON cp.id = c.partner_id AND cp.active
            """,
            before=before,
            at_risk_start=self.due("start", self.at_risk_factor),
            lost_start=self.due("start", self.lost_factor),
            at_risk_end=self.due("end", self.at_risk_factor),
            lost_end=self.due("end", self.lost_factor),
            days=self.customer_days(),
        )

    def lost(self):
        return SQL(
            """
            SELECT * FROM (%s) s
             WHERE s.lost_end <= %s AND s.lost_end >= %s
            """,
            self.statuses(),
            self.scope.date_to,
            self.scope.date_from,
        )

    def retention(self):
        return SQL(
            """
            SELECT user_id, active_start, kept, at_risk, lost, won_back, new,
                   100.0 * kept / NULLIF(active_start, 0) AS retention_rate
              FROM (SELECT user_id,
                           COUNT(*) FILTER (WHERE at_risk_start > %(start)s)
                               AS active_start,
                           COUNT(*) FILTER (WHERE at_risk_start > %(start)s
                                              AND at_risk_end > %(end)s) AS kept,
                           COUNT(*) FILTER (WHERE at_risk_start > %(start)s
                                              AND at_risk_end <= %(end)s
                                              AND lost_end > %(end)s) AS at_risk,
                           COUNT(*) FILTER (WHERE lost_end BETWEEN %(from)s AND %(end)s)
                               AS lost,
                           COUNT(*) FILTER (WHERE at_risk_start <= %(start)s
                                              AND last_end >= %(from)s) AS won_back,
                           COUNT(*) FILTER (WHERE last_start IS NULL) AS new
                      FROM (%(statuses)s) s
                     GROUP BY user_id) c
            """,
            start=self.scope.date_from - DAY,
            end=self.scope.date_to,
            statuses=self.statuses(),
            **{"from": self.scope.date_from},
        )

    def visits(self):
        """By quarter of an hour in UTC first, as the report reads them
        (every time zone is a whole number of quarters from UTC)."""
        return SQL(
            """
            SELECT q.company_id, EXTRACT(ISODOW FROM v.local), to_char(v.local, 'HH24'),
                   SUM(q.orders), SUM(q.revenue)
              FROM (SELECT o.company_id,
                           date_bin('15 minutes', o.date_order, TIMESTAMP '2000-01-01')
                               AS quarter,
                           COUNT(*) AS orders, SUM(%(revenue)s) AS revenue
                      FROM sale_order o
                     WHERE o.state = 'sale' AND o.company_id IN %(companies)s
                       AND o.date_order >= %(start)s AND o.date_order < %(end)s
                     GROUP BY 1, 2) q
              JOIN res_company bc ON bc.id = q.company_id
              JOIN res_partner bp ON bp.id = bc.partner_id
             CROSS JOIN LATERAL (SELECT q.quarter AT TIME ZONE 'UTC'
                                 AT TIME ZONE COALESCE(NULLIF(bp.tz, ''), %(tz)s)
                                 AS local) v
             WHERE v.local::date BETWEEN %(from)s AND %(to)s
             GROUP BY 1, 2, 3
            """,
            revenue=self.revenue(),
            companies=self.companies,
            start=self.scope.start - DAY,
            end=self.scope.end + DAY,
            tz=self.scope.tz,
            **{"from": self.scope.date_from, "to": self.scope.date_to},
        )

    def marketing(self):
        """Newcomers of the period by source, referrer and month: their
        revenue and profit, how many are still active at the end (the
        retention rule over their days of orders), the source's spend and
        the cohort's payback month (their orders are all in the period)."""
        return SQL(
            """
            WITH newcomers AS MATERIALIZED (
                SELECT p.commercial_partner_id AS partner_id,
                       MIN(o.date_order) AS first_purchase
                  %(history)s
                 GROUP BY 1
                HAVING MIN(o.date_order) >= %(start)s
            ), days AS (
                SELECT p.commercial_partner_id AS partner_id, %(day)s AS day,
                       SUM(%(revenue)s) AS revenue, SUM(%(profit)s) AS profit
                  %(period)s
                   AND p.commercial_partner_id IN (SELECT partner_id FROM newcomers)
                 GROUP BY 1, 2
            ), customers AS (
                SELECT partner_id, SUM(revenue) AS revenue, SUM(profit) AS profit,
                       MAX(day) AS last_day,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median_gap
                  FROM (SELECT d.*, day - LAG(day) OVER (
                                   PARTITION BY partner_id ORDER BY day) AS gap
                          FROM days d) g
                 GROUP BY partner_id
            ), cohorts AS (
                SELECT n.partner_id, c.utm_source_id AS source_id,
                       c.customer_rating_referred_by_id AS referrer_id,
                       date_trunc('month', %(first_day)s)::date AS cohort,
                       cu.revenue, cu.profit,
                       c.active AND c.customer_rating_status != 'archived'
                           AND %(to)s < cu.last_day + floor(
                               %(at_risk)s * COALESCE(cu.median_gap, %(gap)s))::int + 1
                           AS active
                  FROM newcomers n
                  JOIN res_partner c ON c.id = n.partner_id
                  JOIN customers cu ON cu.partner_id = n.partner_id
            ), spend AS (
                SELECT source_id, month AS cohort, SUM(amount) AS amount
                  FROM customer_rating_acquisition_spend
                 WHERE company_id IN %(companies)s
                   AND month BETWEEN %(first_month)s AND %(to)s
                 GROUP BY 1, 2
            ), payback AS (
                SELECT m.source_id, m.cohort, MIN(m.months) AS months
                  FROM (SELECT co.source_id, co.cohort,
                               (extract(year FROM age(month, co.cohort)) * 12
                                + extract(month FROM age(month, co.cohort)))::int + 1
                                   AS months,
                               SUM(SUM(d.profit)) OVER (PARTITION BY co.source_id,
                                   co.cohort ORDER BY mo.month) AS cumulative
                          FROM cohorts co
                          JOIN days d ON d.partner_id = co.partner_id
                         CROSS JOIN LATERAL (SELECT date_trunc('month', d.day)::date
                                             AS month) mo
                         GROUP BY co.source_id, co.cohort, mo.month) m
                  JOIN spend sp ON sp.source_id = m.source_id AND sp.cohort = m.cohort
                 WHERE sp.amount > 0 AND m.cumulative >= sp.amount
                 GROUP BY 1, 2
            )
            SELECT co.source_id, co.referrer_id, co.cohort, COUNT(*),
                   SUM(co.revenue), SUM(co.profit),
                   COUNT(*) FILTER (WHERE co.active), MAX(sp.amount), MAX(pb.months)
              FROM cohorts co
              LEFT JOIN spend sp ON sp.source_id = co.source_id
               AND sp.cohort = co.cohort
              LEFT JOIN payback pb ON pb.source_id = co.source_id
               AND pb.cohort = co.cohort
             GROUP BY 1, 2, 3
            """,
            history=self.orders(),
            period=self.orders(self.scope.start),
            start=self.scope.start,
            day=self.day(),
            first_day=self.day("n.first_purchase"),
            revenue=self.revenue(),
            profit=self.revenue("o.margin"),
            to=self.scope.date_to,
            at_risk=self.at_risk_factor,
            gap=self.default_gap,
            companies=self.companies,
            first_month=self.scope.date_from.replace(day=1),
        )

    def staff(self):
        """Per salesperson: customers, orders and revenue of the period, the
        repeat rate (the customer's next day of orders after the first one
        the salesperson served, before they would have been at risk), and
        the retention of their customers (one query, the two days' statuses
        computed once)."""
        return SQL(
            """
            WITH statuses AS MATERIALIZED (%(statuses)s), served AS (
                SELECT o.user_id, p.commercial_partner_id AS partner_id,
                       COUNT(*) AS orders, SUM(%(revenue)s) AS revenue,
                       SUM(%(profit)s) AS profit, MIN(%(day)s) AS first_day
                  %(period)s AND o.user_id IS NOT NULL
                 GROUP BY 1, 2
            ), days AS (
                SELECT partner_id, day,
                       LEAD(day) OVER (PARTITION BY partner_id ORDER BY day) AS next_day
                  FROM (SELECT DISTINCT p.commercial_partner_id AS partner_id,
                               %(day)s AS day %(period)s) d
            ), repeats AS (
                SELECT sv.user_id, sv.partner_id, sv.orders, sv.revenue, sv.profit,
                       d.next_day < sv.first_day + (s.at_risk_end - s.last_end)
                           AS came_back,
                       sv.first_day + (s.at_risk_end - s.last_end) <= %(today)s
                           AS past
                  FROM served sv
                  LEFT JOIN statuses s ON s.partner_id = sv.partner_id
                  LEFT JOIN days d
                    ON d.partner_id = sv.partner_id AND d.day = sv.first_day
            ), sales AS (
                SELECT user_id, COUNT(*) AS customers, SUM(orders) AS orders,
                       SUM(revenue) AS revenue, SUM(profit) AS profit,
                       COUNT(*) FILTER (WHERE came_back OR past) AS repeat_base,
                       COUNT(*) FILTER (WHERE came_back) AS repeat_count
                  FROM repeats GROUP BY user_id
            ), kept_lost AS (
                SELECT user_id, SUM(active_start) AS active_start, SUM(kept) AS kept,
                       SUM(lost) AS lost
                  FROM (SELECT last_user_start AS user_id,
                               COUNT(*) FILTER (WHERE at_risk_start > %(start)s)
                                   AS active_start,
                               COUNT(*) FILTER (WHERE at_risk_start > %(start)s
                                                  AND at_risk_end > %(end)s) AS kept,
                               0 AS lost
                          FROM statuses WHERE last_user_start IS NOT NULL
                         GROUP BY last_user_start
                         UNION ALL
                        SELECT last_user_id, 0, 0, COUNT(*) FILTER (
                                   WHERE lost_end BETWEEN %(from)s AND %(end)s)
                          FROM statuses WHERE last_user_id IS NOT NULL
                         GROUP BY last_user_id) k
                 GROUP BY user_id
            )
            SELECT COALESCE(sa.user_id, kl.user_id), sa.customers, sa.orders,
                   sa.revenue, sa.profit, sa.revenue / NULLIF(sa.orders, 0),
                   sa.repeat_base, sa.repeat_count,
                   100.0 * sa.repeat_count / NULLIF(sa.repeat_base, 0),
                   kl.active_start, kl.kept,
                   100.0 * kl.kept / NULLIF(kl.active_start, 0), kl.lost
              FROM sales sa FULL JOIN kept_lost kl ON kl.user_id = sa.user_id
            """,
            statuses=self.statuses(),
            revenue=self.revenue(),
            profit=self.revenue("o.margin"),
            day=self.day(),
            period=self.orders(self.scope.start),
            today=fields.Date.today(),
            start=self.scope.date_from - DAY,
            end=self.scope.date_to,
            **{"from": self.scope.date_from},
        )


def benchmark(env, reports, repeat):
    """Per report: name, lines, seconds, floor seconds, floor rows, and
    the whole measures of both (see `measure`)."""
    cr = env.cr
    wizard = new_wizard(env, "rating")._with_branches()
    floors = Floors(wizard.env, wizard._scope())
    rows = []
    extra = {}

    def sale_report():
        tune(env)
        return floors.sale_report()

    for report in reports:
        functions = {
            "report": lambda r=report: run_report(env, r),
            "floor": lambda r=report: floors.run(r),
        }
        if report == "rating":
            functions["sale.report"] = sale_report
        measures = measure_in_turn(cr, functions, repeat)
        run, floor = measures["report"], measures["floor"]
        if "sale.report" in measures:
            extra["sale.report"] = measures["sale.report"]["seconds"]
        rows.append(
            (
                report,
                run["result"],
                run["seconds"],
                floor["seconds"],
                floor["result"],
                run,
                floor,
            )
        )
        print(
            f"  {report:<10} {run['result']:>8,} lines {run['seconds']:8.2f} s"
            f" spill {run['temp_bytes'] / 2**20:7.1f} MB"
            f" +{run['rss_kib'] / 1024:.0f} MB RSS"
            f"  floor {floor['seconds']:7.2f} s ({floor['result']:,} rows)"
            f" spill {floor['temp_bytes'] / 2**20:.1f} MB",
            flush=True,
        )
    return rows, extra


def print_table(rows, extra):
    print()
    print("| Report | Lines | Time | Floor | Ratio | Target |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for report, lines, seconds, floor, *_measures in rows:
        ratio = seconds / floor if floor else float("inf")
        if report == "rating":
            target = f"<= 1.3, < sale.report {extra.get('sale.report', 0):.2f} s"
            met = ratio <= 1.3 and seconds < extra.get("sale.report", 0)
        else:
            target = "<= 2"
            met = ratio <= 2
        print(
            f"| {report} | {lines:,} | {seconds:.2f} s | {floor:.2f} s"
            f" | {ratio:.1f}x | {target} {'met' if met else 'NOT met'} |"
        )


def database_counts(cr):
    """Customers (commercial partners who ordered) and orders of the
    database."""
    cr.execute(
        """SELECT COUNT(DISTINCT p.commercial_partner_id), COUNT(*)
             FROM sale_order o JOIN res_partner p ON p.id = o.partner_id"""
    )
    return cr.fetchone()


def code_version():
    """The commit of the checkout the benchmark runs from, if any."""
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=__file__.rpartition("/")[0] or ".",
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def write_json(path, database, counts, repeat, loads, result):
    rows, extra = result
    reports = []
    for report, lines, seconds, floor, floor_rows, run, floor_run in rows:
        reports.append(
            {
                "name": report,
                "lines": lines,
                "seconds": seconds,
                "floor_seconds": floor,
                "ratio": seconds / floor if floor else None,
                "floor_rows": floor_rows,
                "temp_bytes": run["temp_bytes"],
                "temp_files": run["temp_files"],
                "floor_temp_bytes": floor_run["temp_bytes"],
                "floor_temp_files": floor_run["temp_files"],
                "peak_rss_growth_mb": run["rss_kib"] / 1024,
                "timings": run["timings"],
                "floor_timings": floor_run["timings"],
            }
        )
    data = {
        "database": database,
        "customers": counts[0],
        "orders": counts[1],
        "repeat": repeat,
        "commit": code_version(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "load_before": loads[0],
        "load_after": loads[1],
        "sale_report_seconds": extra.get("sale.report"),
        "reports": reports,
    }
    with open(path, "w", encoding="utf-8") as output:
        json.dump(data, output, indent=1)
        output.write("\n")


# ----------------------------------------------------------------------
# --explain
# ----------------------------------------------------------------------


def report_query(env, report):
    """The `ReportInsert` of `report` as the button runs it, after the
    same flushes and settings."""
    wizard = new_wizard(env, report)._with_branches()
    model = wizard._report_model()
    env["customer.rating.rules"]._flush_sources()
    for name in model._report_sources:
        env[name].flush_model()
    tune(env)
    return model._query(wizard._scope())


def explained(cr, query):
    """EXPLAIN (ANALYZE, BUFFERS) of `query`, run: its JSON result."""
    cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS, SETTINGS, FORMAT JSON) %s", query))
    return cr.fetchone()[0][0]


def workers(node):
    """The most parallel workers a node of `node`'s subtree launched."""
    return max(
        [node.get("Workers Launched", 0)] + [workers(n) for n in node.get("Plans", [])]
    )


def kinds(node):
    """The node types of `node`'s subtree."""
    found = {node["Node Type"]}
    for child in node.get("Plans", []):
        found |= kinds(child)
    return found


def suspicious(node):
    """A nested loop that scans a CTE, a subquery or a table again for each
    row of its outer side, a million rows or more in all: the shape of a
    plan chosen for a few rows that gets thousands (the estimate is shown
    next to the actual rows)."""
    if node["Node Type"] != "Nested Loop" or len(node.get("Plans", [])) < 2:
        return None
    outer, inner = node["Plans"][0], node["Plans"][1]
    scanned = inner["Actual Rows"] * inner["Actual Loops"]
    if scanned < 1_000_000 or not kinds(inner) & {
        "CTE Scan",
        "Subquery Scan",
        "Seq Scan",
    }:
        return None
    return (
        f"nested loop scans {inner['Node Type']} {inner.get('CTE Name', '')}"
        f" {inner['Actual Loops']:,} times ({scanned:,} rows); outer side"
        f" estimated {outer['Plan Rows']:,} rows, got"
        f" {outer['Actual Rows'] * outer['Actual Loops']:,}"
    )


def spilled(node):
    """What the node itself wrote to disk: a sort on disk, a hash join or a
    hash aggregate in several batches."""
    if node.get("Sort Space Type") == "Disk":
        return f", sort on disk {node['Sort Space Used'] / 1024:.0f} MB"
    if node.get("Hash Batches", 1) > 1:
        return f", hash in {node['Hash Batches']} batches"
    if node.get("HashAgg Batches", 1) > 1:
        return (
            f", hash aggregate in {node['HashAgg Batches']} batches,"
            f" {node.get('Disk Usage', 0) / 1024:.0f} MB on disk"
        )
    return ""


def walk(node, depth, flags):
    label = node["Node Type"]
    for key in ("CTE Name", "Relation Name", "Subplan Name"):
        if key in node:
            label += f" {node[key]}"
    flag = suspicious(node)
    if flag:
        flags.append(flag)
    print(
        f"  {'  ' * depth}{label}  est {node['Plan Rows']:,} rows,"
        f" got {node['Actual Rows']:,} x {node['Actual Loops']:,}"
        f", {node['Actual Total Time'] / 1000:.2f} s{spilled(node)}"
        f"{'  <-- ' + flag if flag else ''}"
    )
    for child in node.get("Plans", []):
        walk(child, depth + 1, flags)


def explain(env, reports):
    for report in reports:
        query = report_query(env, report)
        # as the button runs it: the SELECT into a temporary table (in
        # parallel when PostgreSQL chooses to), then the INSERT of its rows
        result = explained(env.cr, query.select_into(EXPLAIN_TABLE))
        insert = explained(env.cr, query.insert_from(EXPLAIN_TABLE))
        env.cr.execute(SQL("DROP TABLE %s", SQL.identifier(EXPLAIN_TABLE)))
        plan = result["Plan"]
        select = result["Execution Time"] / 1000
        triggers = sum(t["Time"] for t in insert.get("Triggers", [])) / 1000
        written = plan.get("Temp Written Blocks", 0) * 8 / 1024
        print(
            f"\n== {report}: SELECT {select:.2f} s ({workers(plan)}"
            f" parallel workers), INSERT {insert['Execution Time'] / 1000:.2f} s"
            f" (foreign keys {triggers:.2f} s), temporary files {written:.1f} MB"
        )
        flags = []
        walk(plan, 0, flags)
        print(f"  pathological: {'; '.join(flags) if flags else 'none'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--report", action="append", choices=REPORTS)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--json", metavar="FILE", help="write the figures there")
    args = parser.parse_args()
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"], setup_logging=True
    )
    reports = args.report or REPORTS
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        admin = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}).ref("base.user_admin")
        # the owner's view: the main company first, all its branches
        main = admin.env.ref("base.main_company")
        env = odoo.api.Environment(
            cr, admin.id, {"allowed_company_ids": (main | admin.company_ids).ids}
        )
        counts = database_counts(cr)
        load = open("/proc/loadavg").read().strip()
        print(f"{counts[0]:,} customers, {counts[1]:,} orders; load {load}")
        if args.explain:
            explain(env, reports)
        else:
            result = benchmark(env, reports, args.repeat)
            print_table(*result)
            loads = (load, open("/proc/loadavg").read().strip())
            print(f"load after: {loads[1]}")
            if args.json:
                write_json(args.json, args.database, counts, args.repeat, loads, result)
        cr.rollback()


if __name__ == "__main__":
    main()
