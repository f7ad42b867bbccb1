from django.urls import reverse

from tests.base import BaseTestCase


class GoalDetailTestCase(BaseTestCase):
    def setUp(self):
        self.url = reverse("plan:goal-detail", args=[self.meeting_goal.pk])

    def test_it_lists_the_efforts_contributing(self):
        self.client.force_login(self.wethouder)
        r = self.client.get(self.url)
        self.assertContains(r, "Meer ontmoeting")
        self.assertEqual([e.code for e in r.context["efforts"]], ["1.1", "3.1"])

    def test_a_goal_without_efforts_says_so(self):
        self.client.force_login(self.wethouder)
        self.city_goal.efforts.clear()
        r = self.client.get(reverse("plan:goal-detail", args=[self.city_goal.pk]))
        self.assertContains(r, "Geen inspanningen.")

    def test_it_runs_the_same_queries_for_a_bigger_plan(self):
        self.client.force_login(self.wethouder)
        # session, user, goal+spearhead+plan, the efforts a page at a time: count, page,
        # their goals; the monitor's indicators informing the goal (their values only when
        # there are any: tests/reporting/test_monitor_standings.py); and the menu's plan years
        # awaiting the user's decision (plan.context_processors)
        # and every plan, once, for the menu's plan switcher (plan.periods)
        with self.assertNumQueries(9):
            self.client.get(self.url)
        self.add_efforts(15)
        with self.assertNumQueries(9):
            self.client.get(self.url)
