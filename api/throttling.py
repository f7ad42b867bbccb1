"""DRF's rate limits with the rates read from the settings at each request (DRF reads its
own rates once, at import), so API_RATE_ANON and API_RATE_USER apply as set."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class AnonThrottle(AnonRateThrottle):
    def get_rate(self):
        return settings.API_RATE_ANON


class UserThrottle(UserRateThrottle):
    def get_rate(self):
        return settings.API_RATE_USER
