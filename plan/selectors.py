"""Reads across several plan models, with related rows preloaded (STYLE.md section 4)."""

import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import Group, User
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.formats import date_format
from django.utils.translation import gettext

from .content import localized_text
from .models import (
    ADOPTED_STATES,
    PLAN_YEAR_CHAIN,
    Effort,
    Goal,
    IndicatorValue,
    Milestone,
    Partner,
    Plan,
    PlanYear,
    ProgressUpdate,
    Spearhead,
    SpearheadNarrative,
    SteeringRound,
    TargetGroup,
    Team,
    YearNarrative,
)
from .monitor import format_figure, standing
from .roles import Role


def plan_current() -> Plan | None:
    """The plan the portal shows by default: the newest adopted plan that is not closed. A
    successor in draft or on its way along the chain does not replace it until adopted; a
    portal holding only drafts shows the newest of those."""
    plans = Plan.objects.order_by("-start_year", "-pk")
    return plans.filter(state__in=ADOPTED_STATES, closed__isnull=True).first() or plans.first()


def _status_rows(counted: dict[str, int]) -> list[dict]:
    return [
        {"status": status, "label": status.label, "count": counted[status]}
        for status in Effort.Status
        if counted.get(status)
    ]


def spearheads_overview(*, plan: Plan) -> tuple[list[Spearhead], list[dict]]:
    """The plan's spearheads with their goals (each with its effort count) and, per
    spearhead, `status_counts` and `effort_count`; and the plan's efforts counted per status
    (in the fixed order of Effort.Status, leaving out zeros). Three queries, whatever the
    size."""
    goals = Goal.objects.select_related("spearhead").annotate(effort_count=Count("efforts"))
    spearheads = list(
        plan.spearheads.prefetch_related(Prefetch("goals", queryset=goals)).order_by("number")
    )
    rows = (
        Effort.objects.filter(spearhead__plan=plan)
        .order_by()
        .values_list("spearhead_id", "status")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, dict[str, int]] = {}
    totals: Counter[str] = Counter()
    for spearhead_id, status, n in rows:
        counts.setdefault(spearhead_id, {})[status] = n
        totals[status] += n
    for spearhead in spearheads:
        mine = counts.get(spearhead.pk, {})
        spearhead.status_counts = _status_rows(mine)
        spearhead.effort_count = sum(mine.values())
    return spearheads, _status_rows(totals)


def spearhead_goals_with_counts(*, spearhead: Spearhead):
    """The spearhead's goals, each with the number of efforts (of any spearhead) that
    contribute to it and how many of those are still running. One query."""
    ended = [Effort.Status.DONE, Effort.Status.STOPPED]
    return (
        spearhead.goals.select_related("spearhead")
        .annotate(
            effort_count=Count("efforts"),
            running_count=Count("efforts", filter=~Q(efforts__status__in=ended)),
        )
        .order_by("number")
    )


def effort_lineage(*, effort: Effort, plans: list[Plan]) -> dict:
    """The effort it continues (`predecessor`) and those continuing it (`successors`), in
    other plans, each with its code and plan. `plans`: every plan (the menu reads them
    anyway, plan.periods.plans_all). One query, and none when the effort continues nothing
    and no plan continues its plan. Joining the predecessor and its plan into the effort's
    own query instead made PostgreSQL plan an eight-table join (about 2 ms)."""
    continued = any(plan.predecessor_id == effort.spearhead.plan_id for plan in plans)
    if effort.predecessor_id is None and not continued:
        return {"predecessor": None, "successors": []}
    related = Effort.objects.filter(Q(pk=effort.predecessor_id) | Q(predecessor=effort))
    lineage = list(
        related.select_related("spearhead__plan")
        .only("number", "predecessor_id", "spearhead__number", "spearhead__plan__slug")
        .order_by("spearhead__plan__start_year", "pk")
    )
    return {
        "predecessor": next((e for e in lineage if e.pk == effort.predecessor_id), None),
        "successors": [e for e in lineage if e.pk != effort.predecessor_id],
    }


# --- history ---------------------------------------------------------------------------------

HISTORY_HIDDEN = {"version", "id"}
EFFORT_M2M = {"goals": Goal, "partners": Partner, "target_groups": TargetGroup}


