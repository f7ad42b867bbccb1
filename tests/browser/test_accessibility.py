"""The portal in a real browser: WCAG 2.1 AA checks with axe, keyboard use, reflow, language.

Wording is not asserted (the translations may not be compiled); structure is.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import (
    DESKTOP,
    LOGIN_PATH,
    NARROW,
    axe_check,
    axe_violations,
    goto,
    login,
    path_of,
    submit_login,
)

pytestmark = pytest.mark.browser

ROLE_PAGES = [
    "overview",
    "effort_list",
    "effort_list_filtered",
    "effort_detail",
    "spearhead_detail",
    "goal_detail",
]

# Elements wider than the viewport, to say what breaks reflow when the check fails.
OVERFLOWING_ELEMENTS_JS = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 0.5) {
      const cls = el.className && typeof el.className === 'string'
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls}`
                + ` right=${Math.round(box.right)}`);
    }
  }
  return wide.slice(0, 8);
}"""


def html_lang(page) -> str | None:
    return page.locator("html").get_attribute("lang")


def assert_page_structure(page, name: str) -> None:
    assert html_lang(page) == "nl", f"{name}: <html lang> is {html_lang(page)!r}"
    expect(page.locator("h1"), f"{name}: one h1").to_have_count(1)
    expect(page.locator("main#main"), f"{name}: one main").to_have_count(1)
    assert page.title().strip(), f"{name}: empty <title>"


@pytest.mark.parametrize("role", ["opgavemanager", "regiegroep", "wethouder"])
def test_plan_pages_have_no_axe_violations(page, live_server, plan_data, role):
    login(page, live_server, role)
    reports = []
    for name in ROLE_PAGES:
        response = goto(page, live_server, plan_data[name])
        assert response.status == 200, f"{name} ({plan_data[name]}): HTTP {response.status}"
        assert_page_structure(page, name)
        report = axe_violations(page, role)
        if report:
            reports.append(report)
    # Only the programme manager is staff, so only they see the link to the back office.
    expect(page.locator("header a[href='/admin/']")).to_have_count(
        1 if role == "opgavemanager" else 0
    )
    if reports:
        pytest.fail("\n\n".join(reports), pytrace=False)


def test_login_page_has_no_axe_violations(page, live_server, plan_data):
    goto(page, live_server, "/")  # anonymous: sent to the login page
    assert urlsplit(page.url).path == LOGIN_PATH
    assert_page_structure(page, "login")
    axe_check(page, "anonymous")


def test_login_error_has_no_axe_violations(page, live_server, plan_data):
    submit_login(page, live_server, "lezer", "not-the-password")
    assert urlsplit(page.url).path == LOGIN_PATH, "a wrong password logged in"
    expect(page.locator("main form .alert-danger")).to_have_count(1)
    assert_page_structure(page, "login with error")
    axe_check(page, "anonymous (wrong password)")


def test_404_page_has_no_axe_violations(page, live_server, plan_data):
    login(page, live_server, "opgavemanager")
    response = goto(page, live_server, "/bestaat-niet/")
    assert response.status == 404
    assert_page_structure(page, "404")
    axe_check(page, "opgavemanager")


def test_overview_shows_six_spearheads_and_23_goals(page, live_server, plan_data, artifacts):
    login(page, live_server, "lezer")  # lands on the overview
    assert path_of(page.url) == plan_data["overview"]
    expect(page.locator(".spearhead-card h3")).to_have_count(6)
    expect(page.locator("ul.goal-list li")).to_have_count(23)
    expect(page.locator("ul.goal-list li a[href^='/goals/']")).to_have_count(23)
    page.screenshot(path=artifacts / "overview-1280.png", full_page=True)


def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(page, live_server, plan_data):
    login(page, live_server, "regiegroep")
    goto(page, live_server, plan_data["overview"])  # fresh page: focus at the top
    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()  # visually hidden until focused (WCAG 2.4.7)
    assert box and box["width"] > 10 and box["height"] > 10, f"skip link not shown: {box}"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.closest('#main') !== null")
    assert urlsplit(page.url).fragment == "main"
    # The next Tab continues inside the main content, not in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#main') !== null")


def test_pages_reflow_at_320_css_pixels(page, live_server, plan_data, artifacts):
    page.set_viewport_size(NARROW)
    login(page, live_server, "regiegroep")
    screenshots = {"overview": "overview-320.png", "effort_detail": "effort-detail-320.png"}
    problems = []
    for name in ["overview", "effort_list", "effort_detail"]:
        goto(page, live_server, plan_data[name])
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll_width > inner_width:
            wide = page.evaluate(OVERFLOWING_ELEMENTS_JS)
            problems.append(
                f"{name}: scrollWidth {scroll_width} > innerWidth {inner_width}; too wide: {wide}"
            )
        report = axe_violations(page, "regiegroep @320px")
        if report:
            problems.append(report)
        if name in screenshots:
            page.screenshot(path=artifacts / screenshots[name], full_page=True)
    # The collapsed main menu opens and its contents (logout included) fit as well.
    page.locator("header button.navbar-toggler").click()
    expect(page.locator("header form[action='/accounts/logout/'] button")).to_be_visible()
    if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
        problems.append(f"open menu: too wide: {page.evaluate(OVERFLOWING_ELEMENTS_JS)}")
    report = axe_violations(page, "regiegroep @320px, menu open")
    if report:
        problems.append(report)
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


def test_the_longest_menu_fits_at_every_width_in_both_languages(page, live_server, plan_data):
    """The programme manager has the most menu items: at no width between a phone and a wide
    screen, in Dutch or English, does the header push the page sideways (where the items and
    the user's buttons do not fit on one line, the buttons wrap to a second)."""
    login(page, live_server, "opgavemanager")
    problems = []
    for language in ("nl", "en"):
        if language == "en":
            switch = page.locator("footer form.language-switch")
            switch.locator("select[name=language]").select_option("en")
            with page.expect_navigation():
                switch.locator("button[type=submit]").click()
        for width in (320, 768, 992, 1199, 1200, 1399, 1400, 1600, 1920):
            page.set_viewport_size({"width": width, "height": 800})
            goto(page, live_server, plan_data["overview"])
            if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
                problems.append(f"{language} {width}px: {page.evaluate(OVERFLOWING_ELEMENTS_JS)}")
    assert not problems, "\n".join(problems)


def test_language_switch_to_english_persists(browser, live_server, plan_data):
    # A browser that prefers English: the portal must still start in Dutch.
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    page = context.new_page()
    try:
        login(page, live_server, "lezer")  # lands on the overview
        assert html_lang(page) == "nl"
        switch = page.locator("footer form.language-switch")
        switch.locator("select[name=language]").select_option("en")
        with page.expect_navigation():
            switch.locator("button[type=submit]").click()
        assert html_lang(page) == "en"
        assert path_of(page.url) == plan_data["overview"], "switch did not return to the page"
        goto(page, live_server, plan_data["effort_list"])
        assert html_lang(page) == "en", "the language choice did not persist"
        expect(page.locator("#language-select")).to_have_value("en")
        axe_check(page, "lezer (English)")
    finally:
        context.close()


def test_logout_button_logs_out(page, live_server, plan_data):
    login(page, live_server, "opdrachtgever")
    with page.expect_navigation():
        page.locator("header form[action='/accounts/logout/'] button[type=submit]").click()
    assert urlsplit(page.url).path == LOGIN_PATH
    goto(page, live_server, plan_data["overview"])
    url = urlsplit(page.url)
    assert url.path == LOGIN_PATH, f"still logged in: {page.url}"
    assert parse_qs(url.query).get("next") == ["/"]
