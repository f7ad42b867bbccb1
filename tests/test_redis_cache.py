"""The cache in Redis (REDIS_URL), shared by several app servers: the password-reset limit
counts the mails every server sent, and a draft report's PDF is rendered once for all.

Runs when the suite's cache is Redis: .ci/run sets REDIS_URL for its PostgreSQL run. The
keys carry the run's own prefix (tests/conftest.py); a test empties only those."""

import pickle
import tempfile
import time
from unittest import skipUnless

from django.conf import settings
from django.core import mail
from django.core.cache import caches
from django.urls import reverse

from tests.base import BaseTestCase
from tests.reporting.test_annual_report import pdf_text
from tests.servers import another_server

REDIS = settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
NEEDS_REDIS = "needs REDIS_URL, a Redis server for the cache (.ci/run sets it on PostgreSQL)"

# The second server: its own database with its own alice, the same Redis. It asks for two
# reset mails for her and prints how many it sent.
ASK_TWICE = """
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

User.objects.create_user("alice", "alice@leiden.nl", "pw-alice-elsewhere")
client = Client()
for _ in range(2):
    r = client.post(reverse("password_reset"), {"email": "alice@leiden.nl"})
    assert r.status_code == 302, r.status_code
print(len(getattr(mail, "outbox", [])))
"""


def redis_keys(pattern: str) -> list[bytes]:
    """The run's keys matching `pattern`, read through a connection of their own."""
    cache = caches["default"]
    client = cache._cache.get_client()
    return sorted(client.scan_iter(match=f"{cache.key_prefix}:*{pattern}", count=1000))


@skipUnless(REDIS, NEEDS_REDIS)
class PasswordResetLimitAcrossServersTestCase(BaseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        directory = tempfile.TemporaryDirectory()
        cls.addClassCleanup(directory.cleanup)
        cls.other_database = f"sqlite:///{directory.name}/other-server.sqlite3"
        migrate = "from django.core.management import call_command\ncall_command('migrate')"
        another_server(migrate, DATABASE_URL=cls.other_database)

    def setUp(self):
        self.alice.email = "alice@leiden.nl"
        self.alice.save()

    def ask(self):
        r = self.client.post(reverse("password_reset"), {"email": "alice@leiden.nl"})
        self.assertRedirects(r, reverse("password_reset_done"))

    def test_the_limit_counts_the_mails_every_server_sent(self):
        for _ in range(2):
            self.ask()
        self.assertEqual(len(mail.outbox), 2)
        sent = another_server(
            ASK_TWICE,
            DATABASE_URL=self.other_database,
            REDIS_KEY_PREFIX=caches["default"].key_prefix,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            ALLOWED_HOSTS="testserver",
        )
        self.assertEqual(sent.strip(), "1")  # the third of the hour; the fourth is refused
        self.ask()
        self.assertEqual(len(mail.outbox), 2)  # the fifth is refused here as well


@skipUnless(REDIS, NEEDS_REDIS)
class ReportPdfCacheTestCase(BaseTestCase):
    def test_a_draft_report_pdf_is_rendered_once_and_kept_in_redis(self):
        self.client.force_login(self.wethouder)
        url = reverse("reporting:annual-report-pdf", args=[2022])
        started = time.perf_counter()
        first = self.client.get(url)
        rendering = time.perf_counter() - started
        self.assertIn("Doorontwikkeling Expat Centre", pdf_text(first.content))
        [key] = redis_keys("report-pdf:*")
        client = caches["default"]._cache.get_client()
        self.assertEqual(pickle.loads(client.get(key)), first.content)  # what any server reads
        self.assertGreater(client.ttl(key), 23 * 60 * 60)

        started = time.perf_counter()
        second = self.client.get(url)
        cached = time.perf_counter() - started
        self.assertEqual(second.content, first.content)
        self.assertLess(cached, rendering / 5)
        self.assertEqual(redis_keys("report-pdf:*"), [key])
