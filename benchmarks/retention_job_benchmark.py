"""Time the daily retention job on a large database (benchmarks/generate).

Runs, each in a transaction rolled back afterwards (median of --repeat):
  - the floor: the retention rule alone, its SELECT over every customer
    (`customer.rating.rules._retention_query`, counted, nothing written);
  - the refresh of the stored retention state of every customer (one UPDATE);
  - the whole job as the cron runs it: refresh, then batches of 1,000 that
    remind the customers due soon and call back those at risk, again while
    the job's progress says customers are left; then a second run, which
    must find nothing to do;
  - the re-tier job and the bonus points expiry job.

    python3 benchmarks/retention_job_benchmark.py -c .local/odoo.conf \
        -d customer_rating_bench

Prints the times, the numbers of reminders and call-backs, and the growth of
the process's peak memory. Target (issue #14): the job within 60 s for
100,000 customers, computing the retention list once per run.
"""

import argparse
import resource
import statistics
import time

import odoo
from odoo.tools import SQL


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def run_floor(env):
    partner = env["res.partner"]
    env.cr.execute(
        SQL("SELECT count(*) FROM (%s) r", partner._customer_rating_state_rows())
    )
    return env.cr.fetchone()[0]


def run_job(env):
    """Run the job as the cron does: again while its progress says that
    customers are left (Odoo's cron progress API). Returns the batches that
    did something."""
    cron, progress = env.ref(
        "customer_rating.ir_cron_schedule_call_backs"
    )._add_progress()
    callbacks = env["customer.rating.callback"].with_context(**cron.env.context)
    batches = 0
    while True:
        batches += bool(callbacks._cron_schedule_call_backs())
        # the cron commits each batch, which empties the ORM's cache
        env.flush_all()
        env.invalidate_all()
        if not progress.remaining:
            return batches


def count_work(env):
    remind = env.ref("customer_rating.mail_activity_type_remind")
    call_back = env.ref("customer_rating.mail_activity_type_call_back")
    env.flush_all()
    env.cr.execute(
        SQL(
            "SELECT activity_type_id, count(*) FROM mail_activity"
            " WHERE activity_type_id IN %s GROUP BY 1",
            (remind.id, call_back.id),
        )
    )
    counts = dict(env.cr.fetchall())
    return counts.get(remind.id, 0), counts.get(call_back.id, 0)


def measure(registry, function, repeat):
    """Median seconds of `function(env)` over `repeat` rolled-back runs, and
    its last result."""
    timings, result = [], None
    for _ in range(repeat):
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            seconds, result = timed(lambda env=env: function(env))
            timings.append(seconds)
            cr.rollback()
    return statistics.median(timings), result


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
    memory = {"start": peak_mb()}
    floor, customers = measure(registry, run_floor, args.repeat)
    refresh, written = measure(
        registry,
        lambda env: env["res.partner"]._customer_rating_refresh_retention(),
        args.repeat,
    )
    memory["floor and refresh"] = peak_mb()

    def whole_job(env):
        first, batches = timed(lambda: run_job(env))
        reminders, call_backs = count_work(env)
        second, _batches = timed(lambda: run_job(env))
        return first, second, batches, reminders, call_backs

    _median, (first, second, batches, reminders, call_backs) = measure(
        registry, whole_job, 1
    )
    memory["whole job"] = peak_mb()
    retier, _tiers = measure(
        registry, lambda env: env["customer.rating.tier"]._cron_retier(), 1
    )
    expiry, _cards = measure(
        registry, lambda env: env["loyalty.card"]._cron_expire_bonus_points(), 1
    )
    print(f"{customers:,} customers in the retention rule")
    print(f"  retention SELECT alone (floor)   {floor:8.2f} s")
    print(f"  refresh of the stored state      {refresh:8.2f} s  ({written:,} rows)")
    print(
        f"  whole job, first run             {first:8.2f} s  ({batches} batches: "
        f"{reminders:,} reminders, {call_backs:,} call-backs)"
    )
    print(f"  whole job, second run (no-op)    {second:8.2f} s")
    print(f"  re-tier job                      {retier:8.2f} s")
    print(f"  bonus expiry job                 {expiry:8.2f} s")
    memory["tier and expiry jobs"] = peak_mb()
    for phase, peak in list(memory.items())[1:]:
        print(f"  peak memory after {phase:<22} +{peak - memory['start']:5.0f} MB")
    print(f"  whole job / floor                {first / floor:8.2f}  (target: 60 s)")


if __name__ == "__main__":
    main()
