"""What a primary and its streaming standby execute when the customer
rating runs through its wizard, without and with Odoo's db_replica_host.

Called by benchmarks/replica_benchmark (which creates both servers):

    python3 benchmarks/replica_benchmark.py -d DB --primary DIR:PORT \\
        --standby DIR:PORT --conf odoo.conf --replica-conf odoo-replica.conf

Each run is a process of its own (Odoo reads db_replica_host when it loads
the registry): it loads the registry, resets the statistics of both
servers, creates the wizard in one transaction and opens the report in the
next one, as the web client's two requests do, closes its connections (the
servers then publish their counters) and reads pg_stat_statements and
pg_stat_database on both servers.
"""

import argparse
import json
import subprocess
import sys
import time

import psycopg2

STATEMENTS = """
SELECT COALESCE(SUM(calls) FILTER (WHERE query LIKE '%%"facts"%%'), 0),
       COALESCE(SUM(rows) FILTER (WHERE query LIKE '%%"facts"%%'), 0),
       COALESCE(SUM(total_exec_time) FILTER (WHERE query LIKE '%%"facts"%%'), 0),
       COALESCE(SUM(rows) FILTER (
           WHERE query LIKE 'INSERT INTO "customer_rating_line"%%'
             AND query NOT LIKE '%%"facts"%%'), 0),
       COALESCE(SUM(calls), 0),
       COALESCE(SUM(shared_blks_hit + shared_blks_read), 0)
  FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
 WHERE d.datname = %s AND query NOT LIKE '%%pg_stat%%'
"""
COLUMNS = (
    "rating SELECT runs",
    "rows it returned",
    "its time (ms)",
    "lines inserted by VALUES",
    "statements",
    "blocks read (hit + disk)",
    "tuples read (pg_stat_database)",
)


def connect(server, db):
    host, port = server.rsplit(":", 1)
    return psycopg2.connect(host=host, port=port, dbname=db, user="odoo")


def reset(servers, db):
    for server in servers:
        with connect(server, db) as cnx, cnx.cursor() as cr:
            cr.execute("SELECT pg_stat_statements_reset(), pg_stat_reset()")
        cnx.close()


def measure(server, db):
    with connect(server, db) as cnx, cnx.cursor() as cr:
        cr.execute(STATEMENTS, [db])
        figures = [float(value) for value in cr.fetchone()]
        cr.execute(
            "SELECT tup_returned + tup_fetched FROM pg_stat_database"
            " WHERE datname = %s",
            [db],
        )
        figures.append(float(cr.fetchone()[0]))
    cnx.close()
    return figures


def run(args):
    """One run (in its own process): the rating through its wizard."""
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", args.run])
    registry = Registry(args.d)
    servers = (args.primary, args.standby)
    reset(servers, args.d)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        env = env(user=env.ref("base.user_admin"))
        wizard = env["customer.rating.wizard"].create({"period": "last_12_months"})
    with registry.cursor() as cr:
        env = api.Environment(cr, wizard.env.uid, {})
        wizard = env["customer.rating.wizard"].browse(wizard.id)
        started = time.perf_counter()
        wizard.action_open()
        seconds = time.perf_counter() - started
        lines = len(wizard.line_ids)
    odoo.sql_db.close_all()
    time.sleep(1)
    json.dump(
        {
            "lines": lines,
            "seconds": seconds,
            "primary": measure(args.primary, args.d),
            "standby": measure(args.standby, args.d),
        },
        sys.stdout,
    )


def table(title, result):
    print(f"\n{title}: {result['lines']} lines in {result['seconds']:.2f} s")
    print(f"{'':32} {'primary':>12} {'standby':>12}")
    for name, primary, standby in zip(
        COLUMNS, result["primary"], result["standby"], strict=True
    ):
        print(f"{name:32} {primary:12,.0f} {standby:12,.0f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", required=True)
    parser.add_argument("--primary", required=True)
    parser.add_argument("--standby", required=True)
    parser.add_argument("--conf")
    parser.add_argument("--replica-conf")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        return run(args)
    for title, conf in (
        ("Primary alone (no db_replica_host)", args.conf),
        ("With the standby as db_replica_host", args.replica_conf),
    ):
        output = subprocess.run(
            [sys.executable, __file__, *sys.argv[1:], "--run", conf],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        table(title, json.loads(output))
    return None


if __name__ == "__main__":
    main()
