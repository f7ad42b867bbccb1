"""The Monitor's marks (plan.monitor) and the programme manager's pages for its figures."""

from decimal import Decimal

from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import timezone, translation

from plan.models import Indicator, IndicatorValue
from plan.monitor import Mark, format_figure, monitor_mark, standing
from plan.roles import Role
from tests.base import BaseTestCase, make_user

D = Decimal


class MonitorMarkTestCase(SimpleTestCase):
    def test_up_is_on_track_at_or_above_the_target(self):
        self.assertEqual(monitor_mark(value=D("12"), target=D("11"), direction="up"), "on_track")
        self.assertEqual(monitor_mark(value=D("11"), target=D("11"), direction="up"), "on_track")
        self.assertEqual(
            monitor_mark(value=D("10.99"), target=D("11"), direction="up"), "off_track"
        )

    def test_down_is_on_track_at_or_below_the_target(self):
        self.assertEqual(monitor_mark(value=D("40"), target=D("45"), direction="down"), "on_track")
        self.assertEqual(monitor_mark(value=D("45"), target=D("45"), direction="down"), "on_track")
        self.assertEqual(
            monitor_mark(value=D("45.01"), target=D("45"), direction="down"), "off_track"
        )

    def test_without_a_target_or_a_direction_there_is_no_mark_to_meet(self):
        self.assertEqual(monitor_mark(value=D("1"), target=None, direction="up"), "no_target")
        self.assertEqual(monitor_mark(value=D("1"), target=D("1"), direction="none"), "no_target")

    def test_a_target_of_zero_and_negative_values_are_compared_as_numbers(self):
        self.assertEqual(monitor_mark(value=D("0"), target=D("0"), direction="down"), "on_track")
        self.assertEqual(monitor_mark(value=D("-2"), target=D("-1"), direction="up"), "off_track")

    def test_the_marks_are_written_out_in_dutch(self):
        with translation.override("nl"):
            labels = [str(mark.label) for mark in Mark]
        self.assertEqual(labels, ["op koers", "niet op koers", "geen streefwaarde"])

    def test_standing_is_the_latest_year_against_its_own_target_and_the_year_measured_before(
        self,
    ):
        points = [
            {"year": 2023, "value": "11.6", "target": "12"},
            {"year": 2019, "value": "10"},
            {"year": 2021, "value": "11.2", "target": "11"},
        ]
        now = standing(points, direction="up")
        self.assertEqual((now.year, now.value, now.target), (2023, D("11.6"), D("12")))
        self.assertEqual((now.previous_year, now.previous), (2021, D("11.2")))
        self.assertEqual(now.change, D("0.4"))
        self.assertEqual(now.mark, "off_track")

    def test_values_frozen_before_targets_existed_have_no_target(self):
        now = standing([{"year": 2021, "value": "12"}], direction="up")
        self.assertEqual((now.mark, now.previous_year, now.change), ("no_target", None, None))
        self.assertIsNone(standing([], direction="up"))

    def test_figures_are_written_in_the_pages_language(self):
        with translation.override("nl"):
            self.assertEqual(format_figure(D("14500.00"), "inwoners"), "14.500")
            self.assertEqual(format_figure(D("11.60"), "%"), "11,6%")
            self.assertEqual(format_figure(D("0.25"), ""), "0,25")
        with translation.override("en"):
            self.assertEqual(format_figure(D("14500.50"), ""), "14,500.5")
        self.assertEqual(format_figure(None, "%"), "")


class MonitorPagesTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.share = Indicator.objects.create(
            name="Aandeel internationals", unit="%", direction=Indicator.Direction.UP
        )
        cls.value_2021 = IndicatorValue.objects.create(
            indicator=cls.share, year=2021, value=D("11.2"), target=D("11.5")
        )
        cls.reader = make_user("lezer", role=Role.READER)

    def url(self, name, *args):
        return reverse(f"plan:{name}", args=args)

    def test_only_the_programme_manager_enters_figures(self):
        urls = [
            self.url("monitor"),
            self.url("indicator-create"),
            self.url("indicator-edit", self.share.pk),
            self.url("indicator-value-create", self.share.pk),
            self.url("indicator-value-edit", self.value_2021.pk),
        ]
        for user in (self.alice, self.charlie, self.wethouder, self.reader):
            self.client.force_login(user)
            for url in urls:
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 403)
                    self.assertEqual(self.client.post(url, {"name": "x"}).status_code, 403)
        self.assertEqual(Indicator.objects.count(), 1)
        self.client.force_login(self.bob)
        for url in urls:
            with self.subTest(user="bob", url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_the_list_shows_the_latest_value_against_its_target_with_a_text_mark(self):
        self.client.force_login(self.bob)
        r = self.client.get(self.url("monitor"))
        self.assertContains(r, "Aandeel internationals")
        self.assertContains(r, "11,2% (2021)")
        self.assertContains(r, "11,5%")
        self.assertContains(r, '<span class="mark mark-off_track">niet op koers</span>', html=True)

    def test_an_indicator_is_created_with_its_unit_direction_and_goals(self):
        self.client.force_login(self.bob)
        r = self.client.post(
            self.url("indicator-create"),
            {
                "name": "Vertrek binnen drie jaar",
                "unit": "%",
                "direction": "down",
                "comparison_label": "G4-gemiddelde",
                "goals": [self.city_goal.pk, self.meeting_goal.pk],
            },
        )
        indicator = Indicator.objects.get(name="Vertrek binnen drie jaar")
        self.assertRedirects(r, self.url("indicator-edit", indicator.pk))
        self.assertEqual((indicator.unit, indicator.direction), ("%", "down"))
        self.assertEqual(set(indicator.goals.all()), {self.city_goal, self.meeting_goal})
        # created, then its goals set: each recorded, by the programme manager
        self.assertEqual({record.history_user for record in indicator.history.all()}, {self.bob})

    def test_a_second_indicator_of_the_same_name_is_refused(self):
        self.client.force_login(self.bob)
        r = self.client.post(
            self.url("indicator-create"), {"name": "Aandeel internationals", "direction": "up"}
        )
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "<title>Fout:", status_code=200)
        self.assertContains(r, "Er bestaat al een Indicator met eenzelfde Naam.")

    def test_a_value_is_entered_with_decimal_commas(self):
        self.client.force_login(self.bob)
        r = self.client.post(
            self.url("indicator-value-create", self.share.pk),
            {"year": "2022", "value": "11,75", "target": "12", "comparison": "1.234,5"},
        )
        self.assertRedirects(r, self.url("indicator-edit", self.share.pk) + "#values")
        value = self.share.values.get(year=2022)
        self.assertEqual(
            (value.value, value.target, value.comparison), (D("11.75"), 12, D("1234.5"))
        )
        self.assertEqual(value.history.first().history_user, self.bob)
        r = self.client.get(self.url("indicator-edit", self.share.pk))
        self.assertContains(r, "11,75% (2022)")
        self.assertContains(r, "niet op koers")

    def test_an_empty_target_clears_it(self):
        self.client.force_login(self.bob)
        self.client.post(
            self.url("indicator-value-edit", self.value_2021.pk),
            {"year": "2021", "value": "11,2", "target": "", "comparison": ""},
        )
        self.value_2021.refresh_from_db()
        self.assertIsNone(self.value_2021.target)

    def test_bad_input_gets_a_clear_message_and_nothing_is_saved(self):
        self.client.force_login(self.bob)
        last = timezone.localdate().year + 10
        cases = [
            ({"year": "1850", "value": "1"}, f"Schrijf een jaar van 1900 tot en met {last}."),
            ({"year": str(last + 1), "value": "1"}, "Schrijf een jaar van 1900"),
            ({"year": "2021", "value": "2"}, "Deze indicator heeft al een waarde voor 2021"),
            ({"year": "2022", "value": "elf"}, "Schrijf een getal, zoals 11,6 of 14500."),
            ({"year": "2022", "value": "1,234"}, "niet meer dan 2 cijfers achter de komma"),
            ({"year": "2022", "value": ""}, "Dit veld is verplicht."),
            ({"year": "2022", "value": "1", "target": "twaalf"}, "Schrijf een getal"),
        ]
        for data, message in cases:
            with self.subTest(data=data):
                r = self.client.post(self.url("indicator-value-create", self.share.pk), data)
                self.assertEqual(r.status_code, 200)
                self.assertContains(r, "<title>Fout:")
                self.assertContains(r, message)
        self.assertEqual(self.share.values.count(), 1)

    def test_changing_a_value_to_another_indicators_year_is_refused(self):
        IndicatorValue.objects.create(indicator=self.share, year=2020, value=D("11"))
        self.client.force_login(self.bob)
        r = self.client.post(
            self.url("indicator-value-edit", self.value_2021.pk), {"year": "2020", "value": "3"}
        )
        self.assertContains(r, "Deze indicator heeft al een waarde voor 2020")
        # the same year again is no conflict with itself
        r = self.client.post(
            self.url("indicator-value-edit", self.value_2021.pk), {"year": "2021", "value": "3"}
        )
        self.assertEqual(r.status_code, 302)

    def test_a_value_is_deleted_by_the_programme_manager_only_by_post(self):
        url = self.url("indicator-value-delete", self.value_2021.pk)
        self.client.force_login(self.wethouder)
        self.assertEqual(self.client.post(url).status_code, 403)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(url).status_code, 405)
        r = self.client.post(url, follow=True)
        self.assertRedirects(r, self.url("indicator-edit", self.share.pk) + "#values")
        self.assertContains(r, "De waarde voor 2021 is verwijderd.")
        self.assertFalse(self.share.values.exists())
        self.assertEqual(self.value_2021.history.latest().history_type, "-")
        self.assertEqual(self.value_2021.history.latest().history_user, self.bob)

    def test_the_list_runs_the_same_queries_for_ten_times_the_indicators(self):
        self.client.force_login(self.bob)
        # session, user, the user's permissions (user, group), the indicators, their values,
        # and the menu's plan years awaiting the user's decision
        # and every plan, once, for the menu's plan switcher (plan.periods)
        with self.assertNumQueries(7):
            self.client.get(self.url("monitor"))
        for number in range(10):
            indicator = Indicator.objects.create(name=f"Indicator {number}", direction="up")
            for year in (2020, 2021, 2022):
                IndicatorValue.objects.create(indicator=indicator, year=year, value=year, target=1)
        with self.assertNumQueries(7):
            r = self.client.get(self.url("monitor"))
        self.assertEqual(len(r.context["rows"]), 11)

    def test_the_edit_page_runs_the_same_queries_for_more_values_and_goals(self):
        self.client.force_login(self.bob)
        url = self.url("indicator-edit", self.share.pk)
        # session, user, permissions (user, group), indicator, plan, its goals checked, the
        # values for the standing, the menu's plan years, the values' table, the goals
        with self.assertNumQueries(10):
            self.client.get(url)
        for year in range(2000, 2020):
            IndicatorValue.objects.create(indicator=self.share, year=year, value=year)
        self.share.goals.add(self.city_goal, self.meeting_goal)
        self.add_efforts(5)
        with self.assertNumQueries(10):
            self.client.get(url)

    def test_the_menu_links_the_monitor_for_the_programme_manager_only(self):
        self.client.force_login(self.bob)
        self.assertContains(self.client.get(reverse("plan:overview")), self.url("monitor"))
        self.client.force_login(self.wethouder)
        self.assertNotContains(self.client.get(reverse("plan:overview")), self.url("monitor"))

    def test_without_a_plan_an_indicator_is_made_without_goals(self):
        from plan.models import Effort, Plan

        Effort.objects.all().delete()
        Plan.objects.all().delete()
        self.client.force_login(self.bob)
        r = self.client.post(self.url("indicator-create"), {"name": "Nieuw", "direction": "up"})
        self.assertEqual(r.status_code, 302)
        self.assertFalse(Indicator.objects.get(name="Nieuw").goals.exists())
