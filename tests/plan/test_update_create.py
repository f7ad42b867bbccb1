from django.core import mail
from django.urls import reverse

from plan.models import Effort, ProgressUpdate
from plan.services import progress_update_review, steering_round_close
from tests.base import FormPage, RoundTestCase

UPDATE = {"status": "at_risk", "progress": 55, "note": "Gesprekken met partners lopen"}


class UpdateCreateTestCase(RoundTestCase):
    def setUp(self):
        self.url = reverse("plan:update-create", args=[self.effort.pk])

    def test_a_lead_submits_and_the_effort_waits_for_acceptance(self):
        self.client.force_login(self.alice)
        r = self.client.post(self.url, {**UPDATE, "risks": "Budget"})
        self.assertRedirects(r, reverse("plan:my-efforts"))
        update = ProgressUpdate.objects.get()
        self.assertEqual(
            (update.effort, update.steering_round, update.author, update.state),
            (self.effort, self.round, self.alice, ProgressUpdate.State.SUBMITTED),
        )
        self.assertEqual(update.risks, "Budget")
        self.effort.refresh_from_db()
        self.assertEqual(
            (self.effort.status, self.effort.progress, self.effort.note),
            (Effort.Status.ON_TRACK, 40, ""),
        )

    def test_a_draft_is_kept_and_submitting_it_replaces_it(self):
        self.client.force_login(self.alice)
        r = self.client.post(self.url, {**UPDATE, "draft": "1"})
        self.assertRedirects(r, self.url)
        self.assertEqual(ProgressUpdate.objects.get().state, ProgressUpdate.State.CONCEPT)
        r = self.client.get(self.url)
        self.assertContains(r, "Concept")
        self.assertContains(r, 'value="55"')
        self.client.post(self.url, {**UPDATE, "progress": 60})
        update = ProgressUpdate.objects.get()
        self.assertEqual((update.progress, update.state), (60, ProgressUpdate.State.SUBMITTED))

    def test_a_submitted_update_can_no_longer_be_changed_by_the_lead(self):
        self.client.force_login(self.alice)
        self.client.post(self.url, UPDATE)
        r = self.client.get(self.url)
        self.assertIsNone(r.context["form"])
        self.assertContains(r, "Wacht op beoordeling")
        r = self.client.post(self.url, {**UPDATE, "progress": 90}, follow=True)
        self.assertContains(r, "Deze update is ingediend; u kunt hem niet meer wijzigen.")
        self.assertEqual(ProgressUpdate.objects.get().progress, 55)

    def test_the_form_starts_from_the_current_status(self):
        self.client.force_login(self.alice)
        form = self.client.get(self.url).context["form"]
        self.assertEqual(form.initial["status"], "on_track")
        self.assertEqual(form.initial["progress"], 40)

    def test_another_team_and_the_alderman_are_refused(self):
        for user in (self.charlie, self.wethouder):
            self.client.force_login(user)
            self.assertEqual(self.client.post(self.url, UPDATE).status_code, 403)
        self.assertFalse(ProgressUpdate.objects.exists())
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.status, Effort.Status.ON_TRACK)

    def test_a_lead_outside_the_team_updates_the_effort_they_lead(self):
        Effort.objects.filter(pk=self.effort.pk).update(lead=self.charlie)  # charlie: Wonen
        self.client.force_login(self.charlie)
        my_efforts = self.client.get(reverse("plan:my-efforts"))
        self.assertContains(my_efforts, f'href="{self.url}"')  # listed, with its update link
        r = self.client.get(self.effort.get_absolute_url())
        self.assertContains(r, f'href="{self.url}"')
        r = self.client.post(self.url, UPDATE)
        self.assertRedirects(r, reverse("plan:my-efforts"))
        update = ProgressUpdate.objects.get()
        self.assertEqual((update.author, update.state), (self.charlie, update.State.SUBMITTED))

    def test_the_reminder_goes_to_the_lead_who_may_update(self):
        Effort.objects.filter(pk=self.effort.pk).update(lead=self.charlie)
        self.client.force_login(self.bob)
        self.client.post(reverse("plan:round-reminders", args=[self.round.pk]))
        [reminder] = [m for m in mail.outbox if m.to == ["charlie@example.org"]]
        self.assertIn(self.effort.code, reminder.body)
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_a_closed_round_refuses_new_updates(self):
        steering_round_close(steering_round=self.round, by=self.bob)
        self.client.force_login(self.alice)
        r = self.client.post(self.url, UPDATE, follow=True)
        self.assertContains(r, "Er is geen open updateronde voor deze inspanning.")
        self.assertFalse(ProgressUpdate.objects.exists())

    def test_bad_input_is_refused_next_to_the_field(self):
        self.client.force_login(self.alice)
        r = self.client.post(self.url, {"status": "", "progress": 150, "note": ""})
        errors = r.context["form"].errors
        self.assertEqual(set(errors), {"status", "progress", "note"})
        self.assertIn("hoogstens 100", errors["progress"][0])
        self.assertFalse(ProgressUpdate.objects.exists())
        page = FormPage(r.content)
        [note] = page.named("note")
        self.assertEqual(note["attrs"]["aria-invalid"], "true")
        self.assertIn("is-invalid", note["attrs"]["class"].split())
        # the help text and the error are both read with the field
        self.assertEqual(note["attrs"]["aria-describedby"], "id_note_helptext id_note_error")
        self.assertEqual(page.texts["id_note_error"], "Dit veld is verplicht.")
        self.assertIn("div_id_note", note["within"])
        self.assertEqual(page.named("progress")[0]["attrs"]["value"], "150")  # as typed

    def test_the_form_shows_each_field_with_its_label_and_starting_value(self):
        self.client.force_login(self.alice)
        page = FormPage(self.client.get(self.url).content)
        self.assertEqual(page.labels["id_status"], "Status*")
        self.assertEqual(page.labels["id_progress"], "Voortgang (%)*")
        self.assertEqual(page.labels["id_note"], "Toelichting voortgang*")
        self.assertEqual(page.labels["id_next_steps"], "Volgende stappen")
        self.assertEqual(
            page.texts["id_note_helptext"],
            "Wat er sinds het vorige overleg is gebeurd. Komt in de jaarrapportage.",
        )
        [status] = [o for o in page.options("status") if "selected" in o["attrs"]]
        self.assertEqual(status["text"], "Loopt volgens planning")
        self.assertEqual(page.named("progress")[0]["attrs"]["value"], "40")

    def test_an_effort_outside_the_round_cannot_be_updated(self):
        self.round.efforts.remove(self.effort)
        self.client.force_login(self.alice)
        self.client.post(self.url, UPDATE)
        self.assertFalse(ProgressUpdate.objects.exists())

    def test_the_effort_page_shows_the_accepted_update_in_its_timeline(self):
        self.client.force_login(self.alice)
        self.client.post(self.url, UPDATE)
        progress_update_review(update=ProgressUpdate.objects.get(), by=self.bob, accept=True)
        r = self.client.get(self.effort.get_absolute_url())
        self.assertContains(r, "Overleg regiegroep van 15-03-2023")
        self.assertContains(r, "Gesprekken met partners lopen")
        self.assertContains(r, "Status: Loopt volgens planning → Aandacht nodig")
