"""Irreversible steps are taken from a confirmation page that says what is frozen and what
is missing; a closed round can be reopened with a reason until its year is adopted."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from plan.models import PlanYear, SteeringRound, SteeringRoundEvent
from plan.services import plan_year_transition
from tests.base import RoundTestCase
from tests.plan.test_plan_years import PlanYearTestCase
from tests.plan.test_rounds import submit


class RoundCloseTestCase(RoundTestCase):
    def test_closing_asks_first_and_names_what_is_missing(self):
        self.round.deadline = timezone.localdate() + timedelta(days=3)
        self.round.meeting_date = self.round.deadline
        self.round.save()
        submit(self.effort, self.round, self.alice)
        self.client.force_login(self.bob)
        page = self.client.get(self.round.get_absolute_url())
        close = reverse("plan:round-close", args=[self.round.pk])
        self.assertContains(page, f'href="{close}"')  # a link to the question, not a button
        r = self.client.get(close)
        self.assertContains(r, "1 van 2 updates ingediend.")
        self.assertContains(r, "1 update ontbreekt nog.")
        self.assertContains(r, "is nog niet verstreken")
        self.round.refresh_from_db()
        self.assertTrue(self.round.is_open)  # asking changes nothing
        r = self.client.post(close, follow=True)
        self.assertContains(r, "de updates liggen nu vast")
        self.round.refresh_from_db()
        self.assertFalse(self.round.is_open)
        event = SteeringRoundEvent.objects.get()
        self.assertEqual((event.action, event.by), ("closed", self.bob))

    def test_a_closed_round_is_reopened_with_a_reason_the_round_keeps(self):
        self.client.post(reverse("plan:round-close", args=[self.round.pk]))  # not logged in
        self.client.force_login(self.bob)
        self.client.post(reverse("plan:round-close", args=[self.round.pk]))
        url = reverse("plan:round-reopen", args=[self.round.pk])
        r = self.client.post(url, {"reason": "  "})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "Dit veld is verplicht", status_code=400)
        r = self.client.post(url, {"reason": "Update 1.1 kwam te laat binnen"}, follow=True)
        self.assertContains(r, "De updateronde is weer open.")
        self.assertContains(r, "Update 1.1 kwam te laat binnen")
        self.round.refresh_from_db()
        self.assertTrue(self.round.is_open)
        events = [(e.action, e.by, e.reason) for e in self.round.events.all()]
        self.assertEqual(
            events,
            [("closed", self.bob, ""), ("reopened", self.bob, "Update 1.1 kwam te laat binnen")],
        )

    def test_a_round_of_an_adopted_year_stays_closed(self):
        self.client.force_login(self.bob)
        self.client.post(reverse("plan:round-close", args=[self.round.pk]))
        PlanYear.objects.create(plan=self.plan, year=self.round.meeting_date.year, state="adopted")
        url = reverse("plan:round-reopen", args=[self.round.pk])
        r = self.client.post(url, {"reason": "Toch nog"})
        self.assertContains(
            r, "is vastgesteld; de updaterondes daarvan blijven gesloten", status_code=400
        )
        self.assertEqual(SteeringRound.objects.get().state, "closed")

    def test_only_the_programme_manager_closes_and_reopens(self):
        self.client.force_login(self.alice)
        for name in ("plan:round-close", "plan:round-reopen"):
            url = reverse(name, args=[self.round.pk])
            self.assertEqual(self.client.get(url).status_code, 403)
            self.assertEqual(self.client.post(url, {"reason": "x"}).status_code, 403)


class AdoptionConfirmationTestCase(PlanYearTestCase):
    def test_adopting_is_confirmed_on_a_page_that_links_the_pdf_draft(self):
        self.advance_to("reviewed")
        self.client.force_login(self.alderman)
        year_page = self.client.get(self.plan_year.get_absolute_url())
        confirm = reverse("plan:year-transition", args=[2022]) + "?to=adopted"
        self.assertContains(year_page, confirm.replace("&", "&amp;"))
        r = self.client.get(confirm)
        self.assertContains(r, "Vaststellen legt het plan vast zoals het nu is, met 2 inspanningen")
        self.assertContains(r, reverse("reporting:annual-report-pdf", args=[2022]))
        self.assertContains(r, "2 lopende inspanningen hebben geen update in een ronde van 2022.")
        # a POST without the confirmation page's answer is refused
        url = reverse("plan:year-transition", args=[2022])
        self.client.post(url, {"to": "adopted"})
        self.assertEqual(self.state(), "reviewed")
        self.client.post(url, {"to": "adopted", "confirmed": "yes"})
        self.assertEqual(self.state(), "adopted")

    def test_only_the_role_whose_turn_it_is_sees_the_confirmation(self):
        self.advance_to("reviewed")
        confirm = reverse("plan:year-transition", args=[2022]) + "?to=adopted"
        for user in (self.bob, self.reader, self.directors):
            self.client.force_login(user)
            self.assertEqual(self.client.get(confirm).status_code, 403)
        self.client.force_login(self.alderman)
        steps = reverse("plan:year-transition", args=[2022]) + "?to=advised"
        self.assertEqual(self.client.get(steps).status_code, 403)  # not a step of theirs

    def test_sending_to_the_council_is_confirmed_too(self):
        self.advance_to("adopted")
        self.client.force_login(self.bob)
        r = self.client.get(reverse("plan:year-transition", args=[2022]) + "?to=sent_to_council")
        self.assertContains(r, "aan de raad is aangeboden")
        plan_year_transition(plan_year=self.plan_year, to="sent_to_council", by=self.bob)
        self.assertEqual(self.plan_year.sent_to_council_on, date.today())
