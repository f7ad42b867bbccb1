"""The spreadsheet exports (reporting.exports and the export views), read back with openpyxl
and odfpy as a spreadsheet program would read them."""

import io
import time
import zipfile
from datetime import date, datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from odf import opendocument, table, teletype
from odf.namespaces import OFFICENS
from openpyxl import load_workbook

from plan.models import Effort, Indicator, IndicatorValue, Partner
from plan.roles import Role
from plan.spreadsheet.columns import EFFORT_HEADINGS, MONITOR_HEADINGS
from plan.spreadsheet.importer import import_preview
from reporting.exports import efforts_ods, efforts_xlsx
from tests.base import BaseTestCase, make_user

DANGEROUS = {
    "title": '=HYPERLINK("http://evil.example","klik")',
    "description": "+31 71 516 5000",
    "note": "-5 graden en @iedereen",
    "international_role": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def sheet_rows(data: bytes, name: str) -> list[list]:
    worksheet = load_workbook(io.BytesIO(data))[name]
    return [[cell.value for cell in row] for row in worksheet.iter_rows()]


def ods_rows(data: bytes, name: str) -> list[list[tuple]]:
    """(value type, value or text) per cell of the ODS table `name`."""
    document = opendocument.load(io.BytesIO(data))
    sheet = next(
        t
        for t in document.spreadsheet.getElementsByType(table.Table)
        if t.getAttribute("name") == name
    )
    rows = []
    for row in sheet.getElementsByType(table.TableRow):
        cells = []
        for cell in row.getElementsByType(table.TableCell):
            kind = cell.attributes.get((OFFICENS, "value-type"))
            value = cell.attributes.get((OFFICENS, "date-value")) or cell.attributes.get(
                (OFFICENS, "value")
            )
            cells.append((kind, value if value is not None else teletype.extractText(cell)))
        rows.append(cells)
    return rows


class XlsxExportTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.alice.email = "alice@leiden.nl"
        cls.alice.first_name, cls.alice.last_name = "Alice", "de Vries"
        cls.alice.save()
        cls.effort.lead = cls.alice
        cls.effort.financing = Effort.Financing.EXTRA_FUNDS
        cls.effort.save()
        indicator = Indicator.objects.create(name="Aandeel internationals", unit="%")
        IndicatorValue.objects.create(
            indicator=indicator, year=2020, value=Decimal("11.60"), source="Monitor"
        )
        IndicatorValue.objects.create(
            indicator=indicator,
            year=2021,
            value=Decimal("14500"),
            target=Decimal("15000"),
            comparison=Decimal("12.50"),
        )

    def setUp(self):
        self.data = efforts_xlsx(efforts=Effort.objects.all())
        self.workbook = load_workbook(io.BytesIO(self.data))

    def test_the_sheet_has_exactly_the_headings_in_order_bold_frozen_and_filtered(self):
        sheet = self.workbook["Inspanningen"]
        self.assertEqual(self.workbook.sheetnames, ["Inspanningen", "Monitor"])
        header = list(sheet.iter_rows(max_row=1))[0]
        self.assertEqual(tuple(cell.value for cell in header), EFFORT_HEADINGS)
        self.assertTrue(all(cell.font.bold for cell in header))
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.auto_filter.ref, "A1:S3")
        self.assertGreater(sheet.column_dimensions["C"].width, 30)

    def test_values_are_written_as_text_dates_numbers_and_dutch_labels(self):
        rows = sheet_rows(self.data, "Inspanningen")
        row = dict(zip(EFFORT_HEADINGS, rows[2], strict=True))  # 3.1 comes after 1.1
        self.assertEqual(row["Nr"], "3.1")
        self.assertEqual(self.workbook["Inspanningen"]["A3"].data_type, "s")
        self.assertEqual(row["Speerpunt"], 3)
        self.assertEqual(row["Doelen"], "1.3; 3.1")
        self.assertEqual(row["Team"], "Kennis & Internationalisering")
        self.assertEqual(row["Trekker"], "Alice de Vries")  # as the pages show, no e-mail
        self.assertEqual(row["Partners"], "Universiteit Leiden")
        self.assertEqual(row["Doelgroepen"], "Kenniswerkers")
        self.assertEqual(row["Financiering"], "Extra middelen nodig")
        self.assertEqual((row["Prioriteit"], row["Belegd in de lijn"]), ("Ja", "Nee"))
        self.assertEqual(row["Status"], "Loopt volgens planning")
        self.assertEqual(row["Voortgang"], 40)
        self.assertEqual(
            (row["Start"], row["Eind"]), (datetime(2022, 1, 1), datetime(2024, 12, 31))
        )
        self.assertTrue(self.workbook["Inspanningen"]["Q3"].is_date)
        self.assertIsNone(row["Omschrijving"])

    def test_labels_stay_dutch_for_a_user_who_reads_english(self):
        from django.utils import translation

        with translation.override("en"):
            data = efforts_xlsx(efforts=Effort.objects.all())
        self.assertEqual(sheet_rows(data, "Inspanningen")[1][14], "Vertraagd")

    def test_the_monitor_sheet_holds_the_indicator_values(self):
        rows = sheet_rows(self.data, "Monitor")
        self.assertEqual(tuple(rows[0]), MONITOR_HEADINGS)
        self.assertEqual(
            rows[1:],
            [
                ["Aandeel internationals", 2020, 11.6, "%", "Monitor", None, None],
                ["Aandeel internationals", 2021, 14500, "%", None, 15000, 12.5],
            ],
        )

    def test_text_that_looks_like_a_formula_is_a_quote_prefixed_string(self):
        Effort.objects.filter(pk=self.effort.pk).update(**DANGEROUS)
        self.effort.partners.add(Partner.objects.create(name="=cmd"))
        data = efforts_xlsx(efforts=Effort.objects.all())
        sheet = load_workbook(io.BytesIO(data))["Inspanningen"]
        cells = {sheet.cell(1, c).value: sheet.cell(3, c) for c in range(1, 20)}
        expected = {
            "Inspanning": DANGEROUS["title"],
            "Omschrijving": DANGEROUS["description"],
            "Toelichting": DANGEROUS["note"],
            "Rol internationalisering": DANGEROUS["international_role"],
            "Partners": "=cmd; Universiteit Leiden",
        }
        for heading, value in expected.items():
            with self.subTest(heading=heading):
                cell = cells[heading]
                self.assertEqual(cell.value, value)
                self.assertEqual(cell.data_type, "s")
                self.assertTrue(cell.quotePrefix)
        self.assertFalse(cells["Team"].quotePrefix)
        sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
        self.assertNotIn(b"<f>", sheet_xml)  # no formula anywhere

    def test_it_runs_a_fixed_number_of_queries(self):
        # efforts with spearhead, team and lead; goals; partners; target groups; monitor
        with self.assertNumQueries(5):
            efforts_xlsx(efforts=Effort.objects.all())
        self.add_efforts(20)
        with self.assertNumQueries(5):
            efforts_xlsx(efforts=Effort.objects.all())


