"""Play a long seeded random sequence of bonus ledger operations.

The suite plays 1,000 operations (tests/test_bonus_fuzz.py); this command
plays as many as asked (10,000 by default) on a database with customer_rating
installed, checks the ledger's invariant after each one, prints how many of
each operation were played or refused and how long it took, then rolls
everything back:

    python3 benchmarks/ledger_fuzz.py -c .local/odoo.conf -d customer_rating_test \
        --ops 10000 --seed 11
"""

import argparse
import importlib.util
import pathlib
import time

import odoo


def load_fuzz():
    """tests/ledger_fuzz.py, without importing the test package (which
    needs Odoo's test mode)."""
    path = pathlib.Path(__file__).parents[1] / "customer_rating/tests/ledger_fuzz.py"
    spec = importlib.util.spec_from_file_location("ledger_fuzz", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.LedgerFuzz


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--ops", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"], setup_logging=True
    )
    fuzz_class = load_fuzz()
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        started = time.perf_counter()
        fuzz = fuzz_class(env, seed=args.seed)
        try:
            for played in range(0, args.ops, 1000):
                done, refused = fuzz.run(min(1000, args.ops - played))
                seconds = time.perf_counter() - started
                print(f"  {played + 1000:,} operations: {seconds:.0f} s", flush=True)
        finally:
            seconds = time.perf_counter() - started
            cards = fuzz.cards()
            lines = len(cards.history_ids)
            written_off = sum(cards.history_ids.mapped("points_written_off"))
            cr.rollback()
    print(f"{args.ops:,} operations (seed {args.seed}) in {seconds:.0f} s")
    print(
        f"  {len(cards)} cards, {lines:,} ledger lines, {written_off:.2f} written off"
    )
    for name in sorted(set(done) | set(refused)):
        print(f"  {name:<26} {done[name]:6} played {refused[name]:6} refused")
    print("invariant held after every operation")


if __name__ == "__main__":
    main()
