"""Benchmark: the three chart types drawn by each candidate, side by side.

Candidates, each given the same numbers (Dutch labels, a long spearhead name):
- python: reporting/charts.py, geometry and SVG written in Python (in use; until 2026-12-01
  the SVG came from a Django template, 4x slower);
- matplotlib: the drawing code reporting/charts.py had before (copied below, without its
  cache), the baseline;
- pygal: if an interpreter with pygal is given in PYGAL_PYTHON (default
  /tmp/venv-pygal/bin/python; make one with `python3.11 -m venv /tmp/venv-pygal &&
  /tmp/venv-pygal/bin/pip install pygal`), run there, as pygal is not a dependency.
  It draws from the numbers already formatted, so it is timed without Django.

Prints the median and p95 of 50 runs of each chart (after 3 warm-up runs) and the SVG's
size, and writes bench/results/charts.json.

    make bench-charts        (or: .venv/bin/python bench/charts.py)
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
RUNS = 50
WARM_UP = 3
PYGAL_PYTHON = os.environ.get("PYGAL_PYTHON", "/tmp/venv-pygal/bin/python")

SPEARHEADS = [
    "1. Onderwijs & Talent",
    "2. Economie & Innovatie",
    "3. Kennisstad",
    "4. Huisvesting & Stedelijke ontwikkeling",
    "5. Welkom in Leiden",
    "6. Zorg & Welzijn",
    "7. Cultuur & Sport",
]
# per spearhead: on track, at risk, delayed, done, not started
COUNTS = [[5, 1, 0, 2, 0], [0, 0, 3, 0, 2], [12, 0, 0, 0, 1], [0, 2, 0, 4, 0], [1, 0, 0, 0, 0]]
COUNTS += [[3, 1, 1, 1, 1], [2, 0, 0, 3, 0]]
YEARS = [(2009, 10058), (2011, 10890), (2013, 11420), (2015, 12300), (2017, 13150)]
YEARS += [(2019, 13900), (2020, 14500), (2022, 15010)]
NATIONALITIES = [
    ("Italië", 1200),
    ("Duitsland", 1080),
    ("Verenigd Koninkrijk", 950),
    ("China", 730),
    ("India", 690),
    ("Spanje", 610),
    ("Griekenland", 480),
    ("Frankrijk", 450),
    ("Verenigde Staten", 420),
    ("Polen", 390),
    ("Turkije", 300),
    ("Overig", 2100),
]


def timed(draw) -> dict:
    for _ in range(WARM_UP):
        svg = draw()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        draw()
        times.append(1000 * (time.perf_counter() - started))
    return {
        "median_ms": statistics.median(times),
        "p95_ms": sorted(times)[int(0.95 * (RUNS - 1))],
        "svg_bytes": len(svg.encode()),
    }


# --- matplotlib: the drawing code of reporting/charts.py before the templates ----------------


def matplotlib_candidate() -> dict:
    import io

    import matplotlib

    matplotlib.use("svg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import FuncFormatter

    from plan.models import Effort
    from reporting.charts import LINE_COLOUR, STATUS_COLOURS, format_number

    dark_text = {Effort.Status.NOT_STARTED, Effort.Status.AT_RISK}
    font = ["DejaVu Sans", "Liberation Sans", "sans-serif"]

    def render(figure) -> str:
        buffer = io.StringIO()
        with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "leiden"}):
            figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
        plt.close(figure)
        svg = buffer.getvalue()
        return svg[svg.index("<svg") :]

    def new_figure(width, height):
        with plt.rc_context({"font.family": font, "font.size": 9}):
            figure, axes = plt.subplots(figsize=(width, height))
        axes.spines[["top", "right"]].set_visible(False)
        return figure, axes

    def localise(axis):
        axis.set_major_formatter(FuncFormatter(lambda value, _position: format_number(value, "")))

    def status_bars(*, categories, counts):
        statuses = [s for s in Effort.Status if any(c.get(s) for c in counts)]
        figure, axes = new_figure(7.0, 0.45 * max(len(categories), 1) + 1.0)
        positions = list(range(len(categories)))[::-1]
        lefts = [0] * len(categories)
        with plt.rc_context({"font.family": font, "font.size": 9}):
            for status in statuses:
                values = [c.get(status, 0) for c in counts]
                bars = axes.barh(
                    positions,
                    values,
                    left=lefts,
                    color=STATUS_COLOURS[status],
                    label=str(status.label),
                    edgecolor="white",
                )
                labels = [str(v) if v else "" for v in values]
                colour = "black" if status in dark_text else "white"
                axes.bar_label(bars, labels=labels, label_type="center", color=colour, fontsize=8)
                lefts = [left + value for left, value in zip(lefts, values, strict=True)]
            axes.set_yticks(positions, categories)
            axes.xaxis.get_major_locator().set_params(integer=True)
            localise(axes.xaxis)
            if statuses:
                axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=3, frameon=False)
        return render(figure)

    def yearly_values(*, unit, points):
        figure, axes = new_figure(4.2, 2.4)
        years = [str(year) for year, _value in points]
        values = [float(value) for _year, value in points]
        with plt.rc_context({"font.family": font, "font.size": 9}):
            bars = axes.bar(years, values, color=LINE_COLOUR, width=0.6)
            axes.bar_label(bars, labels=[format_number(v, unit) for v in values], fontsize=8)
            axes.set_ylim(0, max(values, default=1) * 1.2 or 1)
            axes.set_ylabel(unit)
            localise(axes.yaxis)
        return render(figure)

    def category_values(*, unit, items):
        figure, axes = new_figure(6.0, 0.32 * max(len(items), 1) + 0.8)
        labels = [label for label, _value in items][::-1]
        values = [float(value) for _label, value in items][::-1]
        with plt.rc_context({"font.family": font, "font.size": 9}):
            bars = axes.barh(labels, values, color=LINE_COLOUR, height=0.6)
            shown = [format_number(v, unit) for v in values]
            axes.bar_label(bars, labels=shown, fontsize=8, padding=2)
            axes.set_xlim(0, max(values, default=1) * 1.18 or 1)
            axes.set_xlabel(unit)
            localise(axes.xaxis)
        return render(figure)

    counts = status_counts()
    return {
        "status_bars": timed(lambda: status_bars(categories=SPEARHEADS, counts=counts)),
        "yearly_values": timed(lambda: yearly_values(unit="inwoners", points=YEARS)),
        "category_values": timed(lambda: category_values(unit="inwoners", items=NATIONALITIES)),
    }


def status_counts() -> list[dict]:
    from plan.models import Effort

    order = [
        Effort.Status.ON_TRACK,
        Effort.Status.AT_RISK,
        Effort.Status.DELAYED,
        Effort.Status.DONE,
        Effort.Status.NOT_STARTED,
    ]
    return [{s: n for s, n in zip(order, row, strict=True) if n} for row in COUNTS]


def python_candidate() -> dict:
    from reporting import charts

    counts = status_counts()
    return {
        "status_bars": timed(
            lambda: (
                charts.status_bars(title="Per speerpunt", categories=SPEARHEADS, counts=counts).svg
            )
        ),
        "yearly_values": timed(
            lambda: (
                charts.yearly_values(
                    title="Internationals", unit="inwoners", points=YEARS, value_label="inwoners"
                ).svg
            )
        ),
        "category_values": timed(
            lambda: (
                charts.category_values(
                    title="Nationaliteiten", unit="inwoners", items=NATIONALITIES, value_label="x"
                ).svg
            )
        ),
    }


# --- pygal: runs in its own interpreter, without Django ---------------------------------------


def pygal_candidate() -> dict:
    import pygal
    from pygal.style import Style

    labels = ["Loopt volgens planning", "Aandacht nodig", "Vertraagd", "Afgerond"]
    labels.append("Nog niet gestart")
    colours = ("#1b7f4b", "#e0a100", "#b3261e", "#2f5da8", "#b8bcc2")
    style = Style(colors=colours, font_family="DejaVu Sans, sans-serif", background="white")
    config = {"style": style, "print_values": True, "js": [], "disable_xml_declaration": True}

    def dutch(value):
        return f"{value:,.0f}".replace(",", ".")

    def status_bars():
        chart = pygal.HorizontalStackedBar(title="Per speerpunt", legend_at_bottom=True, **config)
        chart.x_labels = SPEARHEADS
        for index, label in enumerate(labels):
            chart.add(label, [row[index] or None for row in COUNTS])
        return chart.render(is_unicode=True)

    def yearly_values():
        chart = pygal.Bar(
            title="Internationals", show_legend=False, value_formatter=dutch, **config
        )
        chart.x_labels = [str(year) for year, _value in YEARS]
        chart.add("inwoners", [value for _year, value in YEARS])
        return chart.render(is_unicode=True)

    def category_values():
        chart = pygal.HorizontalBar(
            title="Nationaliteiten", show_legend=False, value_formatter=dutch, **config
        )
        chart.x_labels = [label for label, _value in NATIONALITIES]
        chart.add("inwoners", [value for _label, value in NATIONALITIES])
        return chart.render(is_unicode=True)

    return {
        "status_bars": timed(status_bars),
        "yearly_values": timed(yearly_values),
        "category_values": timed(category_values),
    }


def main() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="leiden_intl.settings",
        DEBUG="false",
        SECRET_KEY="benchmark-only",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.utils import translation

    results = {}
    with translation.override("nl"):
        results["python"] = python_candidate()
        results["matplotlib"] = matplotlib_candidate()
    if Path(PYGAL_PYTHON).exists():
        out = subprocess.run(
            [PYGAL_PYTHON, __file__, "pygal"], capture_output=True, text=True, check=True
        )
        results["pygal"] = json.loads(out.stdout.strip().splitlines()[-1])
    else:
        print(f"pygal skipped: no interpreter at {PYGAL_PYTHON} (see the docstring)")

    kinds = ["status_bars", "yearly_values", "category_values"]
    print(f"{'candidate':11} {'chart':16} {'median ms':>10} {'p95 ms':>8} {'SVG kB':>7}")
    for candidate, rows in results.items():
        for kind in kinds:
            row = rows[kind]
            print(
                f"{candidate:11} {kind:16} {row['median_ms']:10.2f} {row['p95_ms']:8.2f}"
                f" {row['svg_bytes'] / 1000:7.1f}"
            )
    for kind in kinds:
        ratio = results["matplotlib"][kind]["median_ms"] / results["python"][kind]["median_ms"]
        print(f"{kind}: python {ratio:.0f}x faster than matplotlib")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "charts.json").write_text(json.dumps({"runs": RUNS, **results}, indent=2))


if __name__ == "__main__":
    if sys.argv[1:] == ["pygal"]:
        print(json.dumps(pygal_candidate()))
    else:
        main()