class OdsExportTestCase(BaseTestCase):
    def test_it_holds_the_same_content_as_the_xlsx(self):
        Effort.objects.filter(pk=self.effort.pk).update(
            title=DANGEROUS["title"], description="Regel 1\nRegel  2"
        )
        data = efforts_ods(efforts=Effort.objects.all())
        rows = ods_rows(data, "Inspanningen")
        self.assertEqual([value for _kind, value in rows[0]], list(EFFORT_HEADINGS))
        row = dict(zip(EFFORT_HEADINGS, rows[2], strict=True))
        self.assertEqual(row["Nr"], ("string", "3.1"))
        self.assertEqual(row["Inspanning"], ("string", DANGEROUS["title"]))  # text, never a formula
        self.assertEqual(row["Omschrijving"], ("string", "Regel 1\nRegel  2"))
        self.assertEqual(row["Status"], ("string", "Loopt volgens planning"))
        self.assertEqual(row["Voortgang"], ("float", "40"))
        self.assertEqual(row["Start"], ("date", "2022-01-01"))
        self.assertEqual(row["Prioriteit"], ("string", "Ja"))
        document = opendocument.load(io.BytesIO(data))
        formulas = [
            c
            for c in document.spreadsheet.getElementsByType(table.TableCell)
            if c.getAttribute("formula")
        ]
        self.assertEqual(formulas, [])
        self.assertEqual(ods_rows(data, "Monitor")[0][0], ("string", "Indicator"))

    def test_it_is_a_valid_opendocument_package(self):
        data = efforts_ods(efforts=Effort.objects.all())
        archive = zipfile.ZipFile(io.BytesIO(data))
        self.assertEqual(
            archive.read("mimetype"), b"application/vnd.oasis.opendocument.spreadsheet"
        )
        self.assertEqual(archive.infolist()[0].filename, "mimetype")
        self.assertIn(b"VerticalSplitMode", archive.read("settings.xml"))  # frozen header


