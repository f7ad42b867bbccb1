"""`manage.py export_plan FILE` and `manage.py import_plan FILE [--dry-run]`."""

import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from plan.models import Effort
from tests.base import BaseTestCase
from tests.workbooks import REQUIRED, effort_row, snapshot, xlsx


class CommandTestCase(BaseTestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def workbook(self, rows, name="plan.xlsx", **kwargs) -> str:
        path = self.folder / name
        path.write_bytes(xlsx(rows, headings=kwargs.pop("headings", REQUIRED), **kwargs).getvalue())
        return str(path)

    def call(self, *args):
        out, err = StringIO(), StringIO()
        call_command(*args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()


class ExportPlanTestCase(CommandTestCase):
    def test_it_writes_xlsx_or_ods_by_extension(self):
        out, _err = self.call("export_plan", str(self.folder / "plan.xlsx"))
        self.assertIn("2 inspanningen", out)
        sheet = load_workbook(self.folder / "plan.xlsx")["Inspanningen"]
        self.assertEqual(
            [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)], ["1.1", "3.1"]
        )
        self.call("export_plan", str(self.folder / "plan.ODS"))
        self.assertTrue((self.folder / "plan.ODS").read_bytes().startswith(b"PK"))

    def test_another_extension_is_refused(self):
        with self.assertRaisesMessage(CommandError, ".xlsx of .ods"):
            self.call("export_plan", str(self.folder / "plan.csv"))
        self.assertEqual(list(self.folder.iterdir()), [])

    def test_what_it_writes_imports_without_changes(self):
        path = str(self.folder / "plan.xlsx")
        self.call("export_plan", path)
        before = snapshot()
        out, err = self.call("import_plan", path)
        self.assertIn(
            "Inspanningen: rijen gelezen: 2; nieuw: 0, gewijzigd: 0, ongewijzigd: 2.", out
        )
        self.assertEqual(err, "")
        self.assertEqual(snapshot(), before)


class ImportPlanTestCase(CommandTestCase):
    def test_a_dry_run_shows_the_changes_and_writes_nothing(self):
        before = snapshot()
        path = self.workbook([effort_row(Status="Vertraagd", Team="Nieuw team")])
        out, _err = self.call("import_plan", path, "--dry-run")
        self.assertIn("nieuw: 0, gewijzigd: 1, ongewijzigd: 0", out)
        self.assertIn("3.1: Status: Loopt volgens planning → Vertraagd", out)
        self.assertIn("Nieuwe teams: Nieuw team", out)
        self.assertIn("Proefrun", out)
        self.assertEqual(snapshot(), before)

    def test_it_imports_and_records_the_user(self):
        path = self.workbook([effort_row(Status="Vertraagd")])
        out, _err = self.call("import_plan", path, "--user", "bob")
        self.assertIn("Geïmporteerd", out)
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.status, Effort.Status.DELAYED)
        self.assertEqual(self.effort.history.latest().history_user, self.bob)

    def test_errors_are_listed_and_exit_non_zero_without_writing(self):
        before = snapshot()
        path = self.workbook([effort_row(Status="Vertraagd"), effort_row(Nr="3.2", Speerpunt=1)])
        out, err = StringIO(), StringIO()
        with self.assertRaisesMessage(CommandError, "1 fout; er is niets geïmporteerd."):
            call_command("import_plan", path, stdout=out, stderr=err)
        self.assertIn(
            "Inspanningen, rij 3, Nr: Het nummer 3.2 hoort niet bij speerpunt 1", err.getvalue()
        )
        self.assertEqual(snapshot(), before)

    def test_a_refused_file_exits_non_zero(self):
        path = self.folder / "oud.xlsx"
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
        with self.assertRaisesMessage(CommandError, "oud Excel-bestand"):
            self.call("import_plan", str(path))
        with self.assertRaisesMessage(CommandError, "niet lezen"):
            self.call("import_plan", str(self.folder / "bestaat-niet.xlsx"))

    def test_an_unknown_user_is_refused(self):
        with self.assertRaisesMessage(CommandError, "nobody"):
            self.call("import_plan", self.workbook([effort_row()]), "--user", "nobody")

    def test_warnings_go_to_stderr(self):
        path = self.workbook([[*effort_row().values(), "x"]], headings=[*REQUIRED, "Opmerking"])
        _out, err = self.call("import_plan", path, "--dry-run")
        self.assertIn("Waarschuwing: De kolom “Opmerking” (kolom F)", err)
