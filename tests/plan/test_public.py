from datetime import UTC, date, datetime

from django.urls import reverse

from plan.models import PlanYear
from plan.selectors import plan_snapshot
from plan.services import progress_update_review, progress_update_submit, steering_round_open
from tests.base import BaseTestCase


class PublicPlanTestCase(BaseTestCase):
    url = reverse("plan:public-plan")

    def adopt(self):
        steering_round = steering_round_open(
            meeting_date=date(2023, 3, 15), deadline=date(2023, 3, 1), opened_by=self.bob
        )
        update = progress_update_submit(
            effort=self.effort,
            steering_round=steering_round,
            author=self.alice,
            status="at_risk",
            progress=45,
            note="Intern: budget onzeker",
            risks="Intern risico",
        )
        progress_update_review(update=update, by=self.bob, accept=True)
        self.effort.refresh_from_db()
        self.effort.lead = self.alice
        self.effort.save()
        return PlanYear.objects.create(
            plan=self.plan,
            year=2022,
            state="adopted",
            snapshot=plan_snapshot(plan=self.plan),
            adopted=datetime(2023, 4, 1, 12, tzinfo=UTC),
        )

    def test_anyone_reads_the_last_adopted_plan_without_internal_details(self):
        self.adopt()
        r = self.client.get(self.url)  # no login
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Doorontwikkeling Expat Centre")
        self.assertContains(r, "Aandacht nodig")
        self.assertContains(r, "Meer ontmoeting")
        for internal in ("Intern: budget onzeker", "Intern risico", "alice"):
            self.assertNotContains(r, internal)

    def test_later_edits_do_not_show(self):
        self.adopt()
        self.effort.title = "Nog niet vastgesteld"
        self.effort.save()
        self.assertNotContains(self.client.get(self.url), "Nog niet vastgesteld")

    def test_without_an_adopted_year_it_says_so(self):
        self.assertContains(
            self.client.get(self.url), "Er is nog geen update van het plan vastgesteld."
        )


class AccessibilityStatementTestCase(BaseTestCase):
    def test_it_is_public_and_linked_from_every_page(self):
        r = self.client.get(reverse("plan:accessibility"))
        self.assertContains(r, "<h1>Toegankelijkheidsverklaring</h1>", html=True)
        self.client.force_login(self.alice)
        self.assertContains(
            self.client.get(reverse("plan:overview")), reverse("plan:accessibility")
        )
