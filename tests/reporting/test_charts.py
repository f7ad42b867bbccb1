from django.test import SimpleTestCase
from django.utils import translation

from plan.models import Effort
from reporting import charts


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
