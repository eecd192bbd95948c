"""Time the Excel export of a large report, and the memory it takes, on a
large database (benchmarks/generate).

The report: the customer rating of the last two years (one line per
customer who bought: about 100,000 on the generated data, 21 columns),
exported as the wizard's button does (`_xlsx_file`). The floor: xlsxwriter alone, in
constant-memory mode, writing the same values (read beforehand) with the
same cell types into a temporary file, in the same run.

    python3 benchmarks/excel_benchmark.py -c .local/odoo.conf -d customer_rating_bench
    python3 benchmarks/excel_benchmark.py -c ... -d ... --report branches

`--report branches`: the cross view of the last 12 months of every branch
instead (one line per customer and branch and team: about 300,000 at
100,000 customers), exported as a matrix of customers x branches; the
floor writes the same matrix's values (summed by the export's own query
beforehand).

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


def rating(env):
    """The rating of the last two years, its rows' values (read beforehand
    by the export's own reading) and columns."""
    today = env["customer.rating.rules"]._today()
    wizard = env["customer.rating.wizard"].create(
        {"period": "custom", "date_from": today - timedelta(days=729), "date_to": today}
    )
    wizard.action_open()
    lines = wizard._report_lines()
    columns = [lines._fields[name] for name in lines._xlsx_columns()]
    rows = [
        [values[field.name] for field in columns]
        for values in lines._xlsx_rows(columns)
    ]
    return wizard, rows, columns


def cross_view(env):
    """The cross view of the last 12 months of every branch, its matrix's
    rows (name, a cell per branch, total: summed by the export's own query
    beforehand) and columns."""
    wizard = (
        env["customer.rating.wizard"]
        .create({"report": "branches", "period": "last_12_months"})
        ._with_branches()
    )
    wizard.action_open()
    lines = wizard._report_lines()
    domain = [("wizard_id", "=", wizard.id)]
    unnamed = lines._xlsx_matrix_unnamed_rows(domain, "partner_id")
    env.cr.execute(
        lines._xlsx_matrix_rows(
            domain, "partner_id", "branch_id", "net_revenue", unnamed
        )
    )
    fetched = env.cr.fetchall()
    columns = sorted({column for *_row, ids, _values in fetched for column in ids})
    rows = [
        [
            name or unnamed.get(row_id, ""),
            *(dict(zip(ids, values, strict=True)).get(column) for column in columns),
            total,
        ]
        for row_id, name, total, ids, values in fetched
    ]
    print(f"{len(lines):,} lines", flush=True)
    return wizard, rows, ["customer", *columns, "total"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--report", choices=["rating", "branches"], default="rating")
    args = parser.parse_args()
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"], setup_logging=True
    )
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        admin = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}).ref("base.user_admin")
        companies = admin.company_ids
        if args.report == "branches":
            # the owner's view: the main company first, all its branches
            companies = admin.env.ref("base.main_company") | companies
        env = odoo.api.Environment(cr, admin.id, {"allowed_company_ids": companies.ids})
        if args.report == "branches":
            wizard, rows, columns = cross_view(env)
        else:
            wizard, rows, columns = rating(env)
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
        f"{args.report}: {len(rows):,} rows x {len(columns)} columns, "
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
