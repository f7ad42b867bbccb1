"""Security headers and the login lockout."""

import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta

from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.base import BaseTestCase, cache_clear


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

    def test_it_expires_within_a_year_as_rfc_9116_recommends(self):
        text = self.client.get("/.well-known/security.txt").content.decode()
        expires = datetime.fromisoformat(re.search(r"^Expires: (\S+)$", text, re.M)[1])
        self.assertGreater(expires, timezone.now() + timedelta(days=90))
        self.assertLess(expires, timezone.now() + timedelta(days=365))


class ResponseHeadersTestCase(BaseTestCase):
    def test_every_response_refuses_camera_microphone_and_location(self):
        self.client.force_login(self.alice)
        for url in (
            reverse("plan:overview"),
            reverse("login"),
            "/healthz",
            "/static/css/portal.css",
        ):
            with self.subTest(url=url):
                policy = self.client.get(url).headers.get("Permissions-Policy", "")
                for feature in ("camera=()", "microphone=()", "geolocation=()"):
                    self.assertIn(feature, policy)

    def test_pages_and_downloads_behind_the_login_are_not_cached(self):
        self.client.force_login(self.alice)
        for url in (
            reverse("plan:overview"),
            reverse("plan:effort-list"),
            self.effort.get_absolute_url(),
            reverse("reporting:export-xlsx"),
            reverse("plan:my-efforts"),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url)["Cache-Control"], "private, no-store")

    def test_public_pages_and_static_files_keep_their_own(self):
        self.client.force_login(self.alice)
        for url in ("/accessibility/", "/static/css/portal.css", reverse("plan:public-plan")):
            with self.subTest(url=url):
                r = self.client.get(url)
                self.assertNotIn("no-store", r.get("Cache-Control", ""))
        self.assertIn("no-cache", self.client.get("/healthz")["Cache-Control"])  # never_cache


class PasswordResetLimitTestCase(BaseTestCase):
    def setUp(self):
        cache_clear()
        self.alice.email = "alice@leiden.nl"
        self.alice.save()

    def ask(self, email, client="203.0.113.5"):
        r = self.client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=client)
        self.assertRedirects(r, reverse("password_reset_done"))  # always the same answer
        return r

    def test_at_most_three_mails_an_hour_go_to_one_address(self):
        for client in ("203.0.113.5", "203.0.113.6", "203.0.113.7", "203.0.113.8", "198.51.100.1"):
            self.ask("Alice@leiden.nl", client)
        self.assertEqual(len(mail.outbox), 3)
        self.assertEqual(mail.outbox[0].to, ["alice@leiden.nl"])

    def test_one_client_asks_for_at_most_ten_mails_an_hour(self):
        for n in range(10):
            self.ask(f"onbekend{n}@leiden.nl")  # unknown addresses count as well
        self.ask("alice@leiden.nl")
        self.assertEqual(mail.outbox, [])
        self.ask("alice@leiden.nl", client="198.51.100.7")  # another client still can
        self.assertEqual(len(mail.outbox), 1)
