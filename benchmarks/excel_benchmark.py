"""Time the Excel export of a large report, and the memory it takes, on a
large database (benchmarks/generate).

The report: the customer rating of the last two years (one line per
customer who bought: about 100,000 on the generated data, 21 columns),
exported as the wizard's button does (`_xlsx_file`). The floor: xlsxwriter alone, in
constant-memory mode, writing the same values (read beforehand) with the
same cell types into a temporary file, in the same run.

    python3 benchmarks/excel_benchmark.py -c .local/odoo.conf -d customer_rating_bench

Memory: the peak of Python's allocations during one more run of each, traced
by tracemalloc (not timed), and the peak resident set size during the timed
runs less the one before (Linux: the peak is reset through
/proc/self/clear_refs; memory Python freed before is reused without showing
there). Prints the median of --repeat runs, floor and export in turn.
Targets: within 1.2x of the floor's time and under +100 MB.
"""

import argparse
import statistics
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta

import xlsxwriter

import odoo


def rss_kib(field):
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


def traced_peak(function):
    """Peak of the memory Python allocates while `function` runs (MB)."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def run_once(function):
    """Seconds and growth of the peak resident set size (MB) of one run."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
        refs.write("5")  # reset the peak resident set size
    before = rss_kib("VmRSS")
    started = time.perf_counter()
    function()
    seconds = time.perf_counter() - started
    return seconds, (rss_kib("VmHWM") - before) / 1024


def measure(functions, repeat):
    """{name: (median seconds, median extra peak resident memory (MB),
    traced peak (MB))} of `functions` ({name: function}), run in turn
    `repeat` times (one run of each, then the next round): a change of the
    machine's speed during the benchmark weighs on all of them alike."""
    runs = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            runs[name].append(run_once(function))
    return {
        name: (
            statistics.median(seconds for seconds, _memory in runs[name]),
            statistics.median(memory for _seconds, memory in runs[name]),
            traced_peak(function),
        )
        for name, function in functions.items()
    }


def write_floor(rows):
    """xlsxwriter alone: the same values, one typed write per cell."""
    with tempfile.TemporaryFile() as output:
        workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
        sheet = workbook.add_worksheet("Floor")
        number = workbook.add_format({"num_format": "#,##0.00"})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for row, values in enumerate(rows, start=3):
            for col, value in enumerate(values):
                if isinstance(value, bool):
                    sheet.write_boolean(row, col, value)
                elif isinstance(value, int | float):
                    sheet.write_number(row, col, value, number)
                elif isinstance(value, date | datetime):
                    sheet.write_datetime(row, col, value, day)
                elif value:
                    sheet.write_string(row, col, value)
        workbook.close()


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
        today = env["customer.rating.rules"]._today()
        wizard = env["customer.rating.wizard"].create(
            {
                "period": "custom",
                "date_from": today - timedelta(days=729),
                "date_to": today,
            }
        )
        wizard.action_open()
        lines = wizard._report_lines()
        columns = [lines._fields[name] for name in lines._xlsx_columns()]
        rows = [
            [values[field.name] for field in columns]
            for values in lines._xlsx_rows(columns)
        ]
        env.invalidate_all()
        results = measure(
            {
                "xlsxwriter alone (floor)": lambda: write_floor(rows),
                "report export": wizard._xlsx_file,
            },
            args.repeat,
        )
        size = len(wizard._xlsx_file()[1])
        cr.rollback()
    print(
        f"{len(rows):,} lines x {len(columns)} columns, "
        f"{size / 1e6:.1f} MB of Excel"
    )
    print(f"  {'':<26} {'time':>9}  {'peak RSS':>9}  {'traced peak':>11}")
    for name, (seconds, memory, traced) in results.items():
        print(f"  {name:<26} {seconds:7.2f} s  +{memory:6.1f} MB  {traced:8.1f} MB")
    floor = results["xlsxwriter alone (floor)"][0]
    export, memory, traced = results["report export"]
    print(f"  export / floor             {export / floor:7.2f}    (target <= 1.2)")
    print(
        f"  export memory             +{max(memory, traced):6.1f} MB"
        "  (target < +100 MB)"
    )


if __name__ == "__main__":
    main()
