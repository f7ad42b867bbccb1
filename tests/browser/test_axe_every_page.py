"""axe on every page of the portal, as every role that can see it (WCAG 2.1 A/AA).

The URL patterns come from the resolver, as in tests/test_url_walk.py: a pattern added without
an entry in HTML_PATTERNS or NOT_HTML fails `test_every_url_pattern_is_listed`. The Django admin
is walked from `admin.site._registry`: its index, and per registered model the changelist, the
add page and the change page, each as the programme manager when she may see it and otherwise
as a superuser. Forms are also checked with their validation errors showing, and the import
preview after an upload. Every page is listed at the end of the run (AXE_PAGES), labelled
"<role> · <pattern name>".

One browser context per role is reused for all of that role's pages, to keep the run short.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.base import monitor_with_targets
from tests.workbooks import REQUIRED, effort_row, xlsx

from .conftest import DESKTOP, axe_violations, goto, login, path_of, submit_login

pytestmark = pytest.mark.browser

ANONYMOUS = "anonymous"
SUPERUSER = "beheerder"  # not a demo role: for the admin pages only a superuser sees
MANAGER = ("opgavemanager",)
EDITORS = ("opgavemanager", "regiegroep")  # the lead edits their own team's efforts
EVERYONE = ("opgavemanager", "regiegroep", "opdrachtgever", "directieteam", "wethouder", "lezer")
PUBLIC = (ANONYMOUS, *EVERYONE)
ROLES = PUBLIC

# URL pattern -> the roles that see its HTML page.
HTML_PATTERNS: dict[str, tuple[str, ...]] = {
    "login": (ANONYMOUS,),
    "password_reset": (ANONYMOUS,),
    "password_reset_done": (ANONYMOUS,),
    "password_reset_confirm": (ANONYMOUS,),
    "password_reset_complete": (ANONYMOUS,),
    "password_change": EVERYONE,
    "password_change_done": EVERYONE,
    "plan:public-plan": PUBLIC,
    "plan:accessibility": PUBLIC,
    "plan:overview": EVERYONE,
    "plan:spearhead-detail": EVERYONE,
    "plan:goal-detail": EVERYONE,
    "plan:effort-list": EVERYONE,
    "plan:effort-detail": EVERYONE,
    "plan:effort-edit": EDITORS,
    "plan:update-create": EDITORS,
    "plan:update-review": MANAGER,
    "plan:round-accept": MANAGER,
    "plan:milestone-create": EDITORS,  # the lead of the effort (regiegroep leads it here)
    "plan:milestone-edit": EDITORS,
    "plan:my-efforts": EVERYONE,
    "plan:round-list": EVERYONE,
    "plan:round-create": MANAGER,
    "plan:round-detail": EVERYONE,
    "plan:round-meeting": EVERYONE,
    "plan:round-completeness": MANAGER,
    "plan:round-summary": MANAGER,
    "plan:round-close": MANAGER,
    "plan:round-reopen": MANAGER,
    "plan:year-transition": MANAGER,
    "plan:year-narrative": MANAGER,
    "plan:year-list": EVERYONE,
    "plan:year-detail": EVERYONE,
    "plan:year-compare": EVERYONE,
    "plan:import-upload": MANAGER,
    "plan:import-preview": MANAGER,
    "plan:monitor": MANAGER,
    "plan:indicator-create": MANAGER,
    "plan:indicator-edit": MANAGER,
    "plan:indicator-value-create": MANAGER,
    "plan:indicator-value-edit": MANAGER,
    "plan:plan-list": EVERYONE,
    "plan:plan-start": MANAGER,
    "plan:plan-detail": EVERYONE,
    "plan:plan-carry-over": MANAGER,
    "plan:plan-spearhead-create": MANAGER,
    "plan:plan-spearhead-edit": MANAGER,
    "plan:plan-goal-create": MANAGER,
    "plan:plan-goal-edit": MANAGER,
    "reporting:dashboard": EVERYONE,
    "reporting:dashboard-goals": EVERYONE,
    "reporting:dashboard-changes": EVERYONE,
    "reporting:dashboard-monitor": EVERYONE,
    "reporting:evaluation": EVERYONE,
    "reporting:annual-report": EVERYONE,
    "reporting:annual-report-chapter": EVERYONE,
    "account-settings": EVERYONE,
    # Swagger UI (third-party) with our colour fixes; also checked after a request in
    # tests/browser/test_api_docs.py
    "api:docs": (ANONYMOUS,),
}
# HTML pages that a GET cannot show: checked after the POST that leads to them.
AFTER_POST = {
    "plan:round-create": "answers the POST of an invalid new round (test_forms_with_errors)",
    "plan:import-preview": "needs an uploaded file (test_import_upload_and_preview)",
    "plan:round-accept": "the preview answers the POST of chosen updates (test_forms_with_errors)",
    "plan:plan-start": "shown only before the next plan exists (test_starting_the_next_plan)",
}
NOT_HTML: dict[str, str] = {
    "plan:healthz": "text/plain for the load balancer",
    "security-txt": "text/plain (RFC 9116)",
    "logout": "POST only; redirects to the login page",
    "oidc:authenticate": "redirects to the OpenID Connect provider (test_oidc_sign_in)",
    "oidc:callback": "redirects back from the provider (test_oidc_sign_in)",
    "set_language": "POST only; redirects back to the page",
    "plan:import-confirm": "POST only; redirects to the effort list or the preview",
    "plan:round-reminders": "POST only; redirects to the completeness page (checked there)",
    "plan:round-minutes": "downloads the minutes file (PDF, Word or OpenDocument)",
    "plan:year-start": "POST only; redirects to the list or the new year (checked there)",
    "plan:milestone-done": "POST only; redirects to the effort's page (checked there)",
    "plan:indicator-value-delete": "POST only; redirects to the indicator (checked there)",
    "plan:plan-transition": "POST only; redirects to the plan's page (checked there)",
    "plan:plan-spearhead-delete": "POST only; redirects to the plan's page (checked there)",
    "plan:plan-goal-delete": "POST only; redirects to the plan's page (checked there)",
    "reporting:evaluation-conclusion": "POST only; redirects to the evaluation (checked there)",
    "reporting:evaluation-pdf": "PDF download",
    "reporting:annual-report-pdf": "PDF download",
    "reporting:export-xlsx": "xlsx download",
    "reporting:export-ods": "ods download",
    "notification-settings": "POST only; redirects to the settings page (test_forms_with_errors)",
    "token-create": "POST only; redirects to the settings page (tests/browser/test_api_docs.py)",
    "token-revoke": "POST only; redirects to the settings page (tests/browser/test_api_docs.py)",
    "api:schema": "the OpenAPI schema (YAML or JSON)",
    **{
        f"api:{name}": "JSON for programs (the API)"
        for name in (
            "public-year-list",
            "public-year-detail",
            "public-spearhead-list",
            "public-goal-list",
            "public-effort-list",
            "public-effort-detail",
            "public-monitor-list",
            "effort-list",
            "effort-detail",
            "update-list",
            "update-detail",
            "spearhead-list",
            "spearhead-detail",
        )
    },
    "api:public-report-pdf": "the adopted report's PDF",
    "api:public-year-csv": "CSV download",
    "api:public-latest-csv": "CSV download",
    "api:public-year-json": "JSON download",
    "api:public-latest-json": "JSON download",
}
# More states of a page than its plain GET, as (pattern, roles, query or other object); for
# the roles whose page differs most, to keep the run short.
VARIANTS = [
    ("plan:effort-list", ("opgavemanager", "lezer"), "?status=on_track"),
    ("plan:effort-detail", ("regiegroep",), "other"),  # another team's effort: read-only
    ("plan:year-detail", ("opgavemanager", "lezer"), "adopted"),
    ("reporting:dashboard", ("opgavemanager", "wethouder"), "?team=economie"),
    ("reporting:dashboard-changes", ("wethouder",), "?team=economie"),
    ("reporting:annual-report", ("lezer",), "?lang=en"),
]


def walk(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue  # walked from admin.site._registry in test_admin_pages
            prefix = f"{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_pattern_is_listed():
    names = set(walk())
    assert "plan:effort-detail" in names and "reporting:dashboard" in names
    unlisted = names - HTML_PATTERNS.keys() - NOT_HTML.keys()
    assert not unlisted, f"add these URL patterns to HTML_PATTERNS or NOT_HTML: {unlisted}"
    stale = (HTML_PATTERNS.keys() | NOT_HTML.keys()) - names
    assert not stale, f"no such URL patterns any more: {stale}"
    assert not HTML_PATTERNS.keys() & NOT_HTML.keys()
    assert all(HTML_PATTERNS.values()), "an HTML page that no role sees"
    assert AFTER_POST.keys() <= HTML_PATTERNS.keys()


# --- data ------------------------------------------------------------------------------------


@pytest.fixture
def site(plan_data, settings, tmp_path):
    """The real plan with an adopted year (2022, for the public page), the next year halfway
    through the approval chain (2023), an open update round with one update, entries in the
    sign-in logs, a superuser for the admin and a valid password-reset link; returns the
    objects the URLs need."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import User
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from plan.models import Effort, Milestone, PlanYear, ProgressUpdate, Team
    from plan.selectors import plan_current, plan_snapshot
    from plan.services import steering_round_open
    from plan.successors import efforts_carry_over, plan_start

    settings.MEDIA_ROOT = tmp_path / "media"
    plan = plan_current()
    PlanYear.objects.filter(plan=plan, year=2022).update(
        state=PlanYear.State.ADOPTED, snapshot=plan_snapshot(plan=plan), adopted=timezone.now()
    )
    PlanYear.objects.create(plan=plan, year=2023, state=PlanYear.State.ADVISED)
    manager = User.objects.get(username="opgavemanager")
    today = timezone.localdate()
    steering_round = steering_round_open(
        meeting_date=today + timedelta(weeks=3),
        deadline=today + timedelta(weeks=2),
        opened_by=manager,
    )
    lead = User.objects.get(username="regiegroep")
    own = steering_round.efforts.filter(team__members=lead).select_related("spearhead").first()
    other = steering_round.efforts.exclude(team__members=lead).select_related("spearhead").first()
    assert own is not None and other is not None
    # the other team's update awaits the manager's review; the lead leads their own effort,
    # whose milestone is overdue (the dashboard and the effort list flag it)
    update = ProgressUpdate.objects.create(
        effort=other,
        steering_round=steering_round,
        author=lead,
        status=Effort.Status.ON_TRACK,
        progress=40,
        note="Voortgang volgens plan.",
        state=ProgressUpdate.State.SUBMITTED,
    )
    Effort.objects.filter(pk=own.pk).update(lead=lead)
    milestone = Milestone.objects.create(
        effort=own, title="Convenant getekend", due=today - timedelta(days=7), owner=lead
    )
    Milestone.objects.create(effort=own, title="Evaluatie", due=today + timedelta(days=60))
    # what the axes admin lists: a failed login and a successful one
    AccessAttempt.objects.create(
        username="lezer",
        ip_address="127.0.0.1",
        user_agent="Playwright",
        http_accept="text/html",
        path_info="/accounts/login/",
        get_data="",
        post_data="username=lezer",
        failures_since_start=1,
    )
    AccessFailureLog.objects.create(
        username="lezer",
        ip_address="127.0.0.1",
        user_agent="Playwright",
        http_accept="text/html",
        path_info="/accounts/login/",
    )
    AccessLog.objects.create(
        username="lezer",
        ip_address="127.0.0.1",
        user_agent="Playwright",
        http_accept="text/html",
        path_info="/accounts/login/",
    )
    User.objects.create_superuser(SUPERUSER, f"{SUPERUSER}@example.org", f"demo-{SUPERUSER}")
    # a digest setting and a digest sent, for the admin's read-only lists
    from notifications.models import DigestSent, NotificationPreference

    NotificationPreference.objects.create(user=lead, digest=False, language="en")
    DigestSent.objects.create(user=manager, day=today)
    lezer = User.objects.get(username="lezer")
    # the next plan, a draft with two efforts carried over (one of them linked both ways)
    successor = plan_start(
        predecessor=plan,
        title="Meerjarenplan internationalisering 2025-2028",
        start_year=2025,
        end_year=2028,
        ambition="Samen verder",
        spearheads=list(plan.spearheads.order_by("number")),
        by=manager,
    )
    efforts_carry_over(plan=successor, choices=[{"effort": own}, {"effort": other}], by=manager)
    successor_spearhead = successor.spearheads.order_by("number").first()
    goal = own.goals.order_by("number").first() or other.goals.order_by("number").first()
    indicator, value = monitor_with_targets(goal=goal)
    return {
        "indicator": indicator.pk,
        "indicator_value": value.pk,
        "effort": own,
        "other": other,
        "goal": goal,
        "round": steering_round,
        "update": update,
        "milestone": milestone,
        "economie": Team.objects.get(name="Economie").pk,
        "successor": successor.slug,
        "successor_spearhead": successor_spearhead.pk,
        "successor_goal": successor_spearhead.goals.order_by("number").first().pk,
        "reset": [
            urlsafe_base64_encode(force_bytes(lezer.pk)),
            default_token_generator.make_token(lezer),
        ],
    }


