"""What the steering group reads on the round page: every submitted update in full."""

from django.urls import reverse

from plan.models import Effort
from plan.services import (
    progress_update_review,
    progress_update_submit,
    progress_updates_accept,
)
from tests.base import RoundTestCase


def submit(effort, steering_round, author, *, accepted_by=None, **extra):
    """Submit an update; accepted by `accepted_by` when given (the meeting reads only
    accepted updates)."""
    update = progress_update_submit(
        effort=effort,
        steering_round=steering_round,
        author=author,
        status="at_risk",
        progress=60,
        note=f"Toelichting {effort.code}",
        **extra,
    )
    if accepted_by is not None:
        progress_update_review(update=update, by=accepted_by, accept=True)
    return update


class RoundDetailTestCase(RoundTestCase):
    def setUp(self):
        self.url = self.round.get_absolute_url()

    def test_each_update_shows_status_progress_note_next_steps_and_risks(self):
        submit(
            self.effort,
            self.round,
            self.alice,
            accepted_by=self.bob,
            next_steps="Subsidieaanvraag indienen in april",
            risks="Capaciteit bij de partner",
        )
        for user in (self.alice, self.bob, self.charlie, self.wethouder):
            self.client.force_login(user)
            r = self.client.get(self.url)
            self.assertContains(r, "<dt>Volgende stappen</dt>", html=False)
            self.assertContains(r, "Subsidieaanvraag indienen in april")
            self.assertContains(r, "Capaciteit bij de partner")
            self.assertContains(r, "Toelichting 3.1")
            self.assertContains(r, "Aandacht nodig")
            self.assertContains(r, "60%")

    def test_updates_are_grouped_per_spearhead_in_plan_order(self):
        submit(self.effort, self.round, self.alice, accepted_by=self.bob)
        submit(self.other_effort, self.round, self.charlie, accepted_by=self.bob)
        self.client.force_login(self.wethouder)
        html = self.client.get(self.url).content.decode()
        first = html.index("Speerpunt 1: Integratie &amp; Ontmoeting")
        second = html.index("Speerpunt 3: Kennis &amp; Economie")
        self.assertLess(first, html.index("Toelichting 1.1"))
        self.assertLess(html.index("Toelichting 1.1"), second)
        self.assertLess(second, html.index("Toelichting 3.1"))

    def test_twenty_five_updates_a_page_with_a_labelled_page_navigation(self):
        self.add_efforts(35)
        self.round.efforts.set(Effort.objects.all())
        for effort in Effort.objects.all():
            submit(effort, self.round, self.charlie, accepted_by=self.bob)
        self.client.force_login(self.wethouder)
        r = self.client.get(self.url)
        self.assertEqual(len(r.context["page"].object_list), 25)
        self.assertContains(r, "37 updates, per speerpunt. Getoond: 1 tot en met 25.")
        self.assertContains(r, '<nav aria-label="Pagina’s met updates">')
        self.assertContains(r, '<span class="page-link">Pagina 1 van 2</span>', html=True)
        r = self.client.get(self.url, {"page": 2})
        self.assertEqual(len(r.context["page"].object_list), 12)
        self.assertContains(r, "Getoond: 26 tot en met 37.")
        self.assertContains(r, "Vorige")

    def test_it_runs_the_same_queries_for_many_updates(self):
        submit(self.effort, self.round, self.alice)
        self.client.force_login(self.bob)
        # session, user, round with opener, permissions (1), the updates' count and page
        # (with effort, spearhead and author), the round's closing and reopening events, the
        # menu's plan years awaiting the user
        # and every plan, once, for the menu's plan switcher (plan.periods)
        with self.assertNumQueries(9):
            self.client.get(self.url)
        self.add_efforts(120)
        self.round.efforts.set(Effort.objects.all())
        for effort in Effort.objects.exclude(pk=self.effort.pk):
            submit(effort, self.round, self.charlie)
        with self.assertNumQueries(9):
            r = self.client.get(self.url)
        self.assertEqual(r.context["page"].paginator.count, 122)  # awaiting review, marked
        self.assertContains(r, "Wacht op beoordeling")
        progress_updates_accept(
            steering_round=self.round,
            update_ids=self.round.updates.values_list("pk", flat=True),
            by=self.bob,
        )
        self.client.force_login(self.wethouder)
        with self.assertNumQueries(9):
            self.client.get(self.url, {"page": 3})


class RoundDetailUrlTestCase(RoundTestCase):
    def test_a_page_beyond_the_last_shows_the_last(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("plan:round-detail", args=[self.round.pk]), {"page": 99})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Nog geen updates ingediend.")
