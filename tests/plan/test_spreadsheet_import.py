"""The import service (plan.spreadsheet.importer): every rule of DOMAIN.md's spreadsheet format,
all-or-nothing writing, and the round trip export -> import of the real plan."""

import io
from datetime import date
from decimal import Decimal
from unittest.mock import patch

from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase

from plan.models import Effort, Indicator, IndicatorValue, Partner, Plan, TargetGroup, Team
from plan.selectors import effort_history, plan_current
from plan.spreadsheet import importer
from plan.spreadsheet.files import FileRefused
from plan.spreadsheet.importer import (
    ImportHasErrors,
    ImportOutdated,
    import_apply,
    import_preview,
)
from reporting.exports import efforts_xlsx
from tests.base import BaseTestCase
from tests.workbooks import REQUIRED, Formatted, effort_row, snapshot, xlsx


class ImportTestCase(BaseTestCase):
    def preview(self, rows, headings=REQUIRED, **kwargs):
        return import_preview(file=xlsx(rows, headings=headings, **kwargs), plan=self.plan)

    def apply(self, rows, headings=REQUIRED, **kwargs):
        return import_apply(
            file=xlsx(rows, headings=headings, **kwargs), plan=self.plan, user=self.bob
        )

    def errors(self, preview):
        return [(e.row, e.heading, e.message) for e in preview.errors]

    def changes(self, preview, code="3.1"):
        row = next(row for row in preview.efforts if row.key == code)
        return {change.heading: (change.old, change.new) for change in row.changes}

    def assert_one_error(self, preview, heading, text, row=2):
        self.assertEqual(len(preview.errors), 1, self.errors(preview))
        error = preview.errors[0]
        self.assertEqual((error.row, error.heading), (row, heading))
        self.assertIn(text, error.message)


class RoundTripTestCase(TestCase):
    """Exporting the real plan and importing the file unchanged changes nothing."""

    @classmethod
    def setUpTestData(cls):
        call_command("loaddata", "leiden_2021_2024", verbosity=0)
        call_command("populate_history", "plan.Effort", verbosity=0)
        from django.contrib.auth.models import User

        lead = User.objects.create_user(
            "jan", email="j.jansen@leiden.nl", first_name="Jan", last_name="Jansen"
        )
        effort = Effort.objects.get(spearhead__number=3, number=1)
        effort.lead = lead
        nameless = Effort.objects.get(spearhead__number=1, number=1)
        nameless.lead = User.objects.create_user("piet", email="piet@leiden.nl")
        nameless.save()
        effort.description = "Regel één\r\nRegel twee  "  # CRLF and spaces from a web form
        effort.note = '=HYPERLINK("http://example.org")'
        effort.save()
        # a target and a comparison figure, with and without decimals
        IndicatorValue.objects.filter(year=2021, indicator__unit="%").update(
            target=Decimal("11.50"), comparison=Decimal("12")
        )

    def test_it_shows_zero_changes_and_writes_nothing(self):
        plan = plan_current()
        data = efforts_xlsx(efforts=Effort.objects.all())
        before = snapshot()
        updated = list(Effort.objects.order_by("pk").values_list("updated", flat=True))

        preview = import_preview(file=io.BytesIO(data), plan=plan)
        self.assertEqual(preview.errors, [])
        self.assertEqual(preview.warnings, [])
        efforts, values = Effort.objects.count(), IndicatorValue.objects.count()
        self.assertEqual((efforts, values), (15, 17))  # the real plan
        self.assertEqual((preview.rows_read, preview.monitor_rows_read), (efforts, values))
        self.assertEqual(len(preview.unchanged), efforts)
        self.assertEqual(len(preview.monitor_unchanged), values)
        self.assertFalse(preview.has_changes)
        self.assertEqual(
            (preview.new_teams, preview.new_partners, preview.new_indicators), ([], [], [])
        )

        # only the comparison's 12: with nothing to write no transaction is opened, nothing
        # is locked (it was 12 + 2 while the comparison ran inside the transaction)
        with self.assertNumQueries(12):
            import_apply(file=io.BytesIO(data), plan=plan, user=None)
        self.assertEqual(snapshot(), before)
        self.assertEqual(
            list(Effort.objects.order_by("pk").values_list("updated", flat=True)), updated
        )