class ExportViewTestCase(BaseTestCase):
    def test_it_exports_only_the_filtered_efforts(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("reporting:export-xlsx"), {"status": "delayed"})
        self.assertEqual(r.status_code, 200)
        rows = sheet_rows(r.content, "Inspanningen")
        self.assertEqual([row[0] for row in rows[1:]], ["1.1"])
        r = self.client.get(
            reverse("reporting:export-xlsx"), {"team": self.team_k.pk, "q": "expat"}
        )
        self.assertEqual([row[0] for row in sheet_rows(r.content, "Inspanningen")[1:]], ["3.1"])

    def test_a_readers_export_holds_no_e_mail_address(self):
        self.alice.email, self.alice.first_name = "alice@leiden.nl", "Alice"
        self.alice.save()
        self.charlie.email = "charlie@leiden.nl"  # a lead without a name: the username shows
        self.charlie.save()
        Effort.objects.filter(pk=self.effort.pk).update(lead=self.alice)
        Effort.objects.filter(pk=self.other_effort.pk).update(lead=self.charlie)
        reader = make_user("lezer", role=Role.READER, email="lezer@leiden.nl")
        self.client.force_login(reader)
        r = self.client.get(reverse("reporting:export-xlsx"))
        workbook = load_workbook(io.BytesIO(r.content))
        cells = [
            str(cell.value)
            for worksheet in workbook.worksheets
            for row in worksheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]
        self.assertIn("Alice", cells)
        self.assertIn("charlie", cells)
        self.assertEqual([value for value in cells if "@" in value], [])

    def test_a_programme_managers_export_imports_with_zero_changes(self):
        self.alice.email, self.alice.first_name = "alice@leiden.nl", "Alice"
        self.alice.save()
        Effort.objects.filter(pk=self.effort.pk).update(lead=self.alice)
        Effort.objects.filter(pk=self.other_effort.pk).update(lead=self.charlie)
        self.client.force_login(self.bob)
        data = self.client.get(reverse("reporting:export-xlsx")).content
        preview = import_preview(file=io.BytesIO(data), plan=self.plan)
        self.assertEqual(preview.errors, [])
        self.assertFalse(preview.has_changes)
        self.assertEqual(len(preview.unchanged), 2)

    def test_a_search_of_thousands_of_words_is_refused_at_once_with_the_message(self):
        self.client.force_login(self.alice)
        for name in ("reporting:export-xlsx", "reporting:export-ods"):
            started = time.monotonic()
            r = self.client.get(reverse(name), {"q": " ".join(["a"] * 2000)})
            self.assertLess(time.monotonic() - started, 1)
            self.assertEqual(r.status_code, 400)
            self.assertIn("Zoek op hoogstens 10 woorden.", r.content.decode())

    def test_it_names_the_file_after_today(self):
        self.client.force_login(self.wethouder)
        today = timezone.localdate().isoformat()
        r = self.client.get(reverse("reporting:export-xlsx"))
        self.assertEqual(
            r["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        self.assertEqual(
            r["Content-Disposition"], f'attachment; filename="inspanningen-{today}.xlsx"'
        )
        r = self.client.get(reverse("reporting:export-ods"), {"is_priority": "true"})
        self.assertEqual(r["Content-Type"], "application/vnd.oasis.opendocument.spreadsheet")
        self.assertEqual(
            r["Content-Disposition"], f'attachment; filename="inspanningen-{today}.ods"'
        )
        rows = ods_rows(r.content, "Inspanningen")
        self.assertEqual([row[0][1] for row in rows[1:]], ["3.1"])

    def test_every_logged_in_user_may_export_and_an_anonymous_one_is_sent_to_login(self):
        for user in (self.alice, self.bob, self.charlie, self.wethouder):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(reverse("reporting:export-ods")).status_code, 200)
        self.client.logout()
        r = self.client.get(reverse("reporting:export-xlsx"))
        self.assertEqual(r.status_code, 302)
        self.assertIn(reverse("login"), r["Location"])

    def test_the_effort_list_links_to_the_exports_with_its_filter(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("plan:effort-list"), {"status": "delayed", "page": 1})
        self.assertContains(r, f'href="{reverse("reporting:export-xlsx")}?status=delayed"')
        self.assertContains(r, f'href="{reverse("reporting:export-ods")}?status=delayed"')
        self.assertContains(r, "Exporteren naar Excel")

    def test_the_exported_dates_are_dates(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("reporting:export-xlsx"))
        sheet = load_workbook(io.BytesIO(r.content))["Inspanningen"]
        self.assertEqual(sheet["Q3"].value.date(), date(2022, 1, 1))
