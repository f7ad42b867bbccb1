import os
import shutil
import tempfile
import zipfile
from datetime import date
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TransactionTestCase, override_settings
from django.urls import reverse

from plan.models import Effort, Plan, PlanYear, ProgressUpdate, SteeringRound
from plan.roles import Role, role_groups_sync
from plan.services import plan_year_transition, progress_update_submit, steering_round_open


class BackupRestoreTestCase(TransactionTestCase):
    """Back up a portal in use, empty the database, restore: every record is back."""

    def setUp(self):
        from django.contrib.auth.models import Permission

        role_groups_sync(group_model=Group, permission_model=Permission)
        call_command("load_real_plan", stdout=StringIO())
        with override_settings(DEBUG=True):
            call_command("create_demo_users", verbosity=0)
        manager = User.objects.get(username="opgavemanager")
        steering_round = steering_round_open(
            meeting_date=date(2023, 3, 15), deadline=date(2023, 3, 1), opened_by=manager
        )
        progress_update_submit(
            effort=Effort.objects.get(spearhead__number=3, number=2),
            steering_round=steering_round,
            author=User.objects.get(username="regiegroep"),
            status="at_risk",
            progress=35,
            note="Werving loopt achter",
        )
        plan_year = PlanYear.objects.get(year=2022)
        for to, username in [
            ("advised", "opgavemanager"),
            ("endorsed", "opdrachtgever"),
            ("reviewed", "directieteam"),
            ("adopted", "wethouder"),
        ]:
            plan_year_transition(plan_year=plan_year, to=to, by=User.objects.get(username=username))

    def counts(self):
        return {
            model._meta.label: model.objects.count()
            for model in apps.get_models()
            if model._meta.app_label in ("plan", "auth", "axes")
            and model._meta.model_name != "permission"
        }

    def test_every_record_comes_back(self):
        before = self.counts()
        pdf = bytes(PlanYear.objects.get(year=2022).report_pdf)
        note = ProgressUpdate.objects.get().note
        with tempfile.TemporaryDirectory() as directory:
            backup = Path(directory) / "backup.zip"
            call_command("backup", backup, stdout=StringIO())
            call_command("flush", interactive=False, verbosity=0)
            self.assertEqual(Effort.objects.count(), 0)
            call_command("restore", backup, stdout=StringIO())
        self.assertEqual(self.counts(), before)
        self.assertGreater(before["plan.Effort"], 10)
        self.assertEqual(bytes(PlanYear.objects.get(year=2022).report_pdf), pdf)
        self.assertEqual(ProgressUpdate.objects.get().note, note)
        regiegroep = User.objects.get(username="regiegroep")
        self.assertTrue(regiegroep.check_password("demo-regiegroep"))
        self.assertEqual(
            list(regiegroep.groups.values_list("name", flat=True)), [Role.STEERING_GROUP]
        )
        self.assertEqual(list(regiegroep.teams.values_list("name", flat=True)), ["Economie"])