def args_for(name: str, site: dict, variant: str = "") -> list:
    effort = site["other"] if variant == "other" else site["effort"]
    return {
        "plan:spearhead-detail": [effort.spearhead_id],
        "plan:goal-detail": [site["goal"].pk],
        "plan:effort-detail": [effort.pk],
        "plan:effort-edit": [effort.pk],
        "plan:update-create": [effort.pk],
        "plan:update-review": [site["update"].pk],
        "plan:round-accept": [site["round"].pk],
        "plan:milestone-create": [effort.pk],
        "plan:milestone-edit": [site["milestone"].pk],
        "plan:round-detail": [site["round"].pk],
        "plan:round-meeting": [site["round"].pk],
        "plan:round-completeness": [site["round"].pk],
        "plan:round-summary": [site["round"].pk],
        "plan:round-close": [site["round"].pk],
        "plan:round-reopen": [site["round"].pk],
        "plan:indicator-edit": [site["indicator"]],
        "plan:indicator-value-create": [site["indicator"]],
        "plan:indicator-value-edit": [site["indicator_value"]],
        "plan:year-transition": [2022],
        "plan:year-narrative": [2023],  # 2022 is adopted: its texts are frozen
        "plan:year-detail": [2022 if variant == "adopted" else 2023],
        "plan:year-compare": [2022, 2023],
        "reporting:annual-report": [2022],
        "reporting:annual-report-chapter": [2022, 3],
        "password_reset_confirm": site["reset"],
        "plan:plan-detail": [site["successor"]],
        "plan:plan-carry-over": [site["successor"]],
        "plan:plan-spearhead-create": [site["successor"]],
        "plan:plan-spearhead-edit": [site["successor"], site["successor_spearhead"]],
        "plan:plan-goal-create": [site["successor"], site["successor_spearhead"]],
        "plan:plan-goal-edit": [site["successor"], site["successor_goal"]],
    }.get(name, [])