class FileLevelTestCase(ImportTestCase):
    def test_a_missing_required_heading_refuses_the_file_naming_it(self):
        headings = [h for h in REQUIRED if h != "Team"]
        with self.assertRaises(FileRefused) as refused:
            self.preview([effort_row(Team=None)], headings=headings)
        self.assertEqual(len(refused.exception.messages), 1)
        self.assertIn("“Team”", refused.exception.message)
        self.assertIn("Inspanningen", refused.exception.message)

    def test_two_missing_headings_are_named_in_one_message(self):
        with self.assertRaises(FileRefused) as refused:
            self.preview([["3.1", 3, "Titel"]], headings=["Nr", "Speerpunt", "Inspanning"])
        self.assertEqual(len(refused.exception.messages), 1)
        self.assertIn("“Team”, “Status”", refused.exception.message)

    def test_headings_match_ignoring_case_and_surrounding_spaces_in_any_order(self):
        headings = ["  status ", "TEAM", "inspanning", "speerpunt", " nr"]
        row = ["Loopt volgens planning", "Kennis & Internationalisering", "Nieuwe titel", 3, "3.1"]
        preview = self.preview([row], headings=headings)
        self.assertEqual(preview.errors, [])
        self.assertEqual(
            self.changes(preview), {"Inspanning": ("Doorontwikkeling Expat Centre", "Nieuwe titel")}
        )

    def test_an_unknown_column_is_ignored_with_a_warning(self):
        preview = self.preview(
            [
                effort_row(),
            ],
            headings=[*REQUIRED],
        )
        self.assertEqual(preview.warnings, [])
        rows = [[*effort_row().values(), "iets"]]
        preview = self.preview(rows, headings=[*REQUIRED, "Budget"])
        self.assertEqual(len(preview.warnings), 1)
        self.assertIn("“Budget”", preview.warnings[0])
        self.assertIn("F", preview.warnings[0])  # the column letter
        self.assertEqual(len(preview.unchanged), 1)

    def test_a_heading_twice_refuses_the_file(self):
        with self.assertRaisesMessage(FileRefused, "“Team”"):
            self.preview([[*effort_row().values(), "Wonen"]], headings=[*REQUIRED, "team"])

    def test_the_sheet_inspanningen_is_required(self):
        with self.assertRaisesMessage(FileRefused, "Inspanningen"):
            self.preview([effort_row()], sheet="Blad1")

    def test_empty_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers(self):
        rows = [effort_row(), {}, {}, effort_row(Nr="1.1", Speerpunt=1, Status="bogus")]
        preview = self.preview(rows)
        self.assertEqual(preview.rows_read, 2)
        self.assertEqual(self.errors(preview)[0][:2], (5, "Status"))


class NumberTestCase(ImportTestCase):
    def test_a_number_cell_3_1_is_read_as_effort_3_1(self):
        preview = self.preview([effort_row(Nr=3.1, Inspanning="Ander")])
        self.assertEqual(preview.errors, [])
        self.assertEqual(preview.changed[0].key, "3.1")

    def test_its_first_part_must_equal_the_spearhead(self):
        preview = self.preview([effort_row(Nr="1.9")])
        self.assert_one_error(preview, "Nr", "1.9")
        self.assertIn("speerpunt 3", preview.errors[0].message)

    def test_a_number_twice_is_an_error_naming_both_rows(self):
        preview = self.preview([effort_row(), effort_row(Nr="3.2"), effort_row(Inspanning="X")])
        self.assert_one_error(preview, "Nr", "3.1", row=4)
        self.assertIn("2", preview.errors[0].message)
        self.assertIn("4", preview.errors[0].message)

    def test_a_malformed_number_is_an_error(self):
        for value in ("3", "3.1.2", "drie", "3.0"):
            with self.subTest(value=value):
                self.assert_one_error(self.preview([effort_row(Nr=value)]), "Nr", "3.1")

    def test_an_empty_required_cell_is_an_error(self):
        preview = self.preview([effort_row(Inspanning=None)])
        self.assert_one_error(preview, "Inspanning", "leeg")

    def test_a_new_number_creates_an_effort(self):
        preview = self.apply([effort_row(Nr="3.7", Inspanning="Nieuw", Status="not_started")])
        self.assertEqual([row.key for row in preview.created], ["3.7"])
        effort = Effort.objects.get(spearhead=self.economy, number=7)
        self.assertEqual((effort.title, effort.team, effort.version), ("Nieuw", self.team_k, 1))
        self.assertEqual(effort.history.get().history_user, self.bob)


class SpearheadTestCase(ImportTestCase):
    def test_it_is_matched_by_number_or_by_name_ignoring_case_spaces_ampersand_and_en(self):
        for value in (
            3,
            "3",
            3.0,
            "Kennis & Economie",
            "kennis en economie",
            " KENNIS&ECONOMIE ",
            "Kennis\u00a0&\u00a0Economie",
            "kennis  en  Economie",
        ):
            with self.subTest(value=value):
                preview = self.preview([effort_row(Speerpunt=value)])
                self.assertEqual(preview.errors, [])
                self.assertEqual(len(preview.unchanged), 1)

    def test_an_unknown_spearhead_is_an_error(self):
        for value in (7, "Kennis", "Economie & Kennis en meer"):
            with self.subTest(value=value):
                self.assert_one_error(
                    self.preview([effort_row(Speerpunt=value)]), "Speerpunt", "Onbekend speerpunt"
                )


