"""The steering group's meeting agenda: what changed, accepted updates, overdue milestones
and the decisions to take, for whoever may see the round; printable on A4."""

from datetime import date
from pathlib import Path

from django.contrib.staticfiles import finders
from django.urls import reverse

from plan.models import Effort, Milestone, ProgressUpdate, SteeringRound
from tests.base import RoundTestCase
from tests.plan.test_round_detail import submit


class RoundMeetingTestCase(RoundTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # the previous meeting accepted 3.1 on track at 40% and 1.1 delayed at 10%
        cls.previous = SteeringRound.objects.create(
            plan=cls.plan, meeting_date=date(2022, 9, 15), deadline=date(2022, 9, 1), state="closed"
        )
        for effort, status, progress in [
            (cls.effort, "on_track", 40),
            (cls.other_effort, "delayed", 10),
        ]:
            ProgressUpdate.objects.create(
                effort=effort, steering_round=cls.previous, author=cls.alice, status=status,
                progress=progress, note="Vorige keer", state=ProgressUpdate.State.ACCEPTED,
            )  # fmt: skip

    def setUp(self):
        self.url = reverse("plan:round-meeting", args=[self.round.pk])

    def get(self, user=None):
        self.client.force_login(user or self.wethouder)
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 200)
        return r

    def test_it_shows_what_changed_since_the_previous_meeting_old_to_new(self):
        submit(self.effort, self.round, self.alice, accepted_by=self.bob)  # at_risk, 60%
        r = self.get()
        changes = r.context["changes"]
        self.assertEqual([row["effort"].code for row in changes], ["3.1"])
        self.assertContains(r, "Wat is er veranderd sinds het vorige overleg")
        self.assertContains(
            r,
            '<span class="status status-on_track">Loopt volgens planning</span> → '
            '<span class="status status-at_risk">Aandacht nodig</span>',
        )
        self.assertContains(r, "40% → 60%")
        self.assertContains(r, "Vergeleken met het vorige overleg, van 15 september 2022.")

    def test_an_unchanged_effort_is_not_listed_as_changed(self):
        submit(self.effort, self.round, self.alice, accepted_by=self.bob)
        update = self.round.updates.get()
        ProgressUpdate.objects.filter(pk=update.pk).update(status="on_track", progress=40)
        r = self.get()
        self.assertEqual(r.context["changes"], [])
        self.assertContains(r, "Er is geen geaccepteerde status of voortgang veranderd")

    def test_accepted_updates_per_spearhead_with_a_note_excerpt(self):
        submit(self.effort, self.round, self.alice, accepted_by=self.bob)
        submit(self.other_effort, self.round, self.charlie, accepted_by=self.bob)
        ProgressUpdate.objects.filter(effort=self.other_effort, steering_round=self.round).update(
            note="Lang verhaal " * 40
        )
        html = self.get().content.decode()
        first = html.index("Speerpunt 1: Integratie &amp; Ontmoeting")
        second = html.index("Speerpunt 3: Kennis &amp; Economie")
        self.assertLess(first, html.index("Lang verhaal"), second)
        self.assertLess(second, html.index("Toelichting 3.1"))
        self.assertNotIn("Lang verhaal " * 30, html)  # an excerpt, not the whole note
        self.assertIn("…", html)

    def test_drafts_and_updates_awaiting_review_are_decisions_not_content(self):
        submit(self.other_effort, self.round, self.charlie)  # awaits review
        ProgressUpdate.objects.create(
            effort=self.effort, steering_round=self.round, author=self.alice,
            status="on_track", progress=50, note="Geheim concept", state="concept",
        )  # fmt: skip
        r = self.get()
        self.assertNotContains(r, "Geheim concept")
        self.assertNotContains(r, "Toelichting 1.1")
        self.assertEqual(r.context["awaiting"], [self.other_effort])
        self.assertEqual(r.context["missing"], [self.effort])
        self.assertContains(
            r, "Doorontwikkeling Expat Centre (Kennis &amp; Internationalisering): nog een concept"
        )
        self.assertContains(r, "Nog geen update geaccepteerd in deze ronde.")

    def test_efforts_that_need_attention_or_are_delayed_and_the_decisions_text(self):
        submit(self.effort, self.round, self.alice, accepted_by=self.bob)  # at_risk
        self.round.decisions = "Budget voor 3.1 aanvragen."
        self.round.save()
        r = self.get()
        codes = [(row["effort"].code, row["status"]) for row in r.context["attention"]]
        self.assertEqual(codes, [("1.1", "delayed"), ("3.1", "at_risk")])
        self.assertContains(r, "Budget voor 3.1 aanvragen.")
        self.assertContains(r, "Besluiten van dit overleg")

    def test_overdue_milestones_are_those_not_done_and_due_before_the_meeting(self):
        Milestone.objects.create(effort=self.effort, title="Te laat", due=date(2023, 3, 1))
        Milestone.objects.create(effort=self.effort, title="Na het overleg", due=date(2023, 4, 1))
        Milestone.objects.create(
            effort=self.effort, title="Afgerond", due=date(2023, 2, 1), done=date(2023, 2, 2)
        )
        r = self.get()
        self.assertEqual([m.title for m in r.context["overdue_milestones"]], ["Te laat"])
        self.assertContains(r, "1 maart 2023")

    def test_the_page_names_the_portal_the_round_and_the_date_and_prints_on_a4(self):
        r = self.get()
        self.assertContains(r, '<p class="meeting-portal">Internationalisering Leiden</p>')
        self.assertContains(r, "<h1>Agenda van het overleg: Overleg regiegroep van 15-03-2023</h1>")
        self.assertContains(r, "Ctrl+P")
        self.assertContains(r, "css/meeting.css")
        css = Path(finders.find("css/meeting.css")).read_text(encoding="utf-8")
        self.assertIn("@media print", css)
        self.assertIn("@page { size: A4;", css)
        self.assertIn("break-inside: avoid", css)
        self.assertIn(".site-header, .site-footer", css)

    def test_the_round_page_links_to_it(self):
        self.client.force_login(self.alice)
        r = self.client.get(self.round.get_absolute_url())
        self.assertContains(r, f'href="{self.url}"')

    def test_everyone_who_sees_the_round_sees_it_and_anonymous_logs_in(self):
        for user in (self.alice, self.bob, self.charlie, self.wethouder):
            self.get(user)
        self.client.logout()
        r = self.client.get(self.url)
        self.assertRedirects(
            r, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False
        )
        self.client.force_login(self.alice)
        self.assertEqual(
            self.client.get(reverse("plan:round-meeting", args=[999999])).status_code, 404
        )

    def test_the_queries_do_not_grow_with_the_efforts(self):
        submit(self.effort, self.round, self.alice, accepted_by=self.bob)
        Milestone.objects.create(effort=self.effort, title="Te laat", due=date(2023, 3, 1))
        self.client.force_login(self.wethouder)
        # session, user, round, previous round, efforts, this round's and the previous
        # round's updates, overdue milestones, the menu's plans (switcher) and plan years
        # awaiting the user
        with self.assertNumQueries(10):
            self.client.get(self.url)
        self.add_efforts(30)
        self.round.efforts.set(Effort.objects.all())
        for effort in Effort.objects.exclude(pk=self.effort.pk)[:20]:
            submit(effort, self.round, self.charlie, accepted_by=self.bob)
            Milestone.objects.create(effort=effort, title="Ook te laat", due=date(2023, 3, 1))
        with self.assertNumQueries(10):
            r = self.client.get(self.url)
        self.assertEqual(r.context["accepted_count"], 21)
        self.assertEqual(len(r.context["overdue_milestones"]), 21)