def url_for(name: str, site: dict, variant: str = "") -> str:
    url = reverse(name, args=args_for(name, site, variant))
    if name == "plan:year-transition" and not variant:
        variant = "?to=sent_to_council"  # the confirmation of the manager's step for 2022
    if variant.startswith("?"):
        url += variant.replace("economie", str(site["economie"]))
    return url


# --- the checker -----------------------------------------------------------------------------


class Checker:
    """Collects the axe reports and Content-Security-Policy refusals of a test's pages, so
    that one test reports every failing page at once."""

    def __init__(self, browser, live_server):
        self.browser, self.live_server = browser, live_server
        self.problems: list[str] = []
        self.checked: set[str] = set()

    @contextmanager
    def as_role(self, role: str) -> Iterator:
        context = self.browser.new_context(viewport=DESKTOP, locale="nl-NL")
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on("console", lambda message: self._console(page, message))
        try:
            if role != ANONYMOUS:
                login(page, self.live_server, role)
            yield page
        finally:
            context.close()

    def _console(self, page, message) -> None:
        """A refusal under the Content-Security-Policy fails the test, as in the `page` fixture;
        except those of axe itself (a script without a URL), which re-reads the stylesheets
        of the admin's look as inline styles."""
        if "Content Security Policy" in message.text and message.location.get("url"):
            self.problems.append(f"CSP refused on {path_of(page.url)}: {message.text}")

    def visit(self, page, path: str, role: str, name: str, **expected) -> None:
        response = goto(page, self.live_server, path)
        self.check(page, role, name, response, **expected)

    def check(
        self, page, role: str, name: str, response=None, *, status: int = 200, shows: str = ""
    ) -> None:
        """axe on the page now shown. `response` (when given) must be HTML with `status`; an
        element matching `shows` (an error message, say) must be on the page."""
        where = f"{path_of(page.url)} as {role} ({name})"
        if response is not None:
            content_type = response.headers.get("content-type", "")
            if response.status != status or not content_type.startswith("text/html"):
                self.problems.append(
                    f"{where}: HTTP {response.status} {content_type}, expected {status} text/html"
                )
                return
        if shows and not page.locator(shows).first.is_visible():
            self.problems.append(f"{where}: nothing visible matches {shows!r}")
        report = axe_violations(page, f"{role} · {name}")
        self.checked.add(name.split(" ")[0])  # "plan:round-create (errors)": the pattern
        if report:
            self.problems.append(report)

    def submit(self, page, form_selector: str, role: str, name: str, **expected) -> None:
        """Submit a form (past the browser's own validation) and check the page it answers."""
        form = page.locator(form_selector)
        expect(form).to_have_count(1)
        form.evaluate("f => { f.noValidate = true; }")
        with page.expect_navigation() as navigation:
            form.locator("[type=submit]").first.click()
        self.check(page, role, name, navigation.value, **expected)

    def done(self) -> None:
        if self.problems:
            pytest.fail("\n\n".join(self.problems), pytrace=False)


