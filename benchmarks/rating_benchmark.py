"""Time the 12-month customer rating on a large database (benchmarks/generate).

Compares three ways of answering "who are my best customers this year":
  - the customer rating (wizard + its one INSERT ... SELECT), as a user runs it;
  - the floor: a bare SQL GROUP BY customer over the orders of the 12 months
    (revenue and margin, as the rating reads them from sale_order);
  - what users do today: Odoo's sale.report grouped by customer.

    python3 benchmarks/rating_benchmark.py -c .local/odoo.conf -d customer_rating_bench

Prints the median of --repeat runs and the ratios. Targets: the rating
within 2x of the floor and at least 5x faster than sale.report.
"""

import argparse
import statistics
import time

import odoo
from odoo.tools import SQL


def median_seconds(function, repeat):
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def run_rating(env):
    wizard = env["customer.rating.wizard"].create({"period": "last_12_months"})
    wizard.action_open()
    return wizard


def run_floor(env, wizard):
    scope = wizard._scope()
    start, end = scope.start, scope.end
    env.cr.execute(
        SQL(
            """
            SELECT p.commercial_partner_id,
                   SUM(o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1)),
                   SUM(o.margin / COALESCE(NULLIF(o.currency_rate, 0), 1)),
                   COUNT(*)
              FROM sale_order o
              JOIN res_partner p ON p.id = o.partner_id
             WHERE o.state = 'sale'
               AND o.company_id IN %s AND o.date_order >= %s AND o.date_order < %s
             GROUP BY p.commercial_partner_id
            """,
            tuple(env.companies.ids),
            start,
            end,
        )
    )
    return env.cr.fetchall()


def run_sale_report(env, wizard):
    scope = wizard._scope()
    start, end = scope.start, scope.end
    return env["sale.report"]._read_group(
        [
            ("state", "=", "sale"),
            ("date", ">=", start),
            ("date", "<", end),
            ("company_id", "in", env.companies.ids),
        ],
        ["commercial_partner_id"],
        ["price_subtotal:sum", "margin:sum", "order_reference:count_distinct"],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"], setup_logging=True
    )
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        admin = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}).ref("base.user_admin")
        env = odoo.api.Environment(
            cr, admin.id, {"allowed_company_ids": admin.company_ids.ids}
        )
        env.cr.execute("SELECT count(*) FROM sale_order_line")
        lines = env.cr.fetchone()[0]
        wizard = run_rating(env)
        customers = len(wizard.line_ids)
        floor_rows = run_floor(env, wizard)
        if len(floor_rows) > customers:
            raise SystemExit(
                f"floor has {len(floor_rows)} customers, rating {customers}"
            )
        timings = {
            "customer rating": median_seconds(lambda: run_rating(env), args.repeat),
            "bare SQL GROUP BY (floor)": median_seconds(
                lambda: run_floor(env, wizard), args.repeat
            ),
            "sale.report by customer": median_seconds(
                lambda: run_sale_report(env, wizard), args.repeat
            ),
        }
        cr.rollback()
    print(
        f"{lines:,} order lines, {customers:,} customers rated over the last 12 months"
    )
    for name, seconds in timings.items():
        print(f"  {name:<28} {seconds:8.2f} s")
    rating = timings["customer rating"]
    floor = timings["bare SQL GROUP BY (floor)"]
    report = timings["sale.report by customer"]
    print(f"  rating / floor        {rating / floor:6.2f}  (target <= 2)")
    print(f"  sale.report / rating  {report / rating:6.2f}  (target >= 5)")


if __name__ == "__main__":
    main()