class GoalsTestCase(ImportTestCase):
    headings = [*REQUIRED, "Doelen"]

    def test_codes_separated_by_semicolon_or_comma_are_a_set(self):
        for value in ("3.1; 1.3", "1.3, 3.1", "3.1;1.3;3.1", " 1.3 ,3.1 "):
            with self.subTest(value=value):
                preview = self.preview([effort_row(Doelen=value)], self.headings)
                self.assertEqual(preview.errors, [])
                self.assertEqual(len(preview.unchanged), 1)

    def test_a_change_is_shown_and_written(self):
        preview = self.apply([effort_row(Doelen="1.3")], self.headings)
        self.assertEqual(self.changes(preview), {"Doelen": ("1.3, 3.1", "1.3")})
        self.assertEqual(list(self.effort.goals.all()), [self.meeting_goal])

    def test_an_unknown_goal_code_is_an_error(self):
        preview = self.preview([effort_row(Doelen="3.1; 2.4; 9.9")], self.headings)
        self.assert_one_error(preview, "Doelen", "2.4, 9.9")

    def test_a_malformed_goal_code_is_an_error(self):
        preview = self.preview([effort_row(Doelen="3.1; drie")], self.headings)
        self.assert_one_error(preview, "Doelen", "drie")


class NamesTestCase(ImportTestCase):
    headings = [*REQUIRED, "Partners"]

    def test_team_is_matched_ignoring_case_and_ordinary_or_non_breaking_spaces(self):
        for value in (
            "kennis & internationalisering",
            "Kennis\u00a0&\u00a0Internationalisering",
            "  KENNIS &  INTERNATIONALISERING ",
            "Kennis&Internationalisering",
        ):
            with self.subTest(value=value):
                preview = self.preview([effort_row(Team=value)])
                self.assertEqual(len(preview.unchanged), 1)
                self.assertEqual(preview.new_teams, [])

    def test_a_new_team_is_listed_and_created(self):
        rows = [
            effort_row(Team="Bureau\u00a0Internationaal"),
            effort_row(
                Nr="1.1",
                Speerpunt=1,
                Team=" bureau internationaal",
                Inspanning="Huurteam voor internationals",
                Status="Vertraagd",
            ),
        ]
        preview = self.preview(rows)
        self.assertEqual(preview.new_teams, ["Bureau Internationaal"])
        self.apply(rows)
        team = Team.objects.get(name="Bureau Internationaal")
        self.assertEqual(set(team.efforts.all()), {self.effort, self.other_effort})

    def test_partners_are_matched_like_teams_and_new_ones_listed(self):
        row = effort_row(Partners="universiteit\u00a0leiden; LUMC ;Hogeschool\u00a0Leiden")
        preview = self.preview([row], self.headings)
        self.assertEqual(preview.new_partners, ["Hogeschool Leiden", "LUMC"])
        self.assertEqual(
            self.changes(preview),
            {"Partners": ("Universiteit Leiden", "Hogeschool Leiden; LUMC; Universiteit Leiden")},
        )
        self.apply([row], self.headings)
        self.assertEqual(Partner.objects.count(), 3)
        names = set(self.effort.partners.values_list("name", flat=True))
        self.assertEqual(names, {"Universiteit Leiden", "LUMC", "Hogeschool Leiden"})

    def test_target_groups_match_ignoring_case(self):
        headings = [*REQUIRED, "Doelgroepen"]
        preview = self.preview(
            [effort_row(Doelgroepen="kenniswerkers; INTERNATIONALE STUDENTEN")], headings
        )
        self.assertEqual(preview.errors, [])
        self.assertEqual(
            self.changes(preview),
            {"Doelgroepen": ("Kenniswerkers", "Internationale studenten; Kenniswerkers")},
        )

    def test_an_unknown_target_group_is_an_error(self):
        headings = [*REQUIRED, "Doelgroepen"]
        preview = self.preview([effort_row(Doelgroepen="Kenniswerkers; Toeristen")], headings)
        self.assert_one_error(preview, "Doelgroepen", "Toeristen")
        self.assertEqual(TargetGroup.objects.count(), 2)


class LeadTestCase(ImportTestCase):
    headings = [*REQUIRED, "Trekker"]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.alice.email, cls.alice.first_name, cls.alice.last_name = (
            "a.devries@leiden.nl",
            "Alice",
            "de Vries",
        )
        cls.alice.save()
        cls.charlie.first_name, cls.charlie.last_name = "Alice", "de Vries"  # the same name
        cls.charlie.email = "c@leiden.nl"
        cls.charlie.save()
        cls.bob.first_name, cls.bob.last_name = "Bob", "Bakker"
        cls.bob.save()

    def test_it_is_found_by_e_mail_address_or_full_name(self):
        for value, user in (("A.deVries@Leiden.nl", self.alice), ("bob  bakker", self.bob)):
            with self.subTest(value=value):
                preview = self.apply([effort_row(Trekker=value)], self.headings)
                self.assertEqual(preview.errors, [])
                self.effort.refresh_from_db()
                self.assertEqual(self.effort.lead, user)

    def test_no_user_or_two_users_is_an_error(self):
        preview = self.preview([effort_row(Trekker="Onbekend Persoon")], self.headings)
        self.assert_one_error(preview, "Trekker", "Onbekend Persoon")
        preview = self.preview([effort_row(Trekker="Alice de Vries")], self.headings)
        self.assert_one_error(preview, "Trekker", "2")


