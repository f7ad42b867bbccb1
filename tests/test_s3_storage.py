"""Uploaded files in S3-compatible object storage (S3_BUCKET), against moto's S3 server on
loopback: the minutes go into the bucket and come back through the portal, a second app
server reads them, imports wait in the bucket between preview and confirmation, and a backup
carries the bucket's files and restores them."""

import hashlib
import os
import tempfile
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from plan.models import Plan, SteeringRound
from plan.roles import Role, role_groups_sync
from plan.services import steering_round_open
from plan.spreadsheet.uploads import upload_purge, upload_save
from tests.base import BaseTestCase, RoundTestCase, make_user
from tests.servers import S3Emulator, another_server
from tests.workbooks import effort_row, xlsx

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


class S3Mixin:
    """The emulator and one bucket per test class, emptied before each test; file storage
    set up as settings.py sets it up from the S3_* variables. MEDIA_ROOT points at an empty
    folder that must stay empty."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = S3Emulator()
        cls.s3.start()
        cls.addClassCleanup(cls.s3.stop)
        cls.bucket = cls.s3.bucket_create()
        cls.addClassCleanup(cls.s3.bucket_drop, cls.bucket)
        cls.storages = cls.s3.storages(cls.bucket)

    def setUp(self):
        super().setUp()
        self.s3.bucket_empty(self.bucket)
        media = tempfile.TemporaryDirectory()
        self.addCleanup(media.cleanup)
        self.media = Path(media.name)
        override = override_settings(STORAGES=self.storages, MEDIA_ROOT=self.media)
        override.enable()
        self.addCleanup(override.disable)

    def tearDown(self):
        self.assertEqual(list(self.media.iterdir()), [])  # nothing went to the local disk
        super().tearDown()

    def keys(self) -> list[str]:
        return self.s3.keys(self.bucket)


class S3MinutesTestCase(S3Mixin, RoundTestCase):
    def upload(self, name: str, content: bytes, steering_round=None):
        steering_round = steering_round or self.round
        self.client.force_login(self.bob)
        upload = SimpleUploadedFile(name, content)
        r = self.client.post(steering_round.get_absolute_url(), {"minutes": upload})
        self.assertRedirects(r, steering_round.get_absolute_url())

    def download(self, steering_round=None) -> bytes:
        steering_round = steering_round or self.round
        self.client.force_login(self.wethouder)
        r = self.client.get(reverse("plan:round-minutes", args=[steering_round.pk]))
        self.assertEqual(r.status_code, 200)
        self.assertIn("attachment", r["Content-Disposition"])
        return b"".join(r.streaming_content)

    def test_the_settings_choose_s3_for_uploads_only(self):
        self.assertEqual(self.storages["default"]["BACKEND"], "storages.backends.s3.S3Storage")
        self.assertEqual(self.storages["default"]["OPTIONS"]["bucket_name"], self.bucket)
        self.assertIn("StaticFilesStorage", self.storages["staticfiles"]["BACKEND"])

    def test_the_minutes_round_trip_through_the_bucket(self):
        minutes = os.urandom(300_000)
        self.upload("verslag regiegroep.pdf", minutes)
        [key] = self.keys()
        self.assertRegex(key, r"^minutes/\d{4}/verslag_regiegroep\.pdf$")
        self.assertEqual(self.s3.read(self.bucket, key), minutes)
        self.assertEqual(self.download(), minutes)
        grants = self.s3.client.get_object_acl(Bucket=self.bucket, Key=key)["Grants"]
        self.assertNotIn(ALL_USERS, [g["Grantee"].get("URI") for g in grants])  # not public
        self.client.logout()
        r = self.client.get(reverse("plan:round-minutes", args=[self.round.pk]))
        self.assertRedirects(r, f"{reverse('login')}?next={r.wsgi_request.path}")

    def test_another_server_reads_the_minutes_this_one_stored(self):
        minutes = os.urandom(50_000)
        self.upload("verslag.pdf", minutes)
        self.round.refresh_from_db()
        code = (
            "import hashlib\n"
            "from django.core.files.storage import default_storage\n"
            f"with default_storage.open({self.round.minutes.name!r}, 'rb') as stored:\n"
            "    print(hashlib.sha256(stored.read()).hexdigest())\n"
        )
        output = another_server(code, **self.s3.env(self.bucket))
        self.assertEqual(output.strip(), hashlib.sha256(minutes).hexdigest())

    def test_minutes_of_the_same_name_stay_apart(self):
        """S3Storage overwrites a key by default; the portal gives the second file a name
        of its own, as on disk."""
        self.round.state = SteeringRound.State.CLOSED
        self.round.save()
        later = steering_round_open(
            meeting_date=date(2023, 10, 4), deadline=date(2023, 9, 20), opened_by=self.bob
        )
        self.upload("verslag.pdf", b"%PDF-1.4 maart")
        self.upload("verslag.pdf", b"%PDF-1.4 oktober", later)
        self.assertEqual(len(self.keys()), 2)
        self.assertEqual(self.download(), b"%PDF-1.4 maart")
        self.assertEqual(self.download(later), b"%PDF-1.4 oktober")

    def test_replaced_minutes_are_removed_from_the_bucket(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.upload("verslag.pdf", b"%PDF-1.4 concept")
            self.upload("verslag-definitief.pdf", b"%PDF-1.4 definitief")
        self.round.refresh_from_db()
        self.assertEqual(self.keys(), [self.round.minutes.name])
        self.assertTrue(self.round.minutes.name.endswith("/verslag-definitief.pdf"))
        self.assertEqual(self.download(), b"%PDF-1.4 definitief")


class S3ImportTestCase(S3Mixin, BaseTestCase):
    def test_an_import_waits_in_the_bucket_until_it_is_confirmed(self):
        self.client.force_login(self.bob)
        file = xlsx([effort_row(Inspanning="Expat Centre 2.0")])
        file.name = "plan.xlsx"
        r = self.client.post(reverse("plan:import-upload"), {"file": file})
        self.assertRedirects(r, reverse("plan:import-preview"))
        [sheets, upload] = self.keys()  # the file and the sheets read from it
        self.assertRegex(upload, r"^imports/[0-9a-f]{32}\.xlsx$")
        self.assertEqual(sheets, upload.replace(".xlsx", ".sheets"))
        r = self.client.get(reverse("plan:import-preview"))
        self.assertContains(r, "Doorontwikkeling Expat Centre → Expat Centre 2.0")
        r = self.client.post(reverse("plan:import-confirm"))
        self.assertRedirects(r, reverse("plan:effort-list"))
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.title, "Expat Centre 2.0")
        self.assertEqual(self.keys(), [])

    def test_an_abandoned_import_is_removed_a_day_later(self):
        upload_save(data=b"a workbook nobody confirmed")
        upload_purge()
        self.assertEqual(len(self.keys()), 1)  # still within the day
        upload_purge(now=timezone.now() + timedelta(days=1, minutes=1))
        self.assertEqual(self.keys(), [])


class S3BackupTestCase(S3Mixin, TransactionTestCase):
    """`backup` reads the minutes from the bucket; `restore` puts them back into it."""

    def setUp(self):
        super().setUp()
        backups = tempfile.TemporaryDirectory()
        self.addCleanup(backups.cleanup)
        self.backup = Path(backups.name) / "backup.zip"
        role_groups_sync(group_model=Group, permission_model=Permission)
        Plan.objects.create(title="Meerjarenplan", start_year=2021, end_year=2024)
        bob = make_user("bob", role=Role.PROGRAMME_MANAGER)
        make_user("fatima", role=Role.ALDERMAN)
        self.round = steering_round_open(
            meeting_date=date(2023, 3, 15), deadline=date(2023, 3, 1), opened_by=bob
        )
        self.minutes = os.urandom(300_000)
        self.client.force_login(bob)
        upload = SimpleUploadedFile("verslag regiegroep.pdf", self.minutes)
        r = self.client.post(self.round.get_absolute_url(), {"minutes": upload})
        self.assertEqual(r.status_code, 302)
        self.name = SteeringRound.objects.get().minutes.name

    def download(self) -> bytes:
        self.client.force_login(User.objects.get(username="fatima"))
        r = self.client.get(reverse("plan:round-minutes", args=[self.round.pk]))
        self.assertEqual(r.status_code, 200)
        return b"".join(r.streaming_content)

    def test_the_minutes_come_back_byte_for_byte(self):
        call_command("backup", self.backup, stdout=StringIO())
        call_command("flush", interactive=False, verbosity=0)
        self.s3.bucket_empty(self.bucket)
        out = StringIO()
        call_command("restore", self.backup, stdout=out)
        self.assertIn("1 uploaded file", out.getvalue())
        self.assertEqual(self.keys(), [self.name])
        self.assertEqual(self.download(), self.minutes)
        self.assertEqual(SteeringRound.objects.get().minutes.name, self.name)

    def test_restore_never_overwrites_another_object(self):
        call_command("backup", self.backup, stdout=StringIO())
        call_command("flush", interactive=False, verbosity=0)
        self.s3.client.put_object(Bucket=self.bucket, Key=self.name, Body=b"another file")
        with self.assertRaisesMessage(CommandError, self.name):
            call_command("restore", self.backup)
        self.assertFalse(Plan.objects.exists())
        self.assertEqual(self.s3.read(self.bucket, self.name), b"another file")

    def test_a_file_missing_from_the_bucket_fails_the_backup_loudly(self):
        self.s3.bucket_empty(self.bucket)
        with self.assertRaisesMessage(CommandError, "storage lacks 1 file"):
            call_command("backup", self.backup)
        self.assertTrue(self.backup.exists())  # the rest is backed up all the same
