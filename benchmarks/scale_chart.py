"""Draw the reports' times against the number of customers, next to their
floors, from the JSON files of benchmarks/reports_benchmark.py --json (one
per database size), into one PNG.

    python3 benchmarks/scale_chart.py scale-10k.json scale-100k.json \
        scale-300k.json -o benchmarks/scale.png

One small panel per report, log-log: the report as the wizard's button runs
it (solid), its floor in the same run (dashed), and a dotted line of slope 1
from the report's smallest size (linear growth: a curve steeper than it
grows faster than the data). A last panel shows what each report spilled to
temporary files (PostgreSQL's sorts and hashes past `work_mem`).
`--markdown` also prints the table of the README (each scale's report,
floor and ratio, the growth of the report's time from one scale to the
next, the spill). Needs matplotlib (benchmarks/requirements.txt).
"""

import argparse
import json
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (the backend is chosen first)
from matplotlib.ticker import FuncFormatter  # noqa: E402

COLUMNS = 4
TITLES = {
    "rating": "Customer rating",
    "branches": "Customers x branches",
    "teams": "Customers x sales teams",
    "buyers": "Buyers of products",
    "discounts": "Discounts",
    "gaps": "Cross-sell gaps",
    "bonus": "Bonus points (demo data)",
    "lost": "Lost customers",
    "churn": "Churn reasons (demo data)",
    "retention": "Retention per salesperson",
    "visits": "Visit patterns",
    "marketing": "Acquisition sources",
    "staff": "Staff performance",
}


def load(paths):
    """The runs sorted by customers."""
    runs = []
    for path in paths:
        with open(path, encoding="utf-8") as data:
            runs.append(json.load(data))
    return sorted(runs, key=lambda run: run["customers"])


def series(runs):
    """Per report name: [(customers, report s, floor s, spill MB)], in
    the order of the first run."""
    names = [report["name"] for report in runs[0]["reports"]]
    result = {name: [] for name in names}
    for run in runs:
        for report in run["reports"]:
            if report["name"] in result:
                result[report["name"]].append(
                    (
                        run["customers"],
                        report["seconds"],
                        report["floor_seconds"],
                        report["temp_bytes"] / 2**20,
                    )
                )
    return result


def thousands(value, _position):
    return f"{value / 1000:.0f}k" if value >= 1000 else f"{value:g}"


def seconds(value, _position):
    return f"{value:g} s"


def draw_report(axes, name, points):
    customers = [p[0] for p in points]
    report = [p[1] for p in points]
    floor = [p[2] for p in points]
    axes.plot(customers, report, "o-", color="tab:blue", label="report")
    axes.plot(customers, floor, "s--", color="tab:gray", label="floor")
    axes.plot(
        customers,
        [report[0] * c / customers[0] for c in customers],
        ":",
        color="tab:red",
        linewidth=1,
        label="linear",
    )
    for c, r, f in zip(customers, report, floor, strict=True):
        if f >= 0.01:  # not the demo data's reports, whose floor is nothing
            axes.annotate(
                f"{r / f:.1f}x",
                (c, r),
                textcoords="offset points",
                xytext=(0, 5),
                ha="center",
                fontsize=7,
            )
    axes.set_title(TITLES.get(name, name), fontsize=10)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.margins(y=0.2)
    axes.xaxis.set_major_formatter(FuncFormatter(thousands))
    axes.xaxis.set_minor_formatter(FuncFormatter(lambda *_args: ""))
    axes.yaxis.set_major_formatter(FuncFormatter(seconds))
    axes.set_xticks(customers)
    axes.tick_params(labelsize=7)
    axes.grid(True, which="major", alpha=0.3)


def draw_spill(axes, data, customers):
    """MB written to temporary files per report, those that spilled."""
    for name, points in data.items():
        spilled = [(p[0], p[3]) for p in points if p[3] > 0]
        if spilled:
            axes.plot(*zip(*spilled, strict=True), "o-", label=name, linewidth=1)
    axes.set_title("spill to temporary files (MB)", fontsize=10)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.xaxis.set_major_formatter(FuncFormatter(thousands))
    axes.xaxis.set_minor_formatter(FuncFormatter(lambda *_args: ""))
    axes.set_xticks(customers)
    axes.tick_params(labelsize=7)
    axes.grid(True, which="major", alpha=0.3)
    if axes.get_lines():
        axes.legend(fontsize=6, loc="lower left", ncol=2, framealpha=0.6)


def caption(runs):
    parts = [
        f"{run['customers']:,} customers / {run['orders']:,} orders:"
        f" median of {run['repeat']}, load {run['load_before'].split()[0]}"
        f"-{run['load_after'].split()[0]}"
        for run in runs
    ]
    commits = sorted({run.get("commit") or "?" for run in runs})
    return "; ".join(parts) + f" (code {', '.join(commits)})"


def draw(runs, output):
    data = series(runs)
    panels = len(data) + 1
    rows = math.ceil(panels / COLUMNS)
    figure, grid = plt.subplots(
        rows, COLUMNS, figsize=(3.2 * COLUMNS, 2.6 * rows), squeeze=False
    )
    cells = grid.flatten()
    for axes, (name, points) in zip(cells, data.items(), strict=False):
        draw_report(axes, name, points)
    draw_spill(cells[len(data)], data, [run["customers"] for run in runs])
    for axes in cells[panels:]:
        axes.axis("off")
    cells[0].legend(fontsize=7, loc="upper left")
    figure.suptitle(
        "customer_rating: each report (solid) against its floor (dashed),"
        " seconds vs customers, log-log",
        fontsize=12,
    )
    figure.text(0.5, 0.005, caption(runs), ha="center", fontsize=7)
    figure.tight_layout(rect=(0, 0.02, 1, 0.97))
    figure.savefig(output, dpi=72)


def markdown(runs):
    """The README's table: per report, each scale's time, floor and ratio,
    the growth of the report's time (and the floor's) between scales, its
    spill at each scale (MB)."""
    data = series(runs)
    sizes = [f"{run['customers'] / 1000:.0f}k" for run in runs]
    growths = [f"{a} -> {b}" for a, b in zip(sizes, sizes[1:], strict=False)]
    header = (
        ["Report"]
        + [f"{size}: report / floor (ratio)" for size in sizes]
        + [f"growth {growth}" for growth in growths]
        + [f"spill {', '.join(sizes)} (MB)"]
    )
    lines = [
        "| " + " | ".join(header) + " |",
        "| --- |" + " ---: |" * (len(header) - 1),
    ]
    for name, points in data.items():
        cells = [TITLES.get(name, name)]
        for _customers, report, floor, _spill in points:
            ratio = f" ({report / floor:.1f}x)" if floor >= 0.01 else ""
            cells.append(f"{report:.2f} / {floor:.2f} s{ratio}")
        for before, after in zip(points, points[1:], strict=False):
            growth = f"{after[1] / before[1]:.1f}x" if before[1] else ""
            if before[2] >= 0.01:
                growth += f" (floor {after[2] / before[2]:.1f}x)"
            cells.append(growth)
        cells.append(", ".join(f"{p[3]:.0f}" for p in points))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("json", nargs="+", help="reports_benchmark.py --json files")
    parser.add_argument("-o", "--output", default="benchmarks/scale.png")
    parser.add_argument("--markdown", action="store_true", help="print the table")
    args = parser.parse_args()
    runs = load(args.json)
    draw(runs, args.output)
    if args.markdown:
        print(markdown(runs))


if __name__ == "__main__":
    main()
