"""Benchmark: throughput under load, gunicorn (2 workers) on PostgreSQL, driven by locust.

Sets up what `make serve` runs, on loopback only: a throwaway PostgreSQL database on
127.0.0.1:5432 (user postgres, trust auth), migrated and filled with the real plan
(load_real_plan) and the role groups' users; static files collected into a temporary
STATIC_ROOT (hashed, STATIC_MANIFEST=true); gunicorn leiden_intl.wsgi with 2 workers on a
free port of 127.0.0.1, with DEBUG=false HTTPS=false and bench.settings (the project's
settings with bench/urls.py, so that the same server also serves the bare view).

Then locust runs headless against each target in turn for SECONDS seconds with USERS
simulated users that wait for nothing between requests, logged in as the alderman through a
session created in the database: the bare view (the floor), the dashboard (as served: its
body comes from each worker's cache, filled before the measurement), and the effort list.
Prints throughput, p50/p99 and errors per target and the ratio of each throughput to the
bare view's. Goal: at least 50% of the bare throughput, and no errors. gunicorn is stopped
and the database dropped at the end, whatever happens. Writes bench/results/load.json.

Locust runs on the same 2-core machine as the server and takes CPU from it; the ratios
compare targets under the same handicap.

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
USERS = 10
SECONDS = 20
WARM_UP = 20  # requests per target before locust: every worker compiles and caches
TARGETS = {"bare": "/bench/bare/", "dashboard": "/dashboard/", "effort list": "/efforts/"}
GOAL = 0.5


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
    """In the server's environment: migrate, fill, create users; print the session key."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.test.utils import override_settings

    call_command("migrate", verbosity=0)
    call_command("load_real_plan", verbosity=0)
    with override_settings(DEBUG=True):  # it refuses without: demo passwords
        call_command("create_demo_users", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    user = User.objects.get(username="wethouder")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    print(json.dumps({"cookie": settings.SESSION_COOKIE_NAME, "session": session.session_key}))


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


def run_locust(base: str, path: str, cookie: str, session: str, folder: Path) -> dict:
    prefix = folder / "locust"
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
            "5",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env={**os.environ, "BENCH_PATH": path, "BENCH_SESSION": session, "BENCH_COOKIE": cookie},
        cwd=ROOT,
        check=False,  # exits 1 when a request failed: the failures are counted below
        capture_output=True,
        text=True,
    )
    with open(f"{prefix}_stats.csv", newline="") as file:
        row = next(r for r in csv.DictReader(file) if r["Name"] == "Aggregated")
    return {
        "requests": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50_ms": float(row["50%"]),
        "p99_ms": float(row["99%"]),
    }


def main() -> None:
    database = f"leiden_intl_bench_{os.getpid()}"
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
        login = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"database {database} ready in {time.perf_counter() - started:.0f} s")
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "leiden_intl.wsgi",
                "--workers",
                "2",
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
        cookie = f"{login['cookie']}={login['session']}"
        for name, path in TARGETS.items():
            statuses = {get(base + path, cookie) for _ in range(WARM_UP)}
            if statuses != {200}:
                raise RuntimeError(f"{name} {path} answered {statuses} during the warm-up")
        rows = {}
        for name, path in TARGETS.items():
            rows[name] = run_locust(base, path, login["cookie"], login["session"], folder)
            print(f"  {name}: done ({rows[name]['requests']} requests)", flush=True)
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

    bare = rows["bare"]["rps"]
    print(
        f"\nLoad: gunicorn 2 workers + PostgreSQL 15, real plan, locust {USERS} users, "
        f"{SECONDS} s per target, no wait, loopback; load average at the end: "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    header = (
        f"{'target':12} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'vs bare':>7}"
    )
    print(header)
    print("-" * len(header))
    verdicts = {}
    for name, row in rows.items():
        row["ratio"] = row["rps"] / bare
        verdicts[name] = row["ratio"] >= GOAL and row["errors"] == 0
        print(
            f"{name:12} {row['requests']:8d} {row['rps']:7.1f} {row['p50_ms']:7.0f} "
            f"{row['p99_ms']:7.0f} {row['errors']:6d} {row['ratio']:7.2f}"
        )
    missed = [name for name, ok in verdicts.items() if not ok]
    print(
        f"goal: >= {GOAL:.0%} of the bare throughput and 0 errors -> "
        f"{'met' if not missed else 'MISSED for ' + ', '.join(missed)}"
    )
    RESULTS.mkdir(exist_ok=True)
    settings = {"users": USERS, "seconds": SECONDS, "workers": 2, "database": "postgresql"}
    (RESULTS / "load.json").write_text(json.dumps({**settings, "targets": rows}, indent=2))


if __name__ == "__main__":
    if sys.argv[1:] == ["--setup"]:
        setup_child()
    else:
        main()
