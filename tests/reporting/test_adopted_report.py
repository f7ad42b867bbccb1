"""What the council sees is what was adopted: the adopted year's page, its PDF, the year
comparison and the report's changes of the year agree with each other and with the history."""

from datetime import datetime
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from plan.models import Effort, PlanYear
from tests.plan.test_plan_years import PlanYearTestCase
from tests.reporting.test_annual_report import pdf_text


class ReportPage:
    def report_page(self, year=2022, chapter=None):
        self.client.force_login(self.reader)
        if chapter is not None:
            return self.client.get(reverse("reporting:annual-report-chapter", args=[year, chapter]))
        return self.client.get(reverse("reporting:annual-report", args=[year]))


class AdoptedReportTestCase(ReportPage, PlanYearTestCase):
    def test_the_adopted_years_page_shows_what_was_adopted_like_its_pdf(self):
        self.advance_to("adopted")
        self.effort.set_status(Effort.Status.DELAYED, by=self.bob)  # after adoption

        page = self.report_page()
        pdf = pdf_text(self.client.get(reverse("reporting:annual-report-pdf", args=[2022])).content)
        body = self.report_page(chapter=3).content.decode().split('id="spearhead-3"')[1]
        self.assertIn("Loopt volgens planning", body)
        self.assertNotIn("Vertraagd", body)
        self.assertIn("Loopt volgens planning", pdf)
        self.assertNotContains(page, "Concept.")  # adopted: no draft notice
        self.assertContains(page, "Vastgesteld door de wethouder")

    def test_the_next_years_summary_counts_the_change_since_the_adopted_year(self):
        self.advance_to("adopted")
        from plan.services import plan_year_start_next

        plan_year_start_next(plan=self.plan, by=self.bob)
        self.effort.set_status(Effort.Status.DONE, by=self.bob)  # was on track when adopted
        self.assertIn("status_counts", PlanYear.objects.get(year=2022).outline)
        r = self.report_page(year=2023)
        changes = {row["status"]: row["change"] for row in r.context["totals"]}
        self.assertEqual(changes[Effort.Status.DONE], 1)
        self.assertEqual(changes[Effort.Status.ON_TRACK], -1)
        self.assertEqual(changes[Effort.Status.DELAYED], 0)
        self.assertContains(r, "Verschil met 2022")

    def test_a_draft_years_page_is_marked_as_a_live_draft(self):
        page = self.report_page()
        self.assertContains(page, "Concept.")
        self.assertContains(page, "Het is niet vastgesteld")

    def test_a_status_change_appears_in_the_comparison(self):
        self.advance_to("adopted")
        from plan.services import plan_year_start_next

        plan_year_start_next(plan=self.plan, by=self.bob)
        self.effort.set_status(Effort.Status.DELAYED, by=self.bob)
        self.client.force_login(self.reader)
        r = self.client.get(reverse("plan:year-compare", args=[2022, 2023]))
        self.assertEqual(
            [(e["code"], e["was"], e["status"]) for e in r.context["diff"]["status"]],
            [("3.1", "on_track", "delayed")],
        )
        self.assertContains(r, "1 wijziging.")
        self.assertContains(
            r, "3.1 Doorontwikkeling Expat Centre (Loopt volgens planning → Vertraagd)"
        )


class ChangesOfTheYearTestCase(ReportPage, PlanYearTestCase):
    """The report's "Changes in <year>" follow the status history, not planned dates."""

    def at(self, when):
        return mock.patch("django.utils.timezone.now", return_value=when)

    def test_started_completed_and_stopped_follow_the_history(self):
        in_2022 = timezone.make_aware(datetime(2022, 6, 1, 12))
        # planned to start in 2022, but still not started: not "started"
        self.other_effort.start = in_2022.date()
        self.other_effort.save()
        self.other_effort.set_status(Effort.Status.NOT_STARTED, by=self.bob)
        with self.at(in_2022):
            self.effort.set_status(Effort.Status.DONE, by=self.bob)

        [economy] = self.report_page(chapter=3).context["chapters"]
        self.assertEqual([e["code"] for e in economy["finished"]], ["3.1"])
        r = self.report_page(chapter=1)
        self.assertEqual(r.context["chapters"][0]["started"], [])
        self.assertContains(r, "In 2022 is bij dit speerpunt geen inspanning gestart")


class DraftPdfTestCase(PlanYearTestCase):
    """A draft's PDF is rendered once per state of its data, and anew after any change."""

    def test_the_draft_pdf_is_rendered_again_only_when_its_data_changed(self):
        from reporting import report

        url = reverse("reporting:annual-report-pdf", args=[2022])
        self.client.force_login(self.reader)
        with mock.patch.object(report, "render_pdf", wraps=report.render_pdf) as render:
            first = self.client.get(url).content
            again = self.client.get(url).content
            self.assertEqual(render.call_count, 1)
            self.assertEqual(first, again)
            self.effort.title = "Internationaal Centrum"
            self.effort.save()
            changed = self.client.get(url).content
            self.assertEqual(render.call_count, 2)
        self.assertIn("Internationaal Centrum", pdf_text(changed))
