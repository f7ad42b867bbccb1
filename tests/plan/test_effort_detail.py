from django.urls import reverse

from plan.models import Partner, TargetGroup
from tests.base import BaseTestCase, RoundTestCase


class EffortDetailTestCase(BaseTestCase):
    def setUp(self):
        self.url = reverse("plan:effort-detail", args=[self.effort.pk])

    def test_it_shows_the_effort_with_goals_partners_and_target_groups(self):
        self.client.force_login(self.charlie)
        r = self.client.get(self.url)
        self.assertContains(r, "3.1")
        self.assertContains(r, "Doorontwikkeling Expat Centre")
        self.assertContains(r, "Loopt volgens planning")
        self.assertContains(r, "Universiteit Leiden")
        self.assertContains(r, "Kenniswerkers")
        self.assertContains(r, "Kennis &amp; Internationalisering")
        self.assertContains(r, self.meeting_goal.get_absolute_url())
        self.assertContains(r, "1 januari 2022")
        self.assertContains(r, "Prioriteit")

    def test_goals_partners_and_target_groups_are_listed_in_order(self):
        self.effort.partners.add(Partner.objects.create(name="Hogeschool Leiden"))
        self.effort.target_groups.add(TargetGroup.objects.create(name="Expats"))
        self.client.force_login(self.charlie)
        r = self.client.get(self.url)
        self.assertEqual([goal.code for goal in r.context["goals"]], ["1.3", "3.1"])
        self.assertEqual(r.context["partners"], ["Hogeschool Leiden", "Universiteit Leiden"])
        self.assertEqual(r.context["target_groups"], ["Expats", "Kenniswerkers"])
        self.assertContains(r, "Hogeschool Leiden, Universiteit Leiden")

    def test_user_text_is_escaped(self):
        self.effort.title = "<script>alert(1)</script>"
        self.effort.save()
        self.client.force_login(self.charlie)
        r = self.client.get(self.url)
        self.assertNotContains(r, "<script>alert(1)</script>")
        self.assertContains(r, "&lt;script&gt;alert(1)&lt;/script&gt;")

    def test_an_unknown_effort_is_a_404(self):
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get("/efforts/99999/").status_code, 404)

    def test_it_runs_the_same_queries_however_long_the_history(self):
        self.client.force_login(self.charlie)
        # session, user, effort with spearhead/plan/team/lead (and, in the same query, whether
        # charlie is in its team and whether an open round asks it for an update), its
        # goals, partners and target groups (one query), permissions (1), history records, their
        # goals/partners/target groups (one query), updates (names only when shown),
        # milestones with their owners, the menu's plan years awaiting the user's decision
        # (plan.context_processors) and every plan, once, for the menu's plan switcher
        # (plan.periods); no query for the efforts it continues or that continue it: it has
        # no predecessor and no plan continues its plan
        with self.assertNumQueries(11):
            self.client.get(self.url)
        for status in ["at_risk", "delayed", "on_track"] * 4:
            self.effort.set_status(status, by=self.bob)
        with self.assertNumQueries(11):
            r = self.client.get(self.url)
        self.assertEqual(len(r.context["history"]), 13)  # 12 changes and the creation


class EffortDetailTitleTestCase(BaseTestCase):
    def test_the_page_title_names_the_effort_and_nothing_else(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("plan:effort-detail", args=[self.effort.pk]))
        title = r.content.decode().split("<title>")[1].split("</title>")[0]
        self.assertEqual(title, "3.1 Doorontwikkeling Expat Centre · Internationalisering Leiden")


class EffortDetailRightsTestCase(RoundTestCase):
    """Who may edit and update is read with the effort, for the person viewing it."""

    def rights(self, user, effort):
        self.client.force_login(user)
        r = self.client.get(reverse("plan:effort-detail", args=[effort.pk]))
        return r.context["can_edit"], r.context["can_update"]

    def test_a_team_member_may_edit_and_update_their_teams_effort_only(self):
        self.assertEqual(self.rights(self.alice, self.effort), (True, True))
        self.assertEqual(self.rights(self.alice, self.other_effort), (False, False))
        self.assertEqual(self.rights(self.charlie, self.other_effort), (True, True))

    def test_the_programme_manager_may_edit_every_effort_a_reader_none(self):
        self.assertEqual(self.rights(self.bob, self.other_effort), (True, True))
        self.assertEqual(self.rights(self.wethouder, self.effort), (False, False))

    def test_without_an_open_round_there_is_nothing_to_update(self):
        self.round.efforts.remove(self.effort)
        self.assertEqual(self.rights(self.alice, self.effort), (True, False))
