"""The Monitor's latest values against their targets, as the dashboard, the annual report's
key figures, the goal page and the charts show them."""

import os
from decimal import Decimal
from pathlib import Path

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from plan.models import Indicator, IndicatorValue, PlanYear
from reporting import charts, selectors
from reporting.report import annual_report_pdf, report_context, report_plan
from tests.base import BaseTestCase

D = Decimal
MARK = '<span class="mark mark-{}">{}</span>'


class MonitorStandingsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.share = Indicator.objects.create(
            name="Aandeel internationals",
            unit="%",
            direction=Indicator.Direction.UP,
            comparison_label="G4-gemiddelde",
        )
        cls.share.goals.add(cls.city_goal)
        for year, value, target, comparison in (
            (2020, "11.6", None, None),
            (2022, "12.1", "12", "10.4"),
        ):
            IndicatorValue.objects.create(
                indicator=cls.share, year=year, value=D(value), target=target, comparison=comparison
            )
        cls.leaving = Indicator.objects.create(
            name="Vertrek binnen drie jaar", unit="%", direction=Indicator.Direction.DOWN
        )
        cls.leaving.goals.add(cls.city_goal)
        for year, value, target in ((2021, "51", "50"), (2022, "52", "48")):
            IndicatorValue.objects.create(
                indicator=cls.leaving, year=year, value=D(value), target=D(target)
            )
        cls.residents = Indicator.objects.create(name="Inwoners", unit="inwoners")
        IndicatorValue.objects.create(indicator=cls.residents, year=2022, value=14500)

    def setUp(self):
        cache.clear()

    def test_each_indicator_is_judged_in_its_desired_direction(self):
        with translation.override("nl"):
            rows = {
                r["indicator"]: r for r in selectors.monitor_standings(selectors.monitor_values())
            }
        share, leaving, residents = (
            rows["Aandeel internationals"],
            rows["Vertrek binnen drie jaar"],
            rows["Inwoners"],
        )
        self.assertEqual(
            (share["value"], share["target"], share["previous"], share["previous_year"]),
            ("12,1%", "12%", "11,6%", 2020),
        )
        self.assertEqual((share["change"], share["mark_label"]), ("+0,5%", "op koers"))
        self.assertEqual((share["comparison"], share["compared_with"]), ("10,4%", "G4-gemiddelde"))
        self.assertEqual((leaving["change"], leaving["mark_label"]), ("+1%", "niet op koers"))
        self.assertEqual(
            (residents["mark_label"], residents["previous_year"], residents["change"]),
            ("geen streefwaarde", None, ""),
        )

    def test_the_dashboard_shows_the_marks_in_words(self):
        self.client.force_login(self.wethouder)
        r = self.client.get(reverse("reporting:dashboard-monitor"))
        # measured once and without a target: in the charts only
        table = r.content.decode().split("monitor-standings")[1].split("</table>")[0]
        self.assertNotIn("Inwoners", table)
        IndicatorValue.objects.create(indicator=self.residents, year=2021, value=14000)
        r = self.client.get(reverse("reporting:dashboard-monitor"))
        self.assertContains(r, "Laatste cijfers tegenover hun streefwaarden")
        self.assertContains(r, MARK.format("on_track", "op koers"), html=True)
        self.assertContains(r, MARK.format("off_track", "niet op koers"), html=True)
        self.assertContains(r, MARK.format("no_target", "geen streefwaarde"), html=True)
        self.assertContains(r, '10,4% <span class="muted">(G4-gemiddelde)</span>', html=True)
        # the target is drawn in the chart and listed in its table of numbers
        chart = next(c for c in r.context["monitor"] if c.title == "Aandeel internationals")
        self.assertEqual(chart.columns, ["", "%", "streefwaarde", "G4-gemiddelde"])
        self.assertEqual(
            chart.rows, [["2020", "11,6%", "–", "–"], ["2022", "12,1%", "12%", "10,4%"]]
        )
        self.assertIn('stroke-dasharray="5 3"', chart.svg)
        self.assertIn(">streefwaarde</text>", chart.svg)
        # only the programme manager is sent on to enter figures
        enter = f'<a href="{reverse("plan:monitor")}">Monitorcijfers en streefwaarden invullen</a>'
        self.assertNotContains(r, enter, html=True)
        self.client.force_login(self.bob)
        self.assertContains(
            self.client.get(reverse("reporting:dashboard-monitor")), enter, html=True
        )

    def test_the_dashboard_in_english_marks_the_dutch_names(self):
        self.client.force_login(self.wethouder)
        self.client.cookies.load({"django_language": "en"})
        r = self.client.get(reverse("reporting:dashboard-monitor"))
        self.assertContains(r, MARK.format("off_track", "Off track"), html=True)
        self.assertContains(r, '<th scope="row" lang="nl">Vertrek binnen drie jaar</th>', html=True)

    def test_the_goal_page_lists_the_indicators_that_inform_it(self):
        self.client.force_login(self.wethouder)
        r = self.client.get(reverse("plan:goal-detail", args=[self.city_goal.pk]))
        self.assertContains(r, "Monitorcijfers bij dit doel")
        self.assertContains(r, "12,1% (2022), streefwaarde 12%, +0,5% sinds 2020")
        self.assertContains(r, MARK.format("on_track", "op koers"), html=True)
        self.assertContains(r, MARK.format("off_track", "niet op koers"), html=True)
        self.assertNotContains(r, "Inwoners")
        r = self.client.get(reverse("plan:goal-detail", args=[self.meeting_goal.pk]))
        self.assertContains(r, "Aan dit doel is geen monitorcijfer gekoppeld.")

    def test_the_goal_page_runs_the_same_queries_with_more_indicators(self):
        self.client.force_login(self.wethouder)
        url = reverse("plan:goal-detail", args=[self.city_goal.pk])
        # session, user, goal, efforts (count, page, their goals), its indicators, their
        # values, and the menu's plan years awaiting the user's decision
        # and every plan, once, for the menu's plan switcher (plan.periods)
        with self.assertNumQueries(10):
            self.client.get(url)
        for number in range(10):
            indicator = Indicator.objects.create(name=f"Cijfer {number}", direction="up")
            indicator.goals.add(self.city_goal)
            IndicatorValue.objects.create(indicator=indicator, year=2022, value=number, target=5)
        with self.assertNumQueries(10):
            r = self.client.get(url)
        self.assertEqual(len(r.context["indicators"]), 12)

    def test_the_reports_key_figures_put_the_targeted_ones_first_with_their_marks(self):
        with translation.override("nl"):
            context = report_context(plan=report_plan(2022), year=2022)
        rows = [
            (r["indicator"], r["value"], r["target"], r["mark_label"])
            for r in context["key_figures"]
        ]
        self.assertEqual(
            rows,
            [
                ("Aandeel internationals", "12,1%", "12%", "op koers"),
                ("Vertrek binnen drie jaar", "52%", "48%", "niet op koers"),
            ],
        )
        self.assertTrue(context["key_targets"])
        self.client.force_login(self.wethouder)
        r = self.client.get(reverse("reporting:annual-report", args=[2022]))
        self.assertContains(r, MARK.format("off_track", "niet op koers"), html=True)
        self.assertNotContains(r, "Het plan stelt voor deze cijfers geen streefwaarden.")

    def test_a_report_frozen_before_targets_existed_still_shows_its_figures(self):
        frozen = [
            {"indicator": "Aandeel", "year": year, "value": value, "unit": "%", "source": ""}
            for year, value in ((2020, "11.60"), (2021, "11.20"))
        ]
        rows = selectors.monitor_standings(frozen)
        self.assertEqual(
            (rows[0]["mark"], rows[0]["target"], rows[0]["has_target"]), ("no_target", "", False)
        )
        chart = selectors.monitor_charts_from(frozen)[0]
        self.assertEqual(len(chart.columns), 2)  # no target or comparison columns
        # an adopted year whose snapshot holds such a report
        plan_year = PlanYear.objects.create(
            plan=self.plan, year=2021, state=PlanYear.State.ADOPTED, adopted=timezone.now()
        )
        report = {
            "year": 2021,
            "plan": {"title": "Plan", "title_en": "", "ambition": "", "ambition_en": ""},
            "spearheads": [],
            "efforts": [],
            "monitor": frozen,
            "previous_year": None,
            "year_changes": None,
        }
        plan_year.snapshot = {"report": report}
        plan_year.save()
        self.client.force_login(self.wethouder)
        r = self.client.get(reverse("reporting:annual-report", args=[2021]))
        self.assertContains(r, "Aandeel")
        self.assertContains(r, "11,2% (2021)")
        self.assertContains(r, "Het plan stelt voor deze cijfers geen streefwaarden.")

    def test_the_pdf_writes_the_marks_and_stays_tagged(self):
        from tests.reporting.test_annual_report import pdf_info, pdf_text

        pdf = annual_report_pdf(year=2022)
        if os.environ.get("KEEP_PDF"):
            Path(os.environ["KEEP_PDF"]).write_bytes(pdf)
        text = " ".join(pdf_text(pdf).split())
        self.assertIn("Aandeel internationals 12,1% (2022) 12% 11,6% (2020) +0,5%", text)
        self.assertIn("Stand op koers niet op koers", text)  # the column of marks
        self.assertIn("streefwaarde", text)  # the charts' tables and legends
        self.assertRegex(pdf_info(pdf, "-meta"), r"pdfuaid:part[^0-9]*1")


class YearlyValuesChartTestCase(BaseTestCase):
    def test_without_targets_the_chart_has_no_legend_or_extra_columns(self):
        chart = charts.yearly_values(
            title="Aandeel", unit="%", points=[(2020, 11.6), (2021, 11.2)], value_label="%"
        )
        self.assertEqual(chart.columns, ["", "%"])
        self.assertNotIn("stroke-dasharray", chart.svg)

    def test_a_target_above_every_value_still_fits_the_axis(self):
        chart = charts.yearly_values(
            title="Aandeel",
            unit="",
            points=[(2020, 10), (2021, 11)],
            value_label="x",
            targets=[None, 40],
        )
        self.assertIn(">40</text>", chart.svg)  # the axis reaches the target
        self.assertEqual(chart.rows, [["2020", "10", "–"], ["2021", "11", "40"]])
