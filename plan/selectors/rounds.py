"""Update rounds: completeness, review, contacts, the meeting, and a member's own efforts."""

from collections import Counter, defaultdict

from django.contrib.auth.models import User
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber

from ..models import (
    Effort,
    Milestone,
    Plan,
    ProgressUpdate,
    SteeringRound,
    Team,
)
from ..roles import Role

SUMMARY_LIMIT = 100  # codes named per group of the review summary; the rest counted


def round_completeness(*, steering_round: SteeringRound) -> dict:
    """Per team of the round how many updates are accepted, await review, were returned, and
    were never sent (no update, or only a draft), and those counts for the whole round.

    Counted in SQL from the round's efforts per team and its updates per team and state
    (both from indexes), so the time follows the number of teams, not of efforts. Two
    queries."""
    # in the order of the list of missing efforts (round_missing_efforts), which the
    # database's collation decides: round_missing_slice relies on it (grouped by name first,
    # the groups come in that order: no second sort)
    efforts_per_team = (
        steering_round.efforts.order_by("team__name", "team_id")
        .values_list("team__name", "team_id")
        .annotate(n=Count("pk"))
    )
    per_team: dict[int, Counter] = defaultdict(Counter)  # team: updates per state
    for team_id, state, n in (
        steering_round.updates.order_by()
        .values_list("effort__team_id", "state")
        .annotate(n=Count("pk"))
    ):
        per_team[team_id][state] = n
    teams = [
        {"team": Team(pk=team_id, name=team_name), **_completeness_counts(total, per_team[team_id])}
        for team_name, team_id, total in efforts_per_team
    ]
    whole = sum(per_team.values(), Counter())
    return {"teams": teams, **_completeness_counts(sum(row["total"] for row in teams), whole)}


def _completeness_counts(total: int, per_state) -> dict:
    """Of `total` efforts in a round, how many updates are accepted, awaiting review,
    returned, never sent, submitted (the first two) and missing (the others), from the
    number of updates `per_state` (a mapping)."""
    states = ProgressUpdate.State
    accepted, awaiting = per_state.get(states.ACCEPTED, 0), per_state.get(states.SUBMITTED, 0)
    returned = per_state.get(states.RETURNED, 0)
    submitted = accepted + awaiting
    return {
        "total": total,
        "accepted": accepted,
        "awaiting": awaiting,
        "returned": returned,
        "never_sent": total - submitted - returned,
        "submitted": submitted,
        "missing": total - submitted,
    }


def round_review_summary(*, steering_round: SteeringRound, counts: dict | None = None) -> dict:
    """The round's review summary: the counts of round_completeness for the whole round
    (`counts`, when the caller has them; else counted here from the round's efforts and its
    updates per state, two reads of indexes) and per group (accepted, awaiting review,
    returned, never sent) the codes of its first SUMMARY_LIMIT efforts in plan order and how
    many more it counts without naming them. Two queries, four without `counts`."""
    if counts is None:
        per_state = dict(
            steering_round.updates.order_by().values_list("state").annotate(n=Count("pk"))
        )
        total = SteeringRound.efforts.through.objects.filter(steeringround=steering_round)
        counts = _completeness_counts(total.count(), per_state)
    summary = _review_summary(steering_round)
    return {
        **counts,
        "summary": summary,
        "summary_more": {group: counts[group] - len(codes) for group, codes in summary.items()},
    }


def _review_summary(steering_round: SteeringRound) -> dict[str, list[str]]:
    """The codes of the first SUMMARY_LIMIT efforts, in plan order, of each group of the review
    summary: the round's updates numbered per state (a window in SQL), and the efforts
    without an update that was ever sent."""
    group_of = {
        ProgressUpdate.State.ACCEPTED: "accepted",
        ProgressUpdate.State.SUBMITTED: "awaiting",
        ProgressUpdate.State.RETURNED: "returned",
    }
    summary: dict[str, list[str]] = {group: [] for group in (*group_of.values(), "never_sent")}
    in_plan_order = ("effort__spearhead__number", "effort__number")
    numbered = (
        steering_round.updates.filter(state__in=list(group_of))
        .annotate(
            place=Window(RowNumber(), partition_by=[F("state")], order_by=list(in_plan_order))
        )
        .filter(place__lte=SUMMARY_LIMIT)
        .order_by(*in_plan_order)
        .values_list("state", *in_plan_order)
    )
    for state, spearhead_number, number in numbered:
        summary[group_of[state]].append(f"{spearhead_number}.{number}")
    ever_sent = ProgressUpdate.objects.exclude(state=ProgressUpdate.State.CONCEPT).filter(
        effort=OuterRef("pk"), steering_round=steering_round
    )
    summary["never_sent"] = [
        f"{spearhead_number}.{number}"
        for spearhead_number, number in steering_round.efforts.exclude(Exists(ever_sent))
        .order_by("spearhead__number", "number")
        .values_list("spearhead__number", "number")[:SUMMARY_LIMIT]
    ]
    return summary


