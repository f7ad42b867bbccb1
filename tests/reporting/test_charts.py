from xml.etree import ElementTree

from django.test import SimpleTestCase
from django.utils import translation

from plan.models import Effort
from reporting import charts

SVG = "{http://www.w3.org/2000/svg}"


class ChartsTestCase(SimpleTestCase):
    """The SVG keeps its text as text, so what a reader sees can be checked here."""

    def test_yearly_values_label_years_and_values_in_dutch(self):
        with translation.override("nl"):
            chart = charts.yearly_values(
                title="Internationals",
                unit="inwoners",
                points=[(2009, 10058), (2020, 14500)],
                value_label="inwoners",
            )
        self.assertIn(">2009<", chart.svg)
        self.assertIn(">2020<", chart.svg)
        self.assertIn(">14.500<", chart.svg)
        self.assertEqual(chart.rows, [["2009", "10.058"], ["2020", "14.500"]])

    def test_english_numbers_in_english(self):
        with translation.override("en"):
            chart = charts.yearly_values(
                title="Share", unit="%", points=[(2020, 11.6), (2021, 11.2)], value_label="%"
            )
        self.assertEqual(chart.rows, [["2020", "11.6%"], ["2021", "11.2%"]])

    def test_category_values_label_each_category(self):
        with translation.override("nl"):
            chart = charts.category_values(
                title="Nationaliteiten",
                unit="inwoners",
                items=[("Italië", 1200), ("Duitsland", 1080)],
                value_label="inwoners",
            )
        self.assertIn(">Italië<", chart.svg)
        self.assertIn(">Duitsland<", chart.svg)
        self.assertIn(">1.200<", chart.svg)

    def test_status_bars_name_categories_and_statuses(self):
        with translation.override("nl"):
            chart = charts.status_bars(
                title="Per speerpunt",
                categories=["1. Onderwijs", "2. Wonen"],
                counts=[{Effort.Status.ON_TRACK: 3}, {Effort.Status.DELAYED: 1}],
            )
        self.assertIn("1. Onderwijs", chart.svg)
        self.assertIn("Loopt volgens planning", chart.svg)
        self.assertEqual(chart.columns, ["", "Loopt volgens planning", "Vertraagd"])
        self.assertEqual(chart.rows, [["1. Onderwijs", 3, 0], ["2. Wonen", 0, 1]])
        self.assertTrue(chart.data_uri.startswith("data:image/svg+xml;base64,"))


def every_chart() -> list[charts.Chart]:
    return [
        charts.status_bars(
            title="Per speerpunt",
            categories=["1. Onderwijs", "4. Huisvesting & Stedelijke ontwikkeling"],
            counts=[{Effort.Status.ON_TRACK: 3, Effort.Status.AT_RISK: 2}, {}],
        ),
        charts.yearly_values(
            title="Aandeel", unit="%", points=[(2019, 11.6), (2020, 11.2)], value_label="%"
        ),
        charts.category_values(
            title="Nationaliteiten",
            unit="inwoners",
            items=[("Italië", 1200), ("Duitsland", 1080)],
            value_label="inwoners",
        ),
    ]


class ChartMarkupTestCase(SimpleTestCase):
    def test_every_chart_is_well_formed_svg_with_a_title_and_description(self):
        with translation.override("nl"):
            drawn = every_chart()
        for chart in drawn:
            with self.subTest(chart.title):
                svg = ElementTree.fromstring(chart.svg)
                self.assertEqual(svg.tag, f"{SVG}svg")
                self.assertEqual(svg.get("role"), "img")
                title, description = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
                self.assertEqual(title.text, chart.title)
                self.assertTrue(description.text)
                self.assertEqual(
                    svg.get("aria-labelledby"), f"{title.get('id')} {description.get('id')}"
                )
                self.assertIn("viewBox", svg.attrib)

    def test_names_that_look_like_tex_or_markup_are_shown_as_written(self):
        names = ["$\\frac{a}$", "<script>alert(1)</script>", "R&D"]
        with translation.override("nl"):
            drawn = [
                charts.category_values(
                    title=names[0], unit="", items=[(n, 1) for n in names], value_label="x"
                ),
                charts.yearly_values(
                    title=names[1], unit=names[0], points=[(2020, 1.5)], value_label="x"
                ),
                charts.status_bars(
                    title=names[2], categories=names, counts=[{Effort.Status.DONE: 1}] * 3
                ),
            ]
        for chart in drawn:
            with self.subTest(chart.title):
                self.assertNotIn("<script>", chart.svg)
                text = " ".join(ElementTree.fromstring(chart.svg).itertext())
                for name in names if chart.title != names[1] else names[:2]:
                    self.assertIn(name, text)

    def test_a_long_category_label_fits_beside_the_bars(self):
        label = "4. Huisvesting & Stedelijke ontwikkeling"
        with translation.override("nl"):
            chart = charts.status_bars(
                title="Per speerpunt", categories=[label], counts=[{Effort.Status.DONE: 1}]
            )
        svg = ElementTree.fromstring(chart.svg)
        lines = [tspan.text for tspan in svg.iter(f"{SVG}tspan")]
        self.assertEqual(" ".join(lines), label)
        self.assertGreater(len(lines), 1)
        for line in lines:  # right-aligned at the bars' left edge, starting inside the image
            self.assertLess(charts.text_width(line), float(svg.find(f".//{SVG}tspan").get("x")))

    def test_axis_ticks_are_round_numbers_in_the_language(self):
        with translation.override("nl"):
            self.assertEqual(
                [text for _value, text in charts.nice_ticks(15010)],
                ["0", "5.000", "10.000", "15.000", "20.000"],
            )
            self.assertEqual(
                [text for _value, text in charts.nice_ticks(0.9)],
                ["0,0", "0,2", "0,4", "0,6", "0,8", "1,0"],
            )
            self.assertEqual(
                [text for _value, text in charts.nice_ticks(7068, most=3)],
                ["0", "2.500", "5.000", "7.500"],
            )
            self.assertEqual(
                [text for _value, text in charts.nice_ticks(12.05)], ["0", "5", "10", "15"]
            )
            self.assertEqual(
                [text for _value, text in charts.nice_ticks(3, integer=True)],
                ["0", "1", "2", "3"],
            )