def _m2m_snapshots(records) -> dict[int, dict[str, frozenset]]:
    """For each historical effort record: the ids of its goals, partners, target groups. One
    query (the three link tables' rows in a UNION ALL)."""
    history_model = Effort.history.model
    ids = [record.history_id for record in records]
    parts = []
    for name, model in EFFORT_M2M.items():
        through = history_model._meta.get_field(f"historicaleffort_{name}").related_model
        parts.append(
            through.objects.filter(history__in=ids)
            .annotate(kind=Value(name))
            .values_list("kind", "history_id", f"{model._meta.model_name}_id")
        )
    collected: dict[tuple, set] = defaultdict(set)
    for name, history_id, target_id in parts[0].union(*parts[1:], all=True):
        collected[history_id, name].add(target_id)
    return {
        history_id: {name: frozenset(collected[history_id, name]) for name in EFFORT_M2M}
        for history_id in ids
    }


class _Labels:
    """Turns stored values into what a reader recognises, with one query per kind at most."""

    def __init__(self):
        self._cache: dict[str, dict] = {}

    def _lookup(self, kind: str, ids) -> dict:
        if kind not in self._cache:
            model = {"team": Team, "spearhead": Spearhead, "lead": User, **EFFORT_M2M}[kind]
            queryset = model.objects.all()
            if model is Goal:
                queryset = queryset.select_related("spearhead")
            self._cache[kind] = queryset.in_bulk()
        return self._cache[kind]

    def show(self, field, value) -> str:
        name = field.name
        if name in EFFORT_M2M:
            objects = self._lookup(name, value)
            shown = [
                objects[pk].code if name == "goals" else str(objects[pk])
                for pk in value
                if pk in objects
            ]
            return ", ".join(sorted(shown)) or "–"
        if value in (None, ""):
            return "–"
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if name in ("team", "spearhead", "lead"):
            obj = self._lookup(name, [value]).get(value)
            if obj is None:
                return str(value)
            if name == "lead":
                return obj.get_full_name() or obj.get_username()
            return str(obj)
        if isinstance(value, date):
            return date_format(value, "j F Y")
        if name == "progress":
            return f"{value}%"
        return str(value)


_DIFFED = [
    field
    for field in Effort._meta.concrete_fields
    if field.name not in HISTORY_HIDDEN and field.name not in ("created", "updated")
]


def _effort_record_changes(newer, older, snapshots, labels) -> list[dict]:
    """What differs between two history records of an effort, in the form's field order;
    compared field by field (simple_history's diff_against costs ten times as much)."""
    names = [
        field.name
        for field in _DIFFED
        if getattr(newer, field.attname) != getattr(older, field.attname)
    ]
    old_values = {name: getattr(older, Effort._meta.get_field(name).attname) for name in names}
    new_values = {name: getattr(newer, Effort._meta.get_field(name).attname) for name in names}
    for name in EFFORT_M2M:
        if snapshots[newer.history_id][name] != snapshots[older.history_id][name]:
            names.append(name)
            old_values[name] = snapshots[older.history_id][name]
            new_values[name] = snapshots[newer.history_id][name]
    order = [field.name for field in Effort._meta.get_fields() if hasattr(field, "verbose_name")]
    changes = []
    for name in sorted(names, key=lambda n: order.index(n) if n in order else 99):
        field = Effort._meta.get_field(name)
        changes.append(
            {
                "field": field.verbose_name,
                "old": labels.show(field, old_values[name]),
                "new": labels.show(field, new_values[name]),
            }
        )
    return changes


def _group_edits(records) -> list[list]:
    """Records newest first -> groups that belong to one edit.

    Every save through the portal raises the effort's version once; the many-to-many saves
    that follow it in the same edit are recorded with that same version.
    """
    groups: list[list] = []
    for record in records:
        if groups and groups[-1][-1].version == record.version:
            groups[-1].append(record)
        else:
            groups.append([record])
    return groups


def effort_history(*, effort: Effort, limit: int = 25) -> list[dict]:
    """The effort's changes, newest first: who, when, and each field's old -> new value.

    Queries: the records, one per many-to-many field, and one per kind of name shown.
    """
    records = list(
        effort.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit * 4
        ]
    )
    if not records:
        return []
    snapshots = _m2m_snapshots(records)
    labels = _Labels()
    groups = _group_edits(records)
    entries = []
    for index, group in enumerate(groups[:limit]):
        newest = group[0]
        previous = groups[index + 1][0] if index + 1 < len(groups) else None
        entry = {"user": newest.history_user, "date": newest.history_date, "changes": []}
        if previous is None:
            entry["created"] = group[-1].history_type == "+"
            if not entry["created"]:
                continue  # the oldest record we kept: nothing to compare with
        else:
            entry["changes"] = _effort_record_changes(newest, previous, snapshots, labels)
            if not entry["changes"]:
                continue
        entries.append(entry)
    return entries


