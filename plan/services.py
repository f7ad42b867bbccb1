"""Writes that span several models or must happen all or nothing (STYLE.md section 4)."""

from datetime import date

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Effort, ProgressUpdate, SteeringRound
from .selectors import effort_changes_since, plan_current, round_missing_by_contact


class EditConflict(Exception):
    """Someone else saved the effort after the editor loaded it."""

    def __init__(self, *, current_version: int, changes: list[dict]):
        super().__init__("edit conflict")
        self.current_version = current_version
        self.changes = changes


@transaction.atomic
def effort_save(*, form, loaded_version: int, user: User) -> Effort:
    """Save a validated effort form unless the effort changed since `loaded_version`."""
    effort = form.instance
    current_version = (
        Effort.objects.select_for_update().values_list("version", flat=True).get(pk=effort.pk)
    )
    if current_version != loaded_version:
        raise EditConflict(
            current_version=current_version,
            changes=effort_changes_since(effort=effort, version=loaded_version),
        )
    effort.version = current_version + 1
    effort._history_user = user
    return form.save()


@transaction.atomic
def steering_round_open(*, meeting_date: date, deadline: date, opened_by: User) -> SteeringRound:
    if SteeringRound.objects.open().exists():
        raise ValidationError(_("Close the current update round first."))
    if deadline > meeting_date:
        raise ValidationError(_("The deadline must be on or before the meeting date."))
    steering_round = SteeringRound.objects.create(
        meeting_date=meeting_date, deadline=deadline, opened_by=opened_by
    )
    steering_round.efforts.set(Effort.objects.filter(spearhead__plan=plan_current()).open())
    return steering_round


@transaction.atomic
def steering_round_close(*, steering_round: SteeringRound) -> None:
    """Close the round: its updates are frozen from now on."""
    locked = SteeringRound.objects.select_for_update().get(pk=steering_round.pk)
    if not locked.is_open:
        raise ValidationError(_("This update round is already closed."))
    locked.state = SteeringRound.State.CLOSED
    locked.closed = timezone.now()
    locked.save(update_fields=["state", "closed"])
    steering_round.state, steering_round.closed = locked.state, locked.closed


@transaction.atomic
def progress_update_submit(
    *,
    effort: Effort,
    steering_round: SteeringRound,
    author: User,
    status: str,
    progress: int,
    note: str,
    next_steps: str = "",
    risks: str = "",
) -> ProgressUpdate:
    """Submit (or replace) the effort's update for the round; the effort follows it."""
    locked = SteeringRound.objects.select_for_update().get(pk=steering_round.pk)
    if not locked.is_open:
        raise ValidationError(_("This update round is closed; updates can no longer be changed."))
    if not locked.efforts.filter(pk=effort.pk).exists():
        raise ValidationError(_("This effort is not part of the update round."))
    update, _created = ProgressUpdate.objects.update_or_create(
        effort=effort,
        steering_round=locked,
        defaults={
            "author": author,
            "status": status,
            "progress": progress,
            "note": note,
            "next_steps": next_steps,
            "risks": risks,
        },
    )
    effort = Effort.objects.select_for_update().get(pk=effort.pk)
    effort.status, effort.progress, effort.note = status, progress, note
    effort.version += 1
    effort._history_user = author
    effort.save(update_fields=["status", "progress", "note", "version", "updated"])
    return update


def steering_round_send_reminders(*, steering_round: SteeringRound) -> list[str]:
    """E-mail each lead who still has efforts without an update; returns the addresses."""
    if not steering_round.is_open:
        raise ValidationError(_("Reminders are only sent for an open update round."))
    sent = []
    with translation.override(settings.LANGUAGE_CODE):  # staff mail is Dutch
        for contact, efforts in round_missing_by_contact(steering_round=steering_round):
            if not contact.email:
                continue
            context = {"contact": contact, "efforts": efforts, "round": steering_round}
            send_mail(
                subject=_("Reminder: update your efforts before %(date)s")
                % {"date": steering_round.deadline.strftime("%d-%m-%Y")},
                message=render_to_string("plan/email/round_reminder.txt", context),
                from_email=None,
                recipient_list=[contact.email],
            )
            sent.append(contact.email)
    return sent