@pytest.fixture
def checker(browser, live_server):
    return Checker(browser, live_server)


# --- every page as every role ----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_page_as(role, checker, site):
    """Every HTML page this role sees, by a GET, in one logged-in browser context."""
    expected = set()
    with checker.as_role(role) as page:
        for name, roles in HTML_PATTERNS.items():
            if role in roles and name not in AFTER_POST:
                expected.add(name)
                checker.visit(page, url_for(name, site), role, name)
        for name, roles, variant in VARIANTS:
            if role in roles:
                checker.visit(page, url_for(name, site, variant), role, name)
    if not expected <= checker.checked:
        checker.problems.append(f"not checked as {role}: {sorted(expected - checker.checked)}")
    checker.done()


# --- forms with their errors showing ---------------------------------------------------------


def test_forms_with_errors(checker, site):
    """Each form submitted empty or wrong, as the role that uses it, with its errors showing;
    and the page that a refused POST redirects to, with its message."""
    live_server, steering_round = checker.live_server, site["round"]
    invalid, alert = "main .invalid-feedback", ".messages .alert-danger"
    with checker.as_role(ANONYMOUS) as page:
        submit_login(page, live_server, "lezer", "not-the-password")
        checker.check(page, ANONYMOUS, "login (wrong password)", shows="main form .alert-danger")
        goto(page, live_server, reverse("password_reset"))
        page.locator("input[name=email]").fill("geen-adres")
        form = "form:has(input[name=email])"
        checker.submit(page, form, ANONYMOUS, "password_reset (error)", shows=invalid)
        goto(page, live_server, url_for("password_reset_confirm", site))
        page.locator("input[name=new_password1]").fill("een-lang-wachtwoord-1")
        page.locator("input[name=new_password2]").fill("een-ander-wachtwoord-2")
        form = "form:has(input[name=new_password1])"
        checker.submit(page, form, ANONYMOUS, "password_reset_confirm (error)", shows=invalid)

    lead = "regiegroep"
    with checker.as_role(lead) as page:
        goto(page, live_server, url_for("plan:update-create", site))
        page.locator("select[name=status]").select_option("")
        page.locator("input[name=progress]").fill("150")
        form = "main form[method=post]"
        checker.submit(page, form, lead, "plan:update-create (errors)", shows=invalid)
        goto(page, live_server, reverse("password_change"))
        page.locator("input[name=old_password]").fill("fout")
        form = "form:has(input[name=old_password])"
        checker.submit(page, form, lead, "password_change (errors)", shows=invalid)
        goto(page, live_server, url_for("plan:milestone-create", site))
        page.locator("input[name=due]").fill("")
        form = "main form[method=post]"
        name = "plan:milestone-create (errors)"
        checker.submit(page, form, lead, name, status=400, shows=invalid)

    client = "opdrachtgever"
    with checker.as_role(client) as page:  # sending 2023 back to draft needs a reason
        goto(page, live_server, url_for("plan:year-detail", site))
        form = "main form:has(input[name=to][value=concept])"
        name = "plan:year-transition → plan:year-detail (error)"
        checker.submit(page, form, client, name, shows=alert)

    manager = "opgavemanager"
    with checker.as_role(manager) as page:
        goto(page, live_server, url_for("plan:effort-edit", site))
        page.locator("input[name=title]").fill("")
        page.locator("input[name=progress]").fill("-5")
        form = "main form[method=post]"
        checker.submit(page, form, manager, "plan:effort-edit (errors)", shows=invalid)

        goto(page, live_server, url_for("plan:indicator-value-create", site))
        page.locator("input[name=year]").fill("1800")
        page.locator("input[name=value]").fill("veel")
        form = "main form[method=post]"
        name = "plan:indicator-value-create (errors)"
        checker.submit(page, form, manager, name, shows=invalid)
        goto(page, live_server, url_for("plan:indicator-create", site))
        checker.submit(page, form, manager, "plan:indicator-create (errors)", shows=invalid)

        # the form for a new round shows only while no round is open
        from plan.models import SteeringRound

        SteeringRound.objects.filter(pk=steering_round.pk).update(state="closed")
        goto(page, live_server, reverse("plan:round-list"))
        form = f"main form[action='{reverse('plan:round-create')}']"
        page.locator(f"{form} input[name=meeting_date]").fill("2020-01-01")
        name = "plan:round-create (errors)"
        checker.submit(page, form, manager, name, status=400, shows=invalid)
        SteeringRound.objects.filter(pk=steering_round.pk).update(state="open")

        goto(page, live_server, url_for("plan:round-detail", site))
        page.locator("input[name=minutes]").set_input_files(
            {"name": "notulen.txt", "mimeType": "text/plain", "buffer": b"geen pdf"}
        )
        form = "main form[enctype='multipart/form-data']"
        checker.submit(page, form, manager, "plan:round-detail (errors)", shows=invalid)

        goto(page, live_server, url_for("plan:round-completeness", site))
        form = f"main form[action='{reverse('plan:round-reminders', args=[steering_round.pk])}']"
        name = "plan:round-reminders → plan:round-completeness"
        checker.submit(page, form, manager, name, shows=".messages .alert")

        goto(page, live_server, url_for("plan:update-review", site))
        page.locator("main button[value=return]").click()  # without a reason
        page.wait_for_load_state()
        checker.check(page, manager, "plan:update-review (errors)", shows=invalid)

        goto(page, live_server, url_for("plan:round-completeness", site))
        page.locator("#accept-all").check()
        form = f"main form[action='{reverse('plan:round-accept', args=[steering_round.pk])}']"
        checker.submit(page, form, manager, "plan:round-accept (preview)")

        goto(page, live_server, reverse("plan:year-list"))
        form = f"main form[action='{reverse('plan:year-start')}']"
        name = "plan:year-start → plan:year-list (error)"  # 2023 is not adopted yet
        checker.submit(page, form, manager, name, shows=alert)

        # the digest settings with a language the form does not offer
        goto(page, live_server, reverse("account-settings"))
        form = f"main form[action='{reverse('notification-settings')}']"
        page.locator(f"{form} input[name=language]").first.evaluate("el => { el.value = 'fr'; }")
        name = "notification-settings → account-settings (errors)"
        checker.submit(page, form, manager, name, status=400, shows=invalid)

        path = reverse("plan:effort-list") + "?status=bogus&team=abc"
        checker.visit(page, path, manager, "plan:effort-list (invalid filter)", shows=invalid)
        path = reverse("reporting:dashboard") + "?team=999999"
        checker.visit(page, path, manager, "reporting:dashboard (invalid filter)", shows=invalid)
    checker.done()
    assert "plan:round-create" in checker.checked
    assert "plan:round-accept" in checker.checked


