"""Personal API tokens: a user makes and revokes their own on the settings page."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "lei_"  # recognisable in a leaked file or a secret scanner's rules
TOKEN_NAME_MAX_LENGTH = 100
ACTIVE_TOKENS_PER_USER = 10
LAST_USED_PRECISION = 60  # seconds: a token in use is written at most once a minute


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked__isnull=True)


class ApiToken(models.Model):
    """Only the SHA-256 of the key is kept: the key is shown once, when it is made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=TOKEN_NAME_MAX_LENGTH)
    key_hash = models.CharField(_("SHA-256 of the key"), max_length=64, unique=True)
    # the key's first characters, to tell tokens apart in the list
    key_start = models.CharField(_("start of the key"), max_length=12)
    created = models.DateTimeField(_("created"), default=timezone.now)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["user", "-created", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.key_start}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked is None

    @classmethod
    def new_key(cls) -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    def revoke(self) -> None:
        if self.revoked is None:
            self.revoked = timezone.now()
            self.save(update_fields=["revoked"])

    def touch(self, now) -> None:
        """Record a use, at most once a minute (a write on every request would cost more
        than the read it answers)."""
        if self.last_used is None or (now - self.last_used).total_seconds() >= LAST_USED_PRECISION:
            self.last_used = now
            type(self).objects.filter(pk=self.pk).update(last_used=now)
