"""Benchmark: the server time of the portal's pages, cold, at 1x, 10x and 100x the real plan.

Cold means what the first view after a change costs: before every timed request Django's
cache is emptied (charts included), the client's cookies are dropped and a new session is
logged in, so there is no CSRF cookie and no page or chart of an earlier request to reuse.
Compiled templates, imported modules and loaded middleware stay: they do not depend on the
data, and a server has them after its first request.

For each dataset (the real plan through load_real_plan; generate_scale_data --factor 10 and
--factor 100, 500 and 5,000 efforts, each followed by populate_history for the goals; the
efforts have history records already, from their many-to-many fields being set) a child process
fills its own temporary SQLite database and adds what the pages show: update rounds with
updates (the synthetic plans have eight, the last open; the real plan gets a closed and an open
one, half its efforts reporting in each), the plan years 2023 (adopted, through
services.plan_year_transition with a stand-in for the PDF) and 2024 (the draft,
services.plan_year_start_next). Then it requests every page through Django's test client
(in-process, no network), REQUESTS times each, interleaved across pages, after one warm-up request
each, as the role that uses it:

- the programme manager (opgavemanager): overview, effort list, effort detail, spearhead
  detail, goal detail, round list, round detail, round completeness, the round's review
  summary, year list, year detail;
- a steering-group member (regiegroep) whose team has efforts: my efforts;
- the alderman (wethouder): dashboard (its overview, goals, changes and monitor pages), annual
  report preview, evaluation;
- each of the three: the bare view (bench/urls.py: the base template with session, user and
  menu), the floor each of that user's pages is compared with.

Each request is timed with time.perf_counter; its SQL statements are counted and timed with
connection.execute_wrapper, template rendering is timed less the SQL run from inside it, and
the drawing of charts (reporting.charts) is timed apart.
Goals, printed per page with MET/MISSED:

- interactive pages at most 5x their user's bare view at 10x;
- the annual report preview and the evaluation at most 10x at 10x;
- 100x at most twice the time of 10x;
- the same query count for every request of a page, and at 1x, 10x and 100x.

Prints a table, the statements whose count differs between sizes, and a final line listing
the goals missed; always exits 0 when it could measure. Writes bench/results/pages.json.

    make bench-pages        (or: .venv/bin/python bench/pages.py [x1 x10 x100])
"""

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
REQUESTS = 11
DATASETS = {"x1": None, "x10": 10, "x100": 100}  # name: generate_scale_data factor
INTERACTIVE_GOAL = 5.0  # x the bare view, at 10x
REPORT_GOAL = 10.0
REPORT_PAGES = ("report preview", "evaluation")
GROWTH_GOAL = 2.0  # 100x time / 10x time
REPORT_YEAR, DRAFT_YEAR = 2023, 2024


def p95(values: list[float]) -> float:
    return sorted(values)[round(0.95 * (len(values) - 1))]


def stand_in_freeze(*, plan_year, by, when) -> tuple[dict, bytes]:
    """settings.PLAN_YEAR_REPORT while preparing: the real frozen data, but a stand-in for
    the PDF (rendering it takes minutes at 100x, and no page measured here reads it)."""
    from plan.selectors import plan_snapshot
    from reporting.report import report_data

    snapshot = plan_snapshot(plan=plan_year.plan)
    snapshot["report"] = report_data(plan=plan_year.plan, year=plan_year.year)
    return snapshot, b"%PDF-1.7\n% stand-in written by bench/pages.py\n"