def test_starting_the_next_plan(checker, site):
    """The start page (before the next plan exists), with its errors, and the pages the
    start, the carry-over and the chain lead to, with their messages."""
    from plan.models import Effort, Plan

    draft = Plan.objects.get(slug=site["successor"])
    Effort.objects.filter(spearhead__plan=draft).delete()
    draft.delete()
    live_server, manager = checker.live_server, "opgavemanager"
    invalid, alert = "main .invalid-feedback", ".messages .alert-danger"
    success = ".messages .alert-success"
    with checker.as_role(manager) as page:
        checker.visit(page, reverse("plan:plan-start"), manager, "plan:plan-start")
        page.locator("input[name=start_year]").fill("2028")
        page.locator("input[name=end_year]").fill("2025")
        form = "main form[method=post]"
        checker.submit(page, form, manager, "plan:plan-start (errors)", shows=invalid)
        page.locator("input[name=start_year]").fill("2025")
        page.locator("input[name=end_year]").fill("2028")
        checker.submit(page, form, manager, "plan:plan-start → plan:plan-detail", shows=success)
        slug = Plan.objects.get(predecessor__isnull=False).slug
        checker.visit(page, reverse("plan:plan-carry-over", args=[slug]), manager, "carry-over")
        form = "main form[method=post]"
        name = "plan:plan-carry-over → plan:plan-detail"
        checker.submit(page, form, manager, name, shows=success)
        form = "main form:has(input[name=to][value=advised])"
        checker.submit(page, form, manager, "plan:plan-transition", shows=success)
    client = "opdrachtgever"
    with checker.as_role(client) as page:  # sending it back to draft needs a reason
        goto(page, live_server, reverse("plan:plan-detail", args=[slug]))
        form = "main form:has(input[name=to][value=concept])"
        name = "plan:plan-transition → plan:plan-detail (error)"
        checker.submit(page, form, client, name, shows=alert)
    checker.done()
    assert "plan:plan-start" in checker.checked