def effort_changes_since(*, effort: Effort, version: int) -> list[dict]:
    """What others changed after `version` of the effort: field, old, new, by whom."""
    records = list(
        effort.history.filter(version__gte=version)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    base = next((r for r in reversed(records) if r.version == version), None)
    if base is None or records[0].history_id == base.history_id:
        return []
    snapshots = _m2m_snapshots([records[0], base])
    changes = _effort_record_changes(records[0], base, snapshots, _Labels())
    authors = sorted(
        {
            r.history_user.get_full_name() or r.history_user.get_username()
            for r in records
            if r.version > version and r.history_user
        }
    )
    for change in changes:
        change["by"] = ", ".join(authors)
    return changes


def effort_milestones(*, effort: Effort) -> list:
    """The effort's milestones by due date, with their owners. One query."""
    return list(effort.milestones.select_related("owner").order_by("due", "pk"))


# --- update rounds ---------------------------------------------------------------------------


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


def plan_year_readiness(*, plan_year) -> dict:
    """What adopting the year would freeze, and what is still missing: the plan's efforts,
    the open update round, and running efforts without an update in a round of the year."""
    efforts = Effort.objects.filter(spearhead__plan=plan_year.plan_id)
    open_round = SteeringRound.objects.open().first()
    updated = ProgressUpdate.objects.accepted().filter(
        effort=OuterRef("pk"), steering_round__meeting_date__year=plan_year.year
    )
    counts = efforts.aggregate(
        total=Count("pk"),
        without_update=Count(
            "pk",
            filter=~Q(status__in=[Effort.Status.DONE, Effort.Status.STOPPED]) & ~Q(Exists(updated)),
        ),
    )
    return {
        "effort_count": counts["total"],
        "without_update": counts["without_update"],
        "open_round": open_round,
    }


# --- plan years ------------------------------------------------------------------------------


def year_narrative(*, plan_year: PlanYear) -> YearNarrative | None:
    """The year's report texts with their spearhead introductions (two queries)."""
    spearheads = SpearheadNarrative.objects.select_related("spearhead")
    return (
        YearNarrative.objects.filter(plan_year=plan_year)
        .prefetch_related(Prefetch("spearheads", queryset=spearheads))
        .first()
    )


def year_narrative_missing(*, plan_year: PlanYear) -> list[str]:
    """The report texts of the year still empty in Dutch, as a checklist: foreword, each
    spearhead's introduction, outlook (two queries)."""
    texts = (
        YearNarrative.objects.filter(plan_year=plan_year).values("foreword", "outlook").first()
        or {}
    )
    intro = SpearheadNarrative.objects.filter(
        spearhead=OuterRef("pk"), narrative__plan_year=plan_year
    ).exclude(text="")
    spearheads = (
        Spearhead.objects.filter(plan=plan_year.plan_id)
        .annotate(has_intro=Exists(intro))
        .order_by("number")
    )
    missing = [] if texts.get("foreword") else [gettext("Foreword")]
    for spearhead in spearheads:
        if not spearhead.has_intro:
            missing.append(
                gettext("Introduction to spearhead %(number)s: %(name)s")
                % {"number": spearhead.number, "name": localized_text(spearhead, "name")}
            )
    if not texts.get("outlook"):
        missing.append(gettext("Outlook"))
    return missing


def plan_years_awaiting(*, user) -> list[PlanYear]:
    """The open plans' years whose next step is this user's (PLAN_YEAR_CHAIN; a closed
    plan's years take no more steps, and a draft successor has none yet): the role
    check and the years in one query. It runs on every page (the menu's badge), so its SQL
    is written once (compiling the same query with the ORM cost 3 ms a page), and it reads
    only the columns before the snapshot (SQLite reads a large snapshot's overflow pages to
    reach the columns after it)."""
    if not user.is_authenticated:
        return []
    params = [value for state, (_next, role) in PLAN_YEAR_CHAIN.items() for value in (state, role)]
    return list(PlanYear.objects.raw(_awaiting_sql(), [*params, user.pk]))


@functools.cache
def _awaiting_sql() -> str:
    year, plan = PlanYear._meta.db_table, Plan._meta.db_table
    group, membership = Group._meta.db_table, User.groups.through._meta.db_table
    whose_turn = " ".join("WHEN %s THEN %s" for _state in PLAN_YEAR_CHAIN)
    return (
        f"SELECT y.id, y.plan_id, y.year, y.state FROM {year} y "
        f"WHERE y.plan_id IN (SELECT p.id FROM {plan} p WHERE p.closed IS NULL) "
        f"AND EXISTS (SELECT 1 FROM {group} g JOIN {membership} m ON m.group_id = g.id "
        f"WHERE g.name = (CASE y.state {whose_turn} END) AND m.user_id = %s) "
        f"ORDER BY y.year"
    )


# --- plan years: snapshots and their comparison ---------------------------------------------


def plan_snapshot(*, plan: Plan) -> dict:
    """The whole plan as plain data: what an adopted year keeps for ever. Seven queries;
    the many-to-many names are read as plain rows (prefetching built a manager per effort)."""
    efforts = (
        Effort.objects.filter(spearhead__plan=plan)
        .select_related("spearhead", "team", "lead")
        .order_by("spearhead__number", "number")
    )
    links = {name: effort_link_names(plan, name) for name in ("goals", "partners", "target_groups")}
    latest: dict[int, dict] = {}
    fields = ("status", "progress", "note", "next_steps", "risks")
    updates = (
        ProgressUpdate.objects.accepted()
        .filter(effort__spearhead__plan=plan)
        .order_by("effort_id", "-steering_round__meeting_date")
        .values_list("effort_id", "steering_round__meeting_date", *fields)
    )
    for effort_id, meeting_date, *values in updates:  # plain rows: thousands at 10x
        if effort_id not in latest:
            latest[effort_id] = {
                "round": meeting_date.isoformat(),
                **dict(zip(fields, values, strict=True)),
            }
    spearheads = plan.spearheads.prefetch_related("goals").order_by("number")
    return {
        "plan": {
            "title": plan.title,
            "title_en": plan.title_en,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
            "ambition": plan.ambition,
            "ambition_en": plan.ambition_en,
        },
        "spearheads": [
            {
                "number": s.number,
                "name": s.name,
                "name_en": s.name_en,
                "ambition": s.ambition,
                "ambition_en": s.ambition_en,
                "goals": [
                    {"code": f"{s.number}.{g.number}", "text": g.text, "text_en": g.text_en}
                    for g in s.goals.all()
                ],
            }
            for s in spearheads
        ],
        "efforts": [
            {
                "code": e.code,
                "title": e.title,
                "title_en": e.title_en,
                "description": e.description,
                "description_en": e.description_en,
                "goals": sorted(links["goals"].get(e.pk, [])),
                "team": e.team.name,
                "lead": (e.lead.get_full_name() or e.lead.get_username()) if e.lead else "",
                "partners": sorted(links["partners"].get(e.pk, [])),
                "target_groups": sorted(links["target_groups"].get(e.pk, [])),
                "international_role": e.international_role,
                "policy_relation": e.policy_relation,
                "financing": e.financing,
                "is_priority": e.is_priority,
                "in_line": e.in_line,
                "status": e.status,
                "progress": e.progress,
                "start": e.start.isoformat() if e.start else None,
                "end": e.end.isoformat() if e.end else None,
                "note": e.note,
                "latest_update": latest.get(e.pk),
            }
            for e in efforts
        ],
    }


def effort_link_names(plan: Plan, name: str, *, efforts=None) -> dict[int, list[str]]:
    """Per effort of the plan (or of the queryset `efforts`) the names of its goals (their
    codes), partners or target groups, read from the link table in one query."""
    through = Effort._meta.get_field(name).remote_field.through
    target = Effort._meta.get_field(name).m2m_reverse_field_name()
    links = through.objects.filter(effort__spearhead__plan=plan)
    if efforts is not None:
        links = links.filter(effort__in=efforts.values("pk"))
    if name == "goals":
        rows = links.values_list("effort_id", f"{target}__spearhead__number", f"{target}__number")
        pairs = ((effort_id, f"{spearhead}.{number}") for effort_id, spearhead, number in rows)
    else:
        pairs = links.values_list("effort_id", f"{target}__name")
    names: dict[int, list[str]] = {}
    for effort_id, shown in pairs:
        names.setdefault(effort_id, []).append(shown)
    return names


def snapshot_diff(old: dict, new: dict) -> dict:
    """What changed from one snapshot of the plan to the next: efforts added and removed,
    finished, stopped, other status changes, progress, title, note, priority, team and goals:
    every field the annual report shows of an effort."""
    before = {e["code"]: e for e in old["efforts"]}
    after = {e["code"]: e for e in new["efforts"]}
    ended = {Effort.Status.DONE: "finished", Effort.Status.STOPPED: "stopped"}
    keys = ("added", "removed", "finished", "stopped", "status", "progress", "title", "note")
    diff = {key: [] for key in (*keys, "priority", "team", "goals")}
    diff["added"] = [after[code] for code in after if code not in before]
    diff["removed"] = [before[code] for code in before if code not in after]
    for code in (code for code in after if code in before):
        was, now = before[code], after[code]
        if was["status"] != now["status"]:
            diff[ended.get(now["status"], "status")].append({**now, "was": was["status"]})
        for key in ("progress", "title", "note", "team"):
            if was[key] != now[key]:
                diff[key].append({**now, "was": was[key]})
        if was["is_priority"] != now["is_priority"]:
            diff["priority"].append({**now, "was": was["is_priority"]})
        if was["goals"] != now["goals"]:
            diff["goals"].append(
                {
                    **now,
                    "goals_added": sorted(set(now["goals"]) - set(was["goals"])),
                    "goals_removed": sorted(set(was["goals"]) - set(now["goals"])),
                }
            )
    diff["count"] = sum(len(items) for items in diff.values())
    return diff


@dataclass
class GoalLink:
    pk: int
    spearhead_number: int
    number: int
    text: str
    text_en: str

    @property
    def code(self) -> str:
        return f"{self.spearhead_number}.{self.number}"


@dataclass
class EffortLine:
    """What a table of efforts (plan/_effort_table.html) shows of an effort, read as plain
    values: a page of 50 efforts as models, with their spearheads, teams, leads and goals,
    was most of the effort list's ORM work."""

    pk: int
    spearhead_number: int
    number: int
    title: str
    title_en: str
    status: str
    progress: int
    is_priority: bool
    in_line: bool
    team_name: str
    late_milestone: str | None = None  # the earliest overdue milestone's title, if any
    late_milestone_due: date | None = None
    goals: list[GoalLink] = field(default_factory=list)

    @property
    def code(self) -> str:
        return f"{self.spearhead_number}.{self.number}"

    def get_status_display(self) -> str:
        return Effort.Status(self.status).label


EFFORT_LINE_COLUMNS = (
    "pk",
    "spearhead__number",
    "number",
    "title",
    "title_en",
    "status",
    "progress",
    "is_priority",
    "in_line",
    "team__name",
)


def effort_line_values(efforts, *annotations):
    """The values of an effort table's rows, to paginate: a queryset of tuples (with the
    values of the queryset's annotations named, in EffortLine's order)."""
    return efforts.values_list(*EFFORT_LINE_COLUMNS, *annotations)


def effort_lines(rows) -> list[EffortLine]:
    """Rows of effort_line_values (a page of them) as EffortLines with their goals: one
    query for the goals of the whole page."""
    lines = [EffortLine(*row) for row in rows]
    by_pk = {line.pk: line for line in lines}
    links = (
        Effort.goals.through.objects.filter(effort_id__in=by_pk)
        .order_by("goal__spearhead__number", "goal__number")
        .values_list(
            "effort_id",
            "goal_id",
            "goal__spearhead__number",
            "goal__number",
            "goal__text",
            "goal__text_en",
        )
    )
    for effort_id, *goal in links if by_pk else ():
        by_pk[effort_id].goals.append(GoalLink(*goal))
    return lines


# --- the Monitor -----------------------------------------------------------------------------


def indicator_standings(indicators) -> list[dict]:
    """Each indicator of the list with its values' count and its standing (plan.monitor):
    the latest value against that year's target and the value before it. One query for the
    values, whatever the number of indicators."""
    indicators = list(indicators)
    points: dict[int, list[dict]] = {indicator.pk: [] for indicator in indicators}
    for indicator_id, year, value, target, comparison in (
        IndicatorValue.objects.filter(indicator__in=[i.pk for i in indicators])
        .order_by("indicator_id", "year")
        .values_list("indicator_id", "year", "value", "target", "comparison")
    ):
        points[indicator_id].append(
            {"year": year, "value": value, "target": target, "comparison": comparison}
        )
    rows = []
    for indicator in indicators:
        now = standing(points[indicator.pk], direction=indicator.direction)
        rows.append(
            {
                "indicator": indicator,
                "count": len(points[indicator.pk]),
                "standing": now,
                "value": format_figure(now.value, indicator.unit) if now else "",
                "target": format_figure(now.target, indicator.unit) if now else "",
                "previous": format_figure(now.previous, indicator.unit) if now else "",
                "change": _signed(now.change, indicator.unit) if now else "",
            }
        )
    return rows


def _signed(change, unit: str) -> str:
    if change is None:
        return ""
    sign = "+" if change > 0 else ("−" if change < 0 else "")
    return sign + format_figure(abs(change), unit)