def _sent_update(steering_round: SteeringRound):
    """An update of the round for the outer effort that was submitted and not returned."""
    return ProgressUpdate.objects.sent().filter(
        effort=OuterRef("pk"), steering_round=steering_round
    )


def round_missing_efforts(*, steering_round: SteeringRound, team_id: int | None = None):
    """The round's efforts still owing an update (none, a draft, or a returned one), by team
    and code, each with `update_state` (a QuerySet to paginate)."""
    # order_by(): without it the model's ordering joins four tables into each row's lookup
    state = (
        ProgressUpdate.objects.filter(effort=OuterRef("pk"), steering_round=steering_round)
        .order_by()
        .values("state")[:1]
    )
    efforts = steering_round.efforts.exclude(Exists(_sent_update(steering_round))).annotate(
        update_state=Subquery(state)
    )
    if team_id is not None:
        efforts = efforts.filter(team_id=team_id)
    return efforts.select_related("spearhead", "team", "lead").order_by(
        "team__name", "team_id", "spearhead__number", "number"
    )


def round_missing_slice(*, efforts, teams: list[dict], start: int, stop: int):
    """Rows start..stop of `efforts` (round_missing_efforts of every team), reading only the
    efforts of the teams those rows belong to: `teams` (round_completeness, in the list's
    order) says how many each team misses, so a page costs what it shows, not what the
    round holds."""
    skipped, covered, chosen = 0, 0, []
    for row in teams:
        missing = row["missing"]
        if not missing:
            continue
        if not chosen and skipped + missing <= start:
            skipped += missing  # the team's rows are all before the slice
            continue
        chosen.append(row["team"].pk)
        covered += missing
        if skipped + covered >= stop:
            break
    return efforts.filter(team_id__in=chosen)[start - skipped : stop - skipped]


def round_awaiting_review(*, steering_round: SteeringRound):
    """The round's updates awaiting review, in plan order, with effort and author (a
    QuerySet to paginate)."""
    return (
        steering_round.updates.awaiting_review()
        .select_related("effort__spearhead", "effort__team", "author")
        .order_by("effort__spearhead__number", "effort__number")
    )


def round_awaiting_update(*, effort: Effort) -> SteeringRound | None:
    """The open round that still waits for this effort's update (none sent, or it was
    returned), if any. One query."""
    has_update = ProgressUpdate.objects.sent().filter(steering_round=OuterRef("pk"), effort=effort)
    return SteeringRound.objects.open().filter(efforts=effort).exclude(Exists(has_update)).first()


def round_contacts(*, efforts) -> dict:
    """Who is told about each of these efforts: its lead when active with an e-mail address;
    else the active members of its team who have one; else the programme managers who have
    one. Returns {"contacts": [(user, [effort, …])] by username, "unreachable": [effort, …]}
    (efforts no one can be told about); every effort gets `reached_as`: "lead", "team",
    "programme_manager" or None. Three queries at most, whatever the number of efforts."""
    reachable = User.objects.filter(is_active=True).exclude(email="")
    efforts = (
        efforts.select_related("spearhead", "team", "lead")
        .prefetch_related(Prefetch("team__members", queryset=reachable.order_by("username")))
        .order_by("spearhead__number", "number")
    )
    managers = None
    by_user: dict[int, tuple] = {}
    unreachable = []
    for effort in efforts:
        lead = effort.lead
        if lead is not None and lead.is_active and lead.email:
            effort.reached_as, contacts = "lead", [lead]
        elif members := list(effort.team.members.all()):
            effort.reached_as, contacts = "team", members
        else:
            if managers is None:
                managers = list(
                    reachable.filter(groups__name=Role.PROGRAMME_MANAGER)
                    .distinct()
                    .order_by("username")
                )
            effort.reached_as, contacts = ("programme_manager" if managers else None), managers
        if not contacts:
            unreachable.append(effort)
        for contact in contacts:
            by_user.setdefault(contact.pk, (contact, []))[1].append(effort)
    return {
        "contacts": sorted(by_user.values(), key=lambda item: item[0].get_username()),
        "unreachable": unreachable,
    }