class ChoicesTestCase(ImportTestCase):
    def test_status_is_a_dutch_or_english_label_in_any_case_or_a_code(self):
        for value in ("Aandacht nodig", "AANDACHT NODIG", "at risk", "At Risk", "at_risk"):
            with self.subTest(value=value):
                preview = self.preview([effort_row(Status=value)])
                self.assertEqual(preview.errors, [])
                self.assertEqual(self.changes(preview)["Status"][1], "Aandacht nodig")

    def test_an_unknown_status_is_an_error_listing_the_choices(self):
        preview = self.preview([effort_row(Status="Half af")])
        self.assert_one_error(preview, "Status", "Half af")
        self.assertIn("Loopt volgens planning", preview.errors[0].message)

    def test_financing_matches_its_labels_ignoring_case(self):
        headings = [*REQUIRED, "Financiering"]
        for value, code in (
            ("binnen bestaande capaciteit", "existing_capacity"),
            ("EXTRA MIDDELEN NODIG", "extra_funds"),
            ("Cofinanciering", "co_financing"),
            ("subsidie", "subsidy"),
        ):
            with self.subTest(value=value):
                self.apply([effort_row(Financiering=value)], headings)
                self.effort.refresh_from_db()
                self.assertEqual(self.effort.financing, code)
        preview = self.preview([effort_row(Financiering="lening")], headings)
        self.assert_one_error(preview, "Financiering", "lening")


class YesNoTestCase(ImportTestCase):
    headings = [*REQUIRED, "Prioriteit", "Belegd in de lijn"]

    def test_yes_is_ja_x_1_true_yes_or_a_true_cell_and_empty_is_no(self):
        for value in ("Ja", "ja", "x", "X", 1, "1", "true", "yes", True):
            with self.subTest(value=value):
                row = effort_row(Prioriteit="Nee", **{"Belegd in de lijn": value})
                self.apply([row], self.headings)
                self.effort.refresh_from_db()
                self.assertEqual((self.effort.is_priority, self.effort.in_line), (False, True))
                self.apply([effort_row(Prioriteit=value)], self.headings)  # empty: Nee
                self.effort.refresh_from_db()
                self.assertEqual((self.effort.is_priority, self.effort.in_line), (True, False))

    def test_no_is_nee_0_false_no_or_a_false_cell(self):
        for value in ("Nee", "nee", 0, "false", "no", False):
            with self.subTest(value=value):
                preview = self.preview([effort_row(Prioriteit=value)], self.headings)
                self.assertEqual(self.changes(preview), {"Prioriteit": ("Ja", "Nee")})

    def test_anything_else_is_an_error(self):
        preview = self.preview([effort_row(Prioriteit="misschien")], self.headings)
        self.assert_one_error(preview, "Prioriteit", "misschien")


class ProgressTestCase(ImportTestCase):
    headings = [*REQUIRED, "Voortgang"]

    def test_75_and_75_percent_and_a_percent_cell_holding_0_75_mean_75(self):
        for value in (
            75,
            75.0,
            "75",
            "75%",
            "75 %",
            Formatted(0.75, "0%"),
            Formatted(0.75, "0.00%"),
        ):
            with self.subTest(value=value):
                preview = self.preview([effort_row(Voortgang=value)], self.headings)
                self.assertEqual(preview.errors, [])
                self.assertEqual(self.changes(preview), {"Voortgang": ("40%", "75%")})

    def test_a_value_outside_0_to_100_or_not_whole_is_an_error(self):
        for value in (101, -1, "veel", 0.75, "75,5", Formatted(7.5, "0%")):
            with self.subTest(value=value):
                preview = self.preview([effort_row(Voortgang=value)], self.headings)
                self.assert_one_error(preview, "Voortgang", "0 tot en met 100")


class PeriodTestCase(ImportTestCase):
    headings = [*REQUIRED, "Start", "Eind"]

    def period(self, start, end):
        self.apply([effort_row(Start=start, Eind=end)], self.headings)
        self.effort.refresh_from_db()
        return self.effort.start, self.effort.end

    def test_a_quarter_starts_on_its_first_and_ends_on_its_last_day(self):
        self.assertEqual(self.period("Q3 2022", "Q3 2022"), (date(2022, 7, 1), date(2022, 9, 30)))
        self.assertEqual(self.period("q1 2023", "2024 Q1"), (date(2023, 1, 1), date(2024, 3, 31)))
        self.assertEqual(self.period("K4 2022", "Q4-2022"), (date(2022, 10, 1), date(2022, 12, 31)))

    def test_a_year_starts_on_1_january_and_ends_on_31_december(self):
        self.assertEqual(self.period(2022, "2023"), (date(2022, 1, 1), date(2023, 12, 31)))

    def test_a_date_cell_or_written_date_is_kept(self):
        self.assertEqual(
            self.period(date(2022, 3, 15), "30-06-2023"), (date(2022, 3, 15), date(2023, 6, 30))
        )
        self.assertEqual(
            self.period("2022-03-15", "1/7/2023"), (date(2022, 3, 15), date(2023, 7, 1))
        )

    def test_the_end_may_not_be_before_the_start(self):
        preview = self.preview([effort_row(Start="Q3 2023", Eind="2022")], self.headings)
        self.assert_one_error(preview, "Eind", "vóór de start")

    def test_the_end_is_checked_against_the_stored_start_when_start_is_absent(self):
        preview = self.preview([effort_row(Eind="2021")], [*REQUIRED, "Eind"])
        self.assert_one_error(preview, "Eind", "vóór de start")

    def test_something_else_is_an_error(self):
        for value in ("binnenkort", "Q5 2022", "31-02-2022", 44652):
            with self.subTest(value=value):
                preview = self.preview([effort_row(Start=value)], self.headings)
                self.assert_one_error(preview, "Start", "kwartaal")