class Probe:
    """One request's SQL statements (an execute_wrapper), the time spent executing them, and
    the time spent rendering templates less the SQL run from inside them (querysets that the
    templates evaluate); what is left of the request is view code, ORM and middleware."""

    current = None

    def __init__(self):
        self.statements = []
        self.sql_seconds = 0.0
        self.render_seconds = 0.0
        self.chart_seconds = 0.0
        self.rendering = False

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(sql)
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

    @classmethod
    def patch_charts(cls) -> None:
        """Time the drawing of charts, which happens on every request: pages call them as
        reporting.charts.<name>."""
        from reporting import charts

        def timed(function):
            def draw(**kwargs):
                probe = cls.current
                started = time.perf_counter()
                try:
                    return function(**kwargs)
                finally:
                    if probe is not None:
                        probe.chart_seconds += time.perf_counter() - started

            return draw

        for name in ("status_bars", "yearly_values", "category_values"):
            setattr(charts, name, timed(getattr(charts, name)))


def shape(sql: str) -> str:
    """A statement without its literals and placeholders' count: what one kind of query is."""
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    sql = re.sub(r"\((?:\s*(?:%s|\?)\s*,?)+\)", "(…)", sql)
    return re.sub(r"\s+", " ", sql).strip()


def prepare(factor: int | None) -> dict:
    """Fill the database; return the users and objects the pages need."""
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test.utils import override_settings
    from django.utils import timezone

    from plan import services
    from plan.models import Effort, PlanYear, SteeringRound, Team
    from plan.roles import Role
    from plan.selectors import plan_current

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if factor is None:
        call_command("load_real_plan", verbosity=0)
    else:
        call_command("generate_scale_data", factor=factor, verbosity=0)
    filled = time.perf_counter()
    if factor is not None:
        # bulk_create writes no history. The efforts get records from their goals, partners
        # and target groups being set (populate_history then skips them); the goals get
        # their first record here, as load_real_plan gives them.
        call_command("populate_history", "plan.Effort", "plan.Goal", verbosity=0)
    history = time.perf_counter()
    with override_settings(DEBUG=True):
        call_command("create_demo_users", verbosity=0)
    users = {role: User.objects.get(username=role.value) for role in Role}
    steering = users[Role.STEERING_GROUP]
    if not Effort.objects.filter(team__members=steering).exists():
        # the synthetic plan has teams "Team 1".."Team 40", not the real plan's "Economie"
        steering.teams.add(Team.objects.filter(efforts__isnull=False).order_by("pk").first())
    manager = users[Role.PROGRAMME_MANAGER]
    steering_round = SteeringRound.objects.open().first()
    if steering_round is None:
        # The real plan has no rounds; the synthetic ones have eight, the last open. Give it
        # the same shape: a closed round and an open one, half the efforts reporting in each
        # (accepted by the programme manager; in the open round half of them still await
        # review, as generate_scale_data leaves them), so that every page (the dashboard's
        # comparison of the last two rounds included) shows the same parts at every size.
        today = timezone.localdate()
        for weeks, status in ((2, Effort.Status.NOT_STARTED), (4, Effort.Status.ON_TRACK)):
            steering_round = services.steering_round_open(
                meeting_date=today + timedelta(weeks=weeks),
                deadline=today + timedelta(weeks=weeks, days=-7),
                opened_by=manager,
            )
            for number, effort in enumerate(steering_round.efforts.order_by("pk")[::2]):
                update = services.progress_update_submit(
                    effort=effort,
                    steering_round=steering_round,
                    author=steering,
                    status=status,
                    progress=50,
                    note="Stand van zaken voor de meting.",
                )
                if weeks == 2 or number % 2 == 0:
                    services.progress_update_review(update=update, by=manager, accept=True)
            if weeks == 2:
                services.steering_round_close(steering_round=steering_round, by=manager)
    # one more update, awaiting review, on the first effort in code order without one
    effort = (
        steering_round.efforts.exclude(updates__steering_round=steering_round)
        .order_by("spearhead__number", "number")
        .first()
    )
    services.progress_update_submit(
        effort=effort,
        steering_round=steering_round,
        author=steering,
        status=Effort.Status.ON_TRACK,
        progress=60,
        note="Stand van zaken voor de meting.",
    )
    plan = plan_current()
    plan_year = PlanYear.objects.create(plan=plan, year=REPORT_YEAR)
    with override_settings(PLAN_YEAR_REPORT="bench.pages.stand_in_freeze"):
        for state, role in [
            (PlanYear.State.ADVISED, Role.PROGRAMME_MANAGER),
            (PlanYear.State.ENDORSED, Role.CLIENT),
            (PlanYear.State.REVIEWED, Role.DIRECTORS),
            (PlanYear.State.ADOPTED, Role.ALDERMAN),
        ]:
            services.plan_year_transition(plan_year=plan_year, to=state, by=users[role])
    services.plan_year_start_next(plan=plan, by=manager)
    spearhead = effort.spearhead
    goal = spearhead.goals.order_by("number").first()
    return {
        "users": users,
        "effort": effort,
        "spearhead": spearhead,
        "goal": goal,
        "round": steering_round,
        "counts": {
            "efforts": Effort.objects.count(),
            "round_efforts": steering_round.efforts.count(),
            "round_updates": steering_round.updates.count(),
            "my_efforts": Effort.objects.filter(team__members=steering).distinct().count(),
            "spearhead_efforts": spearhead.efforts.count(),
            "goal_efforts": goal.efforts.count(),
            "effort_history": effort.history.count(),
            "effort_updates": effort.updates.count(),
            "fill_s": round(filled - started, 1),
            "populate_history_s": round(history - filled, 1),
            "prepare_s": round(time.perf_counter() - started, 1),
        },
    }


