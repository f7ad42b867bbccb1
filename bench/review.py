"""Benchmark: the review of progress updates at 10x, with 500 updates awaiting review.

In a child process per database (a temporary SQLite file; a throwaway PostgreSQL database on
127.0.0.1:5432 when it answers), the synthetic plan of `generate_scale_data --factor 10` (500
efforts) gets an open round in which every effort has a submitted update. Then, REPEAT times
each, median:

- the completeness page as the programme manager (test client, in-process): time and queries,
  beside the bare view (bench/urls.py) of the same user as its floor;
- the bulk accept's preview (POST of "all" to plan:round-accept): time and queries;
- the bulk accept of all 500 (services.progress_updates_accept): time, queries, and the
  transactions it opens (must be one); its floor is writing the same 500 efforts' status,
  progress and note with one bulk_update and nothing else (no history, no review record);
- accepting 20 updates one at a time (services.progress_update_review), per update: what the
  bulk accept saves.

Each measured write runs inside a transaction that is rolled back afterwards, so every repeat
starts from the same 500 updates awaiting review.

Goals: the completeness page at most 5x the bare view, and the same queries for 50 and 500
pending updates (tests/plan/test_update_review.py pins them); the bulk accept of 500 in one
transaction, at most 10x the plain bulk_update floor and under 2 s.

    make bench-review        (or: .venv/bin/python bench/review.py [sqlite] [postgresql])
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
REPEAT = 7
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
PAGE_GOAL, ACCEPT_GOAL, ACCEPT_SECONDS = 5.0, 10.0, 2.0


class Probe:
    """Counts the SQL statements run, and the atomic blocks opened (savepoints: every
    measured write runs inside the rolled-back transaction of `rolled_back`)."""

    def __init__(self):
        self.queries, self.transactions = 0, 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        if sql.startswith("SAVEPOINT"):
            self.transactions += 1
        return execute(sql, params, many, context)


def measure(function, repeat=REPEAT) -> dict:
    """Median and spread of `function()` over `repeat` runs, with the queries of the last."""
    from django.db import connection

    times, probe = [], None
    for _ in range(repeat):
        probe = Probe()
        with connection.execute_wrapper(probe):
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
    return {
        "ms": statistics.median(times) * 1000,
        "min_ms": min(times) * 1000,
        "max_ms": max(times) * 1000,
        "queries": probe.queries,
        "transactions": probe.transactions,
    }


def rolled_back(function):
    """`function` in a transaction that is undone afterwards (the data stay as they were)."""
    from django.db import transaction

    def run():
        with transaction.atomic():
            function()
            transaction.set_rollback(True)

    return run


def child() -> dict:
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from plan.models import Effort, ProgressUpdate, SteeringRound
    from plan.roles import Role
    from plan.services import progress_update_review, progress_updates_accept

    call_command("migrate", verbosity=0)
    call_command("generate_scale_data", factor=10, verbosity=0)
    manager = User.objects.create_user("opgavemanager")
    manager.groups.add(Group.objects.get(name=Role.PROGRAMME_MANAGER))
    steering_round = SteeringRound.objects.open().get()
    steering_round.updates.all().delete()
    efforts = list(steering_round.efforts.select_related("lead").order_by("pk"))
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            effort=effort,
            steering_round=steering_round,
            author=effort.lead,
            status=Effort.Status.AT_RISK,
            progress=55,
            note="Ter beoordeling.",
            state=ProgressUpdate.State.SUBMITTED,
        )
        for effort in efforts
    )
    pending = list(steering_round.updates.values_list("pk", flat=True))
    client = Client()
    client.force_login(manager)
    completeness = reverse("plan:round-completeness", args=[steering_round.pk])
    accept = reverse("plan:round-accept", args=[steering_round.pk])

    def get(url):
        def run():
            cache.clear()
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        return run

    def preview():
        response = client.post(accept, {"all": "1"})
        assert response.status_code == 200, response.status_code
        assert response.content.count(b'name="update"') == len(pending)

    def bulk():
        result = progress_updates_accept(
            steering_round=steering_round, update_ids=pending, by=manager
        )
        assert len(result["accepted"]) == len(pending)

    def floor():
        rows = list(Effort.objects.filter(pk__in=[e.pk for e in efforts]))
        for effort in rows:
            effort.status, effort.progress, effort.note = "at_risk", 55, "Ter beoordeling."
        Effort.objects.bulk_update(rows, ["status", "progress", "note"])

    def one_by_one():
        for update in ProgressUpdate.objects.filter(pk__in=pending[:20]).select_related(
            "steering_round"
        ):
            progress_update_review(update=update, by=manager, accept=True)

    get(completeness)()  # warm-up: templates compiled, modules imported
    get("/bench/bare/")()
    results = {
        "database": connection.vendor,
        "pending": len(pending),
        "bare view": measure(get("/bench/bare/")),
        "completeness page": measure(get(completeness)),
        "bulk accept preview": measure(preview),
        "bulk accept (500)": measure(rolled_back(bulk)),
        "floor: bulk_update (500)": measure(rolled_back(floor)),
        "one by one (20)": measure(rolled_back(one_by_one), repeat=3),
    }
    return results


def run(database: str) -> dict | None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-not-secret",
        "ALLOWED_HOSTS": "testserver",
        "HTTPS": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONPATH": str(ROOT),
    }
    folder = tempfile.mkdtemp(prefix="leiden-review-")
    name = f"lei_bench_review_{os.getpid()}"
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    else:
        ready = subprocess.run(["pg_isready", "-h", PG["host"], "-p", str(PG["port"]), "-q"])
        if ready.returncode:
            print("PostgreSQL does not answer on 127.0.0.1:5432: skipped")
            return None
        psql = ["psql", "-h", PG["host"], "-U", PG["user"], "-qc"]
        subprocess.run([*psql, f'CREATE DATABASE "{name}"'], check=True)
        env["DATABASE_URL"] = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}"
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child"], env=env, cwd=ROOT, capture_output=True, text=True
        )
        if out.returncode:
            raise RuntimeError(out.stderr)
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        if database != "sqlite":
            subprocess.run([*psql, f'DROP DATABASE IF EXISTS "{name}"'], check=True)


def report(results: dict) -> list[str]:
    """Print one database's table; return the goals missed."""
    print(f"\n{results['database']}: {results['pending']} updates awaiting review")
    print(f"{'measure':28} {'median ms':>10} {'min–max ms':>16} {'queries':>8} {'trans.':>7}")
    for key, row in results.items():
        if isinstance(row, dict):
            spread = f"{row['min_ms']:.0f}–{row['max_ms']:.0f}"
            print(
                f"{key:28} {row['ms']:>10.1f} {spread:>16} {row['queries']:>8} "
                f"{row['transactions']:>7}"
            )
    page = results["completeness page"]["ms"] / results["bare view"]["ms"]
    bulk = results["bulk accept (500)"]
    ratio = bulk["ms"] / results["floor: bulk_update (500)"]["ms"]
    per_update = results["one by one (20)"]["ms"] / 20
    print(
        f"completeness / bare view: {page:.1f}x (goal ≤ {PAGE_GOAL:.0f}x); "
        f"bulk accept / bulk_update floor: {ratio:.1f}x (goal ≤ {ACCEPT_GOAL:.0f}x); "
        f"one at a time: {per_update:.1f} ms an update, {per_update * 500 / 1000:.1f} s for 500"
    )
    missed = []
    if page > PAGE_GOAL:
        missed.append(f"{results['database']} completeness {page:.1f}x")
    if ratio > ACCEPT_GOAL or bulk["ms"] > ACCEPT_SECONDS * 1000:
        missed.append(f"{results['database']} bulk accept {ratio:.1f}x, {bulk['ms']:.0f} ms")
    if bulk["transactions"] != 1:
        missed.append(f"{results['database']} bulk accept in {bulk['transactions']} transactions")
    return missed


def main(databases: list[str]) -> None:
    RESULTS.mkdir(exist_ok=True)
    collected, missed = {}, []
    for database in databases:
        results = run(database)
        if results is not None:
            collected[database] = results
            missed += report(results)
    (RESULTS / "review.json").write_text(json.dumps(collected, indent=2))
    print("\ngoals missed: " + ("; ".join(missed) if missed else "none"))


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        print(json.dumps(child()))
    else:
        main(sys.argv[1:] or ["sqlite", "postgresql"])
