"""Load a large, deterministic sales history through SQL, for benchmarks.

Clones the demo data set of customer_rating (which must be installed with its
demo data): every generated customer is a copy of a demo customer, every
generated order a copy of a demo order (all its lines, amounts scaled by a
whole quantity factor) for a generated customer, moved by whole weeks to a
date of the last two years so that weekday and hour patterns stay. The dates
follow a steady business growing by `--growth` a year (10 % by default: the
last year has 1.1 times the orders of the year before, spread evenly inside
each year, growing week by week). Copying real rows
keeps every column that Odoo and other addons store coherent (taxes,
currencies, margins, price lists) without listing them here.

    python3 benchmarks/generate_data.py -c .local/odoo.conf -d DB \\
        --customers 100000 --orders 1000000 --growth 0.10

One transaction; the same arguments on the same day give the same rows.
"""

import argparse
import logging
import math
import time

import odoo
from odoo.tools import SQL

_logger = logging.getLogger("customer_rating.benchmarks")

# Columns that grow with the quantity factor of a cloned order or line.
SCALED_ORDER_COLUMNS = {"amount_untaxed", "amount_tax", "amount_total", "margin"}
SCALED_LINE_COLUMNS = {
    "product_uom_qty",
    "product_qty",
    "qty_to_invoice",
    "price_subtotal",
    "price_tax",
    "price_total",
    "margin",
    "untaxed_amount_to_invoice",
}
DAYS = 730


def stored_columns(model):
    return [
        name
        for name, field in model._fields.items()
        if field.store and field.column_type and name != "id"
    ]


def copy_select(model, overrides, alias):
    """Column list and SELECT list copying `alias` except for `overrides`."""
    columns = stored_columns(model)
    return (
        SQL(", ").join(SQL.identifier(c) for c in columns),
        SQL(", ").join(overrides.get(c, SQL.identifier(alias, c)) for c in columns),
    )


def generate_customers(env, count):
    partner = env["res.partner"]
    template = env["res.partner"].search(
        [
            ("customer_rank", ">", 0),
            ("is_company", "=", False),
            ("parent_id", "=", False),
        ],
        order="id",
        limit=1,
    )
    env.cr.execute(
        SQL(
            "CREATE TEMP TABLE bench_partner ON COMMIT DROP AS"
            " SELECT nextval('res_partner_id_seq')::int AS id, g AS n"
            " FROM generate_series(1, %s) g",
            count,
        )
    )
    name = SQL("'Bench Customer ' || lpad(b.n::text, 7, '0')")
    columns, values = copy_select(
        partner,
        {
            "name": name,
            "complete_name": name,
            "email": SQL("'bench' || b.n || '@example.com'"),
            "commercial_partner_id": SQL("b.id"),
            "create_date": SQL("now() at time zone 'UTC'"),
            "write_date": SQL("now() at time zone 'UTC'"),
        },
        "t",
    )
    env.cr.execute(
        SQL(
            "INSERT INTO res_partner (id, %s) SELECT b.id, %s"
            " FROM bench_partner b, res_partner t WHERE t.id = %s ORDER BY b.n",
            columns,
            values,
            template.id,
        )
    )
    return env.cr.rowcount


def target_age(growth):
    """Age in days of an order of a business growing by `growth` a year: the
    inverse of the cumulative distribution of a density proportional to
    (1 + growth) ** (t / 365) over the last DAYS days, applied to the
    order's uniform random `b.shift`."""
    if abs(growth) < 1e-9:
        return SQL("%s * (1 - b.shift)", DAYS)
    rate = math.log1p(growth) / 365
    return SQL("%s - ln(1 + b.shift * (exp(%s * %s) - 1)) / %s", DAYS, rate, DAYS, rate)


