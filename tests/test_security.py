"""Security headers and the login lockout."""

from django.test import override_settings
from django.urls import reverse

from tests.base import BaseTestCase


class ContentSecurityPolicyTestCase(BaseTestCase):
    def test_pages_allow_only_our_own_scripts_and_styles(self):
        self.client.force_login(self.alice)
        policy = self.client.get(reverse("plan:overview"))["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        self.assertEqual(directives["script-src"], "'self'")
        self.assertEqual(directives["style-src"], "'self'")
        self.assertEqual(directives["frame-ancestors"], "'none'")
        self.assertNotIn("unsafe-inline", policy)
        self.assertNotIn("unsafe-eval", policy)

    def test_the_login_page_too(self):
        self.assertIn("Content-Security-Policy", self.client.get(reverse("login")))


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class LockoutTestCase(BaseTestCase):
    def attempt(self, password):
        return self.client.post(reverse("login"), {"username": "alice", "password": password})

    def test_five_wrong_passwords_lock_the_account_out_for_now(self):
        for _ in range(4):
            self.assertEqual(self.attempt("wrong").status_code, 200)
        r = self.attempt("wrong")  # the fifth
        self.assertEqual(r.status_code, 429)
        r = self.attempt("pw-alice-123")  # even the right password, for now
        self.assertContains(r, "Inloggen tijdelijk geblokkeerd", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_good_login_resets_the_count(self):
        for _ in range(4):
            self.attempt("wrong")
        self.assertEqual(self.attempt("pw-alice-123").status_code, 302)
        self.client.logout()
        for _ in range(4):
            self.assertEqual(self.attempt("wrong").status_code, 200)


class SecurityTxtTestCase(BaseTestCase):
    def test_it_is_public_and_names_a_contact_and_expiry(self):
        r = self.client.get("/.well-known/security.txt")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Contact: mailto:security@leiden.nl")
        self.assertContains(r, "Expires: ")