class BackupMinutesTestCase(TransactionTestCase):
    """The minutes uploaded to a round live in file storage, not in the database: the backup
    carries them, and restoring puts them back byte for byte, or restores nothing."""

    def setUp(self):
        from django.contrib.auth.models import Permission

        from tests.base import make_user

        media = tempfile.TemporaryDirectory()
        self.addCleanup(media.cleanup)
        self.media = Path(media.name)
        override = override_settings(MEDIA_ROOT=self.media)
        override.enable()
        self.addCleanup(override.disable)
        backups = tempfile.TemporaryDirectory()
        self.addCleanup(backups.cleanup)
        self.backup = Path(backups.name) / "backup.zip"

        role_groups_sync(group_model=Group, permission_model=Permission)
        Plan.objects.create(title="Meerjarenplan", start_year=2021, end_year=2024)
        make_user("bob", role=Role.PROGRAMME_MANAGER)
        make_user("fatima", role=Role.ALDERMAN)
        self.round = steering_round_open(
            meeting_date=date(2023, 3, 15),
            deadline=date(2023, 3, 1),
            opened_by=User.objects.get(username="bob"),
        )
        self.minutes = os.urandom(300_000)  # incompressible, several zip blocks
        self.client.force_login(User.objects.get(username="bob"))
        upload = SimpleUploadedFile("verslag regiegroep.pdf", self.minutes)
        r = self.client.post(self.round.get_absolute_url(), {"minutes": upload})
        self.assertEqual(r.status_code, 302)

    def wipe(self):
        """Lose the server: the database and every uploaded file."""
        call_command("flush", interactive=False, verbosity=0)
        shutil.rmtree(self.media)
        self.media.mkdir()

    def stored_files(self):
        return sorted(p.relative_to(self.media) for p in self.media.rglob("*") if p.is_file())

    def download_minutes(self):
        self.client.force_login(User.objects.get(username="fatima"))
        r = self.client.get(reverse("plan:round-minutes", args=[self.round.pk]))
        self.assertEqual(r.status_code, 200)
        return b"".join(r.streaming_content)

    def test_the_minutes_come_back_byte_for_byte(self):
        self.assertEqual(self.download_minutes(), self.minutes)
        call_command("backup", self.backup, stdout=StringIO())
        self.wipe()
        self.assertEqual(self.stored_files(), [])
        out = StringIO()
        call_command("restore", self.backup, stdout=out)
        self.assertIn("1 uploaded file", out.getvalue())
        self.assertEqual(self.download_minutes(), self.minutes)

    def test_restore_refuses_a_database_with_a_plan(self):
        call_command("backup", self.backup, stdout=StringIO())
        with self.assertRaisesMessage(CommandError, "already holds a plan"):
            call_command("restore", self.backup)
        self.assertEqual(SteeringRound.objects.count(), 1)

    def test_restoring_over_the_same_files_keeps_them(self):
        call_command("backup", self.backup, stdout=StringIO())
        call_command("flush", interactive=False, verbosity=0)  # the files survive
        call_command("restore", self.backup, stdout=StringIO())
        self.assertEqual(len(self.stored_files()), 1)
        self.assertEqual(self.download_minutes(), self.minutes)

    def test_a_damaged_backup_restores_nothing(self):
        call_command("backup", self.backup, stdout=StringIO())
        with zipfile.ZipFile(self.backup) as archive:
            entry = next(i for i in archive.infolist() if i.filename.startswith("media/"))
        data = bytearray(self.backup.read_bytes())
        data[entry.header_offset + 30 + len(entry.filename) + entry.compress_size // 2] ^= 0xFF
        self.backup.write_bytes(data)
        self.wipe()
        with self.assertRaisesMessage(CommandError, "is damaged"):
            call_command("restore", self.backup)
        self.assertFalse(Plan.objects.exists())
        self.assertFalse(SteeringRound.objects.exists())
        self.assertEqual(self.stored_files(), [])

    def test_restore_never_overwrites_another_file(self):
        call_command("backup", self.backup, stdout=StringIO())
        name = SteeringRound.objects.get().minutes.name
        call_command("flush", interactive=False, verbosity=0)
        (self.media / name).write_bytes(b"another file")
        with self.assertRaisesMessage(CommandError, name):
            call_command("restore", self.backup)
        self.assertFalse(Plan.objects.exists())
        self.assertEqual((self.media / name).read_bytes(), b"another file")

    def test_a_backup_of_the_database_alone_still_restores(self):
        """Backups made before the files were included: a JSON file of the records."""
        from plan.backups import EXCLUDED

        old = self.backup.with_suffix(".json")
        call_command(
            "dumpdata",
            natural_foreign=True,
            natural_primary=True,
            exclude=EXCLUDED,
            output=str(old),
            verbosity=0,
        )
        call_command("flush", interactive=False, verbosity=0)
        call_command("restore", old, stdout=StringIO())
        self.assertEqual(self.download_minutes(), self.minutes)

    def test_a_backup_from_before_the_unit_moved_to_the_indicator_restores(self):
        """Backups made before migration 0016: each monitor value had its own unit, and
        indicators had no unit, direction or goals; the indicator gets its values' unit."""
        import json

        from plan.backups import EXCLUDED
        from plan.models import Indicator, IndicatorValue

        for name, unit in (("Aandeel internationals", "%"), ("Inwoners", "inwoners")):
            indicator = Indicator.objects.create(name=name, unit=unit)
            for year in (2020, 2021):
                IndicatorValue.objects.create(indicator=indicator, year=year, value=year)
        units = dict(Indicator.objects.values_list("name", "unit"))
        old = self.backup.with_suffix(".json")
        call_command(
            "dumpdata",
            natural_foreign=True,
            natural_primary=True,
            exclude=EXCLUDED,
            output=str(old),
            verbosity=0,
        )
        records = json.loads(old.read_text())
        unit_of = {}
        kept = []
        for record in records:
            fields = record["fields"]
            if record["model"] == "plan.indicator":
                unit_of[record["pk"]] = fields.pop("unit")
                for name in ("direction", "comparison_label", "goals"):
                    fields.pop(name)
            elif record["model"].startswith("plan.historicalindicator"):
                continue  # the history of indicators came with 0016
            kept.append(record)
        for record in kept:
            if record["model"] == "plan.indicatorvalue":
                fields = record["fields"]
                fields.pop("target"), fields.pop("comparison")
                fields["unit"] = unit_of[fields["indicator"]]
        old.write_text(json.dumps(kept))
        call_command("flush", interactive=False, verbosity=0)
        call_command("restore", old, stdout=StringIO())
        self.assertEqual(units, {"Aandeel internationals": "%", "Inwoners": "inwoners"})
        self.assertEqual(dict(Indicator.objects.values_list("name", "unit")), units)
        self.assertEqual(IndicatorValue.objects.count(), 4)

    def test_a_missing_file_fails_the_backup_loudly(self):
        shutil.rmtree(self.media)
        self.media.mkdir()
        with self.assertRaisesMessage(CommandError, "storage lacks 1 file"):
            call_command("backup", self.backup)
        self.assertTrue(self.backup.exists())  # the rest is backed up all the same