def generate_orders(env, count, growth):
    """Orders: a skewed choice of customer (a few buy a lot), a demo order as
    template, a quantity factor from 1 to 3, a date of a business growing by
    `growth` a year (the template's weekday and hour, moved by whole weeks to
    the week before the drawn date)."""
    env.cr.execute(
        SQL(
            """
        CREATE TEMP TABLE bench_template ON COMMIT DROP AS
        SELECT row_number() OVER (ORDER BY o.id) AS k, o.id
          FROM sale_order o
         WHERE o.state IN ('sale', 'cancel')
           AND o.date_order >= now() at time zone 'UTC' - interval '%s days'
           AND NOT EXISTS (SELECT 1 FROM sale_order_line l
                            WHERE l.order_id = o.id AND l.reward_id IS NOT NULL)
        """,
            DAYS,
        )
    )
    env.cr.execute("SELECT count(*) FROM bench_template")
    templates = env.cr.fetchone()[0]
    env.cr.execute("SELECT count(*) FROM bench_partner")
    customers = env.cr.fetchone()[0]
    env.cr.execute(
        SQL(
            """
        CREATE TEMP TABLE bench_order ON COMMIT DROP AS
        SELECT nextval('sale_order_id_seq')::int AS id, g AS n,
               1 + floor(power(random(), 2) * %s)::int AS partner_n,
               1 + floor(random() * %s)::int AS template_k,
               1 + floor(random() * 3)::int AS factor,
               random() AS shift
          FROM generate_series(1, %s) g
        """,
            customers,
            templates,
            count,
        )
    )
    env.cr.execute(
        SQL(
            """
        CREATE TEMP TABLE bench_order_map ON COMMIT DROP AS
        SELECT b.id, b.n, p.id AS partner_id, b.factor, t.id AS template_id,
               o.date_order - interval '7 days' * ceil(
                   extract(epoch FROM o.date_order
                           - (now() at time zone 'UTC' - interval '1 day' * (%s)))
                   / 604800
               ) AS date_order
          FROM bench_order b
          JOIN bench_partner p ON p.n = b.partner_n
          JOIN bench_template t ON t.k = b.template_k
          JOIN sale_order o ON o.id = t.id
        """,
            target_age(growth),
        )
    )
    env.cr.execute("CREATE INDEX ON bench_order_map (template_id)")
    env.cr.execute("ANALYZE bench_order_map")
    order_model = env["sale.order"]
    overrides = {
        "name": SQL("'BENCH' || lpad(m.n::text, 8, '0')"),
        "partner_id": SQL("m.partner_id"),
        "partner_invoice_id": SQL("m.partner_id"),
        "partner_shipping_id": SQL("m.partner_id"),
        "date_order": SQL("m.date_order"),
        "create_date": SQL("m.date_order"),
        "write_date": SQL("m.date_order"),
        "origin": SQL("NULL"),
        "access_token": SQL("NULL"),
    }
    for column in SCALED_ORDER_COLUMNS & set(stored_columns(order_model)):
        overrides[column] = SQL("%s * m.factor", SQL.identifier("o", column))
    columns, values = copy_select(order_model, overrides, "o")
    env.cr.execute(
        SQL(
            "INSERT INTO sale_order (id, %s) SELECT m.id, %s"
            " FROM bench_order_map m JOIN sale_order o ON o.id = m.template_id"
            " ORDER BY m.id",
            columns,
            values,
        )
    )
    return env.cr.rowcount


def generate_lines(env):
    line_model = env["sale.order.line"]
    overrides = {
        "order_id": SQL("m.id"),
        "order_partner_id": SQL("m.partner_id"),
        "create_date": SQL("m.date_order"),
        "write_date": SQL("m.date_order"),
    }
    for column in SCALED_LINE_COLUMNS & set(stored_columns(line_model)):
        overrides[column] = SQL("%s * m.factor", SQL.identifier("l", column))
    columns, values = copy_select(line_model, overrides, "l")
    env.cr.execute(
        SQL(
            "INSERT INTO sale_order_line (%s) SELECT %s"
            " FROM bench_order_map m"
            " JOIN sale_order_line l ON l.order_id = m.template_id"
            " ORDER BY m.id, l.id",
            columns,
            values,
        )
    )
    return env.cr.rowcount


def generate(env, customers, orders, seed, growth):
    env.flush_all()
    env.cr.execute(
        "SET LOCAL max_parallel_workers_per_gather = 0"
    )  # deterministic random()
    env.cr.execute("SET LOCAL synchronous_commit = off")
    env.cr.execute(SQL("SELECT setseed(%s)", seed))
    for step, function in [
        ("customers", lambda: generate_customers(env, customers)),
        ("orders", lambda: generate_orders(env, orders, growth)),
        ("order lines", lambda: generate_lines(env)),
    ]:
        started = time.monotonic()
        rows = function()
        _logger.info("%s: %d rows in %.1f s", step, rows, time.monotonic() - started)
    started = time.monotonic()
    env.cr.execute("ANALYZE res_partner, sale_order, sale_order_line")
    _logger.info("analyze: %.1f s", time.monotonic() - started)
    env.invalidate_all()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--seed", type=float, default=0.42, help="between -1 and 1")
    parser.add_argument(
        "--growth",
        type=float,
        default=0.10,
        help="yearly growth of the orders (0.10: the last year has 10 %% more)",
    )
    args = parser.parse_args()
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database], setup_logging=True
    )
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if not env["ir.module.module"].search_count(
            [
                ("name", "=", "customer_rating"),
                ("state", "=", "installed"),
                ("demo", "=", True),
            ]
        ):
            raise SystemExit("customer_rating must be installed with its demo data")
        started = time.monotonic()
        generate(env, args.customers, args.orders, args.seed, args.growth)
        _logger.info("committing")
    _logger.info("done in %.1f s", time.monotonic() - started)


if __name__ == "__main__":
    main()
