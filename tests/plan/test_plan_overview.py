from django.urls import reverse

from tests.base import BaseTestCase


class PlanOverviewTestCase(BaseTestCase):
    url = reverse("plan:overview")

    def test_it_shows_ambition_spearheads_and_goals(self):
        self.client.force_login(self.wethouder)
        r = self.client.get(self.url)
        self.assertContains(r, "<h1>Meerjarenplan test</h1>", html=True)
        self.assertContains(r, "Samen")
        self.assertContains(r, "1. Integratie &amp; Ontmoeting")
        self.assertContains(r, "3. Kennis &amp; Economie")
        # each goal linked, with the number of efforts contributing to it
        url = self.meeting_goal.get_absolute_url()
        goal = (
            f'<li><span class="goal-code">1.3</span> <a href="{url}">'
            'Meer ontmoeting</a> <span class="text-body-secondary">(2 inspanningen)</span></li>'
        )
        self.assertContains(r, goal, html=True)
        self.assertContains(
            r, 'Leiden als kennisstad</a> <span class="text-body-secondary">(1 inspanning)'
        )

    def test_it_counts_efforts_per_status_per_spearhead(self):
        self.client.force_login(self.alice)
        r = self.client.get(self.url)
        by_spearhead = {s.number: s.status_counts for s in r.context["spearheads"]}
        self.assertEqual([(c["status"], c["count"]) for c in by_spearhead[3]], [("on_track", 1)])
        self.assertEqual([(c["status"], c["count"]) for c in by_spearhead[1]], [("delayed", 1)])
        goals = {g.code: g.effort_count for s in r.context["spearheads"] for g in s.goals.all()}
        self.assertEqual(goals, {"1.3": 2, "3.1": 1})
        self.assertContains(r, f"?spearhead={self.economy.pk}&amp;status=on_track")

    def test_it_shows_dutch_status_labels(self):
        self.client.force_login(self.alice)
        r = self.client.get(self.url)
        self.assertContains(r, "Loopt volgens planning")
        self.assertContains(r, "Vertraagd")

    def test_it_runs_the_same_queries_for_a_bigger_plan(self):
        self.client.force_login(self.alice)
        # session, user, plan, spearheads, goals, status per spearhead (the totals are
        # their sums), and the menu's plan years awaiting the user's decision
        # (plan.context_processors)
        with self.assertNumQueries(7):
            self.client.get(self.url)
        self.add_efforts(20)
        with self.assertNumQueries(7):
            self.client.get(self.url)

    def test_an_anonymous_visitor_is_sent_to_login(self):
        r = self.client.get(self.url)
        self.assertRedirects(r, f"{reverse('login')}?next=/")
