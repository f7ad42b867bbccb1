"""Benchmark: the annual report PDF beside WeasyPrint alone on the same HTML (the floor).

Runs for the real plan and for the synthetic 10x plan (generate_scale_data), each in its own
temporary SQLite database, and prints the medians (5 runs of each for the real plan, 2 at
10x, the report and WeasyPrint alone in turn) and their ratio. Goal: at most 1.3x the floor,
and time linear in the number of efforts.

    make bench-report        (or: .venv/bin/python bench/report.py)
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATASETS = {"real": 5, "x10": 2}  # dataset: repetitions (10x: about 12 s a run)
YEAR = 2023


def measure(dataset: str, repeat: int) -> dict:
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.template.loader import render_to_string
    from django.utils import translation
    from weasyprint import HTML

    from plan.models import Effort
    from reporting import report
    from reporting.pdf import BASE_URL, StaticOnlyFetcher

    call_command("migrate", verbosity=0)
    if dataset == "real":
        call_command("load_real_plan", verbosity=0)
    else:
        call_command("generate_scale_data", factor=10, verbosity=0)

    # The HTML first (it warms the templates and charts), then the report and WeasyPrint alone
    # in turn, so that both see the same load on the machine.
    with translation.override("nl"):
        plan = report.report_plan(YEAR)
        context = report.report_context(plan=plan, year=YEAR)
        css = (ROOT / "static" / "css" / "report.css").read_text()
        html = render_to_string(
            "reporting/annual_report_print.html",
            {**context, "report_css": css, "LANGUAGE_CODE": "nl"},
        )
    full, floor = [], []
    for _ in range(repeat):
        cache.clear()  # a draft's PDF is kept in the cache under its data: render it anew
        started = time.perf_counter()
        report.annual_report_pdf(year=YEAR)
        full.append(time.perf_counter() - started)
        started = time.perf_counter()
        HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf(
            pdf_variant="pdf/ua-1"
        )
        floor.append(time.perf_counter() - started)
    return {
        "dataset": dataset,
        "efforts": Effort.objects.count(),
        "repeat": repeat,
        "report_median_s": statistics.median(full),
        "weasyprint_median_s": statistics.median(floor),
    }


def main() -> None:
    rows = []
    for dataset, repeat in DATASETS.items():
        with tempfile.TemporaryDirectory() as directory:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "leiden_intl.settings",
                "DATABASE_URL": f"sqlite:///{directory}/bench.sqlite3",
                "DEBUG": "true",
            }
            out = subprocess.run(
                [sys.executable, __file__, "--child", dataset, str(repeat)],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            rows.append(json.loads(out.strip().splitlines()[-1]))
    print(
        f"{'dataset':8} {'efforts':>7} {'report s':>9} {'floor s':>8} {'ratio':>6} {'ms/effort':>9}"
    )
    for row in rows:
        row["ratio"] = row["report_median_s"] / row["weasyprint_median_s"]
        row["ms_per_effort"] = 1000 * row["report_median_s"] / row["efforts"]
        print(
            f"{row['dataset']:8} {row['efforts']:7d} {row['report_median_s']:9.2f} "
            f"{row['weasyprint_median_s']:8.2f} {row['ratio']:6.2f} {row['ms_per_effort']:9.1f}"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "report.json").write_text(json.dumps(rows, indent=2))
    print(f"goal: ratio <= 1.3 -> {'met' if all(r['ratio'] <= 1.3 for r in rows) else 'MISSED'}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure(sys.argv[2], int(sys.argv[3]))))
    else:
        main()