class CellRulesTestCase(ImportTestCase):
    headings = [
        *REQUIRED,
        "Omschrijving",
        "Trekker",
        "Partners",
        "Voortgang",
        "Start",
        "Financiering",
    ]

    def test_a_formula_cell_is_refused_as_a_row_error(self):
        preview = self.preview([effort_row(Inspanning='=A1&"x"')])
        self.assert_one_error(preview, "Inspanning", "formule")
        preview = self.preview(
            [
                effort_row(),
                effort_row(
                    Nr="1.1",
                    Speerpunt=1,
                    Team="Wonen",
                    Status="=B2",
                    Inspanning="Huurteam voor internationals",
                ),
            ]
        )
        self.assert_one_error(preview, "Status", "formule", row=3)

    def test_an_empty_optional_cell_clears_the_value(self):
        self.effort.description, self.effort.lead, self.effort.financing = (
            "Tekst",
            self.alice,
            "subsidy",
        )
        self.effort.save()
        preview = self.apply([effort_row()], self.headings)
        self.assertEqual(
            set(self.changes(preview)),
            {"Omschrijving", "Trekker", "Partners", "Voortgang", "Start", "Financiering"},
        )
        self.effort.refresh_from_db()
        self.assertEqual(
            (
                self.effort.description,
                self.effort.lead,
                self.effort.financing,
                self.effort.progress,
                self.effort.start,
            ),
            ("", None, "", 0, None),
        )
        self.assertEqual(list(self.effort.partners.all()), [])
        self.assertEqual(self.effort.end, date(2024, 12, 31))  # no Eind column: left alone

    def test_line_breaks_in_a_description_are_kept(self):
        self.apply(
            [effort_row(Omschrijving="Eerste regel\r\nTweede regel\n\nDerde")],
            [*REQUIRED, "Omschrijving"],
        )
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.description, "Eerste regel\nTweede regel\n\nDerde")

    def test_a_too_long_title_is_an_error(self):
        preview = self.preview([effort_row(Inspanning="x" * 201)])
        self.assert_one_error(preview, "Inspanning", "200")


