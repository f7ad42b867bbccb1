import time

from django.urls import reverse

from plan.models import Effort
from tests.base import BaseTestCase


class EffortListTestCase(BaseTestCase):
    url = reverse("plan:effort-list")

    def listed(self, **params):
        self.client.force_login(self.alice)
        r = self.client.get(self.url, params)
        self.assertEqual(r.status_code, 200)
        return [effort.code for effort in r.context["page"].object_list]

    def test_it_lists_every_effort_in_code_order(self):
        self.assertEqual(self.listed(), ["1.1", "3.1"])

    def test_it_filters_by_spearhead(self):
        self.assertEqual(self.listed(spearhead=self.integration.pk), ["1.1"])

    def test_it_filters_by_team(self):
        self.assertEqual(self.listed(team=self.team_k.pk), ["3.1"])

    def test_it_filters_by_status(self):
        self.assertEqual(self.listed(status="delayed"), ["1.1"])

    def test_it_filters_by_priority_and_in_line(self):
        self.assertEqual(self.listed(is_priority="true"), ["3.1"])
        self.assertEqual(self.listed(is_priority="false"), ["1.1"])
        self.assertEqual(self.listed(in_line="true"), ["1.1"])

    def test_it_filters_by_target_group_and_goal(self):
        self.assertEqual(self.listed(target_group=self.workers.pk), ["3.1"])
        self.assertEqual(self.listed(goal=self.city_goal.pk), ["3.1"])
        self.assertEqual(self.listed(goal=self.meeting_goal.pk), ["1.1", "3.1"])

    def test_free_text_searches_title_description_and_team(self):
        self.assertEqual(self.listed(q="expat"), ["3.1"])
        self.assertEqual(self.listed(q="aandachtsgroep"), ["1.1"])
        self.assertEqual(self.listed(q="wonen"), ["1.1"])
        self.assertEqual(self.listed(q="expat wonen"), [])

    def test_free_text_finds_an_effort_by_its_number(self):
        self.assertEqual(self.listed(q="3.1"), ["3.1"])

    def test_filters_combine(self):
        self.assertEqual(self.listed(status="on_track", team=self.team_w.pk), [])

    def test_an_unknown_choice_is_reported_not_ignored_silently(self):
        self.client.force_login(self.alice)
        r = self.client.get(self.url, {"status": "bogus"})
        self.assertEqual(r.status_code, 200)
        self.assertTrue(r.context["filter"].form.errors["status"])
        self.assertContains(r, "bogus")  # the message names the rejected value

    def test_a_search_of_thousands_of_words_answers_at_once_with_a_message(self):
        self.client.force_login(self.alice)
        started = time.monotonic()
        r = self.client.get(self.url, {"q": " ".join(["a"] * 2000), "status": "delayed"})
        self.assertLess(time.monotonic() - started, 1)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Zoek op hoogstens 10 woorden.")
        self.assertContains(r, "niet meer dan 200 tekens")
        # the search is ignored; the other filter still applies
        self.assertEqual([e.code for e in r.context["page"].object_list], ["1.1"])

    def test_ten_words_are_still_searched(self):
        self.assertEqual(self.listed(q=" ".join(["expat"] * 10)), ["3.1"])
        self.assertEqual(self.listed(q=" ".join(["expat"] * 11)), ["1.1", "3.1"])

    def test_it_shows_the_number_found_in_dutch(self):
        self.client.force_login(self.alice)
        r = self.client.get(self.url, {"status": "delayed"})
        self.assertContains(r, "1 inspanning gevonden")

    def test_it_pages_long_lists_and_keeps_the_filter_in_page_links(self):
        self.add_efforts(55)
        self.client.force_login(self.alice)
        r = self.client.get(self.url, {"team": self.team_w.pk})
        self.assertEqual(len(r.context["page"].object_list), 50)
        self.assertContains(r, f"team={self.team_w.pk}&amp;page=2")
        r = self.client.get(self.url, {"team": self.team_w.pk, "page": 2})
        self.assertEqual(len(r.context["page"].object_list), 6)

    def test_it_runs_the_same_queries_for_a_bigger_plan(self):
        self.client.force_login(self.alice)
        # session, user, the user's and the groups' permissions (may they
        # import?), count, efforts with spearhead/team/lead, their goals, and the choices of
        # the spearhead, goal, team and target group filters, and the menu's plan years
        # awaiting the user's decision (plan.context_processors)
        # and every plan, once, for the menu's plan switcher (plan.periods)
        with self.assertNumQueries(12):
            self.client.get(self.url)
        self.add_efforts(30)
        self.assertEqual(Effort.objects.count(), 32)
        with self.assertNumQueries(12):
            self.client.get(self.url)
