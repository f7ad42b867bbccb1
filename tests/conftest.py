import os

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


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: nothing an earlier test left there (such as a
    rate limit's counters) may answer for this one."""
    from django.core.cache import cache

    cache.clear()
    yield
