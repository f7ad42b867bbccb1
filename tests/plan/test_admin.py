from datetime import date

from django import forms
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from plan.models import Effort, Indicator, IndicatorValue, ProgressUpdate, SteeringRound
from tests.base import BaseTestCase
from tests.plan.test_effort_edit import form_data
from tests.workbooks import snapshot


def admin_form_data(response) -> dict:
    """What an admin change page posts when nothing is changed: every field as rendered,
    inline formsets included."""
    forms_shown = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms_shown.extend(formset.forms)
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    for form in forms_shown:
        for field in form:
            value = field.value()
            if isinstance(field.field.widget, forms.CheckboxInput):
                if value:
                    data[field.html_name] = "on"
            elif value is not None:
                data[field.html_name] = value
    return data


class PlanAdminTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        indicator = Indicator.objects.create(name="Aandeel internationals", unit="%")
        IndicatorValue.objects.create(indicator=indicator, year=2020, value="11.6")
        steering_round = SteeringRound.objects.create(
            plan=cls.plan, meeting_date=date(2023, 3, 1), deadline=date(2023, 2, 20)
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
        # session, user, permissions (1), filter choices (spearhead, team, target group,
        # round), count and the page of efforts with spearhead and team
        with self.assertNumQueries(9):
            self.client.get(url)
        self.add_efforts(20)
        self.assertEqual(Effort.objects.count(), 22)
        with self.assertNumQueries(9):
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


class EffortAdminConflictTestCase(BaseTestCase):
    """The admin saves an effort through the portal's service, version check included."""

    def setUp(self):
        self.url = reverse("admin:plan_effort_change", args=[self.effort.pk])
        self.client.force_login(self.bob)

    def portal_save(self, **changes):
        portal = Client()
        portal.force_login(self.alice)
        edit = reverse("plan:effort-edit", args=[self.effort.pk])
        r = portal.post(edit, form_data(self.effort, **changes))
        self.assertRedirects(r, self.effort.get_absolute_url())

    def test_a_portal_save_after_the_admin_form_was_opened_refuses_the_admin_save(self):
        loaded = admin_form_data(self.client.get(self.url))
        self.assertEqual(loaded["version"], 1)
        self.portal_save(title="Expat Centre 2.0", status="at_risk")
        before = snapshot()

        r = self.client.post(self.url, {**loaded, "note": "Van de back office", "progress": 60})
        self.assertEqual(r.status_code, 200)  # the form again, with the error
        self.assertContains(r, "Iemand anders heeft deze inspanning opgeslagen nadat u die")
        self.assertContains(r, "Titel: “Doorontwikkeling Expat Centre” → “Expat Centre 2.0”")
        self.assertContains(r, "Status: “Loopt volgens planning” → “Aandacht nodig” (door alice)")
        self.assertEqual(snapshot(), before)  # nothing of the admin's save was written
        self.effort.refresh_from_db()
        self.assertEqual((self.effort.title, self.effort.note), ("Expat Centre 2.0", ""))

    def test_an_admin_save_raises_the_version_and_saves_the_relations_as_its_user(self):
        loaded = admin_form_data(self.client.get(self.url))
        data = {**loaded, "title": "Expat Centre 2.0", "goals": [self.city_goal.pk]}
        r = self.client.post(self.url, data)
        self.assertRedirects(r, reverse("admin:plan_effort_changelist"))
        self.effort.refresh_from_db()
        self.assertEqual((self.effort.title, self.effort.version), ("Expat Centre 2.0", 2))
        self.assertEqual(list(self.effort.goals.all()), [self.city_goal])
        self.assertEqual(
            {r.history_user for r in self.effort.history.filter(version=2)}, {self.bob}
        )

        # and a portal editor who loaded version 1 is now refused in turn
        portal = Client()
        portal.force_login(self.alice)
        edit = reverse("plan:effort-edit", args=[self.effort.pk])
        stale = {**form_data(self.effort, note="Oud"), "version": 1}
        self.assertEqual(portal.post(edit, stale).status_code, 409)

    def test_a_stale_row_of_the_spearheads_effort_list_is_refused(self):
        url = reverse("admin:plan_spearhead_change", args=[self.economy.pk])
        loaded = admin_form_data(self.client.get(url))
        self.portal_save(title="Expat Centre 2.0")
        row = next(k for k, v in loaded.items() if k.endswith("-id") and v == self.effort.pk)
        prefix = row.removesuffix("-id")
        r = self.client.post(url, {**loaded, f"{prefix}-progress": 90})
        self.assertContains(r, "Iemand anders heeft deze inspanning opgeslagen nadat u die")
        self.effort.refresh_from_db()
        self.assertEqual((self.effort.progress, self.effort.version), (40, 2))

        # loaded afresh, the row saves and its version goes up
        loaded = admin_form_data(self.client.get(url))
        r = self.client.post(url, {**loaded, f"{prefix}-progress": 90})
        self.assertRedirects(r, reverse("admin:plan_spearhead_changelist"))
        self.effort.refresh_from_db()
        self.assertEqual((self.effort.progress, self.effort.version), (90, 3))
