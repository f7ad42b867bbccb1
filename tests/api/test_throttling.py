"""Rate limits: per client address without login, per user with a token (429 beyond)."""

import os
import subprocess
import sys

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from .base import ApiTestCase


class ThrottlingTestCase(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.adopt(2022)

    @override_settings(API_RATE_ANON="3/minute")
    def test_anonymous_requests_beyond_the_rate_are_refused_with_429(self):
        url = reverse("api:public-effort-list", args=[2022])
        for _ in range(3):
            self.assertEqual(self.client.get(url).status_code, 200)
        r = self.client.get(url)
        self.assertEqual(r.status_code, 429)
        self.assertGreater(int(r["Retry-After"]), 0)
        self.assertIn("detail", r.json())
        # another address has its own count
        self.assertEqual(self.client.get(url, REMOTE_ADDR="192.0.2.7").status_code, 200)

    @override_settings(API_RATE_ANON="2/minute")
    def test_a_forged_forwarded_for_header_does_not_reset_the_count(self):
        url = reverse("api:public-year-list")
        for forged in ("198.51.100.1", "198.51.100.2"):
            self.client.get(url, HTTP_X_FORWARDED_FOR=forged)
        r = self.client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.3")
        self.assertEqual(r.status_code, 429)

    @override_settings(API_RATE_USER="2/minute", API_RATE_ANON="100/minute")
    def test_token_requests_are_counted_per_user(self):
        alice, charlie = self.token_for(self.alice), self.token_for(self.charlie)
        url = reverse("api:effort-list")
        for _ in range(2):
            self.assertEqual(self.client.get(url, **self.with_token(alice)).status_code, 200)
        self.assertEqual(self.client.get(url, **self.with_token(alice)).status_code, 429)
        self.assertEqual(self.client.get(url, **self.with_token(charlie)).status_code, 200)


class ThrottlingBehindProxyTestCase(ApiTestCase):
    """Behind the proxy the client is the last X-Forwarded-For entry, the one the proxy
    appended; entries a client wrote before it change nothing (as for the login lockout)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.adopt(2022)

    def test_behind_a_proxy_the_settings_count_one_proxy(self):
        code = (
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.REST_FRAMEWORK['NUM_PROXIES'])"
        )
        for behind, expected in (("true", "1"), ("false", "0")):
            env = {**os.environ, "BEHIND_PROXY": behind, "SECRET_KEY": "x", "DEBUG": "false"}
            env["DJANGO_SETTINGS_MODULE"] = "leiden_intl.settings"
            out = subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            )
            self.assertEqual(out.stdout.strip(), expected)

    def test_the_proxys_entry_is_counted(self):
        url = reverse("api:public-year-list")
        with override_settings(
            API_RATE_ANON="2/minute", REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
        ):
            for forged in ("198.51.100.1, 203.0.113.5", "198.51.100.2, 203.0.113.5"):
                r = self.client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forged)
                self.assertEqual(r.status_code, 200)
            r = self.client.get(
                url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.3, 203.0.113.5"
            )
            self.assertEqual(r.status_code, 429)
            r = self.client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6")
            self.assertEqual(r.status_code, 200)  # another client behind the same proxy
