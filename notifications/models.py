"""Each person's choice of a daily digest and its language, and the digests sent (one per
person and day, so that running the daily command twice sends nothing new)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationPreference(models.Model):
    """Without a row a person gets the digest, in Dutch (the defaults below)."""

    class Language(models.TextChoices):
        DUTCH = "nl", _("Dutch")
        ENGLISH = "en", _("English")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    digest = models.BooleanField(
        _("daily digest"),
        default=True,
        help_text=_("One e-mail a day with what is due for you, only when something is."),
    )
    language = models.CharField(
        _("language of the e-mails"), max_length=2, choices=Language, default=Language.DUTCH
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        ordering = ["user__username"]

    def __str__(self):
        return str(self.user)


class DigestSent(models.Model):
    """A person's digest of one day: claimed before it is sent, removed again when sending
    failed (so a second run that day retries it and sends nothing else)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="digests_sent",
        verbose_name=_("user"),
    )
    day = models.DateField(_("day"))
    sent = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        ordering = ["-day", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_sent_once_a_day")
        ]

    def __str__(self):
        return f"{self.user} {self.day:%Y-%m-%d}"
