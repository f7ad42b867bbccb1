"""Benchmark: the API's list throughput beside the bare view, at 1x and 10x (100x on request).

Each dataset is prepared exactly as bench/pages.py prepares it (its `prepare`: the real plan,
or generate_scale_data --factor 10 / 100, an open update round with updates, 2023 adopted with
its snapshot and a stand-in PDF, 2024 the draft), in a child process with its own temporary
SQLite database. Then, through Django's test client (in-process, no network), REQUESTS
requests per endpoint, interleaved, after one warm-up each, each timed with
time.perf_counter and its SQL statements counted:

- bare view: the base template with session, user and menu (bench/urls.py), as the
  programme manager: the floor, as in bench/pages.py;
- effort list page: /efforts/ (50 a page) as the programme manager, for comparison;
- API efforts: /api/v1/efforts/ with the programme manager's token (50 a page; and 500, the
  largest page allowed);
- API updates: /api/v1/updates/ with the token (50 a page);
- public efforts: /api/v1/public/years/2023/efforts/ without login (50 a page);
- public CSV and JSON: the whole adopted 2023 as one download.

Before every request Django's cache is emptied (no rate-limit counts, nothing remembered);
the page and the bare view log in a new session (cold, as in bench/pages.py); token requests
carry only their header. Throughput is 1 / median: requests a second one process answers
one after the other. Goals, as bench/pages.py sets for interactive pages: an API list of 50
at most 5x the bare view's median (at least a fifth of its throughput) at 10x, and the same
query count at 1x, 10x and 100x.

Writes bench/results/api.json.    make bench-api   (or .venv/bin/python bench/api.py [x1 x10 x100])
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
REQUESTS = 21
DATASETS = {"x1": None, "x10": 10, "x100": 100}
DEFAULT = ("x1", "x10")
LIST_GOAL = 5.0  # an API list of 50 at 10x: at most this many times the bare view (as pages)
YEAR = 2023


def measure(dataset: str) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from api.services import api_token_create
    from bench.pages import prepare
    from plan.roles import Role

    data = prepare(DATASETS[dataset])
    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = ["localhost"]
    manager = data["users"][Role.PROGRAMME_MANAGER]
    key = api_token_create(user=manager, name="bench")[1]
    token = {"HTTP_AUTHORIZATION": f"Token {key}"}
    public = f"/api/v1/public/years/{YEAR}"
    endpoints = {  # name: (url, how: "session", "token" or "anonymous")
        "bare view": ("/bench/bare/", "session"),
        "effort list page": ("/efforts/", "session"),
        "API efforts (50)": ("/api/v1/efforts/", "token"),
        "API efforts (500)": ("/api/v1/efforts/?page_size=500", "token"),
        "API updates (50)": ("/api/v1/updates/", "token"),
        "public efforts (50)": (f"{public}/efforts/", "anonymous"),
        "public CSV (all)": (f"{public}/plan.csv", "anonymous"),
        "public JSON (all)": (f"{public}/plan.json", "anonymous"),
    }
    client = Client(HTTP_HOST="localhost")

    def request(url, how):
        cache.clear()
        client.cookies.clear()
        if how == "session":
            client.force_login(manager)
        statements = []

        def count(execute, sql, params, many, context):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            started = time.perf_counter()
            response = client.get(url, **(token if how == "token" else {}))
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, len(statements), len(response.content)

    for url, how in endpoints.values():
        request(url, how)  # warm-up: templates compiled, modules imported, token used
    samples = {name: [] for name in endpoints}
    for _ in range(REQUESTS):
        for name, (url, how) in endpoints.items():
            samples[name].append(request(url, how))
    bare = statistics.median(s[0] for s in samples["bare view"])
    rows = {}
    for name, runs in samples.items():
        median = statistics.median(s[0] for s in runs)
        counts = sorted({s[1] for s in runs})
        rows[name] = {
            "url": endpoints[name][0],
            "median_ms": 1000 * median,
            "per_second": 1 / median,
            "ratio": median / bare,
            "queries": counts[0] if len(counts) == 1 else counts,
            "bytes": runs[-1][2],
        }
    return {"dataset": dataset, "requests": REQUESTS, "counts": data["counts"], "rows": rows}


def main() -> None:
    from bench.pages import run_child  # prepares each dataset as the page benchmark does

    chosen = [arg for arg in sys.argv[1:] if arg in DATASETS] or list(DEFAULT)
    print(f"Preparing and measuring {', '.join(chosen)} (one child process each)", flush=True)
    RESULTS.mkdir(exist_ok=True)
    runs = {}
    for dataset in chosen:
        runs[dataset] = run_child(dataset, script=__file__)
        (RESULTS / "api.json").write_text(json.dumps(runs, indent=2))
    print(
        f"\nServer time per request (Django test client, in-process, cache emptied before "
        f"each), {REQUESTS} requests each, interleaved; load average at the end: "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    header = f"{'endpoint':22}" + "".join(
        f" | {d + ' ms':>9} {'req/s':>6} {'ratio':>5} {'SQL#':>4} {'KB':>6}" for d in runs
    )
    print(header)
    print("-" * len(header))
    for name in next(iter(runs.values()))["rows"]:
        line = f"{name:22}"
        for run in runs.values():
            row = run["rows"][name]
            line += (
                f" | {row['median_ms']:9.1f} {row['per_second']:6.0f} {row['ratio']:5.1f} "
                f"{str(row['queries']):>4} {row['bytes'] / 1024:6.0f}"
            )
        print(line)
    print("(ratio = median / the bare view's median in the same run; req/s = 1 / median)")
    misses = []
    for name in next(iter(runs.values()))["rows"]:
        counts = {run["rows"][name]["queries"] for run in runs.values()}
        if len(counts) != 1 or not all(isinstance(c, int) for c in counts):
            misses.append(f"{name}: queries differ {sorted(map(str, counts))}")
    if "x10" in runs:
        for name, row in runs["x10"]["rows"].items():
            if "(50)" in name and row["ratio"] > LIST_GOAL:
                misses.append(f"{name}: {row['ratio']:.1f}x the bare view at 10x")
    print("\ngoals: all met" if not misses else "\ngoals MISSED: " + "; ".join(misses))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))  # bench.pages, in the child and the parent alike
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(measure(sys.argv[2])))
    else:
        main()
