import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls
# from a thread with a running loop unless told that this is intended.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: nothing an earlier test left there (such as a
    rate limit's counters) may answer for this one."""
    from django.core.cache import cache

    cache.clear()
    yield
