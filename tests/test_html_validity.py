"""The main pages are valid HTML: the Nu HTML Checker (vnu.jar) finds no errors.

Each page is rendered by Django's test client as a user who may see it, on the real plan, and
written to a temporary directory; one run of the checker reads them all. Errors fail the test,
warnings are printed. The checker comes from npm (`make test` installs it, see VNU in the
Makefile); set VNU_JAR to use another copy. It needs Java 11 or later.
"""

import json
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.base import monitor_with_targets
from tests.test_oidc import OIDC, WITHOUT_PASSWORDS
from tests.workbooks import REQUIRED, effort_row, xlsx

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = Path(
    os.environ.get("VNU_JAR", ROOT / ".venv/node/node_modules/vnu-jar/build/dist/vnu.jar")
)
INSTALL_HINT = "make .venv/node/node_modules/vnu-jar/build/dist/vnu.jar (or make test)"


def vnu_command() -> list[str]:
    if not VNU_JAR.is_file():
        pytest.fail(f"The Nu HTML Checker is missing at {VNU_JAR}: {INSTALL_HINT}", pytrace=False)
    java = shutil.which("java")
    if java is None:
        pytest.fail("The Nu HTML Checker needs Java 11 or later on the PATH.", pytrace=False)
    return [java, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always"]


@pytest.fixture
def site(db, settings, tmp_path):
    """The real plan, the demo users, an adopted year with the next one in review, an open
    update round; returns the objects the URLs need."""
    from django.contrib.auth.models import Group, Permission, User

    from plan.models import Effort, Milestone, PlanYear, ProgressUpdate
    from plan.roles import role_groups_sync
    from plan.selectors import plan_current, plan_snapshot
    from plan.services import steering_round_open

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("loaddata", "leiden_2021_2024", verbosity=0)
    role_groups_sync(group_model=Group, permission_model=Permission)
    with override_settings(DEBUG=True):
        call_command("create_demo_users", verbosity=0)
    plan = plan_current()
    PlanYear.objects.filter(plan=plan, year=2022).update(
        state=PlanYear.State.ADOPTED, snapshot=plan_snapshot(plan=plan), adopted=timezone.now()
    )
    PlanYear.objects.create(plan=plan, year=2023, state=PlanYear.State.ADVISED)
    users = {user.username: user for user in User.objects.all()}
    today = timezone.localdate()
    steering_round = steering_round_open(
        meeting_date=today + timedelta(weeks=3),
        deadline=today + timedelta(weeks=2),
        opened_by=users["opgavemanager"],
    )
    effort = steering_round.efforts.filter(team__members=users["regiegroep"]).first()
    assert effort is not None, "the lead's team has no effort in the round"
    ProgressUpdate.objects.create(
        effort=effort,
        steering_round=steering_round,
        author=users["regiegroep"],
        status=Effort.Status.ON_TRACK,
        progress=40,
        note="Voortgang volgens plan.",
    )
    missing = (
        steering_round.efforts.filter(team__members=users["regiegroep"]).exclude(pk=effort.pk)
    ).first()
    assert missing is not None, "the lead's team has only one effort in the round"
    # another team's update awaits review; the lead leads their effort, one of whose
    # milestones is overdue
    other = steering_round.efforts.exclude(team__members=users["regiegroep"]).first()
    submitted = ProgressUpdate.objects.create(
        effort=other,
        steering_round=steering_round,
        author=users["regiegroep"],
        status=Effort.Status.AT_RISK,
        progress=30,
        note="Vertraging bij de partner.",
        state=ProgressUpdate.State.SUBMITTED,
    )
    Effort.objects.filter(pk=effort.pk).update(lead=users["regiegroep"])
    milestone = Milestone.objects.create(
        effort=effort, title="Convenant getekend", due=today - timedelta(days=3)
    )
    # a third effort changed since the previous meeting: on track at 20%, now at risk at 35%
    from plan.models import SteeringRound

    changed = steering_round.efforts.exclude(pk__in=[effort.pk, other.pk, missing.pk]).first()
    previous = SteeringRound.objects.create(
        plan=steering_round.plan,
        meeting_date=today - timedelta(weeks=26), deadline=today - timedelta(weeks=28),
        state=SteeringRound.State.CLOSED,
    )  # fmt: skip
    for the_round, status, progress in [
        (previous, "on_track", 20),
        (steering_round, "at_risk", 35),
    ]:
        ProgressUpdate.objects.create(
            effort=changed, steering_round=the_round, author=users["regiegroep"], status=status,
            progress=progress, note="Toelichting & meer", state=ProgressUpdate.State.ACCEPTED,
        )  # fmt: skip
    goal = effort.goals.order_by("number").first()
    indicator, value = monitor_with_targets(goal=goal)
    return {
        "submitted": submitted,
        "milestone": milestone,
        "users": users,
        "effort": effort,
        "missing": missing,
        "goal": goal,
        "round": steering_round,
        "indicator": indicator,
        "indicator_value": value,
    }


def pages(site) -> list[tuple[str, str | None, str, dict | None]]:
    """(file name, username or None, URL, POST data or None) of the pages to check."""
    effort, steering_round = site["effort"], site["round"]
    review = reverse("plan:update-review", args=[site["submitted"].pk])
    accept = reverse("plan:round-accept", args=[steering_round.pk])
    milestone_new = reverse("plan:milestone-create", args=[effort.pk])
    milestone_edit = reverse("plan:milestone-edit", args=[site["milestone"].pk])
    indicator = site["indicator"].pk
    new_value = reverse("plan:indicator-value-create", args=[indicator])
    return [
        ("login", None, reverse("login"), None),
        ("login-error", None, reverse("login"), {"username": "lezer", "password": "fout"}),
        ("public", None, reverse("plan:public-plan"), None),
        ("accessibility", None, reverse("plan:accessibility"), None),
        ("overview", "lezer", reverse("plan:overview"), None),
        ("effort-list", "lezer", reverse("plan:effort-list"), None),
        ("effort-list-filtered", "lezer", reverse("plan:effort-list") + "?status=bogus", None),
        ("effort-detail", "regiegroep", effort.get_absolute_url(), None),
        ("effort-edit", "opgavemanager", reverse("plan:effort-edit", args=[effort.pk]), None),
        (
            "effort-edit-errors",
            "regiegroep",
            reverse("plan:effort-edit", args=[effort.pk]),
            {"version": effort.version, "title": "", "progress": "-5", "status": ""},
        ),
        (  # with the notice that the round still waits for the update
            "effort-edit-update-missing",
            "regiegroep",
            reverse("plan:effort-edit", args=[site["missing"].pk]),
            None,
        ),
        ("update-form", "regiegroep", reverse("plan:update-create", args=[effort.pk]), None),
        (
            "update-form-errors",
            "regiegroep",
            reverse("plan:update-create", args=[effort.pk]),
            {"status": "", "progress": "150"},
        ),
        ("update-review", "opgavemanager", review, None),
        ("update-review-errors", "opgavemanager", review, {"action": "return", "reason": ""}),
        ("round-accept-preview", "opgavemanager", accept, {"all": "1"}),
        ("milestone-new", "regiegroep", milestone_new, None),
        ("milestone-new-errors", "regiegroep", milestone_new, {"title": "", "due": "x"}),
        ("milestone-edit", "opgavemanager", milestone_edit, None),
        ("effort-detail-manager", "opgavemanager", effort.get_absolute_url(), None),
        ("spearhead", "lezer", reverse("plan:spearhead-detail", args=[effort.spearhead_id]), None),
        ("goal", "lezer", reverse("plan:goal-detail", args=[site["goal"].pk]), None),
        ("my-efforts", "regiegroep", reverse("plan:my-efforts"), None),
        ("rounds", "opgavemanager", reverse("plan:round-list"), None),
        ("rounds-errors", "opgavemanager", reverse("plan:round-create"), {}),
        ("round", "opgavemanager", reverse("plan:round-detail", args=[steering_round.pk]), None),
        ("round-meeting", "lezer", reverse("plan:round-meeting", args=[steering_round.pk]), None),
        (
            "completeness",
            "opgavemanager",
            reverse("plan:round-completeness", args=[steering_round.pk]),
            None,
        ),
        (
            "round-summary",
            "opgavemanager",
            reverse("plan:round-summary", args=[steering_round.pk]),
            None,
        ),
        (
            "round-close",
            "opgavemanager",
            reverse("plan:round-close", args=[steering_round.pk]),
            None,
        ),
        (
            "round-reopen-errors",
            "opgavemanager",
            reverse("plan:round-reopen", args=[steering_round.pk]),
            {"reason": ""},
        ),
        (
            "plan-year-send",
            "opgavemanager",
            reverse("plan:year-transition", args=[2022]) + "?to=sent_to_council",
            None,
        ),
        ("plan-years", "opgavemanager", reverse("plan:year-list"), None),
        ("plan-year-narrative", "opgavemanager", reverse("plan:year-narrative", args=[2023]), None),
        ("plan-year", "opdrachtgever", reverse("plan:year-detail", args=[2023]), None),
        ("plan-year-adopted", "opgavemanager", reverse("plan:year-detail", args=[2022]), None),
        ("plan-year-compare", "lezer", reverse("plan:year-compare", args=[2022, 2023]), None),
        ("import-upload", "opgavemanager", reverse("plan:import-upload"), None),
        ("monitor", "opgavemanager", reverse("plan:monitor"), None),
        ("indicator-new", "opgavemanager", reverse("plan:indicator-create"), None),
        ("indicator-new-errors", "opgavemanager", reverse("plan:indicator-create"), {}),
        ("indicator", "opgavemanager", reverse("plan:indicator-edit", args=[indicator]), None),
        ("indicator-value-new", "opgavemanager", new_value, None),
        ("indicator-value-errors", "opgavemanager", new_value, {"year": "1800", "value": "veel"}),
        (
            "indicator-value",
            "opgavemanager",
            reverse("plan:indicator-value-edit", args=[site["indicator_value"].pk]),
            None,
        ),
        ("dashboard", "wethouder", reverse("reporting:dashboard"), None),
        ("dashboard-goals", "wethouder", reverse("reporting:dashboard-goals"), None),
        ("dashboard-changes", "wethouder", reverse("reporting:dashboard-changes"), None),
        ("dashboard-monitor", "opgavemanager", reverse("reporting:dashboard-monitor"), None),
        # 2023 awaits the client's step: the notice and the menu's badge
        ("dashboard-awaiting", "opdrachtgever", reverse("reporting:dashboard"), None),
        ("evaluation", "directieteam", reverse("reporting:evaluation"), None),
        ("annual-report", "opgavemanager", reverse("reporting:annual-report", args=[2022]), None),
        ("account-settings", "lezer", reverse("account-settings"), None),
        ("account-settings-errors", "lezer", reverse("token-create"), {"name": ""}),
        (
            "account-settings-digest-errors",
            "lezer",
            reverse("notification-settings"),
            {"digest": "on", "language": "fr"},
        ),
        ("api-docs", None, reverse("api:docs"), None),
        (
            "annual-report-chapter",
            "wethouder",
            reverse("reporting:annual-report-chapter", args=[2022, 3]),
            None,
        ),
        (
            "annual-report-en",
            "lezer",
            reverse("reporting:annual-report", args=[2022]) + "?lang=en",
            None,
        ),
    ]


def plan_period_pages(site):
    """(file name, username, URL, status) with a second plan: yields the draft's pages, then
    adopts it (closing 2021-2024) and yields the closed plan's pages."""
    from plan.models import Plan
    from plan.selectors import plan_current
    from tests.plan.test_plan_periods import successor_start

    old = plan_current()
    successor = successor_start(old, close=False)
    yield "two-plans-overview", "lezer", reverse("plan:overview"), 200
    yield "draft-plan-overview", "lezer", reverse("plan:overview") + "?plan=2025-2028", 200
    Plan.objects.filter(pk=successor.pk).update(state=Plan.State.ADOPTED, adopted=timezone.now())
    Plan.objects.filter(pk=old.pk).update(closed=timezone.now())
    query = "?plan=2021-2024"
    effort = site["effort"]
    yield "closed-plan-overview", "lezer", reverse("plan:overview") + query, 200
    yield "closed-plan-efforts", "lezer", reverse("plan:effort-list") + query, 200
    yield "closed-plan-dashboard", "wethouder", reverse("reporting:dashboard") + query, 200
    changes = reverse("reporting:dashboard-changes") + query
    yield "closed-plan-dashboard-changes", "wethouder", changes, 200
    monitor = reverse("reporting:dashboard-monitor") + query
    yield "closed-plan-dashboard-monitor", "wethouder", monitor, 200
    yield "closed-plan-effort", "regiegroep", effort.get_absolute_url(), 200
    yield "closed-plan-year", "opgavemanager", reverse("plan:year-detail", args=[2023]), 200
    edit = reverse("plan:effort-edit", args=[effort.pk])
    yield "closed-plan-edit-refused", "opgavemanager", edit, 403


REAL_3_1 = (
    "De begeleiding van de doorontwikkeling van het Expat Centre Leiden naar een "
    "International Centre"
)
IMPORTS = {
    "import-preview-errors": [
        effort_row(Nr="3.1", Inspanning=REAL_3_1),
        effort_row(Nr="3.9", Inspanning="Nieuw", Status="Half af"),
    ],
    "import-preview": [effort_row(Nr="3.1", Status="Aandacht nodig", Inspanning=REAL_3_1)],
}


def test_main_pages_are_valid_html(site, tmp_path, capsys):
    command = vnu_command()
    out = tmp_path / "pages"
    out.mkdir()
    files = {}
    for name, username, url, data in pages(site):
        client = Client()
        if username is not None:
            client.force_login(site["users"][username])
        response = client.get(url) if data is None else client.post(url, data)
        assert response.status_code in (200, 400), f"{name}: {url} answered {response.status_code}"
        assert response["Content-Type"].startswith("text/html"), f"{name}: {url}"
        path = out / f"{name}.html"
        path.write_bytes(response.content)
        files[path.name] = f"{name} ({url} as {username or 'anonymous'})"

    # the plans over time: starting the next plan (its form with errors too), carrying
    # efforts over, its spearhead and goal forms, the list, and an effort linked both ways
    from plan.models import Effort, Plan

    def save(name, response, username):
        assert response.status_code == 200, f"{name} answered {response.status_code}"
        path = out / f"{name}.html"
        path.write_bytes(response.content)
        files[path.name] = f"{name} ({response.request['PATH_INFO']} as {username})"

    manager = Client()
    manager.force_login(site["users"]["opgavemanager"])
    start = reverse("plan:plan-start")
    save("plan-start", manager.get(start), "opgavemanager")
    save("plan-start-errors", manager.post(start, {"start_year": "2028", "end_year": "2025"}), "-")
    old = Plan.objects.get(slug="2021-2024")
    data = {"title": "Meerjarenplan 2025-2028", "start_year": "2025", "end_year": "2028"}
    data |= {"ambition": "Samen verder", **{f"copy_{s.pk}": "on" for s in old.spearheads.all()}}
    save("plan-detail-new", manager.post(start, data, follow=True), "opgavemanager")
    new = Plan.objects.get(slug="2025-2028")
    carry = reverse("plan:plan-carry-over", args=[new.slug])
    save("plan-carry-over", manager.get(carry), "opgavemanager")
    efforts = [site["effort"].pk, site["missing"].pk]
    save("plan-carried", manager.post(carry, {"effort": efforts}, follow=True), "opgavemanager")
    spearhead = new.spearheads.order_by("number").first()
    goal = spearhead.goals.order_by("number").first()
    for name, url in (
        ("plan-spearhead-new", reverse("plan:plan-spearhead-create", args=[new.slug])),
        ("plan-spearhead", reverse("plan:plan-spearhead-edit", args=[new.slug, spearhead.pk])),
        ("plan-goal-new", reverse("plan:plan-goal-create", args=[new.slug, spearhead.pk])),
        ("plan-goal", reverse("plan:plan-goal-edit", args=[new.slug, goal.pk])),
        ("evaluation-manager", reverse("reporting:evaluation")),
    ):
        save(name, manager.get(url), "opgavemanager")
    reader = Client()
    reader.force_login(site["users"]["lezer"])
    carried = Effort.objects.get(predecessor=site["effort"])
    for name, url in (
        ("plan-list", reverse("plan:plan-list")),
        ("plan-detail-old", old.get_absolute_url()),
        ("effort-carried", carried.get_absolute_url()),
        ("effort-continued", site["effort"].get_absolute_url()),
    ):
        save(name, reader.get(url), "lezer")

    # the settings page showing a new token once, with one revoked token in the list
    client = Client()
    client.force_login(site["users"]["lezer"])
    client.post(reverse("token-create"), {"name": "Ingetrokken"})
    client.post(reverse("token-revoke", args=[site["users"]["lezer"].api_tokens.get().pk]))
    response = client.post(reverse("token-create"), {"name": "Spreadsheet"}, follow=True)
    assert response.context["new_key"], "the new token is not shown"
    path = out / "account-settings-new-token.html"
    path.write_bytes(response.content)
    files[path.name] = f"account-settings-new-token ({reverse('account-settings')} as lezer)"

    # the import preview: one file with an error in a row, one with a change
    client = Client()
    client.force_login(site["users"]["opgavemanager"])
    for name, rows in IMPORTS.items():
        upload = SimpleUploadedFile(f"{name}.xlsx", xlsx(rows, headings=REQUIRED).getvalue())
        response = client.post(reverse("plan:import-upload"), {"file": upload}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("plan:import-preview"), name
        path = out / f"{name}.html"
        path.write_bytes(response.content)
        files[path.name] = f"{name} ({reverse('plan:import-preview')} as opgavemanager)"

    # the login page with an OpenID Connect provider, beside the password form and alone
    for name, overrides in (("login-oidc", OIDC), ("login-oidc-only", WITHOUT_PASSWORDS)):
        with override_settings(**overrides):
            response = Client().get(reverse("login"))
        assert response.status_code == 200, name
        path = out / f"{name}.html"
        path.write_bytes(response.content)
        files[path.name] = f"{name} ({reverse('login')} as anonymous)"

    # issue 14: the next plan as a draft (the switcher, the draft's banner), then adopted, so
    # that 2021-2024 is closed and read through ?plan= (its banner, the refusal's page)
    for name, username, url, status in plan_period_pages(site):
        client = Client()
        client.force_login(site["users"][username])
        response = client.get(url)
        assert response.status_code == status, f"{name}: {url} answered {response.status_code}"
        path = out / f"{name}.html"
        path.write_bytes(response.content)
        files[path.name] = f"{name} ({url} as {username})"

    result = subprocess.run(
        [*command, *sorted(str(path) for path in out.iterdir())],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"The Nu HTML Checker did not answer in JSON:\n{result.stderr[:2000]}")

    def describe(message) -> str:
        url = message.get("url", "?")
        where = files.get(url.rsplit("/", 1)[-1], url)
        line, extract = message.get("lastLine", "?"), message.get("extract", "").strip()
        return f"{where} line {line}: {message.get('message')}\n    {extract!r}"

    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    warnings = [m for m in messages if m.get("type") == "info"]
    with capsys.disabled():
        print(
            f"\nNu HTML Checker: {len(files)} pages, {len(errors)} errors, {len(warnings)} warnings"
        )
        for message in warnings:
            print("warning: " + describe(message))
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(map(describe, errors))
