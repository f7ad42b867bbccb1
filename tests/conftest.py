import os
import secrets

import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls
# from a thread with a running loop unless told that this is intended.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    """Hash passwords with MD5 in tests: PBKDF2's million rounds cost about a second for every
    user a test creates or logs in through the form. Only the speed differs: passwords are
    still checked through the same code, and the password validators are unchanged. The
    settings used in production are not touched."""
    from django.test import override_settings

    override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()

    # With REDIS_URL (the PostgreSQL run of .ci/run) the run's keys carry a prefix of its own
    # and tests empty only those (tests.base.cache_clear): two runs sharing a Redis database
    # leave each other's keys alone.
    from django.conf import settings

    cache = settings.CACHES["default"]
    if cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        prefix = f"test-{secrets.token_hex(4)}"
        override_settings(CACHES={"default": {**cache, "KEY_PREFIX": prefix}}).enable()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: nothing an earlier test left there (such as a
    rate limit's counters) may answer for this one. Emptied after it too, so that a run
    leaves nothing in a Redis that outlives it."""
    from tests.base import cache_clear

    cache_clear()
    yield
    cache_clear()
