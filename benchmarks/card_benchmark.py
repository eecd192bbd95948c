"""Time the customer card (the partner form) of a customer with 3,000 orders
on a large database (benchmarks/generate), with its query count.

What the web client does to open a customer: `get_views` of the form, then
`web_read` with the form's specification (every field of the form). The
floor is Odoo's own part: the same `web_read` without the fields that
customer_rating adds to res.partner, in the same run, on the same customer.

    python3 benchmarks/card_benchmark.py -c .local/odoo.conf -d customer_rating_bench

The customer gets 3,000 of the generated orders (moved to it inside the
transaction, rolled back at the end). Also printed: the first card of the
day, which computes the segments' shares once (the daily job normally
does), and that computation alone. Prints the median of --repeat runs.
Targets: the whole form under 0.3 s and at most 10 queries more than
Odoo's own part.
"""

import argparse
import statistics
import time

import odoo
from odoo.tools import SQL

ORDERS = 3000


def measure(env, function, repeat):
    """Median seconds and queries of `function`, run `repeat` times on a
    cold ORM cache (the registry's caches stay warm, as in a server)."""
    timings, queries = [], []
    for _ in range(repeat):
        env.invalidate_all()
        count = env.cr.sql_log_count
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
        queries.append(env.cr.sql_log_count - count)
    return statistics.median(timings), statistics.median(queries)


def field_spec(fields):
    """The specification the web client reads a view's fields with."""
    spec = {}
    for name, description in fields.items():
        if description["type"] in ("many2one", "one2many", "many2many"):
            spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}
    return spec


def form_specs(partner):
    """The form's specification, and the same without customer_rating's
    fields (Odoo's own part)."""
    views = partner.get_views([(False, "form")])
    fields = views["models"]["res.partner"]["fields"]
    spec = field_spec(fields)
    own = {
        name: value
        for name, value in spec.items()
        if "customer_rating" not in (partner._fields[name]._modules or ())
    }
    return spec, own


def big_customer(env):
    """A generated customer given 3,000 generated orders spread over the
    two years (inside this transaction)."""
    env.cr.execute(
        """
        SELECT p.id FROM res_partner p
         WHERE p.active AND p.id = p.commercial_partner_id
           AND EXISTS (SELECT 1 FROM sale_order o WHERE o.partner_id = p.id)
         ORDER BY p.id DESC LIMIT 1
        """
    )
    partner_id = env.cr.fetchone()[0]
    env.cr.execute(
        SQL(
            """
            UPDATE sale_order SET partner_id = %(partner)s,
                   partner_invoice_id = %(partner)s, partner_shipping_id = %(partner)s
             WHERE id IN (SELECT id FROM sale_order WHERE state = 'sale'
                           ORDER BY md5(id::text) LIMIT %(orders)s)
            """,
            partner=partner_id,
            orders=ORDERS,
        )
    )
    return env["res.partner"].browse(partner_id)


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
        root = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        admin = root.ref("base.user_admin")
        env = odoo.api.Environment(
            cr, admin.id, {"allowed_company_ids": admin.company_ids.ids, "tz": "UTC"}
        )
        env.cr.execute("SELECT count(*) FROM sale_order_line")
        lines = env.cr.fetchone()[0]
        partner = big_customer(env).with_env(env)
        env.flush_all()
        spec, own = form_specs(partner)
        penetration = env["customer.rating.segment.penetration"]
        scope = env["customer.rating.rules"]._card_scope()
        segments, _queries = measure(
            env, lambda: penetration.sudo()._compute_rows(scope), 1
        )
        penetration.sudo().search([]).unlink()
        first, first_queries = measure(env, lambda: partner.web_read(spec), 1)
        results = {
            "Odoo's own part (floor)": measure(
                env, lambda: partner.web_read(own), args.repeat
            ),
            "whole customer card": measure(
                env, lambda: partner.web_read(spec), args.repeat
            ),
            "get_views + whole card": measure(
                env,
                lambda: (partner.get_views([(False, "form")]), partner.web_read(spec)),
                args.repeat,
            ),
        }
        orders = partner.customer_rating_order_count
        gaps = len(partner.customer_rating_gap_categ_ids)
        cr.rollback()
    print(
        f"{lines:,} order lines; customer with {ORDERS:,} orders "
        f"({orders:,} confirmed), {gaps} cross-sell gaps; "
        f"{len(spec)} fields in the form, {len(own)} of them Odoo's"
    )
    for name, (seconds, queries) in results.items():
        print(f"  {name:<26} {seconds:6.3f} s {queries:5.0f} queries")
    floor_seconds, floor_queries = results["Odoo's own part (floor)"]
    card_seconds, card_queries = results["whole customer card"]
    print(
        f"  card - floor               {card_queries - floor_queries:5.0f} queries"
        "  (target <= 10)"
    )
    print(f"  whole card                 {card_seconds:6.3f} s  (target < 0.3)")
    print(
        f"  first card of the day      {first:6.3f} s {first_queries:5.0f} queries"
        f" (segments' shares computed: {segments:.3f} s, once a day)"
    )


if __name__ == "__main__":
    main()
