"""Fixtures for the browser tests: one headless Chromium per session, driven by Playwright.

The pages are served by pytest-django's `live_server` and checked with axe-core
(axe-playwright-python) against WCAG 2.1 A and AA.

Run:  SECRET_KEY=test .venv/bin/pytest tests/browser -v -s -p no:cacheprovider
Needs a Chromium on the machine (Debian: `apt-get install chromium`); set CHROMIUM_PATH when it
is not /usr/bin/chromium. `playwright install` is not used: it downloads a browser build.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import sync_playwright

# tests/conftest.py sets DJANGO_ALLOW_ASYNC_UNSAFE: Playwright's sync API runs an event loop.

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
NARROW = {"width": 320, "height": 800}  # WCAG 1.4.10 reflow: 320 CSS pixels wide
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOGIN_PATH = "/accounts/login/"

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
AXE_MAX_NODES = 3  # per rule, in the failure report

_axe = Axe()
# (path, role, number of violations) for every page axe checked; printed at the session's end.
AXE_PAGES: list[tuple[str, str, int]] = []


def pytest_terminal_summary(terminalreporter):
    if not AXE_PAGES:
        return
    terminalreporter.section(f"axe: {len(AXE_PAGES)} pages checked (WCAG 2.1 A/AA)")
    for path, role, count in AXE_PAGES:
        terminalreporter.write_line(f"{count:3d} violations  {path}  as {role}")


# --- browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM_PATH):
        pytest.fail(
            f"No Chromium at {CHROMIUM_PATH}: install it (apt-get install chromium) "
            "or set CHROMIUM_PATH.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page in a fresh context (no cookies), desktop size, Dutch browser. The test
    fails if the browser refused anything under the Content-Security-Policy."""
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    context.set_default_timeout(10_000)
    page = context.new_page()
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert not refused, "CSP violations:\n" + "\n".join(refused)


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# --- data ------------------------------------------------------------------------------------


@pytest.fixture
def plan_data(transactional_db, settings):
    """The real plan and the demo users, in the database the live server reads.

    `transactional_db` empties every table after each test, the role groups of the data
    migration included, so they are made again here before the demo users that need them.
    """
    from django.contrib.auth.models import Group, Permission

    from plan.models import Effort
    from plan.roles import role_groups_sync

    # The demo users' passwords are hashed on every test; PBKDF2's million rounds would
    # cost seconds. The login form still checks the password through the same code path.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("loaddata", "leiden_2021_2024", verbosity=0)
    role_groups_sync(group_model=Group, permission_model=Permission)
    with override_settings(DEBUG=True):
        call_command("create_demo_users", verbosity=0)
    effort = Effort.objects.select_related("spearhead").get(spearhead__number=3, number=1)
    goal = effort.goals.order_by("spearhead__number", "number").first()
    assert goal is not None, "effort 3.1 contributes to no goal in the fixture"
    return {
        "overview": "/",
        "effort_list": "/efforts/",
        "effort_list_filtered": "/efforts/?status=on_track",
        "effort_detail": f"/efforts/{effort.pk}/",
        "spearhead_detail": f"/spearheads/{effort.spearhead.pk}/",
        "goal_detail": f"/goals/{goal.pk}/",
    }


# --- helpers ---------------------------------------------------------------------------------


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def goto(page, live_server, path: str):
    response = page.goto(live_server.url + path)
    assert response is not None
    return response


def submit_login(page, live_server, username: str, password: str):
    """Fill and submit the real login form; waits for the page that answers the POST."""
    if urlsplit(page.url).path != LOGIN_PATH:
        goto(page, live_server, LOGIN_PATH)
    form = page.locator(f"main form[action='{LOGIN_PATH}']")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def login(page, live_server, username: str) -> None:
    """Log in as a demo user through the login form, as a person would."""
    submit_login(page, live_server, username, f"demo-{username}")
    assert urlsplit(page.url).path != LOGIN_PATH, f"login as {username} failed: {page.url}"


def axe_violations(page, role: str) -> str:
    """Run axe on the current page; returns a readable report of the violations, or ""."""
    violations = _axe.run(page, options=AXE_OPTIONS).response["violations"]
    path = path_of(page.url)
    AXE_PAGES.append((path, role, len(violations)))
    print(f"axe: {path} as {role}: {len(violations)} violations")
    if not violations:
        return ""
    lines = [f"{len(violations)} axe violations on {path} as {role} ({page.viewport_size}):"]
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{len(nodes)} elements] {violation['helpUrl']}"
        )
        for node in nodes[:AXE_MAX_NODES]:
            lines.append(f"    {', '.join(map(str, node['target']))}")
            lines.append(f"      {node['html'][:200]}")
            summary = node.get("failureSummary", "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


def axe_check(page, role: str = "anonymous") -> None:
    """Fail the test when axe finds WCAG 2.1 A/AA violations on the current page."""
    report = axe_violations(page, role)
    if report:
        pytest.fail(report, pytrace=False)
