"""The production settings pass Django's deployment checklist."""

import os
import subprocess
import sys

from django.conf import settings
from django.test import SimpleTestCase

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-for-the-deploy-check-7Yq!pZ2@wR9#xL4$mN8%vB1^cT6&hJ0*fG5(dS3)aQ",
    "ALLOWED_HOSTS": "internationalisering.leiden.nl",
    "DATABASE_URL": "sqlite:///:memory:",
}


class DeployCheckTestCase(SimpleTestCase):
    def run_check(self, **env):
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in ("HTTPS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
        }
        return subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=settings.BASE_DIR,
            env={**environment, **PRODUCTION, **env},
            capture_output=True,
            text=True,
            check=False,
        )

    def test_production_settings_have_no_warnings(self):
        result = self.run_check()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("no issues", result.stdout)

    def test_plain_http_is_reported(self):
        result = self.run_check(HTTPS="false")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECURE_SSL_REDIRECT", result.stdout + result.stderr)

    def test_several_app_servers_settings_have_no_warnings(self):
        result = self.run_check(
            REDIS_URL="redis://127.0.0.1:6379/15", S3_BUCKET="notulen", S3_REGION="eu-west-1"
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_a_redis_url_that_is_no_address_is_refused_without_showing_it(self):
        result = self.run_check(REDIS_URL=":geheim@127.0.0.1:6379")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("REDIS_URL must be a redis://", result.stderr)
        self.assertNotIn("geheim", result.stdout + result.stderr)
