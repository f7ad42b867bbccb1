"""The meeting agenda in a real browser, on the real plan: it reflows at 320 px, and printed
it leaves out the navigation and fills A4 pages whose table rows are not split."""

import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from .conftest import NARROW, axe_violations, goto, login

pytestmark = pytest.mark.browser


@pytest.fixture
def meeting(plan_data):
    """An open round on the real plan with every effort's update accepted, half of them with
    another status than at the previous meeting, and an overdue milestone: a long agenda."""
    from django.contrib.auth.models import User

    from plan.models import Milestone, ProgressUpdate, SteeringRound
    from plan.selectors import plan_current
    from plan.services import steering_round_open

    manager = User.objects.get(username="opgavemanager")
    lead = User.objects.get(username="regiegroep")
    today = timezone.localdate()
    previous = SteeringRound.objects.create(
        plan=plan_current(),
        meeting_date=today - timedelta(weeks=26),
        deadline=today - timedelta(weeks=28),
        state=SteeringRound.State.CLOSED,
    )
    steering_round = steering_round_open(
        meeting_date=today + timedelta(weeks=3),
        deadline=today + timedelta(weeks=2),
        opened_by=manager,
    )
    efforts = list(steering_round.efforts.all())
    rows = []
    for number, effort in enumerate(efforts):
        for the_round, status in [(previous, "on_track"), (steering_round, "at_risk")]:
            rows.append(
                ProgressUpdate(
                    effort=effort,
                    steering_round=the_round,
                    author=lead,
                    status=status if number % 2 else "on_track",
                    progress=30 if the_round is previous else 45,
                    note="Een toelichting van enige lengte, " * 6,
                    state=ProgressUpdate.State.ACCEPTED,
                )
            )
    ProgressUpdate.objects.bulk_create(rows)
    Milestone.objects.create(effort=efforts[0], title="Convenant getekend", due=today)
    return f"/rounds/{steering_round.pk}/meeting/"


def test_the_agenda_reflows_at_320_px(page, live_server, meeting):
    page.set_viewport_size(NARROW)
    login(page, live_server, "lezer")
    goto(page, live_server, meeting)
    assert page.locator("h1").inner_text().startswith("Agenda van het overleg")
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"the agenda is {width} px wide at {inner} px"
    report = axe_violations(page, "lezer @320px")
    assert not report, report


def test_printed_it_leaves_out_the_navigation_and_fills_a4(page, live_server, meeting, tmp_path):
    login(page, live_server, "lezer")
    goto(page, live_server, meeting)
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert not page.locator("footer.site-footer").is_visible()
    assert not page.locator(".print-hint").is_visible()
    assert page.locator(".meeting-portal").is_visible()
    break_inside = page.locator(".meeting-table tbody tr").first.evaluate(
        "el => getComputedStyle(el).breakInside"
    )
    assert break_inside == "avoid"
    pdf = tmp_path / "agenda.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "pts (A4)" in info.stdout, info.stdout  # the page size the stylesheet asks for
    pages = int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )
    assert pages > 1  # a long agenda over several pages
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Internationalisering Leiden" in text
    assert "Agenda van het overleg" in text
    assert "Mijn inspanningen" not in text  # the menu is not printed


def test_a_lead_turns_the_digest_off_and_picks_english_by_keyboard_alone(
    page, live_server, plan_data
):
    """On "Mijn instellingen", Tab to the digest's checkbox, untick it with Space, move the
    language to English with an arrow key and save with Enter: the choice is kept."""
    from notifications.models import NotificationPreference

    from .test_steering_round import assert_focus_visible, tab_to

    page.set_viewport_size(NARROW)
    login(page, live_server, "regiegroep")
    goto(page, live_server, "/accounts/settings/")
    tab_to(page, "el => el.name === 'digest'")
    assert_focus_visible(page)
    page.keyboard.press("Space")
    tab_to(page, "el => el.name === 'language'", max_tabs=3)
    page.keyboard.press("ArrowDown")  # from Dutch (the default) to English
    tab_to(page, "E-mailinstellingen opslaan", max_tabs=3)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("alert").or_(page.locator(".alert")).first.is_visible()
    preference = NotificationPreference.objects.get(user__username="regiegroep")
    assert (preference.digest, preference.language) == (False, "en")
    assert axe_violations(page, "regiegroep") == ""