# --- import ----------------------------------------------------------------------------------


REAL_3_1 = (
    "De begeleiding van de doorontwikkeling van het Expat Centre Leiden naar een "
    "International Centre"
)


def test_import_upload_and_preview(checker, site):
    """A file that is no workbook, a workbook with an error in a row, a good workbook."""
    role, form = "opgavemanager", "main form[data-busy]"
    with_error = [effort_row(Nr="3.1", Inspanning=REAL_3_1), effort_row(Nr="3.9", Status="Half")]
    good = [effort_row(Nr="3.1", Status="Aandacht nodig", Inspanning=REAL_3_1)]
    uploads = [
        ("plan.txt", b"geen werkmap", "plan:import-upload (bad file)", "main .invalid-feedback"),
        (
            "fout.xlsx",
            xlsx(with_error, headings=REQUIRED).getvalue(),
            "plan:import-preview (errors)",
            "table.import-errors tbody tr",
        ),
        (
            "goed.xlsx",
            xlsx(good, headings=REQUIRED).getvalue(),
            "plan:import-preview",
            f"form[action='{reverse('plan:import-confirm')}'] [type=submit]",
        ),
    ]
    with checker.as_role(role) as page:
        for filename, content, name, shows in uploads:
            goto(page, checker.live_server, reverse("plan:import-upload"))
            page.locator(f"{form} input[type=file]").set_input_files(
                {"name": filename, "mimeType": "application/octet-stream", "buffer": content}
            )
            checker.submit(page, form, role, name, shows=shows)
    checker.done()
    assert "plan:import-preview" in checker.checked


