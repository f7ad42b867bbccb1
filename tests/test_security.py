"""Security headers and the login lockout."""

import json
import os
import subprocess
import sys

from django.conf import settings
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


# What leiden_intl/settings.py sets with BEHIND_PROXY=true (a test below checks that it does).
BEHIND_PROXY = {
    "AXES_IPWARE_META_PRECEDENCE_ORDER": ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
    "AXES_IPWARE_PROXY_ORDER": "left-most",
    "AXES_IPWARE_PROXY_COUNT": 0,
    "IPWARE_STRICT": False,
}
PROXY = "10.0.0.1"  # every request reaches the application from the proxy


@override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], **BEHIND_PROXY
)
class LockoutBehindProxyTestCase(BaseTestCase):
    """The proxy appends the client's address to X-Forwarded-For: the lockout follows it."""

    def attempt(self, password, forwarded_for):
        return self.client.post(
            reverse("login"),
            {"username": "alice", "password": password},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    def test_settings_behind_a_proxy_are_these(self):
        code = (
            "import django, json; django.setup(); from django.conf import settings as s; "
            f"print(json.dumps({{k: getattr(s, k) for k in {sorted(BEHIND_PROXY)!r}}}))"
        )
        env = {**os.environ, "BEHIND_PROXY": "true", "SECRET_KEY": "x", "DEBUG": "false"}
        env["DJANGO_SETTINGS_MODULE"] = "leiden_intl.settings"
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        self.assertEqual(json.loads(out.stdout), BEHIND_PROXY)
        self.assertEqual(settings.AXES_LOCKOUT_PARAMETERS, [["username", "ip_address"]])

    def test_one_client_locks_the_account_only_for_itself(self):
        for _ in range(5):
            r = self.attempt("wrong", "203.0.113.5")
        self.assertEqual(r.status_code, 429)
        self.assertEqual(self.attempt("pw-alice-123", "203.0.113.5").status_code, 429)
        r = self.attempt("pw-alice-123", "198.51.100.7")  # someone else, same proxy
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.client.session["_auth_user_id"], str(self.alice.pk))

    def test_a_forged_forwarded_for_does_not_escape_the_lockout(self):
        for _ in range(5):
            self.attempt("wrong", "203.0.113.5")
        for forged in (
            "198.51.100.7, 203.0.113.5",
            "1.2.3.4, 5.6.7.8, 203.0.113.5",
            "x, 203.0.113.5",
        ):
            with self.subTest(forged=forged):
                r = self.attempt("pw-alice-123", forged)
                self.assertContains(r, "Inloggen tijdelijk geblokkeerd", status_code=429)
                self.assertNotIn("_auth_user_id", self.client.session)


class SecurityTxtTestCase(BaseTestCase):
    def test_it_is_public_and_names_a_contact_and_expiry(self):
        r = self.client.get("/.well-known/security.txt")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Contact: mailto:security@leiden.nl")
        self.assertContains(r, "Expires: ")
