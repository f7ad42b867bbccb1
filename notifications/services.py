"""Send the daily digests: at most one e-mail per person a day, in the person's language."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import DigestSent, NotificationPreference
from .selectors import Digest, digests_due


def digests_send(*, day: date) -> dict:
    """E-mail everyone something is due for on `day` (notifications.selectors.digests_due)
    their digest, unless they switched digests off or already got that day's. Each digest is
    recorded (DigestSent) before it goes out and the record is removed again when sending it
    fails, so a second run the same day sends only what failed. Returns {"sent":
    [addresses], "off": [usernames], "already": [usernames], "failed": [addresses]}.

    A fixed number of queries however many people and efforts: the selector's, one insert
    of all records, and one delete when some mail failed."""
    due = digests_due(day=day)
    off = [d.user.get_username() for d in due["digests"] if not d.wanted]
    already = [d.user.get_username() for d in due["digests"] if d.wanted and d.already_sent]
    to_send = [d for d in due["digests"] if d.wanted and not d.already_sent]
    messages = [digest_message(digest=d, steering_round=due["round"], day=day) for d in to_send]
    now = timezone.now()
    try:
        with transaction.atomic():
            DigestSent.objects.bulk_create(
                DigestSent(user=d.user, day=day, sent=now) for d in to_send
            )
    except IntegrityError as error:  # another run claimed some of them in the meantime
        raise ValidationError(_("Another run is sending this day's digests.")) from error
    sent, failed = [], []
    connection = get_connection()
    with connection:
        for digest, message in zip(to_send, messages, strict=True):
            message.connection = connection
            try:
                message.send()
            except Exception:  # noqa: BLE001  one bad address must not stop the others
                failed.append(digest)
            else:
                sent.append(digest.user.email)
    if failed:
        DigestSent.objects.filter(day=day, user__in=[d.user for d in failed]).delete()
    return {
        "sent": sent,
        "off": off,
        "already": already,
        "failed": [d.user.email for d in failed],
    }


def digest_message(*, digest: Digest, steering_round, day: date) -> EmailMultiAlternatives:
    """The digest as a plain-text and an HTML part, in the person's language."""
    language = digest.language or NotificationPreference.Language.DUTCH
    with translation.override(language):
        context = {
            "digest": digest,
            "contact": digest.user,
            "round": steering_round,
            "day": day,
            "portal": _("Internationalisation Leiden"),
            "portal_address": settings.PORTAL_URL,
            "language": language,
        }
        subject = _("%(portal)s: what is due for you on %(date)s") % {
            "portal": context["portal"],
            "date": date_format(day, "j F Y"),
        }
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("notifications/digest.txt", context),
            to=[digest.user.email],
        )
        message.attach_alternative(
            render_to_string("notifications/digest.html", context), "text/html"
        )
    return message