# --- the Django admin ------------------------------------------------------------------------


def admin_visits() -> tuple[list[tuple[str, str, str]], list[str]]:
    """(path, user, label) for the admin index, each app's index and, per registered model,
    the changelist, add and change page, each for the programme manager when she may see it,
    else for the superuser; and what no one can see (e.g. axes offers no add page)."""
    from django.contrib import admin
    from django.contrib.auth.models import User
    from django.test import RequestFactory

    def request_as(username):
        request = RequestFactory().get("/admin/")
        request.user = User.objects.get(username=username)
        return request

    users = {username: request_as(username) for username in ("opgavemanager", SUPERUSER)}
    visits = [(reverse("admin:index"), username, "admin:index") for username in users]
    unavailable = []
    apps = {}
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"no {opts.label} in the database to open in the admin"
        pages = {
            "changelist": ([], model_admin.has_view_or_change_permission, ()),
            "add": ([], model_admin.has_add_permission, ()),
            "change": ([obj.pk], model_admin.has_view_or_change_permission, (obj,)),
        }
        for page, (args, allowed, extra) in pages.items():
            username = next((u for u, r in users.items() if allowed(r, *extra)), None)
            name = f"admin:{opts.app_label}_{opts.model_name}_{page}"
            if username is None:
                unavailable.append(name)
                continue
            visits.append((reverse(name, args=args), username, name))
            if page == "changelist":
                apps.setdefault(opts.app_label, username)
        if opts.app_label == "plan":  # the programme manager's back office: all hers
            mine = [v for v in visits if v[2].startswith(f"admin:plan_{opts.model_name}_")]
            assert len(mine) == 3 and {v[1] for v in mine} == {"opgavemanager"}, (
                f"the programme manager cannot see all of {opts.label} in the admin: {mine}"
            )
    for app_label, username in apps.items():
        visits.append((reverse("admin:app_list", args=[app_label]), username, "admin:app_list"))
    return visits, unavailable


