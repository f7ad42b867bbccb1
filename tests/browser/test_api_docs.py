"""The API's documentation page (Swagger UI from our own files) and the tokens section of the
settings page, in a real Chromium under the portal's Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from .conftest import axe_check, goto, login

pytestmark = pytest.mark.browser


def test_the_api_documentation_renders_under_the_csp(page, live_server, plan_data):
    """The `page` fixture fails the test on any refusal under the Content-Security-Policy."""
    goto(page, live_server, "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("open data API")
    operations = page.locator(".opblock-summary-path")
    expect(operations.first).to_be_visible()
    paths = operations.all_inner_texts()
    assert any("/api/v1/public/years/{year}/efforts/" in p.replace("\u200b", "") for p in paths)
    # try one: the public list of adopted years, answered by the live server
    block = page.locator(".opblock").filter(has_text="/api/v1/public/years/").first
    block.locator(".opblock-summary").click()
    block.get_by_role("button", name="Try it out").click()
    block.get_by_role("button", name="Execute").click()
    expect(block.locator(".responses-wrapper .live-responses-table")).to_contain_text("200")
    # Swagger UI is third-party; static/css/api_docs.css darkens its colours and the
    # settings (SPECTACULAR_SETTINGS) turn off its nested links: axe finds nothing left
    axe_check(page)


def test_a_token_made_on_the_settings_page_reads_the_api(page, live_server, plan_data):
    login(page, live_server, "lezer")
    page.get_by_role("link", name="Mijn instellingen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn instellingen")
    axe_check(page, "lezer")
    page.get_by_label("Naam van het token").fill("Spreadsheet")
    page.get_by_role("button", name="Token aanmaken").click()
    expect(page.locator(".alert-success")).to_contain_text("Token “Spreadsheet” is aangemaakt")
    key = page.get_by_label("Uw nieuwe token (alleen nu zichtbaar)").input_value()
    assert key.startswith("lei_")
    axe_check(page, "lezer")
    status = page.evaluate(
        """async (key) => (await fetch('/api/v1/efforts/', {
            credentials: 'omit', headers: {Authorization: 'Token ' + key}})).status""",
        key,
    )
    assert status == 200
    page.get_by_role("button", name="Intrekken Spreadsheet").click()
    expect(page.locator(".alert-success")).to_contain_text("ingetrokken")
    status = page.evaluate(
        """async (key) => (await fetch('/api/v1/efforts/', {
            credentials: 'omit', headers: {Authorization: 'Token ' + key}})).status""",
        key,
    )
    assert status == 401
    page.set_viewport_size({"width": 320, "height": 800})
    axe_check(page, "lezer")
