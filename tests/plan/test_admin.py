from datetime import date

from django.contrib import admin
from django.urls import reverse

from plan.models import Effort, Indicator, IndicatorValue, ProgressUpdate, SteeringRound
from tests.base import BaseTestCase


class PlanAdminTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        indicator = Indicator.objects.create(name="Aandeel internationals")
        IndicatorValue.objects.create(indicator=indicator, year=2020, value="11.6", unit="%")
        steering_round = SteeringRound.objects.create(
            meeting_date=date(2023, 3, 1), deadline=date(2023, 2, 20)
        )
        ProgressUpdate.objects.create(
            effort=cls.effort,
            steering_round=steering_round,
            author=cls.alice,
            status="on_track",
            progress=50,
            note="Loopt",
        )

    def plan_models(self):
        return [model for model in admin.site._registry if model._meta.app_label == "plan"]

    def test_every_plan_model_is_registered(self):
        names = {model.__name__ for model in self.plan_models()}
        self.assertEqual(
            names,
            {
                "Plan",
                "Spearhead",
                "Goal",
                "Team",
                "Partner",
                "TargetGroup",
                "Effort",
                "Indicator",
                "IndicatorValue",
                "SteeringRound",
                "ProgressUpdate",
            },
        )

    def test_the_programme_manager_opens_list_add_and_change_pages(self):
        self.client.force_login(self.bob)
        for model in self.plan_models():
            prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            obj = model.objects.first()
            for url in (
                reverse(f"{prefix}_changelist"),
                reverse(f"{prefix}_add"),
                reverse(f"{prefix}_change", args=[obj.pk]),
            ):
                with self.subTest(url=url):
                    self.assertEqual(self.client.get(url).status_code, 200)

    def test_the_effort_list_filters_and_searches(self):
        self.client.force_login(self.bob)
        url = reverse("admin:plan_effort_changelist")
        r = self.client.get(url, {"status__exact": "delayed"})
        self.assertEqual(list(r.context["cl"].result_list), [self.other_effort])
        r = self.client.get(url, {"q": "expat"})
        self.assertEqual(list(r.context["cl"].result_list), [self.effort])

    def test_the_effort_list_runs_the_same_queries_for_more_efforts(self):
        self.client.force_login(self.bob)
        url = reverse("admin:plan_effort_changelist")
        self.client.get(url)
        # session, user, permissions (2), filter choices (spearhead, team, target group,
        # round), count and the page of efforts with spearhead and team
        with self.assertNumQueries(10):
            self.client.get(url)
        self.add_efforts(20)
        self.assertEqual(Effort.objects.count(), 22)
        with self.assertNumQueries(10):
            self.client.get(url)

    def test_a_steering_group_member_has_no_back_office(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("admin:plan_effort_changelist"))
        self.assertEqual(r.status_code, 302)
        self.assertIn("login", r["Location"])


class EffortAdminRightsTestCase(BaseTestCase):
    changelist = reverse("admin:plan_effort_changelist")

    def action(self, name):
        return {
            "action": name,
            "_selected_action": [self.effort.pk, self.other_effort.pk],
            "index": 0,
        }

    def test_bulk_status_goes_through_the_model_and_the_history(self):
        self.client.force_login(self.bob)
        r = self.client.post(self.changelist, self.action("set_status_at_risk"), follow=True)
        self.assertContains(r, "2 inspanningen gewijzigd.")
        for effort in (self.effort, self.other_effort):
            effort.refresh_from_db()
            self.assertEqual(effort.status, Effort.Status.AT_RISK)
            self.assertEqual(effort.version, 2)
            self.assertEqual(effort.history.latest().history_user, self.bob)

    def test_bulk_priority(self):
        self.client.force_login(self.bob)
        self.client.post(self.changelist, self.action("mark_priority"))
        self.other_effort.refresh_from_db()
        self.assertTrue(self.other_effort.is_priority)
        self.client.post(self.changelist, self.action("mark_not_priority"))
        self.effort.refresh_from_db()
        self.assertFalse(self.effort.is_priority)

    def test_staff_without_change_rights_can_neither_change_nor_run_actions(self):
        self.alice.is_staff = True
        self.alice.save()
        self.client.force_login(self.alice)
        url = reverse("admin:plan_effort_change", args=[self.effort.pk])
        self.assertNotContains(self.client.get(url), 'name="_save"')  # view only
        self.assertEqual(self.client.post(url, {"title": "Gekaapt"}).status_code, 403)
        self.client.post(self.changelist, self.action("set_status_stopped"))
        self.client.post(self.changelist, self.action("mark_not_priority"))
        self.effort.refresh_from_db()
        self.assertEqual(
            (self.effort.title, self.effort.status, self.effort.is_priority, self.effort.version),
            ("Doorontwikkeling Expat Centre", Effort.Status.ON_TRACK, True, 1),
        )
