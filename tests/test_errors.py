"""Error pages are Dutch and never show internals."""

import subprocess
import sys

from django.conf import settings
from django.test import override_settings
from django.urls import path

from tests.base import BaseTestCase


def broken_view(request):
    raise RuntimeError("secret internals")


urlpatterns = [path("broken/", broken_view)]


class ErrorPageTestCase(BaseTestCase):
    def test_an_unknown_page_gives_a_dutch_404(self):
        self.client.force_login(self.alice)
        r = self.client.get("/bestaat-niet/")
        self.assertEqual(r.status_code, 404)
        self.assertContains(r, "Pagina niet gevonden", status_code=404)
        self.assertContains(r, "Naar het overzicht van het plan", status_code=404)

    def test_an_anonymous_visitor_also_gets_the_dutch_404(self):
        r = self.client.get("/bestaat-niet/")
        self.assertContains(r, "Pagina niet gevonden", status_code=404)

    def test_debug_is_off_in_tests_like_in_production(self):
        self.assertFalse(settings.DEBUG)

    @override_settings(ROOT_URLCONF=__name__)
    def test_a_crash_shows_a_dutch_500_without_a_traceback(self):
        self.client.raise_request_exception = False
        r = self.client.get("/broken/")
        self.assertEqual(r.status_code, 500)
        self.assertContains(r, "Er ging iets mis", status_code=500)
        self.assertNotContains(r, "secret internals", status_code=500)
        self.assertNotContains(r, "Traceback", status_code=500)


class SettingsTestCase(BaseTestCase):
    def import_settings(self, **env):
        code = "import leiden_intl.settings"
        return subprocess.run(
            [sys.executable, "-c", code],
            env={"PATH": "/usr/bin:/bin", **env},
            capture_output=True,
            text=True,
            check=False,
        )

    def test_without_a_secret_key_production_refuses_to_start(self):
        result = self.import_settings(DEBUG="false")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY must be set when DEBUG is off", result.stderr)

    def test_a_misspelt_boolean_is_named(self):
        result = self.import_settings(DEBUG="maybe")
        self.assertIn("DEBUG must be true or false, not 'maybe'", result.stderr)

    def test_debug_has_a_development_key(self):
        self.assertEqual(self.import_settings(DEBUG="true").returncode, 0)