def measure(dataset: str) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from plan.roles import Role

    data = prepare(DATASETS[dataset])
    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = ["localhost"]
    manager, steering, alderman = Role.PROGRAMME_MANAGER, Role.STEERING_GROUP, Role.ALDERMAN
    pages = {  # name: (role, url)
        "overview": (manager, reverse("plan:overview")),
        "effort list": (manager, reverse("plan:effort-list")),
        "effort detail": (manager, reverse("plan:effort-detail", args=[data["effort"].pk])),
        "spearhead detail": (
            manager,
            reverse("plan:spearhead-detail", args=[data["spearhead"].pk]),
        ),
        "goal detail": (manager, reverse("plan:goal-detail", args=[data["goal"].pk])),
        "my efforts": (steering, reverse("plan:my-efforts")),
        "round list": (manager, reverse("plan:round-list")),
        "round detail": (manager, reverse("plan:round-detail", args=[data["round"].pk])),
        "round completeness": (
            manager,
            reverse("plan:round-completeness", args=[data["round"].pk]),
        ),
        "round summary": (manager, reverse("plan:round-summary", args=[data["round"].pk])),
        "year list": (manager, reverse("plan:year-list")),
        "year detail": (manager, reverse("plan:year-detail", args=[REPORT_YEAR])),
        "dashboard": (alderman, reverse("reporting:dashboard")),
        "dashboard goals": (alderman, reverse("reporting:dashboard-goals")),
        "dashboard changes": (alderman, reverse("reporting:dashboard-changes")),
        "dashboard monitor": (alderman, reverse("reporting:dashboard-monitor")),
        "report preview": (alderman, reverse("reporting:annual-report", args=[DRAFT_YEAR])),
        "evaluation": (alderman, reverse("reporting:evaluation")),
        "bare (opgavemanager)": (manager, "/bench/bare/"),
        "bare (regiegroep)": (steering, "/bench/bare/"),
        "bare (wethouder)": (alderman, "/bench/bare/"),
    }
    users = data["users"]
    # One client per role (a new Client would load the middleware again, WhiteNoise's scan
    # of the static files included, which a server does once), its cookies dropped and a new
    # session logged in before every request: no CSRF cookie, nothing remembered.
    clients = {role: Client(HTTP_HOST="localhost") for role in users}

    def request(role, url):
        """A cold request: caches empty, no cookie but a new session's."""
        cache.clear()
        client = clients[role]
        client.cookies.clear()
        client.force_login(users[role])
        assert "csrftoken" not in client.cookies
        probe = Probe.current = Probe()
        try:
            with connection.execute_wrapper(probe):
                started = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - started
        finally:
            Probe.current = None
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, probe

    for role, url in pages.values():  # templates compiled, modules imported
        request(role, url)
    Probe.patch_templates()
    Probe.patch_charts()
    samples = {name: [] for name in pages}
    for _ in range(REQUESTS):
        for name, (role, url) in pages.items():
            samples[name].append(request(role, url))
    rows = {}
    for name, runs in samples.items():
        times = [elapsed for elapsed, _probe in runs]
        counts = sorted({len(probe.statements) for _elapsed, probe in runs})
        rows[name] = {
            "role": pages[name][0].value,
            "url": pages[name][1],
            "median_ms": 1000 * statistics.median(times),
            "p95_ms": 1000 * p95(times),
            "queries": counts[0] if len(counts) == 1 else counts,
            "sql_median_ms": 1000 * statistics.median(p.sql_seconds for _e, p in runs),
            "render_median_ms": 1000 * statistics.median(p.render_seconds for _e, p in runs),
            "chart_median_ms": 1000 * statistics.median(p.chart_seconds for _e, p in runs),
            "statements": dict(Counter(shape(sql) for sql in runs[-1][1].statements)),
        }
        rows[name]["rest_median_ms"] = (
            rows[name]["median_ms"]
            - rows[name]["sql_median_ms"]
            - rows[name]["render_median_ms"]
            - rows[name]["chart_median_ms"]
        )
    for row in rows.values():
        row["ratio"] = row["median_ms"] / rows[f"bare ({row['role']})"]["median_ms"]
    return {"dataset": dataset, "requests": REQUESTS, "counts": data["counts"], "pages": rows}