def test_admin_pages(checker, site):
    from plan.models import Partner

    visits, unavailable = admin_visits()
    # Only axes' logs and the notifications' records lack an add page (they are written by
    # logins, the settings page and the daily digest, not by hand).
    assert all(
        name.startswith(("admin:axes_", "admin:notifications_")) and name.endswith("_add")
        for name in unavailable
    )
    effort, partner = site["effort"], Partner.objects.order_by("pk").first()
    extra = {
        "opgavemanager": [
            (  # with a progress update in its inline: an autocomplete field in a table
                reverse("admin:plan_effort_change", args=[site["other"].pk]),
                "admin:plan_effort_change (with an update)",
            ),
            (reverse("admin:plan_effort_history", args=[effort.pk]), "admin:plan_effort_history"),
            (reverse("admin:plan_partner_delete", args=[partner.pk]), "admin:plan_partner_delete"),
            (reverse("admin:password_change"), "admin:password_change"),
        ],
        SUPERUSER: [],
    }
    with checker.as_role(ANONYMOUS) as page:
        checker.visit(page, reverse("admin:login"), ANONYMOUS, "admin:login")
    for username in ("opgavemanager", SUPERUSER):
        with checker.as_role(username) as page:
            for path, who, name in visits:
                if who == username:
                    checker.visit(page, path, username, name)
            for path, name in extra[username]:
                checker.visit(page, path, username, name)
            if username == "opgavemanager":  # the add form with its errors showing
                goto(page, checker.live_server, reverse("admin:plan_effort_add"))
                name = "admin:plan_effort_add (errors)"
                checker.submit(page, "#effort_form", username, name, shows=".errornote")
    assert Partner.objects.filter(pk=partner.pk).exists(), "the delete page only asks"
    checker.done()


# --- several plans (issue 14) ----------------------------------------------------------------

OLD_PLAN = "?plan=2021-2024"
# The closed plan's pages through ?plan= (plan-wide) or their object (object pages).
OLD_PLAN_PAGES = [
    "plan:overview",
    "plan:effort-list",
    "plan:round-list",
    "plan:year-list",
    "reporting:dashboard",
    "reporting:dashboard-goals",
    "reporting:dashboard-changes",
    "reporting:dashboard-monitor",
    "reporting:evaluation",
    "plan:effort-detail",
    "plan:year-detail",
    "reporting:annual-report",
]


@pytest.fixture
def two_plans(site):
    """2025-2028 adopted from the real plan, which is then closed."""
    from plan.selectors import plan_current
    from tests.plan.test_plan_periods import successor_start

    successor_start(plan_current())
    return site


@pytest.mark.parametrize("role", EVERYONE)
def test_the_closed_plans_pages_as(role, checker, two_plans):
    """The old plan's pages, with the switcher and the closed plan's banner, as every role;
    and the current plan's overview with the switcher."""
    with checker.as_role(role) as page:
        checker.visit(page, reverse("plan:overview"), role, "plan:overview (two plans)")
        for name in OLD_PLAN_PAGES:
            url = url_for(name, two_plans)
            if name not in {"plan:effort-detail", "plan:year-detail"}:  # the object's plan
                url += OLD_PLAN
            checker.visit(page, url, role, f"{name} (closed plan)", shows=".plan-banner")
        if role in EDITORS:  # the refusal names the plan
            edit = url_for("plan:effort-edit", two_plans)
            checker.visit(page, edit, role, "plan:effort-edit (closed plan)", status=403)
    checker.done()


def test_the_plan_switcher_by_keyboard_at_320_css_pixels(browser, live_server, two_plans):
    """The switcher fits at 320 px, is reached by keyboard and shows the chosen plan."""
    from .conftest import NARROW

    context = browser.new_context(viewport=NARROW, locale="nl-NL")
    page = context.new_page()
    try:
        login(page, live_server, "lezer")
        goto(page, live_server, reverse("plan:effort-list"))
        select = page.get_by_label("Planperiode")
        expect(select).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        select.focus()
        select.select_option("2021-2024")
        page.keyboard.press("Tab")  # to the button
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert path_of(page.url) == reverse("plan:effort-list") + OLD_PLAN
        expect(page.locator(".plan-banner")).to_contain_text("gesloten")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        report = axe_violations(page, "lezer @320px, closed plan")
        assert not report, report
    finally:
        context.close()
