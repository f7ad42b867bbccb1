"""The printed annual report read back page by page, as a council member turns the pages:
no page with a few stray lines, no heading at the foot of a page, no table header without
a row under it."""

import re
import subprocess
import tempfile
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from plan.models import Goal, Spearhead
from reporting.report import annual_report_pdf

TABLE_HEADER = {
    "nl": re.compile(r"^\s*Nr\.\s+Inspanning\s+Status\s+Voortgang"),
    "en": re.compile(r"^\s*No\.\s+Effort\s+Status\s+Progress"),
}
EFFORT_ROW = re.compile(r"^\s*\d+\.\d+\s+\S")
HEADINGS = {
    "nl": [
        "Inhoud",
        "Samenvatting",
        "Inspanningen per status",
        "Inspanningen met prioriteit",
        "Doelen en de inspanningen die eraan bijdragen",
        "Inspanningen van dit speerpunt",
        "Wijzigingen in 2023",
        "Monitor Internationalisering",
        "Vaststelling",
    ],
    "en": [
        "Contents",
        "Summary",
        "Efforts per status",
        "Priority efforts",
        "Goals and the efforts contributing to them",
        "Efforts of this spearhead",
        "Changes in 2023",
        "Monitor Internationalisation",
        "Adoption",
    ],
}
MIN_LINES = 8


