"""What each person's daily digest holds on a given day (reads only; notifications.services
sends them)."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby

from django.contrib.auth.models import User
from django.db.models import OuterRef, Subquery

from plan.models import Effort, Milestone, ProgressUpdate, SteeringRound, UpdateReview
from plan.roles import Role
from plan.selectors import round_missing_by_contact, round_missing_efforts

from .models import DigestSent, NotificationPreference

ROUND_REMINDER_DAYS = (7, 2)  # days before the round's deadline on which the round is listed
MILESTONE_HORIZON_DAYS = 14  # milestones due within this many days (or overdue) are listed


@dataclass
class Digest:
    """One person's digest of a day: each list may be empty, not all of them."""

    user: User
    language: str = NotificationPreference.Language.DUTCH
    wanted: bool = True  # the person's digest setting
    already_sent: bool = False  # a digest of this day is recorded for the person
    round_efforts: list = field(default_factory=list)  # efforts owing an update (open round)
    returned: list = field(default_factory=list)  # their updates returned in the open round
    milestones: list = field(default_factory=list)  # due within 14 days or overdue, not done
    missing_by_team: list = field(default_factory=list)  # [(team, [effort, …])]: escalation

    @property
    def is_empty(self) -> bool:
        return not (self.round_efforts or self.returned or self.milestones or self.missing_by_team)


def _reachable(user) -> bool:
    return user is not None and user.is_active and bool(user.email)


def digests_due(*, day: date) -> dict:
    """{"round": the open round or None, "day": day, "reminder_day": whether the round is
    listed today (7 or 2 days before its deadline), "escalation_day": whether today is the
    day after its deadline, "digests": [Digest] of everyone something is due for, by
    username}. A fixed number of queries (at most ten), whatever the number of people,
    efforts and milestones."""
    steering_round = SteeringRound.objects.open().first()
    digests: dict[int, Digest] = {}

    def digest_of(user) -> Digest:
        return digests.setdefault(user.pk, Digest(user=user))

    reminder_day = escalation_day = False
    if steering_round is not None:
        days_left = (steering_round.deadline - day).days
        reminder_day = days_left in ROUND_REMINDER_DAYS
        escalation_day = days_left == -1
        if reminder_day:
            # the same people as the round's reminders: lead, else team, else the managers
            reach = round_missing_by_contact(steering_round=steering_round)
            for contact, efforts in reach["contacts"]:
                digest_of(contact).round_efforts.extend(efforts)
        for update in _returned_updates(steering_round):
            lead = update.effort.lead or update.author
            if _reachable(lead):
                digest_of(lead).returned.append(update)
        if escalation_day:
            missing = round_missing_efforts(steering_round=steering_round)
            by_team = [(team, list(efforts)) for team, efforts in groupby(missing, _team_of)]
            if by_team:
                for manager in _programme_managers():
                    digest_of(manager).missing_by_team = by_team
    for milestone in _milestones_due(day):
        milestone.overdue = milestone.is_overdue(day)
        owner = milestone.owner if _reachable(milestone.owner) else milestone.effort.lead
        if _reachable(owner):
            digest_of(owner).milestones.append(milestone)

    for digest in digests.values():
        # a returned update is listed once, under "returned", with its reason
        returned = {update.effort_id for update in digest.returned}
        digest.round_efforts = [e for e in digest.round_efforts if e.pk not in returned]
    _add_preferences(digests, day=day)
    return {
        "round": steering_round,
        "day": day,
        "reminder_day": reminder_day,
        "escalation_day": escalation_day,
        "digests": sorted(
            (d for d in digests.values() if not d.is_empty),
            key=lambda d: d.user.get_username(),
        ),
    }


def _team_of(effort):
    return effort.team


def _returned_updates(steering_round: SteeringRound) -> list[ProgressUpdate]:
    """The round's returned updates with the reason they were last returned for (one query)."""
    reason = (
        UpdateReview.objects.filter(update=OuterRef("pk"), action=UpdateReview.Action.RETURNED)
        .order_by("-taken", "-pk")
        .values("reason")[:1]
    )
    return list(
        steering_round.updates.filter(state=ProgressUpdate.State.RETURNED)
        .annotate(reason=Subquery(reason))
        .select_related("effort__spearhead", "effort__lead", "author")
        .order_by("effort__spearhead__number", "effort__number")
    )


def _programme_managers() -> list[User]:
    return list(
        User.objects.filter(is_active=True, groups__name=Role.PROGRAMME_MANAGER)
        .exclude(email="")
        .distinct()
        .order_by("username")
    )


def _milestones_due(day: date) -> list[Milestone]:
    """Not done and due within the horizon or overdue, of efforts still running."""
    return list(
        Milestone.objects.filter(
            done__isnull=True, due__lte=day + timedelta(days=MILESTONE_HORIZON_DAYS)
        )
        .exclude(effort__status__in=[Effort.Status.DONE, Effort.Status.STOPPED])
        .select_related("owner", "effort__lead", "effort__spearhead")
        .order_by("due", "effort__spearhead__number", "effort__number", "pk")
    )


def _add_preferences(digests: dict[int, Digest], *, day: date) -> None:
    """Each digest's language and setting (defaults without a row), and whether the day's
    digest was already sent (two queries)."""
    user_ids = list(digests)
    for preference in NotificationPreference.objects.filter(user_id__in=user_ids):
        digest = digests[preference.user_id]
        digest.language, digest.wanted = preference.language, preference.digest
    sent = DigestSent.objects.filter(day=day, user_id__in=user_ids)
    for user_id in sent.values_list("user_id", flat=True):
        digests[user_id].already_sent = True
