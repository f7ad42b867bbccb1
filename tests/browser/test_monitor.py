"""The programme manager enters a Monitor figure in a real browser, on a phone 320 px wide;
the dashboard's Monitor page then shows it against its target in words."""

import re

import pytest
from playwright.sync_api import expect

from tests.base import monitor_with_targets

from .conftest import NARROW, axe_check, goto, login
from .test_accessibility import OVERFLOWING_ELEMENTS_JS

pytestmark = pytest.mark.browser


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], page.evaluate(OVERFLOWING_ELEMENTS_JS)


def test_a_value_entered_at_320_px_shows_on_the_dashboard(page, live_server, plan_data, artifacts):
    from plan.models import Goal

    indicator, _value = monitor_with_targets(goal=Goal.objects.order_by("pk").first())
    page.set_viewport_size(NARROW)
    login(page, live_server, "opgavemanager")
    page.locator("header button.navbar-toggler").click()
    page.get_by_role("link", name="Monitor", exact=True).click()
    expect(page.locator("h1")).to_have_text("Monitorcijfers")
    fits(page)
    axe_check(page, "opgavemanager @320px")

    page.get_by_role("link", name=indicator.name).click()
    fits(page)
    axe_check(page, "opgavemanager @320px")
    page.get_by_role("link", name="Waarde toevoegen").click()
    page.get_by_label("Jaar").fill("2022")
    page.get_by_role("textbox", name="Waarde", exact=True).fill("12,4")
    page.get_by_label("Streefwaarde").fill("12")
    page.get_by_label("Vergelijkingscijfer").fill("13,1")
    fits(page)
    axe_check(page, "opgavemanager @320px")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".messages")).to_contain_text("De waarde voor 2022 is opgeslagen.")
    row = page.get_by_role("row", name=re.compile(r"^2022 "))
    expect(row).to_contain_text("12,4%")
    expect(row).to_contain_text("13,1%")
    fits(page)
    page.screenshot(path=artifacts / "monitor-indicator-320.png", full_page=True)

    # a year twice is refused with a message at the field
    page.get_by_role("link", name="Waarde toevoegen").click()
    page.get_by_label("Jaar").fill("2022")
    page.get_by_role("textbox", name="Waarde", exact=True).fill("1")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#id_year")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("main .invalid-feedback")).to_contain_text(
        "Deze indicator heeft al een waarde voor 2022"
    )
    fits(page)
    axe_check(page, "opgavemanager @320px, errors")

    goto(page, live_server, "/dashboard/monitor/")
    standings = page.locator("table.monitor-standings")
    line = standings.locator("tr", has_text=indicator.name)
    expect(line).to_contain_text("12,4% (2022)")
    expect(line).to_contain_text("op koers")
    fits(page)
    axe_check(page, "opgavemanager @320px, dashboard")
    page.screenshot(path=artifacts / "dashboard-monitor-320.png", full_page=True)