def round_missing_by_contact(*, steering_round: SteeringRound) -> dict:
    """`round_contacts` for the round's efforts that still owe an update, each with
    `update_state`: None (nothing written yet), a draft or returned."""
    state = ProgressUpdate.objects.filter(
        effort=OuterRef("pk"), steering_round=steering_round
    ).values("state")[:1]
    missing = steering_round.efforts.exclude(Exists(_sent_update(steering_round))).annotate(
        update_state=Subquery(state)
    )
    return round_contacts(efforts=missing)


ATTENTION_STATUSES = (Effort.Status.AT_RISK, Effort.Status.DELAYED)  # needs attention, stagnates


def round_previous(*, steering_round: SteeringRound) -> SteeringRound | None:
    """The round of the same plan whose meeting came last before this one's (one query)."""
    earlier = Q(meeting_date__lt=steering_round.meeting_date) | Q(
        meeting_date=steering_round.meeting_date, pk__lt=steering_round.pk
    )
    return (
        SteeringRound.objects.filter(earlier, plan_id=steering_round.plan_id)
        .order_by("-meeting_date", "-pk")
        .first()
    )


def round_meeting(*, steering_round: SteeringRound) -> dict:
    """What the steering group discusses at the round's meeting (plan/round_meeting.html):
    what changed since the previous round's accepted updates, the accepted updates per
    spearhead, overdue milestones, and the decisions to take. Five queries, whatever the
    number of efforts."""
    previous = round_previous(steering_round=steering_round)
    efforts = list(
        steering_round.efforts.select_related("spearhead", "team").order_by(
            "spearhead__number", "number"
        )
    )
    updates = {
        row[0]: row[1:]
        for row in steering_round.updates.values_list(
            "effort_id", "state", "status", "progress", "note"
        )
    }
    before = {}
    if previous is not None:
        before = {
            row[0]: row[1:]
            for row in previous.updates.accepted().values_list("effort_id", "status", "progress")
        }
    changes, spearheads, awaiting, missing, attention = [], [], [], [], []
    for effort in efforts:
        state, status, progress, note = updates.get(effort.pk, (None, None, None, ""))
        accepted = state == ProgressUpdate.State.ACCEPTED
        if accepted:
            if not spearheads or spearheads[-1]["spearhead"] != effort.spearhead:
                spearheads.append({"spearhead": effort.spearhead, "rows": []})
            spearheads[-1]["rows"].append(
                {"effort": effort, "status": status, "progress": progress, "note": note}
            )
            old = before.get(effort.pk)
            if old is not None and old != (status, progress):
                changes.append(
                    {
                        "effort": effort,
                        "old_status": old[0],
                        "old_progress": old[1],
                        "status": status,
                        "progress": progress,
                    }
                )
        elif state == ProgressUpdate.State.SUBMITTED:
            awaiting.append(effort)
        else:
            effort.update_state = state  # none, a draft or returned
            missing.append(effort)
        current = status if accepted else effort.status
        if current in ATTENTION_STATUSES:
            attention.append({"effort": effort, "status": current})
    milestones = (
        Milestone.objects.overdue(steering_round.meeting_date)
        .filter(effort__steering_rounds=steering_round)
        .select_related("effort__spearhead", "owner")
        .order_by("due", "effort__spearhead__number", "effort__number", "pk")
    )
    return {
        "previous": previous,
        "changes": changes,
        "spearheads": spearheads,
        "accepted_count": sum(len(group["rows"]) for group in spearheads),
        "overdue_milestones": list(milestones),
        "awaiting": awaiting,
        "missing": missing,
        "attention": attention,
        "effort_count": len(efforts),
    }


def my_efforts(*, user, plan: Plan | None = None) -> dict:
    """The efforts a steering-group member looks after (their teams', or led by them) in
    `plan` (every plan when None), with for the open round whether an update is in. Four
    queries."""
    efforts = Effort.objects.all() if plan is None else Effort.objects.filter(spearhead__plan=plan)
    efforts = list(
        efforts.filter(Q(team__members=user) | Q(lead=user))
        .distinct()
        .select_related("spearhead", "team", "lead")
        .order_by("spearhead__number", "number")
    )
    open_round = SteeringRound.objects.open().first()
    rows = [{"effort": effort, "in_round": False, "update": None} for effort in efforts]
    if open_round is not None:
        ids = [effort.pk for effort in efforts]
        in_round = set(open_round.efforts.filter(pk__in=ids).values_list("pk", flat=True))
        updates = {u.effort_id: u for u in open_round.updates.filter(effort_id__in=ids)}
        for row in rows:
            row["in_round"] = row["effort"].pk in in_round
            row["update"] = updates.get(row["effort"].pk)
    to_do = [
        row
        for row in rows
        if row["in_round"] and (row["update"] is None or row["update"].lead_may_change)
    ]
    return {"round": open_round, "rows": rows, "to_do": to_do}
