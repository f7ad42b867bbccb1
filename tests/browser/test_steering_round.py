"""Update rounds in a real browser: the lead's keyboard-only journey, validation errors,
axe on the new pages, the 403 page and the edit conflict between two tabs.

Unlike test_accessibility.py, these tests do assert the Dutch wording of the key texts: the
issue asks for a Dutch portal, and the translations of these pages are compiled in locale/.
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import LOGIN_PATH, NARROW, axe_check, axe_violations, goto, login, path_of

pytestmark = pytest.mark.browser

SUCCESS_MESSAGE = "Uw update is ter beoordeling ingediend. Dank u wel."
CONFLICT_TEXT = "Iemand anders heeft deze inspanning opgeslagen"

# A readable description of an element, to say where focus went when tab_to fails.
DESCRIBE_JS = """el => {
  if (!el) return '(nothing focused)';
  const text = (el.getAttribute('aria-label')
    || (el.labels && el.labels.length ? [...el.labels].map(l => l.innerText).join(' ') : '')
    || el.innerText || el.value || el.title || '').trim().replace(/\\s+/g, ' ');
  return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`
    + `${el.getAttribute('name') ? '[name=' + el.getAttribute('name') + ']' : ''}`
    + `${el.getAttribute('href') ? '[href=' + el.getAttribute('href') + ']' : ''}`
    + ` "${text.slice(0, 80)}"`;
}"""

# What a person hears or reads for the focused element, roughly its accessible name.
ACCESSIBLE_TEXT_JS = """el => {
  if (!el || el === document.body) return '';
  const labelled = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
    .map(id => document.getElementById(id)).filter(Boolean).map(n => n.innerText).join(' ');
  const labels = el.labels ? [...el.labels].map(l => l.innerText).join(' ') : '';
  return [el.getAttribute('aria-label'), labelled, labels, el.innerText, el.value, el.title]
    .filter(Boolean).join(' ').replace(/\\s+/g, ' ').trim();
}"""

FOCUS_STYLE_JS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    outlineStyle: style.outlineStyle, outlineWidth: style.outlineWidth,
    boxShadow: style.boxShadow, focusVisible: el.matches(':focus-visible'),
  };
}"""


# --- fixtures and helpers --------------------------------------------------------------------


@pytest.fixture
def steering_round(plan_data):
    """An open update round (deadline in two weeks, meeting in three), opened as the
    programme manager would, with the pks of efforts 3.1 and 3.2 for the tests."""
    from django.contrib.auth.models import User

    from plan.models import Effort
    from plan.services import steering_round_open

    today = timezone.localdate()
    steering_round = steering_round_open(
        meeting_date=today + timedelta(weeks=3),
        deadline=today + timedelta(weeks=2),
        opened_by=User.objects.get(username="opgavemanager"),
    )
    efforts = {
        effort.code: effort
        for effort in Effort.objects.select_related("spearhead").filter(spearhead__number=3)
    }
    assert steering_round.efforts.filter(pk=efforts["3.2"].pk).exists(), "3.2 not in the round"
    return {"round": steering_round, "3.1": efforts["3.1"], "3.2": efforts["3.2"]}


def describe_focus(page) -> str:
    return page.evaluate(f"() => ({DESCRIBE_JS})(document.activeElement)")


def tab_to(page, predicate_js_or_text: str, max_tabs: int = 80) -> str:
    """Press Tab until the focused element matches; returns its description.

    `predicate_js_or_text` is either a JavaScript function of the element ("el => ...") or a
    text the element's accessible text (label, aria-label, content, value) must contain,
    case-insensitively. Fails, listing where focus went, when max_tabs presses do not get there.
    """
    is_js = "=>" in predicate_js_or_text or predicate_js_or_text.lstrip().startswith("function")
    visited = []
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        if is_js:
            hit = page.evaluate(
                f"() => {{ const el = document.activeElement;"
                f" return !!el && el !== document.body && !!({predicate_js_or_text})(el); }}"
            )
        else:
            text = page.evaluate(f"() => ({ACCESSIBLE_TEXT_JS})(document.activeElement)")
            hit = predicate_js_or_text.casefold() in text.casefold()
        description = describe_focus(page)
        if hit:
            return description
        visited.append(description)
    shown = "\n  ".join(visited[-25:])
    pytest.fail(
        f"{max_tabs} Tab presses on {path_of(page.url)} did not reach an element matching "
        f"{predicate_js_or_text!r}; focus went to (last 25):\n  {shown}",
        pytrace=False,
    )


def assert_focus_visible(page) -> None:
    """The focused element shows a focus indicator (WCAG 2.4.7): an outline or a box shadow."""
    style = page.evaluate(FOCUS_STYLE_JS)
    has_outline = style["outlineStyle"] != "none" and style["outlineWidth"] not in ("0px", "")
    has_shadow = style["boxShadow"] not in ("none", "")
    assert has_outline or has_shadow, f"no visible focus on {describe_focus(page)}: {style}"


# --- 1. the lead's journey, by keyboard only ------------------------------------------------


def test_lead_submits_update_with_keyboard_only(page, live_server, steering_round):
    from plan.models import Effort, ProgressUpdate

    effort = steering_round["3.2"]
    update_path = f"/efforts/{effort.pk}/update/"
    note = "Tien nieuwe internationale talenten geworven via de Talent Week."
    wording = []  # Dutch texts that are wrong: reported together at the end

    # Log in: Tab from the top of the login page to the username field, then type.
    goto(page, live_server, LOGIN_PATH)
    tab_to(page, "el => el.name === 'username'")
    page.keyboard.type("regiegroep")
    tab_to(page, "el => el.name === 'password'", max_tabs=3)
    page.keyboard.type("demo-regiegroep")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # A steering-group member lands on "Mijn inspanningen".
    assert path_of(page.url) == "/my-efforts/", f"landed on {page.url}"
    heading = page.locator("main h1").inner_text().strip()
    if heading != "Mijn inspanningen":
        wording.append(f"my-efforts <h1> is {heading!r}, expected 'Mijn inspanningen'")

    # The first link to the update of 3.2 in Tab order is the one in the to-do list.
    found = tab_to(page, "Update indienen voor 3.2")
    assert f"[href={update_path}]" in found, f"focus is not on the link to the update: {found}"
    assert_focus_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert path_of(page.url) == update_path

    # Status: focus the select and choose "Aandacht nodig" with the arrow keys
    # (the effort is "Loopt volgens planning"; the next option is "Aandacht nodig").
    status = page.locator("main form select[name=status]")
    tab_to(page, "el => el.name === 'status'")
    assert_focus_visible(page)
    assert status.input_value() == "on_track", "the form does not start from the effort's status"
    page.keyboard.press("ArrowDown")
    expect(status).to_have_value("at_risk")
    chosen = status.evaluate("el => el.selectedOptions[0].textContent.trim()")
    if chosen != "Aandacht nodig":
        wording.append(f"status at_risk is shown as {chosen!r}, expected 'Aandacht nodig'")

    # Progress: replace the 25 already there.
    tab_to(page, "el => el.name === 'progress'", max_tabs=3)
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("60")
    tab_to(page, "el => el.name === 'note'", max_tabs=3)
    page.keyboard.type(note)

    # Submit with Enter on the submit button, whose focus must be visible.
    submit = tab_to(page, "el => el.type === 'submit' && el.closest('main form') !== null")
    assert_focus_visible(page)
    if "Update indienen" not in submit:
        wording.append(f"the submit button reads {submit}, expected 'Update indienen'")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Back on my-efforts: the Dutch thank-you, 3.2 marked as submitted, no longer to do.
    assert path_of(page.url) == "/my-efforts/", f"after submitting: {page.url}"
    expect(page.locator("main .messages")).to_contain_text(SUCCESS_MESSAGE)
    row = page.locator("main table tbody tr").filter(
        has=page.locator("td.effort-code", has_text="3.2")
    )
    expect(row).to_have_count(1)
    expect(row.locator(".submitted")).to_contain_text("ingediend")
    expect(row.locator(".missing")).to_have_count(0)
    expect(page.locator(f"#todo-heading ~ ul a[href='{update_path}']")).to_have_count(0)

    # In the database: one update with the typed values, awaiting review; the effort
    # follows it only once the programme manager accepts it.
    updates = ProgressUpdate.objects.filter(effort=effort)
    assert updates.count() == 1, f"{updates.count()} updates for 3.2"
    update = updates.get()
    assert (update.status, update.progress, update.note) == ("at_risk", 60, note)
    assert update.steering_round_id == steering_round["round"].pk
    assert update.author.username == "regiegroep"
    assert update.state == ProgressUpdate.State.SUBMITTED
    before = steering_round["3.2"]
    effort = Effort.objects.get(pk=effort.pk)
    assert (effort.status, effort.progress) == (before.status, before.progress)

    if wording:
        pytest.fail("Wrong Dutch wording:\n- " + "\n- ".join(wording), pytrace=False)


# --- 2. validation errors --------------------------------------------------------------------


def test_update_form_errors_are_shown_next_to_fields_and_announced(
    page, live_server, steering_round
):
    from plan.models import ProgressUpdate

    login(page, live_server, "regiegroep")
    goto(page, live_server, f"/efforts/{steering_round['3.2'].pk}/update/")
    form = page.locator("main form[method=post]")
    form.locator("input[name=progress]").fill("150")
    form.locator("textarea[name=note]").fill("")
    with page.expect_navigation():
        form.locator("button[name=submit]").click()

    assert page.title().startswith("Fout:"), (
        f"the title does not say there is an error: {page.title()!r}"
    )
    assert ProgressUpdate.objects.count() == 0, "an invalid update was saved"
    expected = {
        "progress": "Zorg ervoor dat deze waarde hoogstens 100 is.",
        "note": "Dit veld is verplicht.",
    }
    missing_describedby = []
    for name, message in expected.items():
        field = form.locator(f"[name={name}]")
        invalid = field.evaluate(
            "el => el.getAttribute('aria-invalid') === 'true'"
            " || el.classList.contains('is-invalid')"
        )
        assert invalid, f"{name}: neither aria-invalid='true' nor .is-invalid"
        # The error text sits in the field's own wrapper, right under the input.
        field_id = field.get_attribute("id")
        error = form.locator(f"#div_{field_id} .invalid-feedback")
        expect(error, f"{name}: no error text next to the field").to_have_count(1)
        expect(error).to_contain_text(message)
        expect(error).to_be_visible()
        # Announced with the field: aria-describedby names the error, and nothing that is
        # missing from the page.
        describedby = (field.get_attribute("aria-describedby") or "").split()
        dangling = [i for i in describedby if page.locator(f"[id='{i}']").count() != 1]
        assert not dangling, f"{name}: aria-describedby names missing ids {dangling}"
        error_ids = error.evaluate(
            "el => [el.id, ...[...el.querySelectorAll('[id]')].map(c => c.id)].filter(Boolean)"
        )
        if not set(error_ids) & set(describedby):
            missing_describedby.append(
                f"{name} (aria-describedby={describedby}, error {error_ids})"
            )

    axe_check(page, "regiegroep (update form with errors)")

    if missing_describedby:
        pytest.xfail(
            "the error text is rendered next to the field, but the input's "
            "aria-describedby does not reference it, so screen readers do not read the error "
            "with the field (WCAG 1.3.1/3.3.1): " + "; ".join(missing_describedby)
        )


# --- 3. axe on the new pages -----------------------------------------------------------------


def check_pages(page, live_server, role: str, paths: list[str]) -> list[str]:
    reports = []
    for path in paths:
        response = goto(page, live_server, path)
        assert response.status == 200, f"{path} as {role}: HTTP {response.status}"
        report = axe_violations(page, role)
        if report:
            reports.append(report)
    return reports


def test_new_pages_have_no_axe_violations_as_lead(page, live_server, steering_round):
    login(page, live_server, "regiegroep")
    effort = steering_round["3.2"]
    reports = check_pages(
        page,
        live_server,
        "regiegroep",
        [
            "/my-efforts/",
            f"/efforts/{effort.pk}/update/",
            f"/efforts/{effort.pk}/edit/",
            "/rounds/",
        ],
    )
    # A lead may not open rounds: no form on the round list.
    expect(page.locator("main form[action='/rounds/new/']")).to_have_count(0)

    # The edit form with an error: the title cleared.
    goto(page, live_server, f"/efforts/{effort.pk}/edit/")
    form = page.locator("main form[method=post]")
    form.locator("input[name=title]").fill("")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    title = form.locator("input[name=title]")
    expect(title).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(form.locator("#div_id_title .invalid-feedback")).to_contain_text(
        "Dit veld is verplicht."
    )
    report = axe_violations(page, "regiegroep (edit form, title cleared)")
    if report:
        reports.append(report)
    if reports:
        pytest.fail("\n\n".join(reports), pytrace=False)


def test_new_pages_have_no_axe_violations_as_programme_manager(page, live_server, steering_round):
    login(page, live_server, "opgavemanager")
    pk = steering_round["round"].pk
    reports = check_pages(
        page,
        live_server,
        "opgavemanager",
        [
            f"/efforts/{steering_round['3.1'].pk}/edit/",
            f"/rounds/{pk}/",
            f"/rounds/{pk}/completeness/",
        ],
    )
    expect(page.locator("main p.lead[role=status]")).to_contain_text("updates ingediend")

    # while a round is open the round list offers no new one; once it is closed it does
    response = goto(page, live_server, "/rounds/")
    expect(page.locator("main form[action='/rounds/new/']")).to_have_count(0)
    from plan.models import SteeringRound

    SteeringRound.objects.filter(pk=pk).update(state="closed")
    response = goto(page, live_server, "/rounds/")
    assert response.status == 200
    new_round = page.locator("main form[action='/rounds/new/']")
    expect(new_round.locator("input[name=meeting_date]")).to_have_count(1)
    report = axe_violations(page, "opgavemanager")
    if report:
        reports.append(report)

    # The "open a new round" form submitted empty: errors next to the date fields.
    with page.expect_navigation() as navigation:
        new_round.locator("button[type=submit]").click()
    assert navigation.value.status == 400
    expect(page.locator("main form[action='/rounds/new/'] .invalid-feedback")).to_have_count(2)
    report = axe_violations(page, "opgavemanager (new round form with errors)")
    if report:
        reports.append(report)
    if reports:
        pytest.fail("\n\n".join(reports), pytrace=False)


def test_round_detail_is_read_only_for_alderman(page, live_server, steering_round):
    login(page, live_server, "wethouder")
    response = goto(page, live_server, f"/rounds/{steering_round['round'].pk}/")
    assert response.status == 200
    expect(page.locator("main form")).to_have_count(0)
    expect(
        page.locator(f"main a[href='/rounds/{steering_round['round'].pk}/completeness/']")
    ).to_have_count(0)
    axe_check(page, "wethouder")


def test_effort_detail_shows_timeline_and_history_after_update(page, live_server, steering_round):
    from django.contrib.auth.models import User

    from plan.services import progress_update_review, progress_update_submit

    effort = steering_round["3.2"]
    note = "De Talent Week is gehouden; de campagne loopt."
    update = progress_update_submit(
        effort=effort,
        steering_round=steering_round["round"],
        author=User.objects.get(username="regiegroep"),
        status="at_risk",
        progress=40,
        note=note,
        risks="Minder budget dan gepland.",
    )
    manager = User.objects.get(username="opgavemanager")
    progress_update_review(update=update, by=manager, accept=True)
    login(page, live_server, "regiegroep")
    response = goto(page, live_server, f"/efforts/{effort.pk}/")
    assert response.status == 200
    timeline = page.locator("main ol.timeline > li")
    expect(timeline).to_have_count(1)
    expect(timeline).to_contain_text(note)
    expect(timeline).to_contain_text("40%")
    expect(timeline.locator(".status")).to_have_text("Aandacht nodig")
    expect(page.locator("main ul.history > li").first).to_contain_text("Aandacht nodig")
    axe_violations_report = axe_violations(page, "regiegroep (after an update)")

    title = page.title()
    assert "<" not in title and len(title) < 300, (
        f"the <title> of the effort page holds markup ({len(title)} characters): {title[:160]!r}..."
    )
    if axe_violations_report:
        pytest.fail(axe_violations_report, pytrace=False)


# --- 4. forbidden ----------------------------------------------------------------------------


def test_lead_of_other_team_gets_dutch_403(page, live_server, steering_round):
    login(page, live_server, "regiegroep")
    pk = steering_round["3.1"].pk  # team Kennis & Internationalisering, not Economie
    for path in [f"/efforts/{pk}/edit/", f"/efforts/{pk}/update/"]:
        response = goto(page, live_server, path)
        assert response.status == 403, f"{path}: HTTP {response.status}"
        expect(page.locator("main h1")).to_have_text("Geen toegang")
        assert urlsplit(page.url).path == path
    axe_check(page, "regiegroep (403)")


# --- 5. two tabs, one effort -----------------------------------------------------------------


def test_conflict_between_two_tabs_keeps_second_tabs_input(page, live_server, steering_round):
    from plan.models import Effort

    effort = steering_round["3.1"]
    original_title, original_status = effort.title, effort.status
    assert original_status != "delayed"
    new_title = "Doorontwikkeling Expat Centre Leiden (herzien)"
    edit_path = f"/efforts/{effort.pk}/edit/"

    login(page, live_server, "opgavemanager")
    tab_a = page
    tab_b = page.context.new_page()
    goto(tab_a, live_server, edit_path)
    goto(tab_b, live_server, edit_path)

    form_a = tab_a.locator("main form[method=post]")
    form_a.locator("input[name=title]").fill(new_title)
    with tab_a.expect_navigation():
        form_a.locator("button[type=submit]").click()
    assert path_of(tab_a.url) == f"/efforts/{effort.pk}/", f"tab A did not save: {tab_a.url}"

    form_b = tab_b.locator("main form[method=post]")
    form_b.locator("select[name=status]").select_option("delayed")
    with tab_b.expect_navigation() as navigation:
        form_b.locator("button[type=submit]").click()
    assert navigation.value.status == 409, f"tab B: HTTP {navigation.value.status}"

    conflict = tab_b.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text(CONFLICT_TEXT)
    change = conflict.locator("li", has_text=new_title)
    expect(change).to_have_count(1)
    expect(change).to_contain_text(original_title)
    expect(change).to_contain_text("Titel")
    expect(form_b.locator("select[name=status]")).to_have_value("delayed")
    assert tab_b.title().startswith("Fout:"), tab_b.title()

    effort = Effort.objects.get(pk=effort.pk)
    assert effort.title == new_title, "tab B overwrote tab A's title"
    assert effort.status == original_status, "tab B's status was saved despite the conflict"
    axe_check(tab_b, "opgavemanager (edit conflict)")


def test_closing_and_reopening_a_round_by_keyboard_only(page, live_server, steering_round):
    """The confirmation pages of closing and reopening work without a mouse."""
    from plan.models import SteeringRound

    pk = steering_round["round"].pk
    login(page, live_server, "opgavemanager")
    goto(page, live_server, f"/rounds/{pk}/")
    tab_to(page, "Ronde sluiten")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert path_of(page.url) == f"/rounds/{pk}/close/"
    expect(page.locator("main")).to_contain_text("updates ontbreken nog")
    tab_to(page, "Ronde sluiten en updates vastleggen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert SteeringRound.objects.get(pk=pk).state == "closed"

    tab_to(page, "Ronde heropenen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "el => el.name === 'reason'")
    page.keyboard.type("Twee updates kwamen te laat")
    tab_to(page, "De ronde heropenen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert SteeringRound.objects.get(pk=pk).state == "open"
    expect(page.locator("main")).to_contain_text("Twee updates kwamen te laat")


# --- 6. review and milestones, by keyboard at 320 px -----------------------------------------


def assert_reflows(page, where: str) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not wide, f"{where}: wider than the 320 px viewport"


def test_review_and_bulk_accept_by_keyboard_at_320_px(page, live_server, steering_round):
    """The programme manager returns one update with a reason and accepts the others in bulk
    (select, preview, confirm) without a mouse, on a 320 px wide screen; axe on each page."""
    from django.contrib.auth.models import User

    from plan.models import Effort, ProgressUpdate
    from plan.services import progress_update_submit

    page.set_viewport_size(NARROW)
    lead = User.objects.get(username="regiegroep")
    pk = steering_round["round"].pk
    updates = {}
    for code in ("3.1", "3.2"):
        updates[code] = progress_update_submit(
            effort=steering_round[code],
            steering_round=steering_round["round"],
            author=lead,
            status="delayed",
            progress=20,
            note=f"Toelichting {code}",
        )
    login(page, live_server, "opgavemanager")
    goto(page, live_server, f"/rounds/{pk}/completeness/")
    assert_reflows(page, "completeness")
    axe_check(page, "opgavemanager @320px (completeness with updates awaiting review)")

    # return 3.1 with a reason
    tab_to(page, "3.1 beoordelen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert path_of(page.url) == f"/updates/{updates['3.1'].pk}/review/"
    assert_reflows(page, "review")
    tab_to(page, "el => el.name === 'reason'")
    page.keyboard.type("Noem de nieuwe planning.")
    tab_to(page, "Terugsturen naar de trekker")
    assert_focus_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("main .messages")).to_contain_text("teruggestuurd")
    assert ProgressUpdate.objects.get(pk=updates["3.1"].pk).state == "returned"

    # accept the rest: tick "all", preview, confirm
    tab_to(page, "el => el.id === 'accept-all'")
    page.keyboard.press("Space")
    tab_to(page, "Voorbeeld van het accepteren")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_reflows(page, "preview")
    axe_check(page, "opgavemanager @320px (bulk accept preview)")
    expect(page.locator("main h1")).to_have_text("1 update accepteren?")
    tab_to(page, "1 update accepteren")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("main .messages")).to_contain_text("1 update geaccepteerd.")
    assert ProgressUpdate.objects.get(pk=updates["3.2"].pk).state == "accepted"
    assert Effort.objects.get(pk=steering_round["3.2"].pk).status == "delayed"


def test_lead_keeps_milestones_by_keyboard_at_320_px(page, live_server, steering_round):
    from django.contrib.auth.models import User

    from plan.models import Effort, Milestone

    page.set_viewport_size(NARROW)
    effort = steering_round["3.2"]
    Effort.objects.filter(pk=effort.pk).update(lead=User.objects.get(username="regiegroep"))
    login(page, live_server, "regiegroep")
    goto(page, live_server, f"/efforts/{effort.pk}/")
    tab_to(page, "Mijlpaal toevoegen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_reflows(page, "new milestone")
    axe_check(page, "regiegroep @320px (new milestone)")
    tab_to(page, "el => el.name === 'title'")
    page.keyboard.type("Talent Week gehouden")
    tab_to(page, "el => el.name === 'due'", max_tabs=3)
    page.keyboard.type("01012020")  # a date input takes the digits in the locale's order
    tab_to(page, "Mijlpaal opslaan")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    milestone = Milestone.objects.get(effort=effort)
    assert milestone.title == "Talent Week gehouden"
    expect(page.locator("#milestones-heading ~ ol")).to_contain_text("over tijd")
    assert_reflows(page, "effort with its milestone")
    axe_check(page, "regiegroep @320px (effort with an overdue milestone)")
    tab_to(page, "“Talent Week gehouden” gereed melden")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    milestone.refresh_from_db()
    assert milestone.done is not None
    expect(page.locator("#milestones-heading ~ ol")).to_contain_text("gereed op")