def run_child(dataset: str, script: str = __file__) -> dict:
    """Run `script --child dataset` (this benchmark or another that prepares its data the same
    way, such as bench/api.py) in a process of its own on a temporary database; returns the
    JSON it prints last."""
    with tempfile.TemporaryDirectory() as directory:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "leiden_intl.settings",
            "DATABASE_URL": f"sqlite:///{directory}/bench.sqlite3",
            "DEBUG": "false",
            "HTTPS": "false",
            "SECRET_KEY": "benchmark-only",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",  # no mail leaves
            "PYTHONPATH": str(ROOT),
        }
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, script, "--child", dataset],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if out.returncode:
            sys.exit(f"bench/{Path(script).name} {dataset} failed:\n{out.stderr}")
        run = json.loads(out.stdout.strip().splitlines()[-1])
        run["counts"]["total_s"] = round(time.perf_counter() - started, 1)
        print(f"  {dataset}: {json.dumps(run['counts'])}", flush=True)
        return run


def fmt_queries(queries) -> str:
    return str(queries) if isinstance(queries, int) else "/".join(map(str, queries))


def verdicts(runs: dict) -> dict:
    """Per page: each goal that applies, met or not, with the figures it was judged on."""
    pages = next(iter(runs.values()))["pages"]
    result = {}
    for name in pages:
        if name.startswith("bare"):
            continue
        goals = {}
        if "x10" in runs:
            limit = REPORT_GOAL if name in REPORT_PAGES else INTERACTIVE_GOAL
            ratio = runs["x10"]["pages"][name]["ratio"]
            goals[f"<= {limit:g}x bare at 10x"] = (ratio <= limit, f"{ratio:.1f}x")
        if "x10" in runs and "x100" in runs:
            growth = (
                runs["x100"]["pages"][name]["median_ms"] / runs["x10"]["pages"][name]["median_ms"]
            )
            goals[f"100x <= {GROWTH_GOAL:g}x 10x"] = (growth <= GROWTH_GOAL, f"{growth:.1f}x")
        counts = {dataset: run["pages"][name]["queries"] for dataset, run in runs.items()}
        steady = all(isinstance(count, int) for count in counts.values())
        equal = steady and len(set(counts.values())) == 1
        shown = " ".join(f"{fmt_queries(count)}" for count in counts.values())
        goals["queries equal"] = (equal, shown if steady else f"{shown} (varies per request)")
        result[name] = goals
    return result


