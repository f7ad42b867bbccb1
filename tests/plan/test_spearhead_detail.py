from django.urls import reverse

from tests.base import BaseTestCase


class SpearheadDetailTestCase(BaseTestCase):
    def setUp(self):
        self.url = reverse("plan:spearhead-detail", args=[self.integration.pk])

    def test_it_counts_each_goals_efforts_from_any_spearhead(self):
        self.client.force_login(self.charlie)
        r = self.client.get(self.url)
        self.assertContains(r, "Inclusief")
        # goal 1.3 is served by 1.1 (own spearhead) and 3.1 (another spearhead); the goal's
        # page lists them
        self.assertContains(r, "2 inspanningen, 2 lopend")
        self.assertContains(r, self.meeting_goal.get_absolute_url())
        self.assertContains(r, self.other_effort.get_absolute_url())
        self.assertNotContains(r, self.effort.get_absolute_url())

    def test_its_effort_table_holds_only_its_own_efforts(self):
        self.client.force_login(self.charlie)
        r = self.client.get(self.url)
        self.assertEqual([e.code for e in r.context["efforts"]], [self.other_effort.code])

    def test_an_unknown_spearhead_is_a_404(self):
        self.client.force_login(self.charlie)
        r = self.client.get(reverse("plan:spearhead-detail", args=[999]))
        self.assertEqual(r.status_code, 404)

    def test_it_runs_the_same_queries_for_a_bigger_plan(self):
        self.client.force_login(self.charlie)
        # session, user, spearhead+plan, goals with their counts, then the efforts a page
        # at a time: count, page, their goals; and the menu's plan years awaiting the user's
        # decision (plan.context_processors)
        # and every plan, once, for the menu's plan switcher (plan.periods)
        with self.assertNumQueries(9):
            self.client.get(self.url)
        self.add_efforts(60, spearhead=self.integration)
        with self.assertNumQueries(9):
            r = self.client.get(self.url)
        self.assertEqual(len(r.context["page"].object_list), 50)
        self.assertContains(r, "61 inspanningen")
