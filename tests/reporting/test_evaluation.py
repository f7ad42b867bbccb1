from django.urls import reverse

from plan.models import Effort
from tests.base import BaseTestCase
from tests.reporting.test_annual_report import pdf_text


class EvaluationTestCase(BaseTestCase):
    def test_the_numbers_per_spearhead_match_the_database(self):
        self.other_effort.set_status(Effort.Status.DONE, by=self.bob)
        self.client.force_login(self.wethouder)
        r = self.client.get(reverse("reporting:evaluation"))
        rows = {row["spearhead"].number: row for row in r.context["rows"]}
        self.assertEqual(
            {k: rows[1][k] for k in ("goals", "covered", "with_result", "finished", "running")},
            {"goals": 1, "covered": 1, "with_result": 1, "finished": 1, "running": 0},
        )
        self.assertEqual((rows[3]["efforts"], rows[3]["running"]), (1, 1))
        self.assertEqual(r.context["totals"]["efforts"], Effort.objects.count())
        self.assertContains(r, "Evaluatie 2021–2024")

    def test_the_pdf(self):
        self.client.force_login(self.bob)
        r = self.client.get(reverse("reporting:evaluation-pdf"))
        text = pdf_text(r.content)
        self.assertIn("Integratie & Ontmoeting", text)
        self.assertIn("Evaluatie 2021–2024", text)

    def test_it_needs_a_login(self):
        self.assertEqual(self.client.get(reverse("reporting:evaluation")).status_code, 302)