def pdf_pages(pdf: bytes) -> list[list[str]]:
    """Per page its body lines (running header and footer left out), laid out as printed."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-layout", file.name, "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    pages = []
    for page in text.split("\f")[:-1]:
        lines = [line for line in page.splitlines() if line.strip()]
        pages.append(lines[1:-1])  # the running header and the footer
    return pages


class TypesettingChecks:
    language = "nl"

    @classmethod
    def render(cls):
        cls.pdf = annual_report_pdf(year=2023, language=cls.language)
        cls.pages = pdf_pages(cls.pdf)
        spearhead_word = "Speerpunt" if cls.language == "nl" else "Spearhead"
        cls.headings = HEADINGS[cls.language] + [
            f"{spearhead_word} {number}:"
            for number in Spearhead.objects.values_list("number", flat=True)
        ]
        cls.goal_starts = [
            f"{goal.code} {' '.join(goal.text.split()[:3])}"
            for goal in Goal.objects.select_related("spearhead")
        ]

    def test_no_body_page_holds_only_a_few_lines(self):
        # the cover, the contents and the last page may be short
        for number, lines in enumerate(self.pages[2:-1], start=3):
            with self.subTest(page=number):
                self.assertGreaterEqual(len(lines), MIN_LINES, "\n".join(lines))

    def test_no_heading_ends_a_page(self):
        for number, lines in enumerate(self.pages[:-1], start=1):
            last = " ".join(lines[-1].split()) if lines else ""
            with self.subTest(page=number, last=last):
                for heading in self.headings:
                    self.assertFalse(last.startswith(heading), heading)
                for goal in self.goal_starts:
                    self.assertFalse(last.startswith(goal), goal)

    def test_every_table_header_has_a_row_under_it_on_its_page(self):
        header = TABLE_HEADER[self.language]
        seen = 0
        for number, lines in enumerate(self.pages, start=1):
            for index, line in enumerate(lines):
                if header.match(line):
                    seen += 1
                    with self.subTest(page=number, line=index):
                        rows = [other for other in lines[index + 1 :] if EFFORT_ROW.match(other)]
                        self.assertTrue(rows, "\n".join(lines[index:]))
        self.assertGreaterEqual(seen, 7)  # the priorities and one per spearhead

    def test_pages_are_numbered_x_of_y(self):
        word, of = ("pagina", "van") if self.language == "nl" else ("page", "of")
        text = pdf_text_of(self.pdf)
        self.assertIn(f"{word} 1 {of} {len(self.pages)}", text)
        self.assertIn(f"{word} {len(self.pages)} {of} {len(self.pages)}", text)


def pdf_text_of(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return re.sub(r"\s+", " ", result.stdout.decode())


class RealPlanTypesettingTestCase(TypesettingChecks, TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("loaddata", "leiden_2021_2024", verbosity=0)
        cls.render()

    def test_the_cover_gives_year_plan_and_status(self):
        cover = " ".join(" ".join(self.pages[0]).split())
        self.assertIn("Jaarrapportage 2023", cover)
        self.assertIn("Meerjarenplan internationalisering 2021-2024", cover)
        self.assertIn("Status: Concept", cover)

    def test_the_contents_give_page_numbers(self):
        contents = "\n".join(self.pages[1])
        self.assertRegex(contents, r"Samenvatting[ .]+3\n")
        self.assertRegex(contents, r"Speerpunt 6: Inbedding in de organisatie[ .]+\d+\n")

    def test_the_summary_shows_statuses_and_priorities_on_one_page(self):
        summary = "\n".join(self.pages[2])
        self.assertIn("Inspanningen per status", summary)
        self.assertIn("Inspanningen met prioriteit", summary)
        for code in ("1.1", "3.1", "3.3", "5.1", "6.1"):
            self.assertRegex(summary, rf"\n\s*{re.escape(code)}\s+\S")


class RealPlanEnglishTypesettingTestCase(TypesettingChecks, TestCase):
    language = "en"

    @classmethod
    def setUpTestData(cls):
        call_command("loaddata", "leiden_2021_2024", verbosity=0)
        cls.render()


class LargerPlanTypesettingTestCase(TypesettingChecks, TestCase):
    """A synthetic plan three times the real one: long tables run over pages."""

    @classmethod
    def setUpTestData(cls):
        call_command("generate_scale_data", factor=3, stdout=StringIO())
        cls.render()


class StatusChangeSincePreviousYearTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("loaddata", "leiden_2021_2024", verbosity=0)

    def test_the_summary_counts_the_change_since_the_previous_adopted_year(self):
        from django.contrib.auth.models import User
        from django.urls import reverse

        from plan.models import Effort, Plan, PlanYear
        from plan.selectors import plan_snapshot

        plan = Plan.objects.get()
        # 2022 was adopted with every effort not started (a plan snapshot without report)
        snapshot = plan_snapshot(plan=plan)
        for effort in snapshot["efforts"]:
            effort["status"] = "not_started"
        PlanYear.objects.update_or_create(plan=plan, year=2022, defaults={"snapshot": snapshot})
        user = User.objects.create_superuser("opgavemanager")
        self.client.force_login(user)
        r = self.client.get(reverse("reporting:annual-report", args=[2023]))
        totals = {row["status"]: row["change"] for row in r.context["totals"]}
        running = Effort.objects.filter(status=Effort.Status.ON_TRACK).count()
        self.assertEqual(totals[Effort.Status.ON_TRACK], running)
        self.assertEqual(totals[Effort.Status.NOT_STARTED], -running)
        self.assertContains(r, "Verschil met 2022")
        self.assertContains(r, f'<td class="num">+{running}</td>', html=False)


class KeyFiguresTestCase(TestCase):
    """The summary shows the Monitor figures measured longest: latest value, the one before."""

    def test_the_summary_shows_three_monitor_figures_with_their_change(self):
        from plan.models import Indicator, IndicatorValue
        from reporting.report import report_context, report_plan

        call_command("loaddata", "leiden_2021_2024", verbosity=0)
        IndicatorValue.objects.all().delete()
        for name, values in {
            "Internationals": [(2021, 14500), (2022, 15100), (2023, 15800)],
            "Aandeel internationals": [(2022, 11.6), (2023, 12.1)],
            "Vertrek binnen 3 jaar": [(2022, 51), (2023, 48)],
            "Eenmalig gemeten": [(2023, 7)],
        }.items():
            unit = "%" if "Aandeel" in name or "Vertrek" in name else "inwoners"
            indicator = Indicator.objects.create(name=name, unit=unit)
            for year, value in values:
                IndicatorValue.objects.create(indicator=indicator, year=year, value=value)
        context = report_context(plan=report_plan(2023), year=2023)
        rows = [
            (r["indicator"], r["value"], r["previous"], r["change"]) for r in context["key_figures"]
        ]
        self.assertEqual(
            rows,
            [
                ("Internationals", "15.800", "15.100", "+700"),
                ("Aandeel internationals", "12,1%", "11,6%", "+0,5%"),
                ("Vertrek binnen 3 jaar", "48%", "51%", "−3%"),
            ],
        )
