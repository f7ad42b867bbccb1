"""The dashboard's three pages and the annual report preview in a real browser: axe,
reflow, keyboard."""

import pytest
from playwright.sync_api import expect

from .conftest import NARROW, axe_check, goto, login
from .test_accessibility import OVERFLOWING_ELEMENTS_JS

pytestmark = pytest.mark.browser


def test_the_alderman_lands_on_an_accessible_dashboard(page, live_server, plan_data, artifacts):
    login(page, live_server, "wethouder")
    assert page.url.endswith("/dashboard/")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("main figure.chart img[alt]").first).to_be_visible()
    axe_check(page, "wethouder")
    page.screenshot(path=artifacts / "dashboard-1280.png", full_page=True)

    page.set_viewport_size(NARROW)
    for path, heading, name in (
        ("/dashboard/", "Dashboard", "dashboard"),
        ("/dashboard/goals/", "Dekking van de doelen", "dashboard-goals"),
        ("/dashboard/changes/", "Sinds de vorige updateronde", "dashboard-changes"),
        ("/dashboard/monitor/", "Monitor Internationalisering", "dashboard-monitor"),
    ):
        goto(page, live_server, path)
        expect(page.locator("main h1")).to_have_text(heading)
        tabs = page.get_by_role("navigation", name="Onderdelen van het dashboard")
        expect(tabs.get_by_role("link")).to_have_count(4)
        expect(tabs.locator("[aria-current=page]")).to_have_attribute("href", path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], page.evaluate(OVERFLOWING_ELEMENTS_JS)
        axe_check(page, f"wethouder @320px, {path}")
        page.screenshot(path=artifacts / f"{name}-320.png", full_page=True)


def test_chart_numbers_open_with_the_keyboard(page, live_server, plan_data):
    login(page, live_server, "directieteam")
    summary = page.locator("main details.chart-numbers > summary").first
    table = page.locator("main details.chart-numbers table").first
    expect(table).to_be_hidden()
    for _ in range(80):  # Tab until the first "numbers of the chart" is focused
        page.keyboard.press("Tab")
        if summary.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the numbers of the first chart cannot be reached with Tab")
    page.keyboard.press("Enter")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(6)  # one row per spearhead


def test_narrowing_the_dashboard_by_team(page, live_server, plan_data):
    login(page, live_server, "opdrachtgever")
    page.select_option("#id_team", label="Economie")
    page.locator("form.dashboard-filter button[type=submit]").click()
    page.wait_for_url("**/dashboard/?team=*")
    expect(page.locator("main h1 + p")).to_contain_text("2 ")  # Economie owns two efforts
    axe_check(page, "opdrachtgever (narrowed)")
    # the tab bar keeps the narrowing, by keyboard too
    tab = page.get_by_role("link", name="Sinds de vorige ronde")
    tab.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard/changes/?team=*")
    expect(page.locator("#id_team option:checked")).to_have_text("Economie")
    axe_check(page, "opdrachtgever (narrowed changes)")


def test_the_annual_report_preview(page, live_server, plan_data, artifacts):
    login(page, live_server, "opgavemanager")
    response = goto(page, live_server, "/report/2022/")
    assert response.status == 200
    expect(page.locator("main h1")).to_have_count(1)
    expect(page.locator("main a[href='/report/2022/pdf/']")).to_be_visible()
    axe_check(page, "opgavemanager")
    page.screenshot(path=artifacts / "report-2022.png", full_page=True)
    goto(page, live_server, "/report/2022/?lang=en")
    axe_check(page, "opgavemanager (English report)")


SCROLL_REGIONS_JS = """() => [...document.querySelectorAll('main table')].map(table => {
  const region = table.parentElement;
  const label = document.getElementById(region.getAttribute('aria-labelledby'));
  return {
    table: table.caption ? table.caption.textContent.trim() : table.outerHTML.slice(0, 80),
    region: region.classList.contains('table-scroll') && region.getAttribute('role') === 'region',
    label: label !== null && label === table.caption && label.textContent.trim() !== '',
    tabIndex: region.tabIndex,
    overflow: region.scrollWidth - region.clientWidth,
  };
})"""


