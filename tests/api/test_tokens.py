"""The settings page: a user makes and revokes their own API tokens."""

from django.test import Client
from django.urls import reverse

from api.models import ACTIVE_TOKENS_PER_USER, ApiToken, token_hash

from .base import ApiTestCase


class TokenSettingsTestCase(ApiTestCase):
    url = reverse("account-settings")

    def setUp(self):
        self.client.force_login(self.alice)

    def make(self, name="Open-data portaal", **extra):
        return self.client.post(reverse("token-create"), {"name": name}, follow=True, **extra)

    def test_the_page_is_dutch_and_linked_from_the_menu(self):
        r = self.client.get(self.url)
        self.assertContains(r, "<h1>Mijn instellingen</h1>", html=True)
        self.assertContains(r, "API-tokens")
        self.assertContains(r, "U hebt geen API-tokens.")
        self.assertContains(self.client.get(reverse("plan:overview")), f'href="{self.url}"')

    def test_a_new_token_is_shown_once_and_only_its_hash_is_kept(self):
        r = self.make()
        self.assertContains(r, "Token “Open-data portaal” is aangemaakt.")
        key = r.context["new_key"]
        self.assertTrue(key.startswith("lei_"))
        self.assertContains(r, f'value="{key}"')
        token = ApiToken.objects.get(user=self.alice)
        self.assertEqual(token.key_hash, token_hash(key))
        self.assertEqual(token.name, "Open-data portaal")
        r = self.client.get(self.url)  # once: not again
        self.assertNotContains(r, key)
        self.assertContains(r, token.key_start)
        self.assertContains(r, "Open-data portaal")
        api = self.client_class().get(reverse("api:effort-list"), **self.with_token(key))
        self.assertEqual(api.status_code, 200)

    def test_a_name_is_required(self):
        r = self.client.post(reverse("token-create"), {"name": "  "})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "Dit veld is verplicht.", status_code=400)
        self.assertContains(r, "<title>Fout: Mijn instellingen", status_code=400)
        self.assertFalse(ApiToken.objects.exists())

    def test_the_number_of_active_tokens_is_limited(self):
        for number in range(ACTIVE_TOKENS_PER_USER):
            self.make(f"token {number}")
        r = self.client.post(reverse("token-create"), {"name": "één te veel"})
        self.assertContains(r, "Trek er eerst een in.", status_code=400)
        self.assertEqual(ApiToken.objects.count(), ACTIVE_TOKENS_PER_USER)

    def test_revoking_ends_access_and_says_so(self):
        key = self.make().context["new_key"]
        token = ApiToken.objects.get()
        r = self.client.post(reverse("token-revoke", args=[token.pk]), follow=True)
        self.assertContains(r, "Token “Open-data portaal” is ingetrokken")
        self.assertContains(r, "Ingetrokken op")
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked)
        api = self.client_class().get(reverse("api:effort-list"), **self.with_token(key))
        self.assertEqual(api.status_code, 401)

    def test_nobody_revokes_or_sees_another_users_token(self):
        self.make("van alice")
        token = ApiToken.objects.get()
        self.client.force_login(self.charlie)
        self.assertNotContains(self.client.get(self.url), "van alice")
        r = self.client.post(reverse("token-revoke", args=[token.pk]))
        self.assertEqual(r.status_code, 404)
        token.refresh_from_db()
        self.assertIsNone(token.revoked)

    def test_only_post_with_csrf_and_login(self):
        self.assertEqual(self.client.get(reverse("token-create")).status_code, 405)
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(self.alice)
        self.assertEqual(strict.post(reverse("token-create"), {"name": "x"}).status_code, 403)
        anonymous = Client()
        r = anonymous.post(reverse("token-create"), {"name": "x"})
        self.assertEqual(r.status_code, 302)
        self.assertIn(reverse("login"), r["Location"])
        self.assertEqual(anonymous.get(self.url).status_code, 302)
        self.assertFalse(ApiToken.objects.exists())

    def test_the_page_runs_a_fixed_number_of_queries(self):
        self.make("een")
        self.client.get(self.url)
        # and every plan, once, for the menu's plan switcher (plan.periods)
        with self.assertNumQueries(6):  # session, user, years awaiting, digest setting, tokens
            self.client.get(self.url)
        for number in range(5):
            self.make(f"meer {number}")
        self.client.get(self.url)
        with self.assertNumQueries(6):
            self.client.get(self.url)
