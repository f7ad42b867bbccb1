"""The digest's settings on "Mijn instellingen": on or off, and its language."""

from django.urls import reverse

from notifications.models import NotificationPreference
from tests.base import BaseTestCase


class NotificationSettingsTestCase(BaseTestCase):
    url = reverse("notification-settings")
    page = reverse("account-settings")

    def test_the_page_shows_the_defaults_digest_on_in_dutch(self):
        self.client.force_login(self.alice)
        r = self.client.get(self.page)
        self.assertContains(r, "E-mailoverzicht")
        self.assertContains(r, 'name="digest"')
        form = r.context["notification_form"]
        self.assertTrue(form["digest"].value())
        self.assertEqual(form["language"].value(), "nl")
        self.assertContains(r, 'id="id_digest" checked')

    def test_changing_it_by_post_saves_it_with_a_message(self):
        self.client.force_login(self.alice)
        r = self.client.post(self.url, {"language": "en"}, follow=True)  # digest unticked
        self.assertRedirects(r, self.page)
        self.assertContains(r, "Uw e-mailinstellingen zijn opgeslagen.")
        preference = NotificationPreference.objects.get(user=self.alice)
        self.assertEqual((preference.digest, preference.language), (False, "en"))
        self.client.post(self.url, {"digest": "on", "language": "nl"})
        preference.refresh_from_db()
        self.assertEqual((preference.digest, preference.language), (True, "nl"))
        self.assertEqual(NotificationPreference.objects.count(), 1)

    def test_an_invalid_language_is_refused_with_a_message_and_nothing_saved(self):
        self.client.force_login(self.alice)
        r = self.client.post(self.url, {"digest": "on", "language": "fr"})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "Uw e-mailinstellingen zijn niet opgeslagen", status_code=400)
        self.assertContains(r, "Selecteer een geldige keuze", status_code=400)
        self.assertContains(r, "<title>Fout: Mijn instellingen", status_code=400)
        self.assertFalse(NotificationPreference.objects.exists())

    def test_each_person_changes_only_their_own(self):
        NotificationPreference.objects.create(user=self.charlie, digest=True, language="en")
        self.client.force_login(self.alice)
        self.client.post(self.url, {"language": "nl"})
        charlie = NotificationPreference.objects.get(user=self.charlie)
        self.assertEqual((charlie.digest, charlie.language), (True, "en"))

    def test_anonymous_users_are_sent_to_the_login_page(self):
        r = self.client.post(self.url, {"digest": "on", "language": "en"})
        self.assertEqual(r.status_code, 302)
        self.assertIn(reverse("login"), r["Location"])
        self.assertFalse(NotificationPreference.objects.exists())

    def test_get_is_not_allowed(self):
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(self.url).status_code, 405)
