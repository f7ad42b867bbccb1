"""Benchmark: the server time of the portal's main pages at the real plan and at 10x.

For each dataset (the real plan through load_real_plan, and generate_scale_data --factor 10)
a child process fills its own temporary SQLite database, opens an update round when none is
open (services.steering_round_open), submits one progress update for the measured effort, and
requests through Django's test client (in-process, no network), interleaved, REQUESTS times
each:

- overview, effort list, effort detail and round completeness as the programme manager;
- my efforts as a steering-group member whose team has efforts;
- the dashboard as the alderman, as served: its body comes from the data-versioned cache
  (bench/dashboard.py measures the rebuild);
- the bare view (bench/urls.py: the base template with session, user and menu) as the floor.

The pages are served from the page cache (plan/pagecache.py) as a browser gets them after its
first page: one query for the data version, then the cached blocks in the frame. Each page is
also measured rebuilt, with the cache emptied before each request: what the first view after
a change costs. The 3x goal is checked on the served pages; the rebuilt ones are printed
beside them.

Each request is timed with time.perf_counter and its SQL statements are counted with
connection.execute_wrapper. Goals: every page at most 3x the bare view, and each page's query
count the same at 1x and 10x. Prints a table and writes bench/results/pages.json.

    make bench-pages        (or: .venv/bin/python bench/pages.py)
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
REQUESTS = 60
WARM_UP = 3
DATASETS = ("real", "x10")
GOAL_RATIO = 3.0


def p95(values: list[float]) -> float:
    return sorted(values)[round(0.95 * (len(values) - 1))]


class Probe:
    """One request's SQL statements (an execute_wrapper), the time spent executing them, and
    the time spent rendering templates less the SQL run from inside them (querysets that the
    templates evaluate); what is left of the request is view code, ORM and middleware."""

    current = None

    def __init__(self):
        self.count = 0
        self.sql_seconds = 0.0
        self.render_seconds = 0.0
        self.rendering = False

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql_seconds += time.perf_counter() - started

    @classmethod
    def patch_templates(cls) -> None:
        from django.template.backends import django as backend

        original = backend.Template.render

        def render(template, context=None, request=None):
            probe = cls.current
            if probe is None or probe.rendering:  # only the outermost render is timed
                return original(template, context, request)
            probe.rendering, sql_before = True, probe.sql_seconds
            started = time.perf_counter()
            try:
                return original(template, context, request)
            finally:
                elapsed = time.perf_counter() - started
                probe.render_seconds += elapsed - (probe.sql_seconds - sql_before)
                probe.rendering = False

        backend.Template.render = render


def prepare(dataset: str) -> dict:
    """Fill the database; return the users and objects the pages need."""
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test.utils import override_settings
    from django.utils import timezone

    from plan import services
    from plan.models import Effort, SteeringRound, Team
    from plan.roles import Role

    call_command("migrate", verbosity=0)
    if dataset == "real":
        call_command("load_real_plan", verbosity=0)
    else:
        call_command("generate_scale_data", factor=10, verbosity=0)
        # bulk_create writes no history; give every effort its first record, as
        # load_real_plan does for the real plan, so that both show the same kind of history
        call_command("populate_history", "plan.Effort", "plan.Goal", verbosity=0)
    with override_settings(DEBUG=True):
        call_command("create_demo_users", verbosity=0)
    users = {role: User.objects.get(username=role.value) for role in Role}
    steering = users[Role.STEERING_GROUP]
    if not Effort.objects.filter(team__members=steering).exists():
        # the synthetic plan has teams "Team 1".."Team 40", not the real plan's "Economie"
        steering.teams.add(Team.objects.filter(efforts__isnull=False).order_by("pk").first())
    manager = users[Role.PROGRAMME_MANAGER]
    steering_round = SteeringRound.objects.open().first()
    if steering_round is None:  # the real plan has no rounds; the synthetic one has one open
        today = timezone.localdate()
        steering_round = services.steering_round_open(
            meeting_date=today + timedelta(days=28),
            deadline=today + timedelta(days=14),
            opened_by=manager,
        )
    effort = steering_round.efforts.order_by("spearhead__number", "number").first()
    services.progress_update_submit(
        effort=effort,
        steering_round=steering_round,
        author=manager,
        status=Effort.Status.ON_TRACK,
        progress=60,
        note="Stand van zaken voor de meting.",
    )
    return {
        "users": users,
        "effort": effort,
        "round": steering_round,
        "counts": {
            "efforts": Effort.objects.count(),
            "round_efforts": steering_round.efforts.count(),
            "round_updates": steering_round.updates.count(),
            "my_efforts": Effort.objects.filter(team__members=steering).distinct().count(),
            "effort_history": effort.history.count(),
            "effort_updates": effort.updates.count(),
        },
    }


def measure(dataset: str) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    from plan.roles import Role

    data = prepare(dataset)
    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = ["localhost"]
    clients = {}
    for role, user in data["users"].items():
        clients[role] = Client(HTTP_HOST="localhost")
        clients[role].force_login(user)
    manager, steering, alderman = Role.PROGRAMME_MANAGER, Role.STEERING_GROUP, Role.ALDERMAN
    pages = {  # name: (role, url)
        "overview": (manager, reverse("plan:overview")),
        "effort list": (manager, reverse("plan:effort-list")),
        "effort detail": (manager, reverse("plan:effort-detail", args=[data["effort"].pk])),
        "dashboard (served)": (alderman, reverse("reporting:dashboard")),
        "my efforts": (steering, reverse("plan:my-efforts")),
        "completeness": (
            manager,
            reverse("plan:round-completeness", args=[data["round"].pk]),
        ),
        "bare": (manager, "/bench/bare/"),
    }
    # The first view after a change: the page cache (plan/pagecache.py) emptied before each
    # request, untimed. The dashboard's rebuild is measured in bench/dashboard.py.
    for name in ["overview", "effort list", "effort detail", "my efforts", "completeness"]:
        pages[f"{name} (rebuilt)"] = pages[name]
    for name, (role, url) in pages.items():  # templates compiled, dashboard body cached
        for _ in range(WARM_UP):
            response = clients[role].get(url)
            assert response.status_code == 200, (name, url, response.status_code)
    Probe.patch_templates()
    times = {name: [] for name in pages}
    sql_times = {name: [] for name in pages}
    render_times = {name: [] for name in pages}
    queries = {name: set() for name in pages}
    served = [name for name in pages if not name.endswith("(rebuilt)")]
    rebuilt = [name for name in pages if name.endswith("(rebuilt)")]
    # served pages first: emptying the cache for a rebuilt one would empty it for them too
    for names in (served, rebuilt):
        measure_pages(pages, names, clients, times, sql_times, render_times, queries, cache)
    rows = {}
    for name, values in times.items():
        assert len(queries[name]) == 1, f"{name}: query count varies: {sorted(queries[name])}"
        rows[name] = {
            "median_ms": 1000 * statistics.median(values),
            "p95_ms": 1000 * p95(values),
            "queries": queries[name].pop(),
            "sql_median_ms": 1000 * statistics.median(sql_times[name]),
            "render_median_ms": 1000 * statistics.median(render_times[name]),
        }
    bare = rows["bare"]["median_ms"]
    for row in rows.values():
        row["ratio"] = row["median_ms"] / bare
    return {"dataset": dataset, "requests": REQUESTS, "counts": data["counts"], "pages": rows}


def measure_pages(pages, names, clients, times, sql_times, render_times, queries, cache):
    from django.db import connection

    for _ in range(REQUESTS):
        for name in names:
            role, url = pages[name]
            if name.endswith("(rebuilt)"):
                cache.clear()
            probe = Probe.current = Probe()
            with connection.execute_wrapper(probe):
                started = time.perf_counter()
                clients[role].get(url)
                times[name].append(time.perf_counter() - started)
            Probe.current = None
            sql_times[name].append(probe.sql_seconds)
            render_times[name].append(probe.render_seconds)
            queries[name].add(probe.count)


def cells(row: dict, width: int) -> str:
    return (
        f"{row['median_ms']:{width - 2}.1f}ms {row['p95_ms']:6.1f} {row['ratio']:5.2f} "
        f"{row['queries']:3d} {row['sql_median_ms']:6.1f} {row['render_median_ms']:6.1f}"
    )


def main() -> None:
    runs = {}
    for dataset in DATASETS:
        with tempfile.TemporaryDirectory() as directory:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "leiden_intl.settings",
                "DATABASE_URL": f"sqlite:///{directory}/bench.sqlite3",
                "DEBUG": "false",
                "HTTPS": "false",
                "SECRET_KEY": "benchmark-only",
            }
            out = subprocess.run(
                [sys.executable, __file__, "--child", dataset],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            if out.returncode:
                sys.exit(f"bench/pages.py {dataset} failed:\n{out.stderr}")
            runs[dataset] = json.loads(out.stdout.strip().splitlines()[-1])

    print(
        f"Server time per request (Django test client, in-process), {REQUESTS} requests each; "
        f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    for dataset, run in runs.items():
        print(f"  {dataset}: {json.dumps(run['counts'])}")
    header = (
        f"{'page':24} | {'1x median':>9} {'p95':>6} {'ratio':>5} {'SQL':>3} {'in SQL':>6} "
        f"{'render':>6} | {'10x median':>10} {'p95':>6} {'ratio':>5} {'SQL':>3} {'in SQL':>6} "
        f"{'render':>6} | goals"
    )
    print(header)
    print("-" * len(header))
    verdicts = {}
    real, x10 = runs["real"]["pages"], runs["x10"]["pages"]
    for name in real:
        a, b = real[name], x10[name]
        rebuilt = name.endswith("(rebuilt)")
        ratio_ok = rebuilt or (a["ratio"] <= GOAL_RATIO and b["ratio"] <= GOAL_RATIO)
        same_sql = a["queries"] == b["queries"]
        verdicts[name] = {"ratio_met": ratio_ok, "queries_equal": same_sql}
        if name == "bare":
            goals = "the floor"
        elif rebuilt:
            goals = f"paid once per change; SQL {'equal' if same_sql else 'DIFFERS'}"
        else:
            goals = (
                f"<= {GOAL_RATIO:g}x {'met' if ratio_ok else 'MISSED'}, "
                f"SQL {'equal' if same_sql else 'DIFFERS'}"
            )
        print(f"{name:24} | {cells(a, 9)} | {cells(b, 10)} | {goals}")
    print(
        "(ms; ratio = median / the bare median of the same run; SQL = queries per request;\n"
        " in SQL = median ms executing them; render = median ms in templates, less the SQL\n"
        " they run; the rest is view code, ORM, middleware and the test client)"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pages.json").write_text(json.dumps({**runs, "goals": verdicts}, indent=2))
    missed = [n for n, v in verdicts.items() if n != "bare" and not all(v.values())]
    print(f"goals: {'all met' if not missed else 'MISSED for ' + ', '.join(missed)}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure(sys.argv[2])))
    else:
        main()
