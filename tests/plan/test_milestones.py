"""Milestones per effort: kept by its lead or the programme manager; an overdue one makes the
effort need attention until it is done."""

from datetime import date, timedelta

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from plan.models import Effort, Milestone
from tests.base import BaseTestCase


class MilestoneEditingTestCase(BaseTestCase):
    def setUp(self):
        Effort.objects.filter(pk=self.effort.pk).update(lead=self.charlie)  # charlie: Wonen
        self.create_url = reverse("plan:milestone-create", args=[self.effort.pk])

    def test_the_lead_adds_edits_and_ticks_off_a_milestone(self):
        self.client.force_login(self.charlie)
        r = self.client.get(self.effort.get_absolute_url())
        self.assertContains(r, f'href="{self.create_url}"')
        r = self.client.post(
            self.create_url, {"title": "Convenant getekend", "due": "2030-06-01", "owner": ""}
        )
        self.assertRedirects(r, f"{self.effort.get_absolute_url()}#milestones-heading")
        milestone = Milestone.objects.get()
        self.assertEqual((milestone.effort, milestone.due), (self.effort, date(2030, 6, 1)))
        r = self.client.get(self.effort.get_absolute_url())
        self.assertContains(r, "Convenant getekend")
        self.assertContains(r, "uiterlijk 1 juni 2030")

        edit_url = reverse("plan:milestone-edit", args=[milestone.pk])
        r = self.client.post(
            edit_url,
            {"title": "Convenant getekend", "due": "2030-07-01", "owner": self.alice.pk},
        )
        milestone.refresh_from_db()
        self.assertEqual((milestone.due, milestone.owner), (date(2030, 7, 1), self.alice))

        r = self.client.post(reverse("plan:milestone-done", args=[milestone.pk]), follow=True)
        milestone.refresh_from_db()
        self.assertEqual(milestone.done, timezone.localdate())
        self.assertContains(r, "De mijlpaal is gereed.")
        self.assertContains(r, "gereed op")
        self.assertEqual(
            [record.history_user for record in milestone.history.order_by("history_id")],
            [self.charlie] * 3,
        )

    def test_the_programme_manager_may_and_a_team_member_who_is_not_the_lead_may_not(self):
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.create_url).status_code, 200)
        milestone = Milestone.objects.create(
            effort=self.effort, title="Start", due=date(2030, 1, 1)
        )
        for user in (self.alice, self.wethouder):  # alice is in the effort's team
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(self.create_url).status_code, 403)
                r = self.client.post(self.create_url, {"title": "X", "due": "2030-01-01"})
                self.assertEqual(r.status_code, 403)
                edit = reverse("plan:milestone-edit", args=[milestone.pk])
                self.assertEqual(self.client.post(edit, {"title": "X"}).status_code, 403)
                done = reverse("plan:milestone-done", args=[milestone.pk])
                self.assertEqual(self.client.post(done).status_code, 403)
                r = self.client.get(self.effort.get_absolute_url())
                self.assertNotContains(r, f'href="{self.create_url}"')
        milestone.refresh_from_db()
        self.assertEqual((milestone.title, milestone.done), ("Start", None))
        self.assertEqual(Milestone.objects.count(), 1)

    def test_bad_input_is_refused_beside_the_field(self):
        self.client.force_login(self.charlie)
        r = self.client.post(self.create_url, {"title": "", "due": "morgen"})
        self.assertEqual(r.status_code, 400)
        self.assertEqual(set(r.context["form"].errors), {"title", "due"})
        self.assertContains(r, "Fout:", status_code=400)
        self.assertFalse(Milestone.objects.exists())


class MilestoneAttentionTestCase(BaseTestCase):
    """An overdue milestone flags its effort on the dashboard and in the effort list filter,
    with the reason; once done it no longer does."""

    def setUp(self):
        cache.clear()
        today = timezone.localdate()
        self.milestone = Milestone.objects.create(
            effort=self.effort, title="Subsidie aangevraagd", due=today - timedelta(days=3)
        )
        Milestone.objects.create(  # not yet due: no flag
            effort=self.effort, title="Opening", due=today + timedelta(days=30)
        )

    def flagged(self):
        self.client.force_login(self.wethouder)
        dashboard = self.client.get(reverse("reporting:dashboard"))
        listed = self.client.get(reverse("plan:effort-list"), {"attention": "true"})
        return dashboard, listed

    def test_an_overdue_milestone_flags_and_a_done_one_stops_flagging(self):
        dashboard, listed = self.flagged()
        self.assertEqual(
            sorted(e.pk for e in dashboard.context["attention"]),
            sorted([self.effort.pk, self.other_effort.pk]),  # the other is delayed
        )
        self.assertEqual(dashboard.context["attention_count"], 2)
        self.assertContains(dashboard, "mijlpaal over tijd: Subsidie aangevraagd")
        self.assertEqual(
            sorted(e.pk for e in listed.context["page"]),
            sorted([self.effort.pk, self.other_effort.pk]),
        )
        self.assertContains(listed, "Mijlpaal over tijd: Subsidie aangevraagd")

        self.milestone.done = timezone.localdate()
        self.milestone.save()
        dashboard, listed = self.flagged()
        self.assertEqual([e.pk for e in dashboard.context["attention"]], [self.other_effort.pk])
        self.assertEqual(dashboard.context["attention_count"], 1)
        self.assertNotContains(dashboard, "Subsidie aangevraagd")
        self.assertEqual([e.pk for e in listed.context["page"]], [self.other_effort.pk])
        self.assertNotContains(listed, "Mijlpaal over tijd")

    def test_the_effort_page_marks_it_overdue(self):
        self.client.force_login(self.wethouder)
        r = self.client.get(self.effort.get_absolute_url())
        self.assertContains(r, "Subsidie aangevraagd")
        self.assertContains(r, '<span class="badge text-bg-danger">over tijd</span>', html=True)


class MilestoneReportTestCase(BaseTestCase):
    def test_the_annual_report_lists_those_done_in_the_year_and_those_overdue(self):
        Milestone.objects.create(
            effort=self.effort, title="Loket geopend", due=date(2022, 3, 1), done=date(2022, 4, 2)
        )
        Milestone.objects.create(
            effort=self.other_effort, title="Huurteam gestart", due=date(2022, 9, 1)
        )
        Milestone.objects.create(  # done the year before: not in the report of 2022
            effort=self.effort, title="Plan geschreven", due=date(2021, 3, 1), done=date(2021, 5, 1)
        )
        self.client.force_login(self.wethouder)
        r = self.client.get(reverse("reporting:annual-report", args=[2022]))
        milestones = r.context["milestones"]
        self.assertEqual([row["title"] for row in milestones["done"]], ["Loket geopend"])
        self.assertEqual([row["title"] for row in milestones["overdue"]], ["Huurteam gestart"])
        self.assertContains(r, "Gereed in 2022")
        self.assertContains(r, "gereed op 2 april 2022")
        self.assertContains(r, "uiterlijk 1 september 2022")
        self.assertNotContains(r, "Plan geschreven")
