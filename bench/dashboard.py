"""Benchmark: the dashboard's server time at 10x the real plan beside a bare view.

In one process against a temporary SQLite database filled by generate_scale_data --factor 10,
it requests the dashboard (served from its data-versioned cache), the dashboard rebuilt (a
query string it has not seen), and a bare view (the base template, session, user) in turn as
the alderman, and prints medians and p95 of 60 requests each, the ratios, and the query
counts. Goal: the dashboard at most 3x the bare view.

    make bench-dashboard        (or: .venv/bin/python bench/dashboard.py)
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 60


def main() -> None:
    directory = tempfile.TemporaryDirectory()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="leiden_intl.settings",
        DATABASE_URL=f"sqlite:///{directory.name}/bench.sqlite3",
        DEBUG="false",
        HTTPS="false",  # plain HTTP: no redirect to https:// (the test client speaks HTTP)
        SECRET_KEY="benchmark-only",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    call_command("migrate", verbosity=0)
    call_command("generate_scale_data", factor=10, verbosity=0)
    with override_settings(DEBUG=True):
        call_command("create_demo_users", verbosity=0)
    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = ["localhost"]
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="wethouder"))

    # "rebuilt": a query string never seen before misses the page cache (the charts stay
    # cached): what the first visit after a change costs.
    pages = {"dashboard": "/dashboard/", "rebuilt": "/dashboard/?visit={}", "bare": "/bench/bare/"}
    times = {name: [] for name in pages}
    queries = {}
    for name, url in pages.items():  # warm up: charts drawn once, templates compiled
        client.get(url.format("warm"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url.format("count")).status_code == 200, url
        queries[name] = len(captured)
    for index in range(REQUESTS):
        for name, url in pages.items():
            started = time.perf_counter()
            client.get(url.format(index))
            times[name].append(time.perf_counter() - started)

    def p95(values):
        return sorted(values)[int(0.95 * (len(values) - 1))]

    rows = {
        name: {
            "median_ms": 1000 * statistics.median(values),
            "p95_ms": 1000 * p95(values),
            "queries": queries[name],
        }
        for name, values in times.items()
    }
    ratio = rows["dashboard"]["median_ms"] / rows["bare"]["median_ms"]
    print(f"{'page':10} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for name, row in rows.items():
        print(f"{name:10} {row['median_ms']:10.1f} {row['p95_ms']:8.1f} {row['queries']:8d}")
    rebuilt = rows["rebuilt"]["median_ms"] / rows["bare"]["median_ms"]
    print(f"ratio dashboard/bare: {ratio:.2f} (goal <= 3.0: {'met' if ratio <= 3 else 'MISSED'})")
    print(f"ratio rebuilt/bare: {rebuilt:.2f} (the first view after a change)")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "dashboard.json").write_text(json.dumps({**rows, "ratio": ratio}, indent=2))


if __name__ == "__main__":
    main()