def assert_tables_scroll_in_labelled_regions(page, live_server, path: str, role: str) -> None:
    """At 320 px only the tables scroll, each in a region named by its caption that the
    keyboard reaches with Tab and scrolls with the arrow keys; the page itself does not."""
    page.set_viewport_size(NARROW)
    goto(page, live_server, path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], page.evaluate(OVERFLOWING_ELEMENTS_JS)
    tables = page.evaluate(SCROLL_REGIONS_JS)
    assert tables and max(t["overflow"] for t in tables) > 100, tables
    assert [t for t in tables if not (t["region"] and t["label"] and t["tabIndex"] == 0)] == []
    ids = page.eval_on_selector_all("[id]", "els => els.map(el => el.id)")
    assert len(ids) == len(set(ids)), "duplicate ids"

    regions = page.locator("main .table-scroll")
    reached = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        index = regions.evaluate_all("els => els.indexOf(document.activeElement)")
        if index >= 0:
            reached.add(index)
            if len(reached) == regions.count():
                break
    assert len(reached) == regions.count(), f"Tab reached {len(reached)} of {regions.count()}"
    widest = max(range(len(tables)), key=lambda i: tables[i]["overflow"])
    regions.nth(widest).focus()
    page.keyboard.press("ArrowRight")  # scrolls smoothly: wait for it
    page.wait_for_function(
        "i => document.querySelectorAll('main .table-scroll')[i].scrollLeft > 0", arg=widest
    )
    axe_check(page, f"{role} @320px")


def test_the_annual_report_preview_at_320_px(page, live_server, plan_data, artifacts):
    login(page, live_server, "opgavemanager")
    assert_tables_scroll_in_labelled_regions(page, live_server, "/report/2022/", "opgavemanager")
    page.locator("[aria-labelledby=efforts-priority-caption]").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "report-2022-320.png")


def test_the_evaluation_at_320_px(page, live_server, plan_data):
    login(page, live_server, "opgavemanager")
    assert_tables_scroll_in_labelled_regions(page, live_server, "/evaluation/", "opgavemanager")


def test_public_pages_without_login(page, live_server, plan_data):
    from plan.models import PlanYear
    from plan.selectors import plan_current, plan_snapshot

    plan = plan_current()
    PlanYear.objects.filter(plan=plan, year=2022).update(
        state="adopted", snapshot=plan_snapshot(plan=plan)
    )
    for path in ("/public/", "/accessibility/"):
        response = goto(page, live_server, path)
        assert response.status == 200, path
        expect(page.locator("h1")).to_have_count(1)
        axe_check(page, "anonymous")
    page.set_viewport_size(NARROW)
    goto(page, live_server, "/public/")
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]


def test_the_programme_manager_writes_the_reports_texts(page, live_server, plan_data):
    from plan.models import PlanYear
    from plan.selectors import plan_current

    PlanYear.objects.get_or_create(plan=plan_current(), year=2022)
    login(page, live_server, "opgavemanager")
    goto(page, live_server, "/years/2022/")
    expect(page.locator("#narrative-checklist li").first).to_have_text("Voorwoord")
    page.locator("#narrative-checklist a").click()
    page.wait_for_url("**/years/2022/narrative/")
    axe_check(page, "opgavemanager")
    page.get_by_label("Voorwoord (namens de wethouder)").fill(
        "Beste raadsleden,\n\nEen jaar met <strong>resultaat</strong>."
    )
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("#narrative-checklist li").first).not_to_have_text("Voorwoord")
    goto(page, live_server, "/report/2022/")
    expect(page.locator("#foreword .narrative strong")).to_have_text("resultaat")
    axe_check(page, "opgavemanager")
