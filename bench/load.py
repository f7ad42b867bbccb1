"""Benchmark: throughput under load, gunicorn (2 workers) on PostgreSQL, driven by locust.

Sets up what `make serve` runs, on loopback only: a throwaway PostgreSQL database on
127.0.0.1:5432 (user postgres, trust auth), migrated and filled with the synthetic plan at
10x (generate_scale_data --factor 10: 500 efforts, an open update round); static files
collected into a temporary STATIC_ROOT (hashed, STATIC_MANIFEST=true); gunicorn
leiden_intl.wsgi with 2 workers (BENCH_WORKERS to try others) on a free port of 127.0.0.1,
with DEBUG=false HTTPS=false and bench.settings (the project's settings with bench/urls.py,
so that the same server also serves the bare view).

20 people log in, each with a session of their own created in the database: 12 steering-group
members, each in a team of their own with efforts in the open round; 2 programme managers,
who edit the efforts of two other teams; 2 aldermen, 2 readers, a client and a director.
locust runs headless with those 20 users, no wait between requests, SECONDS per target, the
two targets alternating for ROUNDS rounds (so that the machine's drift between them shows as
spread rather than as a bias):

- bare: the bare view only (the floor), as the same 20 people;
- mix: each person's pages (overview, effort list, effort detail, spearhead detail,
  dashboard, plus my efforts for the steering group, round detail and completeness for the
  programme managers, the dashboard's goals, changes and monitor pages for the aldermen), with
  about 10 % POSTs: progress updates through plan:update-create and effort edits through
  plan:effort-edit, each after the form's GET (CSRF token, version).
  See bench/locustfile.py.

Prints per target and per page throughput, p50/p95/p99, errors and 409 conflicts (counted
apart: a legitimate answer to two people editing one effort), and the mix's throughput as a
share of the bare view's: the median of the rounds' ratios, each round's printed. Goals: at
least 50 % of the bare throughput, no errors. gunicorn
is stopped and the database dropped at the end, whatever happens. Writes
bench/results/load.json.

Locust runs on the same 2-core machine as the server and takes CPU from it; the ratio
compares targets under the same handicap.

    make bench-load        (or: .venv/bin/python bench/load.py)
"""

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
USERS = 20
SECONDS = 20
ROUNDS = 3  # bare and mix alternate: the machine's drift between them shows as spread
FACTOR = 10
WARM_UP = 4  # requests per page and person's role before locust: both workers compile
TARGETS = ("bare", "mix")
GOAL = 0.5
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
# the 20 people: role, how many, whether each gets a team of their own to edit
PEOPLE = [
    ("regiegroep", 12, True),
    ("opgavemanager", 2, True),
    ("wethouder", 2, False),
    ("lezer", 2, False),
    ("opdrachtgever", 1, False),
    ("directieteam", 1, False),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def admin(sql: str) -> None:
    """One statement on the maintenance database, outside a transaction."""
    import psycopg2

    connection = psycopg2.connect(dbname="postgres", **PG)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def setup_child() -> None:
    """In the server's environment: migrate, fill, create the 20 people and their sessions;
    print them as JSON."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group, User
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.urls import reverse

    from plan.models import Effort, ProgressUpdate, Spearhead, SteeringRound, Team

    call_command("migrate", verbosity=0)
    call_command("generate_scale_data", factor=FACTOR, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    steering_round = SteeringRound.objects.open().get()
    teams = iter(Team.objects.filter(efforts__isnull=False).distinct().order_by("pk"))
    effort_ids = list(Effort.objects.order_by("pk").values_list("pk", flat=True))
    spearhead = Spearhead.objects.order_by("number").first()
    common = [
        ("overview", reverse("plan:overview")),
        ("effort list", reverse("plan:effort-list")),
        ("spearhead detail", reverse("plan:spearhead-detail", args=[spearhead.pk])),
        ("dashboard", reverse("reporting:dashboard")),
    ]
    by_role = {
        "regiegroep": [("my efforts", reverse("plan:my-efforts"))],
        "opgavemanager": [
            ("round detail", reverse("plan:round-detail", args=[steering_round.pk])),
            ("completeness", reverse("plan:round-completeness", args=[steering_round.pk])),
        ],
        "wethouder": [
            ("dashboard goals", reverse("reporting:dashboard-goals")),
            ("dashboard changes", reverse("reporting:dashboard-changes")),
            ("dashboard monitor", reverse("reporting:dashboard-monitor")),
        ],
    }
    logins = []
    for role, count, edits in PEOPLE:
        group = Group.objects.get(name=role)
        for number in range(1, count + 1):
            user = User.objects.create(
                username=f"{role}-{number}",
                first_name=role.capitalize(),
                last_name=str(number),
                is_staff=role == "opgavemanager",
            )
            user.groups.add(group)
            efforts = []
            if edits:
                team = next(teams)
                if role == "regiegroep":
                    team.members.add(user)
                # the efforts still owing their update (none sent, or a draft): a sent one
                # is read-only until reviewed, so its form could not be posted again
                sent = steering_round.updates.exclude(state=ProgressUpdate.State.CONCEPT)
                efforts = list(
                    steering_round.efforts.filter(team=team)
                    .exclude(pk__in=sent.values("effort_id"))
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            shown = efforts[0] if efforts else effort_ids[(len(logins) * 37) % len(effort_ids)]
            pages = [
                *common,
                ("effort detail", reverse("plan:effort-detail", args=[shown])),
                *by_role.get(role, []),
            ]
            logins.append(
                {
                    "username": user.username,
                    "role": role,
                    "session": session.session_key,
                    "efforts": efforts,
                    "pages": pages,
                }
            )
    counts = {
        "efforts": len(effort_ids),
        "round_efforts": steering_round.efforts.count(),
        "round_updates": steering_round.updates.count(),
    }
    print(json.dumps({"cookie": settings.SESSION_COOKIE_NAME, "logins": logins, **counts}))


def get(url: str, cookie: str = "") -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            if get(base + "/healthz") == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz within 30 s")


def run_locust(base: str, mode: str, cookie: str, logins: Path, folder: Path) -> dict:
    prefix = folder / f"locust-{mode}"
    subprocess.run(
        [
            str(BIN / "locust"),
            "--locustfile",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(USERS),
            "--spawn-rate",
            str(USERS),
            "--run-time",
            f"{SECONDS}s",
            "--stop-timeout",
            "10",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env={
            **os.environ,
            "BENCH_MODE": mode,
            "BENCH_LOGINS": str(logins),
            "BENCH_COOKIE": cookie,
        },
        cwd=ROOT,
        check=False,  # exits 1 when a request failed: the failures are counted below
        capture_output=True,
        text=True,
    )
    conflicts = {}
    with open(f"{prefix}_failures.csv", newline="") as file:
        for row in csv.DictReader(file):
            if "conflict 409" in row["Error"]:
                conflicts[row["Name"]] = conflicts.get(row["Name"], 0) + int(row["Occurrences"])
    pages = {}
    with open(f"{prefix}_stats.csv", newline="") as file:
        for row in csv.DictReader(file):
            failures = int(row["Failure Count"])
            name = row["Name"]
            conflict = sum(conflicts.values()) if name == "Aggregated" else conflicts.get(name, 0)
            pages[name] = {
                "method": row["Type"],
                "requests": int(row["Request Count"]),
                "errors": failures - conflict,
                "conflicts": conflict,
                "rps": float(row["Requests/s"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
            }
    total = pages.pop("Aggregated")
    posts = sum(page["requests"] for page in pages.values() if page["method"] == "POST")
    return {**total, "post_share": posts / max(total["requests"], 1), "pages": pages}


def main() -> None:
    database = f"lei_bench_load_{os.getpid()}"
    folder = Path(tempfile.mkdtemp(prefix="leiden-load-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{database}",
        "DEBUG": "false",
        "HTTPS": "false",
        "STATIC_MANIFEST": "true",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": "benchmark-only-not-secret",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",  # no mail leaves
        "BENCH_STATIC_ROOT": str(folder / "static"),
        "PYTHONPATH": str(ROOT),
    }
    server = None
    admin(f'CREATE DATABASE "{database}"')
    try:
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, __file__, "--setup"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if out.returncode:
            raise RuntimeError(f"setup failed:\n{out.stderr}")
        setup = json.loads(out.stdout.strip().splitlines()[-1])
        logins = folder / "logins.json"
        logins.write_text(json.dumps(setup["logins"]))
        print(
            f"database {database} ready in {time.perf_counter() - started:.0f} s: "
            f"{setup['efforts']} efforts, {setup['round_efforts']} in the open round, "
            f"{setup['round_updates']} updates in it",
            flush=True,
        )
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "leiden_intl.wsgi",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        wait_until_up(base, server)
        seen_roles = set()
        for login in setup["logins"]:
            if login["role"] in seen_roles:
                continue
            seen_roles.add(login["role"])
            cookie = f"{setup['cookie']}={login['session']}"
            for name, path in [("bare", "/bench/bare/"), *login["pages"]]:
                statuses = {get(base + path, cookie) for _ in range(WARM_UP)}
                if statuses != {200}:
                    raise RuntimeError(f"{name} {path} answered {statuses} during the warm-up")
        runs = []
        for number in range(1, ROUNDS + 1):
            rows = {}
            for mode in TARGETS:
                rows[mode] = run_locust(base, mode, setup["cookie"], logins, folder)
            rows["ratio"] = rows["mix"]["rps"] / rows["bare"]["rps"]
            runs.append(rows)
            print(
                f"  round {number}: bare {rows['bare']['rps']:.1f} req/s, mix "
                f"{rows['mix']['rps']:.1f} req/s, ratio {rows['ratio']:.2f}",
                flush=True,
            )
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(folder, ignore_errors=True)

    # the round with the median ratio is shown page by page
    rows = sorted(runs, key=lambda run: run["ratio"])[len(runs) // 2]
    print(
        f"\nLoad: gunicorn {WORKERS} workers + PostgreSQL 15, synthetic plan at {FACTOR}x, locust "
        f"{USERS} logged-in people, {ROUNDS} rounds of {SECONDS} s per target (bare, mix, "
        f"bare, ...), no wait, loopback; load average at the end: "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; the round with the median "
        "ratio:"
    )
    header = (
        f"{'target / page':24} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'errors':>6} {'409':>4}"
    )
    print(header)
    print("-" * len(header))

    def line(name, row):
        print(
            f"{name:24} {row['requests']:8d} {row['rps']:7.1f} {row['p50_ms']:7.0f} "
            f"{row['p95_ms']:7.0f} {row['p99_ms']:7.0f} {row['errors']:6d} {row['conflicts']:4d}"
        )

    for mode in TARGETS:
        row = rows[mode]
        line(mode, row)
        if mode != "bare":
            for name, page in sorted(row["pages"].items()):
                line(f"  {name}", page)
    mix = rows["mix"]
    ratio = rows["ratio"]
    errors = sum(run[mode]["errors"] for run in runs for mode in TARGETS)
    conflicts = sum(run["mix"]["conflicts"] for run in runs)
    spread = ", ".join(f"{run['ratio']:.2f}" for run in runs)
    print(
        f"mix: {ratio:.2f} of the bare throughput, the median of the rounds ({spread}) (goal "
        f">= {GOAL:.0%}: {'MET' if ratio >= GOAL else 'MISSED'}); {errors} errors in all "
        f"rounds (goal 0: {'MET' if errors == 0 else 'MISSED'}); {conflicts} conflicts (409); "
        f"POSTs {mix['post_share']:.1%} of the requests; p99 {mix['p99_ms']:.0f} ms"
    )
    RESULTS.mkdir(exist_ok=True)
    settings = {
        "users": USERS,
        "seconds": SECONDS,
        "round_count": ROUNDS,
        "workers": WORKERS,
        "database": "postgresql",
        "factor": FACTOR,
        "ratio": ratio,
    }
    (RESULTS / "load.json").write_text(json.dumps({**settings, "rounds": runs}, indent=2))


if __name__ == "__main__":
    if sys.argv[1:] == ["--setup"]:
        setup_child()
    else:
        main()
