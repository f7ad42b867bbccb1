import re
import subprocess
import tempfile
import zlib
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from plan.models import Effort, Goal, IndicatorValue, Spearhead
from reporting.pdf import StaticOnlyFetcher, render_pdf
from reporting.report import annual_report_pdf
from tests.base import BaseTestCase


def pdf_text(pdf: bytes) -> str:
    """What a reader gets from the PDF, with line breaks and spacing folded."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return re.sub(r"\s+", " ", result.stdout.decode())


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF with its compressed object streams inflated, to look for catalog entries."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"".join(parts)


def pdf_info(pdf: bytes, *flags: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        return subprocess.run(
            ["pdfinfo", *flags, file.name], capture_output=True, check=True, text=True
        ).stdout


class RealPlanReportTestCase(TestCase):
    """The report of the real plan, read back as a council member would."""

    @classmethod
    def setUpTestData(cls):
        call_command("loaddata", "leiden_2021_2024", verbosity=0)
        effort = Effort.objects.get(spearhead__number=3, number=2)
        effort.title = "<script>alert(1)</script> Internationaal talent"
        effort.save()
        cls.pdf = annual_report_pdf(year=2022)
        cls.text = pdf_text(cls.pdf)

    def test_it_holds_every_spearhead_goal_and_effort(self):
        for spearhead in Spearhead.objects.all():
            self.assertIn(spearhead.name, self.text)
        for goal in Goal.objects.all():
            self.assertIn(re.sub(r"\s+", " ", goal.text), self.text, goal.code)
        for effort in Effort.objects.all():
            self.assertIn(effort.title, self.text, effort.pk)
        self.assertEqual(Effort.objects.count(), 15)

    def test_it_holds_the_monitor_figures_in_dutch_notation(self):
        for figure in ("14.500", "10.058", "11,6%", "32,2%", "51%", "1.200"):
            self.assertIn(figure, self.text)
        self.assertIn("Bron: Monitor Internationalisering 2021", self.text)

    def test_user_text_is_printed_as_text(self):
        self.assertIn("<script>alert(1)</script> Internationaal talent", self.text)

    def test_it_is_a_tagged_pdf_ua_document_in_dutch(self):
        info = pdf_info(self.pdf)
        self.assertRegex(info, r"Tagged:\s+yes")
        self.assertRegex(info, r"Title:\s+Jaarrapportage internationalisering 2022")
        self.assertRegex(info, r"Page size:\s+595.\d+ x 841.\d+ pts \(A4\)")
        metadata = pdf_info(self.pdf, "-meta")
        self.assertRegex(metadata, r"pdfuaid:part[^0-9]*1")
        self.assertIn(b"/Lang (nl)", pdf_objects(self.pdf))

    def test_it_has_contents_with_page_numbers_and_running_footer(self):
        self.assertRegex(self.text, r"Inhoud .*Samenvatting \.+ ?3")
        self.assertRegex(self.text, r"pagina 2 van \d+")
        self.assertIn("Concept", self.text)

    def test_the_charts_have_their_numbers_as_a_table(self):
        self.assertIn("Cijfers bij de grafiek “Inspanningen per speerpunt en status”", self.text)


class ReportViewsTestCase(BaseTestCase):
    def test_the_preview_is_for_logged_in_users(self):
        url = reverse("reporting:annual-report", args=[2022])
        self.assertEqual(self.client.get(url).status_code, 302)
        self.client.force_login(self.wethouder)
        r = self.client.get(url)
        self.assertContains(r, "Jaarrapportage 2022")
        self.assertContains(r, "Doorontwikkeling Expat Centre")
        self.assertContains(r, reverse("reporting:annual-report-pdf", args=[2022]))

    def test_an_effort_that_serves_no_goal_is_in_the_report_too(self):
        self.other_effort.goals.clear()
        self.client.force_login(self.wethouder)
        r = self.client.get(reverse("reporting:annual-report-chapter", args=[2022, 1]))
        [chapter] = r.context["chapters"]
        self.assertEqual([e["code"] for e in chapter["efforts"]], [self.other_effort.code])
        self.assertContains(r, "Huurteam voor internationals")

    def test_a_chapter_lists_the_efforts_of_other_spearheads_that_serve_its_goals(self):
        from reporting.report import report_context

        self.client.force_login(self.wethouder)
        r = self.client.get(reverse("reporting:annual-report-chapter", args=[2022, 1]))
        [chapter] = r.context["chapters"]
        [goal] = chapter["goals"]
        self.assertEqual([e["code"] for e in goal["efforts"]], ["1.1", "3.1"])
        self.assertEqual([e["code"] for e in chapter["efforts"]], ["1.1"])  # its own only
        self.assertContains(r, "Doorontwikkeling Expat Centre")
        # as the whole report (the PDF) has it
        whole = report_context(plan=self.plan, year=2022)["chapters"][0]
        self.assertEqual(whole["goals"], chapter["goals"])
        self.assertEqual(whole["efforts"], chapter["efforts"])

    def test_a_spearhead_the_plan_does_not_have_is_not_found(self):
        self.client.force_login(self.wethouder)
        r = self.client.get(reverse("reporting:annual-report-chapter", args=[2022, 2]))
        self.assertEqual(r.status_code, 404)

    def test_a_year_outside_the_plan_is_not_found(self):
        self.client.force_login(self.wethouder)
        r = self.client.get(reverse("reporting:annual-report", args=[2030]))
        self.assertEqual(r.status_code, 404)

    def test_english_labels_on_request(self):
        self.client.force_login(self.wethouder)
        r = self.client.get(reverse("reporting:annual-report", args=[2022]), {"lang": "en"})
        self.assertContains(r, "Summary")
        self.assertContains(r, "Annual report 2022")
        # the links to the chapters keep the language asked for
        chapter = reverse("reporting:annual-report-chapter", args=[2022, 1])
        self.assertContains(r, f'href="{chapter}?lang=en"')
        r = self.client.get(chapter, {"lang": "en"})
        # Content without an English version is shown in Dutch, marked as Dutch.
        self.assertContains(
            r, '<span class="label">Ambition:</span> <span lang="nl">Inclusief</span>', html=False
        )

    def test_english_content_where_it_has_an_english_version(self):
        self.economy.name_en = "Knowledge & Economy"
        self.economy.save()
        self.effort.title_en = "Further development of the Expat Centre"
        self.effort.save()
        self.client.force_login(self.wethouder)
        chapter = reverse("reporting:annual-report-chapter", args=[2022, 3])
        r = self.client.get(reverse("reporting:annual-report", args=[2022]), {"lang": "en"})
        self.assertContains(r, "Spearhead 3: Knowledge &amp; Economy</a>", html=False)
        r = self.client.get(chapter, {"lang": "en"})
        self.assertContains(r, "Spearhead 3: Knowledge &amp; Economy</h2>", html=False)
        self.assertContains(r, "Further development of the Expat Centre")
        self.assertNotContains(r, "Doorontwikkeling Expat Centre")
        pdf = self.client.get(reverse("reporting:annual-report-pdf", args=[2022]), {"lang": "en"})
        text = pdf_text(pdf.content)
        self.assertIn("Spearhead 3: Knowledge & Economy", text)
        self.assertIn("Further development of the Expat Centre", text)
        # The Dutch report is unchanged.
        r = self.client.get(chapter)
        self.assertContains(r, "Doorontwikkeling Expat Centre")
        self.assertNotContains(r, "Knowledge &amp; Economy")

    def test_the_pdf_download(self):
        self.client.force_login(self.bob)
        r = self.client.get(reverse("reporting:annual-report-pdf", args=[2022]))
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertIn("jaarrapportage-internationalisering-2022.pdf", r["Content-Disposition"])
        self.assertIn("Doorontwikkeling Expat Centre", pdf_text(r.content))

    def test_the_report_runs_the_same_queries_for_a_bigger_plan(self):
        self.client.force_login(self.wethouder)
        url = reverse("reporting:annual-report", args=[2022])
        IndicatorValue.objects.create(indicator=self.make_indicator(), year=2021, value=12)
        chapter = reverse("reporting:annual-report-chapter", args=[2022, 3])
        # The front part: session, user, plan, the plan year (and its steps when it exists),
        # spearheads, efforts per spearhead and status, the first priority efforts and their number,
        # monitor values with their indicators, the year's foreword and outlook, the milestones done
        # in the year or overdue, the previous adopted year's counts, and the menu's plan years
        # awaiting the user's decision (plan.context_processors). A chapter: session, user, plan,
        # the plan year, its efforts, their goals, updates, history, goals, spearhead (with its
        # introduction), monitor values, the year's texts, the contents and the menu's years.
        for efforts in (0, 20):
            self.add_efforts(efforts)
            with self.subTest(efforts=efforts), self.assertNumQueries(13):
                self.assertEqual(self.client.get(url).status_code, 200)
            with self.subTest(efforts=efforts), self.assertNumQueries(14):
                self.assertEqual(self.client.get(chapter).status_code, 200)

    def make_indicator(self, name="Aandeel internationals"):
        from plan.models import Indicator

        return Indicator.objects.create(name=name)

    def test_indicator_names_are_shown_as_written_not_read_as_tex_or_markup(self):
        # measured once: a category label in the chart of its year; in several years: a title
        tex, markup = self.make_indicator("$\\frac{a}$"), self.make_indicator("<script>x")
        IndicatorValue.objects.create(indicator=tex, year=2021, value=3)
        for year in (2020, 2021):
            IndicatorValue.objects.create(indicator=markup, year=year, value=year - 2000)
        self.client.force_login(self.wethouder)
        r = self.client.get(reverse("reporting:annual-report", args=[2022]))
        self.assertContains(r, '<th scope="row">$\\frac{a}$</th>', html=False)
        self.assertContains(r, "<figcaption>&lt;script&gt;x</figcaption>", html=False)
        svgs = " ".join(chart.svg for chart in r.context["monitor"])
        self.assertIn(">$\\frac{a}$</tspan>", svgs)
        self.assertIn(">&lt;script&gt;x</title>", svgs)
        self.assertNotIn("<script>", svgs)
        pdf = self.client.get(reverse("reporting:annual-report-pdf", args=[2022]))
        self.assertIn("Cijfers bij de grafiek “<script>x”", pdf_text(pdf.content))


class PdfSafetyTestCase(TestCase):
    def test_the_fetcher_serves_static_files_only(self):
        fetcher = StaticOnlyFetcher()
        response = fetcher.fetch("https://portal.invalid/static/css/report.css")
        self.assertIn(b"@page", response.read())
        for url in (
            "file:///etc/passwd",
            "http://127.0.0.1:9/secret",
            "https://portal.invalid/static/../../leiden_intl/settings.py",
            "https://example.org/static/css/report.css",
        ):
            with self.subTest(url=url), self.assertRaises(ValueError):
                fetcher.fetch(url)

    def test_a_document_pointing_elsewhere_renders_without_fetching(self):
        html = (
            '<html lang="nl"><head><title>t</title>'
            '<link rel="stylesheet" href="file:///etc/passwd"></head>'
            '<body><img src="http://127.0.0.1:9/x.png" alt="x"><p>tekst</p></body></html>'
        )
        self.assertIn("tekst", pdf_text(render_pdf(html=html)))


class BuildAnnualReportCommandTestCase(TestCase):
    def test_it_writes_the_pdf(self):
        call_command("loaddata", "leiden_2021_2024", verbosity=0)
        with tempfile.TemporaryDirectory() as directory:
            out = Path(directory) / "report.pdf"
            call_command("build_annual_report", year=2023, out=out, stdout=StringIO())
            self.assertIn("Jaarrapportage 2023", pdf_text(out.read_bytes()))
