"""Benchmark: spreadsheet export and import (plan.spreadsheet, reporting.exports).

Runs in its own temporary SQLite database with the real plan loaded, and prints:
- export of the real plan to .xlsx and .ods (median of 5);
- preview of the real plan's own export (the round trip: zero changes);
- the preview of a 5,000-row workbook of new efforts beside openpyxl alone reading the same
  file (load_workbook(read_only=True), every row with values_only: the floor), median of
  READ_REPEAT runs each, their ratio (goal at most 3x), and the peak memory of each: the
  tracemalloc peak of one run, i.e. the Python allocations (the XML parser's own C buffers
  are not counted), measured apart from the timed runs;
- preview, apply and re-preview of that workbook, then an apply that changes every row, with
  query counts (the preview's count does not depend on the rows).

    .venv/bin/python bench/spreadsheet.py [ROWS]
"""

import io
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
READ_REPEAT = 3
GOAL_RATIO = 3.0


class QueryCounter(list):
    def __call__(self, execute, sql, params, many, context):
        self.append(sql)
        return execute(sql, params, many, context)


def timed(function, repeat=1):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def peak_memory(function) -> int:
    """Bytes: the tracemalloc peak while `function` runs, above what was allocated before."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _peak = tracemalloc.get_traced_memory()
        function()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before


def main(rows: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from openpyxl import Workbook, load_workbook

    from plan.models import Effort
    from plan.selectors import plan_current
    from plan.spreadsheet.columns import EFFORT_HEADINGS
    from plan.spreadsheet.importer import import_apply, import_preview
    from reporting.exports import efforts_ods, efforts_xlsx

    call_command("migrate", verbosity=0)
    call_command("load_real_plan", verbosity=0)
    plan = plan_current()

    seconds, xlsx = timed(lambda: efforts_xlsx(efforts=Effort.objects.all()), repeat=5)
    print(f"export real plan .xlsx: {seconds * 1000:.0f} ms ({len(xlsx):,} bytes)")
    seconds, ods = timed(lambda: efforts_ods(efforts=Effort.objects.all()), repeat=5)
    print(f"export real plan .ods:  {seconds * 1000:.0f} ms ({len(ods):,} bytes)")
    seconds, preview = timed(lambda: import_preview(file=io.BytesIO(xlsx), plan=plan), repeat=5)
    print(
        f"round trip preview:     {seconds * 1000:.0f} ms, "
        f"{len(preview.unchanged)} unchanged, {len(preview.changed)} changed"
    )

    def workbook(status: str, partners: str) -> bytes:
        book = Workbook()
        sheet = book.active
        sheet.title = "Inspanningen"
        sheet.append(list(EFFORT_HEADINGS))
        for index in range(rows):
            spearhead, number = index % 6 + 1, 100 + index // 6
            sheet.append(
                [
                    f"{spearhead}.{number}",
                    spearhead,
                    f"Inspanning {index}",
                    "Omschrijving\nmet twee regels",
                    f"{spearhead}.1; 1.2",
                    ["Wonen", "Economie", "Nieuw team"][index % 3],
                    None,
                    partners,
                    "Kenniswerkers; Internationale studenten",
                    "Meedenken",
                    "Programmabegroting",
                    "Binnen bestaande capaciteit",
                    "Ja",
                    "Nee",
                    status,
                    25,
                    "Q1 2022",
                    2024,
                    "Toelichting",
                ]
            )
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    data = workbook("Loopt volgens planning", "Universiteit Leiden; LUMC")
    changed = workbook("Vertraagd", "Universiteit Leiden")
    print(f"\n{rows:,}-row workbook: {len(data):,} bytes")

    def openpyxl_read():
        book = load_workbook(io.BytesIO(data), read_only=True)
        count = sum(1 for sheet in book.worksheets for _row in sheet.iter_rows(values_only=True))
        book.close()
        return count

    def preview_new():
        return import_preview(file=io.BytesIO(data), plan=plan)

    reads, previews = [], []
    for _ in range(READ_REPEAT):  # in turn: both see the same load on the machine
        seconds, read_rows = timed(openpyxl_read)
        reads.append(seconds)
        previews.append(timed(preview_new)[0])
    read_seconds, preview_seconds = statistics.median(reads), statistics.median(previews)
    read_peak, preview_peak = peak_memory(openpyxl_read), peak_memory(preview_new)
    ratio = preview_seconds / read_seconds
    for label, seconds, peak in (
        (f"openpyxl read-only read ({read_rows:,} rows, values_only)", read_seconds, read_peak),
        ("import preview (all new)", preview_seconds, preview_peak),
    ):
        print(
            f"{label + f', median of {READ_REPEAT}:':64} {seconds:6.2f} s, "
            f"peak {peak / 2**20:6.1f} MiB"
        )
    print(
        f"ratio preview/openpyxl: {ratio:.2f} (goal <= {GOAL_RATIO:g}: "
        f"{'met' if ratio <= GOAL_RATIO else 'MISSED'}); memory ratio "
        f"{preview_peak / read_peak:.2f} (peak = tracemalloc peak of one run, Python "
        "allocations only)\n"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "spreadsheet.json").write_text(
        json.dumps(
            {
                "rows": rows,
                "openpyxl_read_s": read_seconds,
                "preview_s": preview_seconds,
                "ratio": ratio,
                "openpyxl_read_peak_bytes": read_peak,
                "preview_peak_bytes": preview_peak,
            },
            indent=2,
        )
    )

    for label, run in (
        ("preview (all new)", lambda: import_preview(file=io.BytesIO(data), plan=plan)),
        ("apply", lambda: import_apply(file=io.BytesIO(data), plan=plan, user=None)),
        ("preview (unchanged)", lambda: import_preview(file=io.BytesIO(data), plan=plan)),
        ("apply (unchanged)", lambda: import_apply(file=io.BytesIO(data), plan=plan, user=None)),
        (
            "apply (all changed)",
            lambda: import_apply(file=io.BytesIO(changed), plan=plan, user=None),
        ),
    ):
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            seconds, result = timed(run)
        counts = result.counts
        print(
            f"{label:20} {seconds:6.2f} s, {len(queries):6} queries "
            f"(created {counts['created']}, changed {counts['changed']}, "
            f"unchanged {counts['unchanged']}, errors {counts['errors']})"
        )


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leiden_intl.settings")
        os.environ.setdefault("DEBUG", "true")
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
