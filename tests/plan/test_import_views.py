"""The import pages: upload -> preview -> confirm, for the programme manager only."""

import io
import pickle
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse

from plan.models import Effort, Team
from plan.spreadsheet.importer import import_read
from plan.views.imports import SESSION_KEY
from tests.base import BaseTestCase
from tests.workbooks import REQUIRED, effort_row, snapshot, with_member, xlsx

UPLOAD = reverse("plan:import-upload")
PREVIEW = reverse("plan:import-preview")
CONFIRM = reverse("plan:import-confirm")


def upload_file(rows, *, headings=REQUIRED, name="plan.xlsx", **kwargs):
    file = xlsx(rows, headings=headings, **kwargs)
    file.name = name
    return file


class ImportViewTestCase(BaseTestCase):
    def setUp(self):
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media)
        settings = override_settings(MEDIA_ROOT=media)
        settings.enable()
        self.addCleanup(settings.disable)
        self.imports = Path(media, "imports")

    def upload(self, rows, **kwargs):
        self.client.force_login(self.bob)
        return self.client.post(UPLOAD, {"file": upload_file(rows, **kwargs)})

    def stored(self, suffix=".xlsx") -> list[str]:
        if not self.imports.exists():
            return []
        return sorted(p.name for p in self.imports.iterdir() if p.name.endswith(suffix))

    def messages(self, response) -> list[str]:
        return [str(message) for message in get_messages(response.wsgi_request)]


class ImportPermissionTestCase(ImportViewTestCase):
    def test_only_the_programme_manager_gets_the_pages(self):
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(UPLOAD).status_code, 200)
        for user in (self.alice, self.charlie, self.wethouder):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(UPLOAD).status_code, 403)
                r = self.client.post(UPLOAD, {"file": upload_file([effort_row(Inspanning="X")])})
                self.assertEqual(r.status_code, 403)
                self.assertEqual(self.client.get(PREVIEW).status_code, 403)
                self.assertEqual(self.client.post(CONFIRM).status_code, 403)
        self.assertEqual(self.stored(), [])

    def test_others_cannot_confirm_an_import_the_programme_manager_prepared(self):
        before = snapshot()
        self.upload([effort_row(Inspanning="Overgenomen")])
        self.client.get(PREVIEW)
        session = self.client.session
        pending = session[SESSION_KEY]
        self.client.force_login(self.alice)
        session = self.client.session
        session[SESSION_KEY] = pending
        session.save()
        self.assertEqual(self.client.post(CONFIRM).status_code, 403)
        self.assertEqual(snapshot(), before)

    def test_the_effort_list_offers_import_only_to_the_programme_manager(self):
        self.client.force_login(self.bob)
        self.assertContains(self.client.get(reverse("plan:effort-list")), f'href="{UPLOAD}"')
        for user in (self.alice, self.wethouder):
            self.client.force_login(user)
            self.assertNotContains(self.client.get(reverse("plan:effort-list")), f'href="{UPLOAD}"')