def print_table(runs: dict) -> None:
    names = list(next(iter(runs.values()))["pages"])
    header = f"{'page':22}" + "".join(
        f" | {dataset + ' ms':>9} {'p95':>6} {'ratio':>5} {'SQL#':>4} {'inSQL':>6} {'rendr':>6} "
        f"{'chart':>6} {'rest':>6}"
        for dataset in runs
    )
    print(header)
    print("-" * len(header))
    for name in names:
        line = f"{name:22}"
        for run in runs.values():
            row = run["pages"][name]
            line += (
                f" | {row['median_ms']:9.1f} {row['p95_ms']:6.1f} {row['ratio']:5.1f} "
                f"{fmt_queries(row['queries']):>4} {row['sql_median_ms']:6.1f} "
                f"{row['render_median_ms']:6.1f} {row['chart_median_ms']:6.1f} "
                f"{row['rest_median_ms']:6.1f}"
            )
        print(line)
    print(
        "(ms, median of the requests; ratio = median / the same user's bare median; SQL# =\n"
        " queries per request; inSQL = median ms executing them; rendr = median ms in\n"
        " templates less the SQL they run; chart = median ms drawing charts (reporting.charts);\n"
        " rest = median - inSQL - rendr - chart: view code, ORM, middleware, session and\n"
        " the test client)"
    )


def print_query_differences(runs: dict) -> None:
    """For each page whose statements differ between sizes: which kinds, how many times."""
    names = [n for n in next(iter(runs.values()))["pages"] if not n.startswith("bare")]
    for name in names:
        statements = {dataset: run["pages"][name]["statements"] for dataset, run in runs.items()}
        shapes = sorted(set().union(*statements.values()))
        differing = [
            s for s in shapes if len({stmts.get(s, 0) for stmts in statements.values()}) > 1
        ]
        if not differing:
            continue
        print(f"\n{name}: statements whose count differs ({' / '.join(statements)})")
        for sql in differing:
            counts = " / ".join(str(stmts.get(sql, 0)) for stmts in statements.values())
            print(f"  {counts:>12}  {sql[:160]}")


def main() -> None:
    chosen = [arg for arg in sys.argv[1:] if arg in DATASETS] or list(DATASETS)
    print(f"Preparing and measuring {', '.join(chosen)} (one child process each)", flush=True)
    RESULTS.mkdir(exist_ok=True)
    runs = {}
    for dataset in chosen:  # kept as they come in: 100x takes many minutes
        runs[dataset] = run_child(dataset)
        (RESULTS / "pages.json").write_text(json.dumps(runs, indent=2))
    print(
        f"\nCold server time per request (Django test client, in-process, caches emptied and "
        f"a new client before each request), {REQUESTS} requests per page, interleaved; load "
        f"average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print_table(runs)
    goals = verdicts(runs)
    print("\nGoals per page:")
    misses = []
    for name, page_goals in goals.items():
        cells = []
        for goal, (met, shown) in page_goals.items():
            cells.append(f"{goal}: {shown} {'MET' if met else 'MISSED'}")
            if not met:
                misses.append(f"{name} ({goal})")
        print(f"  {name:20} " + "; ".join(cells))
    print_query_differences(runs)
    serialised = {
        name: {goal: {"met": met, "value": shown} for goal, (met, shown) in page_goals.items()}
        for name, page_goals in goals.items()
    }
    (RESULTS / "pages.json").write_text(json.dumps({**runs, "goals": serialised}, indent=2))
    print(
        f"\ngoals: all met ({len(goals)} pages)"
        if not misses
        else f"\ngoals MISSED ({len(misses)}): {'; '.join(misses)}"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure(sys.argv[2])))
    else:
        main()