class ApplyTestCase(ImportTestCase):
    headings = [*REQUIRED, "Voortgang", "Doelen"]

    def rows(self):
        """Rows 2..13: updates of both efforts and ten new ones."""
        rows = [
            effort_row(Voortgang=50, Doelen="3.1"),
            effort_row(
                Nr="1.1",
                Speerpunt=1,
                Team="Wonen",
                Status="Vertraagd",
                Inspanning="Huurteam voor internationals",
                Voortgang=10,
                Doelen="1.3",
            ),
        ]
        rows += [
            effort_row(Nr=f"3.{n}", Inspanning=f"Nieuw {n}", Team="Nieuw team", Voortgang=0)
            for n in range(2, 12)
        ]
        return rows

    def test_one_bad_row_means_nothing_is_written_and_both_bad_rows_are_named(self):
        rows = self.rows()
        rows[6]["Status"] = "Bijna klaar"  # spreadsheet row 8
        rows[9]["Doelen"] = "3.1; 8.8"  # spreadsheet row 11
        before = snapshot()
        with self.assertRaises(ImportHasErrors) as raised:
            self.apply(rows, self.headings)
        self.assertEqual(
            [(e.row, e.heading) for e in raised.exception.preview.errors],
            [(8, "Status"), (11, "Doelen")],
        )
        self.assertEqual(snapshot(), before)
        self.assertFalse(Team.objects.filter(name="Nieuw team").exists())

    def test_it_writes_changes_raises_the_version_and_records_who(self):
        version = self.effort.version
        history = self.other_effort.history.count()
        preview = self.apply(self.rows(), self.headings)
        self.assertEqual(
            (len(preview.created), len(preview.changed), len(preview.unchanged)), (10, 1, 1)
        )
        self.effort.refresh_from_db()
        self.assertEqual((self.effort.progress, self.effort.version), (50, version + 1))
        self.assertEqual(list(self.effort.goals.all()), [self.city_goal])
        self.assertEqual({r.history_user for r in self.effort.history.all()}, {None, self.bob})
        self.assertEqual(self.other_effort.history.count(), history)  # unchanged: not saved
        self.assertEqual(Team.objects.get(name="Nieuw team").efforts.count(), 10)

    def test_each_written_effort_gets_one_history_record_holding_its_relations(self):
        created_before = self.effort.history.count()
        rows = [
            effort_row(Voortgang=50, Doelen="3.1"),
            effort_row(Nr="3.7", Inspanning="Nieuw", Voortgang=0, Doelen="1.3; 3.1"),
        ]
        self.apply(rows, self.headings)
        self.assertEqual(self.effort.history.count(), created_before + 1)
        record = self.effort.history.latest()
        self.assertEqual(
            (record.history_type, record.history_user, record.version), ("~", self.bob, 2)
        )
        self.assertEqual({row.goal_id for row in record.goals.all()}, {self.city_goal.pk})
        [entry, *_older] = effort_history(effort=self.effort)
        self.assertEqual(entry["user"], self.bob)
        self.assertEqual(
            {(str(c["field"]), c["old"], c["new"]) for c in entry["changes"]},
            {("voortgang (%)", "40%", "50%"), ("doelen", "1.3, 3.1", "3.1")},
        )
        new = Effort.objects.get(spearhead=self.economy, number=7)
        [record] = new.history.all()
        self.assertEqual((record.history_type, record.history_user), ("+", self.bob))
        self.assertEqual(
            {row.goal_id for row in record.goals.all()}, {self.city_goal.pk, self.meeting_goal.pk}
        )
        self.assertTrue(effort_history(effort=new)[0]["created"])

    def test_without_bulk_insert_keys_it_saves_one_by_one_with_the_same_result(self):
        rows = [
            effort_row(Voortgang=50, Doelen="3.1"),
            effort_row(Nr="3.7", Inspanning="Nieuw", Voortgang=0, Doelen="1.3; 3.1"),
        ]
        with patch.object(type(connection.features), "can_return_rows_from_bulk_insert", False):
            self.apply(rows, self.headings)
        self.effort.refresh_from_db()
        self.assertEqual((self.effort.progress, self.effort.version), (50, 2))
        self.assertEqual(list(self.effort.goals.all()), [self.city_goal])
        self.assertEqual(self.effort.history.latest().history_user, self.bob)
        new = Effort.objects.get(spearhead=self.economy, number=7)
        self.assertEqual(set(new.goals.all()), {self.city_goal, self.meeting_goal})

    def test_it_refuses_when_the_plan_changed_after_the_preview(self):
        rows = [effort_row(Voortgang=50)]
        preview = self.preview(rows, self.headings)
        self.effort.set_status(Effort.Status.AT_RISK, by=self.alice)
        with self.assertRaises(ImportOutdated):
            import_apply(
                file=xlsx(rows, headings=self.headings),
                plan=self.plan,
                user=self.bob,
                expected=preview.fingerprint,
            )
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.progress, 40)

    def test_an_effort_changed_between_comparing_and_writing_is_not_overwritten(self):
        # import_apply compares without locks, then locks only the rows it writes: a portal
        # edit in between is found by its version (the two steps, run one after the other)
        rows = [effort_row(Voortgang=50), effort_row(Nr="3.7", Inspanning="Nieuw")]
        run = importer._Import(
            sheets=importer._read_file(xlsx(rows, headings=self.headings)), plan=self.plan
        )
        self.effort.set_status(Effort.Status.AT_RISK, by=self.alice)
        before = snapshot()
        with self.assertRaises(ImportOutdated), transaction.atomic():
            run.write(user=self.bob)
        self.assertEqual(snapshot(), before)
        self.effort.refresh_from_db()
        self.assertEqual((self.effort.status, self.effort.progress), (Effort.Status.AT_RISK, 40))

    def test_the_same_preview_is_applied(self):
        rows = [effort_row(Voortgang=50)]
        preview = self.preview(rows, self.headings)
        import_apply(
            file=xlsx(rows, headings=self.headings),
            plan=self.plan,
            user=self.bob,
            expected=preview.fingerprint,
        )
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.progress, 50)

    def test_it_only_touches_the_plan_it_is_given(self):
        other = Plan.objects.create(
            title="Ander plan", start_year=2025, end_year=2028, ambition="-"
        )
        preview = import_preview(file=xlsx([effort_row()], headings=REQUIRED), plan=other)
        self.assertIn("Onbekend speerpunt", preview.errors[0].message)