class ImportFlowTestCase(ImportViewTestCase):
    def test_upload_preview_confirm(self):
        rows = [
            effort_row(Inspanning="Expat Centre 2.0", Team="Team Internationaal"),
            effort_row(Nr="3.2", Inspanning="Talent"),
        ]
        r = self.upload(rows, name="plan 2026.xlsx")
        self.assertRedirects(r, PREVIEW)
        [name] = self.stored()
        self.assertRegex(name, r"^[0-9a-f]{32}\.xlsx$")
        self.assertEqual(self.client.session[SESSION_KEY]["name"], name)

        r = self.client.get(PREVIEW)
        self.assertContains(r, "plan 2026.xlsx: 2 rijen gelezen uit het blad Inspanningen.")
        self.assertContains(r, "Doorontwikkeling Expat Centre → Expat Centre 2.0")
        self.assertContains(r, "Team Internationaal")  # the new team is listed
        self.assertContains(r, "Talent")
        self.assertContains(r, f'action="{CONFIRM}"')
        self.assertEqual(Effort.objects.count(), 2)  # the preview wrote nothing

        r = self.client.post(CONFIRM)
        self.assertRedirects(r, reverse("plan:effort-list"))
        self.assertIn("Import voltooid", self.messages(r)[0])
        self.effort.refresh_from_db()
        self.assertEqual(
            (self.effort.title, self.effort.team.name), ("Expat Centre 2.0", "Team Internationaal")
        )
        self.assertEqual(self.effort.history.latest().history_user, self.bob)
        self.assertTrue(Effort.objects.filter(spearhead=self.economy, number=2).exists())
        self.assertEqual(self.stored(""), [])  # deleted after the import, with its sheets
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_the_upload_form_shows_a_busy_indicator_script_and_accepts_xlsx(self):
        self.client.force_login(self.bob)
        r = self.client.get(UPLOAD)
        self.assertContains(r, 'data-busy="import-busy"')
        self.assertContains(r, "Bestand wordt gecontroleerd…")
        self.assertContains(r, "/static/js/busy.js")
        self.assertContains(r, 'accept=".xlsx,')
        self.assertNotContains(r, "<script>")  # no inline script

    def test_a_hostile_file_is_refused_on_the_form_and_not_stored(self):
        self.client.force_login(self.bob)
        xls = io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048)
        xls.name = "oud.xlsx"
        r = self.client.post(UPLOAD, {"file": xls})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Dit is een oud Excel-bestand (.xls)")
        self.assertEqual(self.stored(), [])

    def test_a_file_with_errors_shows_them_and_cannot_be_confirmed(self):
        before = snapshot()
        rows = [effort_row(Inspanning="Nieuw"), effort_row(Nr="3.2", Status="Half af")]
        self.upload(rows)
        r = self.client.get(PREVIEW)
        self.assertContains(r, "Het bestand bevat 1 fout. Er wordt niets geïmporteerd.")
        self.assertContains(r, '<td data-label="Rij">3</td>')
        self.assertContains(r, '<td data-label="Kolomkop">Status</td>')
        self.assertNotContains(r, f'action="{CONFIRM}"')
        r = self.client.post(CONFIRM)
        self.assertRedirects(r, PREVIEW, fetch_redirect_response=False)
        self.assertEqual(snapshot(), before)

    def test_a_missing_heading_sends_back_to_the_upload_with_the_message(self):
        self.upload([["3.1", 3, "Titel"]], headings=["Nr", "Speerpunt", "Inspanning"])
        r = self.client.get(PREVIEW, follow=True)
        self.assertRedirects(r, UPLOAD)
        self.assertContains(r, "“Team”, “Status”")
        self.assertEqual(self.stored(), [])

    def test_an_unchanged_file_has_nothing_to_confirm(self):
        self.upload([effort_row()])
        r = self.client.get(PREVIEW)
        self.assertContains(r, "Niets te importeren")
        self.assertNotContains(r, f'action="{CONFIRM}"')

    def test_changed_kept_sheets_are_refused_on_confirm(self):
        before = snapshot()
        self.upload([effort_row(Inspanning="Nieuwe titel")])
        self.client.get(PREVIEW)
        [name] = self.stored(".sheets")
        other = import_read(file=upload_file([effort_row(Inspanning="Iets anders")]))
        (self.imports / name).write_bytes(pickle.dumps(other))
        r = self.client.post(CONFIRM)
        self.assertRedirects(r, UPLOAD, fetch_redirect_response=False)
        self.assertEqual(snapshot(), before)
        self.assertEqual(self.stored(""), [])

    def test_the_workbook_is_parsed_once_for_reloads_and_the_confirmation(self):
        self.upload([effort_row(Inspanning="Nieuwe titel")])
        self.assertContains(self.client.get(PREVIEW), "Doorontwikkeling Expat Centre → Nieuwe")
        [name] = self.stored()
        (self.imports / name).write_bytes(b"no longer a workbook")  # never read again
        self.assertContains(self.client.get(PREVIEW), "Doorontwikkeling Expat Centre → Nieuwe")
        r = self.client.post(CONFIRM)
        self.assertRedirects(r, reverse("plan:effort-list"))
        self.assertEqual(Effort.objects.get(pk=self.effort.pk).title, "Nieuwe titel")

    def test_a_sheet_reaching_row_3_million_is_refused_on_the_form_at_once(self):
        data = upload_file([effort_row()]).getvalue()
        sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
        sheet = sheet.replace(b"</sheetData>", b'<row r="3000000"/></sheetData>')
        file = io.BytesIO(with_member(data, "xl/worksheets/sheet1.xml", sheet, replace=True))
        file.name = "plan.xlsx"
        self.client.force_login(self.bob)
        started = time.monotonic()
        r = self.client.post(UPLOAD, {"file": file})
        self.assertLess(time.monotonic() - started, 1)
        self.assertContains(r, "cellen voorbij rij 10.001 of kolom AX")
        self.assertEqual(self.stored(""), [])

    def test_a_plan_changed_after_the_preview_is_shown_again(self):
        self.upload([effort_row(Inspanning="Nieuwe titel")])
        self.client.get(PREVIEW)
        self.effort.set_status(
            Effort.Status.AT_RISK, by=self.alice
        )  # now the import would reset it
        r = self.client.post(CONFIRM)
        self.assertRedirects(r, PREVIEW, fetch_redirect_response=False)
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.title, "Doorontwikkeling Expat Centre")
        r = self.client.get(PREVIEW)  # the new preview shows the status going back
        self.assertContains(r, "Aandacht nodig → Loopt volgens planning")
        self.client.post(CONFIRM)
        self.effort.refresh_from_db()
        self.assertEqual((self.effort.title, self.effort.status), ("Nieuwe titel", "on_track"))

    def test_confirm_without_a_preview_goes_to_the_preview(self):
        self.upload([effort_row(Inspanning="Nieuwe titel")])
        r = self.client.post(CONFIRM)
        self.assertRedirects(r, PREVIEW, fetch_redirect_response=False)
        self.assertEqual(
            Effort.objects.get(pk=self.effort.pk).title, "Doorontwikkeling Expat Centre"
        )
        self.assertFalse(Team.objects.filter(name="Nieuw").exists())

    def test_the_preview_runs_a_fixed_number_of_queries(self):
        self.upload([effort_row()])
        # session, user, the user's and the groups' permissions (one query), plan, the importer's 10
        # (no Monitor sheet), the session update in a savepoint, and the menu's plan years
        # awaiting the user's decision (plan.context_processors)
        with self.assertNumQueries(18):
            self.client.get(PREVIEW)