class MonitorTestCase(ImportTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.share = Indicator.objects.create(name="Aandeel internationals", unit="%")
        IndicatorValue.objects.create(indicator=cls.share, year=2020, value=Decimal("11.6"))

    def test_values_are_upserted_by_indicator_and_year_with_decimal_commas(self):
        monitor = [
            {
                "Indicator": "aandeel  internationals",
                "Jaar": 2020,
                "Waarde": "11,6",
                "Eenheid": "%",
            },
            {
                "Indicator": "Aandeel internationals",
                "Jaar": "2021",
                "Waarde": "11,2",
                "Eenheid": "%",
            },
            {"Indicator": "Inwoners", "Jaar": 2022, "Waarde": "14.500,5", "Bron": "CBS"},
            {
                "Indicator": "Aandeel internationals",
                "Jaar": 2022,
                "Waarde": Formatted(0.123, "0.0%"),
                "Eenheid": "%",
            },
        ]
        preview = self.preview([effort_row()], monitor=monitor)
        self.assertEqual(preview.errors, [])
        self.assertEqual(preview.monitor_rows_read, 4)
        self.assertEqual(
            [r.action for r in preview.monitor], ["unchanged", "create", "create", "create"]
        )
        self.assertEqual(preview.new_indicators, ["Inwoners"])
        self.apply([effort_row()], monitor=monitor)
        values = {(v.indicator.name, v.year): v.value for v in IndicatorValue.objects.all()}
        self.assertEqual(
            values,
            {
                ("Aandeel internationals", 2020): Decimal("11.6"),
                ("Aandeel internationals", 2021): Decimal("11.2"),
                ("Aandeel internationals", 2022): Decimal("12.3"),
                ("Inwoners", 2022): Decimal("14500.5"),
            },
        )

    def test_a_changed_value_is_shown_old_to_new(self):
        monitor = [
            {"Indicator": "Aandeel internationals", "Jaar": 2020, "Waarde": 12, "Eenheid": "%"}
        ]
        preview = self.preview([effort_row()], monitor=monitor)
        self.assertEqual(
            [(c.heading, c.old, c.new) for c in preview.monitor_changed[0].changes],
            [("Waarde", "11.6", "12")],
        )

    def test_errors_name_the_sheet_row_and_heading(self):
        monitor = [
            {"Indicator": "Aandeel internationals", "Jaar": "twintig", "Waarde": 1},
            {"Indicator": "Aandeel internationals", "Jaar": 2021, "Waarde": "veel"},
            {"Indicator": "Inwoners", "Jaar": 2021, "Waarde": 1},
            {"Indicator": "inwoners", "Jaar": 2021, "Waarde": 2},
            {"Indicator": "Inwoners", "Jaar": 2023, "Waarde": "=1+1"},
        ]
        preview = self.preview([effort_row()], monitor=monitor)
        self.assertEqual(
            [(e.sheet, e.row, e.heading) for e in preview.errors],
            [
                ("Monitor", 2, "Jaar"),
                ("Monitor", 3, "Waarde"),
                ("Monitor", 5, "Indicator"),
                ("Monitor", 6, "Waarde"),
            ],
        )
        self.assertIn("4", preview.errors[2].message)

    def test_a_value_changed_between_comparing_and_writing_is_not_overwritten(self):
        monitor = [
            {"Indicator": "Aandeel internationals", "Jaar": 2020, "Waarde": 12, "Eenheid": "%"}
        ]
        file = xlsx([effort_row()], headings=REQUIRED, monitor=monitor)
        run = importer._Import(sheets=importer._read_file(file), plan=self.plan)
        IndicatorValue.objects.filter(indicator=self.share).update(value=Decimal("11.7"))
        with self.assertRaises(ImportOutdated), transaction.atomic():
            run.write(user=self.bob)
        self.assertEqual(IndicatorValue.objects.get().value, Decimal("11.7"))

    def test_targets_and_comparison_figures_are_read_with_decimal_commas(self):
        monitor = [
            {
                "Indicator": "Aandeel internationals",
                "Jaar": 2020,
                "Waarde": "11,6",
                "Eenheid": "%",
                "Streefwaarde": "12,5",
                "Vergelijking": 14.25,
            },
            {"Indicator": "Inwoners", "Jaar": 2022, "Waarde": 3, "Streefwaarde": "1.250,5"},
        ]
        preview = self.preview([effort_row()], monitor=monitor)
        self.assertEqual(preview.errors, [])
        self.assertEqual(
            [(c.heading, c.old, c.new) for c in preview.monitor_changed[0].changes],
            [("Streefwaarde", "–", "12.5"), ("Vergelijking", "–", "14.25")],
        )
        self.assertEqual(
            [(c.heading, c.old, c.new) for c in preview.monitor_created[0].changes],
            [("Waarde", "–", "3"), ("Streefwaarde", "–", "1250.5")],
        )
        self.apply([effort_row()], monitor=monitor)
        value = IndicatorValue.objects.get(indicator=self.share, year=2020)
        self.assertEqual((value.target, value.comparison), (Decimal("12.5"), Decimal("14.25")))
        self.assertEqual(value.history.latest().history_user, self.bob)
        new = IndicatorValue.objects.get(indicator__name="Inwoners")
        self.assertEqual((new.target, new.comparison), (Decimal("1250.5"), None))
        self.assertEqual(new.history.get().history_user, self.bob)

    def test_an_empty_target_cell_clears_it_and_absent_columns_leave_it_alone(self):
        IndicatorValue.objects.filter(indicator=self.share).update(
            target=Decimal("12"), comparison=Decimal("13")
        )
        row = {"Indicator": "Aandeel internationals", "Jaar": 2020, "Waarde": 11.6, "Eenheid": "%"}
        five = ("Indicator", "Jaar", "Waarde", "Eenheid", "Bron")
        preview = self.preview([effort_row()], monitor=[row], monitor_headings=five)
        self.assertEqual(len(preview.monitor_unchanged), 1)
        preview = self.apply([effort_row()], monitor=[row])
        self.assertEqual(
            [(c.heading, c.old, c.new) for c in preview.monitor_changed[0].changes],
            [("Streefwaarde", "12", "–"), ("Vergelijking", "13", "–")],
        )
        value = IndicatorValue.objects.get()
        self.assertEqual((value.target, value.comparison), (None, None))

    def test_the_unit_is_the_indicators_set_by_its_first_row(self):
        monitor = [
            {"Indicator": "Aandeel internationals", "Jaar": 2020, "Waarde": 11.6, "Eenheid": "%"},
            {"Indicator": "Aandeel internationals", "Jaar": 2021, "Waarde": 11, "Eenheid": "%"},
            {"Indicator": "Inwoners", "Jaar": 2021, "Waarde": 5, "Eenheid": "inwoners"},
        ]
        monitor[0]["Eenheid"] = monitor[1]["Eenheid"] = "procent"
        preview = self.preview([effort_row()], monitor=monitor)
        self.assertEqual(preview.errors, [])
        self.assertEqual(
            [(r.action, [(c.heading, c.old, c.new) for c in r.changes]) for r in preview.monitor],
            [
                ("update", [("Eenheid", "%", "procent")]),
                ("create", [("Waarde", "–", "11")]),
                ("create", [("Waarde", "–", "5"), ("Eenheid", "–", "inwoners")]),
            ],
        )
        self.apply([effort_row()], monitor=monitor)
        units = dict(Indicator.objects.values_list("name", "unit"))
        self.assertEqual(units, {"Aandeel internationals": "procent", "Inwoners": "inwoners"})

    def test_two_units_for_one_indicator_are_an_error_naming_the_first_row(self):
        monitor = [
            {"Indicator": "Aandeel internationals", "Jaar": 2020, "Waarde": 11.6, "Eenheid": "%"},
            {"Indicator": "aandeel internationals", "Jaar": 2021, "Waarde": 11, "Eenheid": "‰"},
            {"Indicator": "Aandeel internationals", "Jaar": 2022, "Waarde": 11},
        ]
        preview = self.preview([effort_row()], monitor=monitor)
        self.assertEqual(
            [(e.row, e.heading) for e in preview.errors], [(3, "Eenheid"), (4, "Eenheid")]
        )
        self.assertEqual(
            preview.errors[0].message,
            "De indicator “aandeel internationals” heeft in rij 2 de eenheid “%”; een indicator "
            "heeft in elk jaar dezelfde eenheid.",
        )
        with self.assertRaises(ImportHasErrors):
            self.apply([effort_row()], monitor=monitor)
        self.assertEqual(IndicatorValue.objects.count(), 1)

    def test_a_unit_changed_between_comparing_and_writing_is_not_overwritten(self):
        monitor = [{"Indicator": "Aandeel internationals", "Jaar": 2020, "Waarde": 11.6}]
        file = xlsx([effort_row()], headings=REQUIRED, monitor=monitor)
        run = importer._Import(sheets=importer._read_file(file), plan=self.plan)
        Indicator.objects.filter(pk=self.share.pk).update(unit="procent")
        with self.assertRaises(ImportOutdated), transaction.atomic():
            run.write(user=self.bob)
        self.assertEqual(Indicator.objects.get().unit, "procent")

    def test_without_the_sheet_monitor_data_is_left_alone(self):
        preview = self.apply([effort_row()])
        self.assertIsNone(preview.monitor_rows_read)
        self.assertEqual(IndicatorValue.objects.get().value, Decimal("11.6"))


class QueryCountTestCase(ImportTestCase):
    headings = [*REQUIRED, "Doelen", "Partners", "Doelgroepen", "Trekker"]

    def rows(self, count):
        return [
            effort_row(
                Nr=f"3.{n}",
                Inspanning=f"Inspanning {n}",
                Doelen="3.1; 1.3",
                Partners="Universiteit Leiden; LUMC",
                Doelgroepen="Kenniswerkers",
                Trekker="bob",
            )
            for n in range(1, count + 1)
        ]

    def test_the_preview_runs_the_same_queries_for_a_small_and_a_larger_workbook(self):
        small, large = (
            xlsx(self.rows(2), headings=self.headings),
            xlsx(self.rows(300), headings=self.headings),
        )
        self.add_efforts(40)
        # spearheads, goals, efforts, their goals/partners/target groups, teams, partners,
        # target groups, users
        with self.assertNumQueries(10):
            preview = import_preview(file=small, plan=self.plan)
        self.assertEqual(len(preview.efforts), 2)
        with self.assertNumQueries(10):
            preview = import_preview(file=large, plan=self.plan)
        self.assertEqual((len(preview.efforts), preview.errors), (300, []))
