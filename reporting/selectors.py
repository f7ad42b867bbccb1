"""Reads for the reports; reporting reads plan only through these (STYLE.md section 4)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from plan.content import localized_text
from plan.models import Effort, Goal, IndicatorValue, Plan, ProgressUpdate

from . import charts


@dataclass
class GoalRow:
    goal: Goal
    efforts: list = field(default_factory=list)


@dataclass
class Chapter:
    spearhead: object
    goals: list[GoalRow]
    efforts: list
    started: list
    finished: list
    stopped: list


def _latest_notes(*, plan: Plan, year: int) -> dict[int, ProgressUpdate]:
    """Per effort its latest progress update of a round held in `year` or before."""
    updates = (
        ProgressUpdate.objects.filter(
            effort__spearhead__plan=plan, steering_round__meeting_date__year__lte=year
        )
        .select_related("steering_round")
        .order_by("effort_id", "-steering_round__meeting_date")
    )
    latest: dict[int, ProgressUpdate] = {}
    for update in updates:
        latest.setdefault(update.effort_id, update)
    return latest


def _ended_in(*, plan: Plan, year: int) -> dict[int, str]:
    """Efforts whose current status is done or stopped and that reached it in `year`, from the
    history (or, for an effort without such history, its end date)."""
    ended = {Effort.Status.DONE, Effort.Status.STOPPED}
    history = Effort.history.model.objects.filter(
        spearhead__plan=plan, history_date__year=year, status__in=ended
    ).values_list("id", "status")
    return dict(history)


def annual_report(*, plan: Plan, year: int) -> dict:
    """Everything the annual report shows for `year`. A fixed number of queries."""
    efforts = list(
        Effort.objects.filter(spearhead__plan=plan)
        .select_related("spearhead", "team", "lead")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.select_related("spearhead")),
            "target_groups",
        )
        .order_by("spearhead__number", "number")
    )
    notes = _latest_notes(plan=plan, year=year)
    ended = _ended_in(plan=plan, year=year)
    for effort in efforts:
        update = notes.get(effort.pk)
        effort.report_note = update.note if update else effort.note
        effort.report_note_date = update.steering_round.meeting_date if update else None

    spearheads = list(plan.spearheads.order_by("number"))
    goals = list(Goal.objects.filter(spearhead__plan=plan).select_related("spearhead"))
    goal_rows = {goal.pk: GoalRow(goal) for goal in goals}
    for effort in efforts:
        for goal in effort.goals.all():
            goal_rows[goal.pk].efforts.append(effort)
    by_spearhead = defaultdict(list)
    for effort in efforts:
        by_spearhead[effort.spearhead_id].append(effort)

    chapters = []
    for spearhead in spearheads:
        own = by_spearhead[spearhead.pk]
        chapters.append(
            Chapter(
                spearhead=spearhead,
                goals=[goal_rows[g.pk] for g in goals if g.spearhead_id == spearhead.pk],
                efforts=own,
                started=[e for e in own if e.start and e.start.year == year],
                finished=[
                    e
                    for e in own
                    if e.status == Effort.Status.DONE
                    and (ended.get(e.pk) == e.status or (e.end and e.end.year == year))
                ],
                stopped=[e for e in own if e.status == Effort.Status.STOPPED and ended.get(e.pk)],
            )
        )

    totals = dict.fromkeys(Effort.Status, 0)
    for effort in efforts:
        totals[effort.status] += 1
    status_chart = charts.status_bars(
        title=gettext("Efforts per spearhead and status"),
        categories=[f"{s.number}. {localized_text(s, 'name')}" for s in spearheads],
        counts=[
            {status: sum(1 for e in by_spearhead[s.pk] if e.status == status) for status in totals}
            for s in spearheads
        ],
    )
    return {
        "plan": plan,
        "year": year,
        "efforts": efforts,
        "chapters": chapters,
        "totals": [
            {"status": status, "label": status.label, "count": count}
            for status, count in totals.items()
        ],
        "effort_count": len(efforts),
        "priorities": [e for e in efforts if e.is_priority],
        "status_chart": status_chart,
        "monitor": monitor_charts(up_to=year),
    }


def monitor_charts(*, up_to: int | None = None) -> list[charts.Chart]:
    """Charts of the Monitor Internationalisering with values up to a year: one per indicator
    measured in several years; indicators measured once are grouped per year and unit (such
    as residents per nationality in 2020). One query."""
    values = IndicatorValue.objects.select_related("indicator").order_by("indicator__name", "year")
    if up_to is not None:
        values = values.filter(year__lte=up_to)
    by_indicator: dict[str, list] = defaultdict(list)
    for value in values:
        by_indicator[value.indicator.name].append(value)
    result, single = [], defaultdict(list)
    for name, points in by_indicator.items():
        if len(points) == 1:
            point = points[0]
            single[(point.year, point.unit)].append((name, point.value, point.source))
            continue
        unit = points[0].unit
        result.append(
            charts.yearly_values(
                title=name,
                unit=unit,
                points=[(p.year, p.value) for p in points],
                value_label=unit or gettext("value"),
                source=_sources(p.source for p in points),
            )
        )
    for (year, unit), items in sorted(single.items()):
        items.sort(key=lambda item: item[1], reverse=True)
        result.append(
            charts.category_values(
                title=gettext("Monitor %(year)s: %(unit)s") % {"year": year, "unit": unit},
                unit=unit,
                items=[(name, value) for name, value, _source in items],
                value_label=unit or gettext("value"),
                source=_sources(source for _name, _value, source in items),
            )
        )
    return result


def _sources(sources) -> str:
    return "; ".join(dict.fromkeys(source for source in sources if source))


# --- dashboard -------------------------------------------------------------------------------

LIST_LIMIT = 10  # rows shown per block; the link behind it lists them all
PRIORITY_LIMIT = 20
MANY_EFFORTS = 3  # a goal served by this many running efforts or more is "served by many"


EFFORT_ROW_COLUMNS = [
    "pk",
    "spearhead_id",
    "spearhead__number",
    "number",
    "title",
    "title_en",
    "status",
    "progress",
    "end",
    "is_priority",
    "created",
    "note",
    "team__name",
    "lead__first_name",
    "lead__last_name",
    "lead__username",
]


@dataclass
class EffortRow:
    """What the dashboard shows of an effort, read as plain values: loading 500 efforts as
    models with their relations was 40 of the page's 125 ms."""

    pk: int
    spearhead_id: int
    spearhead_number: int
    number: int
    title: str
    title_en: str
    status: str
    progress: int
    end: object
    is_priority: bool
    created: object
    note: str
    team_name: str
    lead_first_name: str | None
    lead_last_name: str | None
    lead_username: str | None
    goal_ids: list = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.status not in (Effort.Status.DONE, Effort.Status.STOPPED)

    @property
    def code(self) -> str:
        return f"{self.spearhead_number}.{self.number}"

    @property
    def lead_name(self) -> str:
        full = f"{self.lead_first_name or ''} {self.lead_last_name or ''}".strip()
        return full or self.lead_username or ""

    def get_status_display(self) -> str:
        return Effort.Status(self.status).label

    def get_absolute_url(self) -> str:
        return reverse("plan:effort-detail", args=[self.pk])


def dashboard(*, plan: Plan, today, team=None, target_group=None) -> dict:
    """Where the plan stands, narrowed to a team and/or target group. Five queries."""
    efforts_qs = Effort.objects.filter(spearhead__plan=plan)
    if team is not None:
        efforts_qs = efforts_qs.filter(team=team)
    if target_group is not None:
        efforts_qs = efforts_qs.filter(target_groups=target_group)
    rows = {
        values[0]: EffortRow(*values)
        for values in efforts_qs.order_by("spearhead__number", "number").values_list(
            *EFFORT_ROW_COLUMNS
        )
    }
    links = Effort.goals.through.objects.filter(effort__in=efforts_qs).values_list(
        "effort_id", "goal_id"
    )
    for effort_id, goal_id in links:
        rows[effort_id].goal_ids.append(goal_id)
    goals = list(
        Goal.objects.filter(spearhead__plan=plan)
        .select_related("spearhead")
        .order_by("spearhead__number", "number")
    )
    spearheads = list({goal.spearhead.pk: goal.spearhead for goal in goals}.values())

    running_per_goal = dict.fromkeys((goal.pk for goal in goals), 0)
    for row in rows.values():
        if row.running:
            for goal_id in row.goal_ids:
                running_per_goal[goal_id] += 1
    for goal in goals:
        goal.running = running_per_goal[goal.pk]

    per_spearhead = []
    for spearhead in spearheads:
        own = [row for row in rows.values() if row.spearhead_id == spearhead.pk]
        counts = {status: sum(1 for r in own if r.status == status) for status in Effort.Status}
        progress = round(sum(r.progress for r in own) / len(own)) if own else None
        per_spearhead.append(
            {"spearhead": spearhead, "counts": counts, "total": len(own), "progress": progress}
        )

    priorities = [row.pk for row in rows.values() if row.is_priority]
    overdue = [row.pk for row in rows.values() if row.running and row.end and row.end < today]
    attention = [
        row.pk
        for row in rows.values()
        if row.status in (Effort.Status.AT_RISK, Effort.Status.DELAYED)
    ]
    trend, changes = _rounds_trend_and_changes(rows=rows, efforts_qs=efforts_qs)
    shown = rows
    if changes:
        changes["moved"] = [{**row, "effort": shown[row["pk"]]} for row in changes["moved"]]
        for key in ("new", "finished"):
            changes[key] = [shown[pk] for pk in changes[key]]
    return {
        "effort_count": len(rows),
        "per_spearhead": per_spearhead,
        "status_chart": charts.status_bars(
            title=gettext("Efforts per spearhead and status"),
            categories=[f"{s.number}. {localized_text(s, 'name')}" for s in spearheads],
            counts=[row["counts"] for row in per_spearhead],
        ),
        "priorities": [shown[pk] for pk in priorities[:PRIORITY_LIMIT]],
        "priority_count": len(priorities),
        "gaps": [goal for goal in goals if goal.running == 0],
        "well_served": sorted(
            (goal for goal in goals if goal.running >= MANY_EFFORTS),
            key=lambda goal: -goal.running,
        ),
        "overdue": [shown[pk] for pk in overdue[:LIST_LIMIT]],
        "overdue_count": len(overdue),
        "attention": [shown[pk] for pk in attention[:LIST_LIMIT]],
        "attention_count": len(attention),
        "trend": trend,
        "changes": changes,
        "monitor": monitor_charts(),
    }


def _rounds_trend_and_changes(*, rows: dict, efforts_qs) -> tuple:
    """Status distribution per update round (a chart), and what changed between the last two
    rounds: status changes, new and finished efforts (as effort ids). One query, however many
    rounds there are (4,000 updates at 10x read in a few milliseconds)."""
    updates = (
        ProgressUpdate.objects.filter(effort__in=efforts_qs)
        .order_by()
        .values_list("effort_id", "steering_round_id", "steering_round__meeting_date", "status")
    )
    rounds: dict[int, dict] = {}
    statuses: dict[int, dict] = defaultdict(dict)
    for effort_id, round_id, meeting_date, status in updates:
        counts = rounds.setdefault(round_id, {"date": meeting_date, "counts": {}})["counts"]
        counts[status] = counts.get(status, 0) + 1
        statuses[effort_id][round_id] = status
    ordered = sorted(rounds.items(), key=lambda item: item[1]["date"])
    trend = None
    if ordered:
        trend = charts.status_bars(
            title=gettext("Status of the efforts per update round"),
            categories=[date_format(r["date"], "j b Y") for _pk, r in ordered],
            counts=[{Effort.Status(k): v for k, v in r["counts"].items()} for _pk, r in ordered],
        )
    if len(ordered) < 2:
        return trend, None
    (previous_id, previous), (latest_id, latest) = ordered[-2], ordered[-1]
    moved = [
        {
            "pk": effort_id,
            "old": Effort.Status(seen[previous_id]).label,
            "new": Effort.Status(seen[latest_id]).label,
            "finished": seen[latest_id] == Effort.Status.DONE,
        }
        for effort_id, seen in statuses.items()
        if previous_id in seen and latest_id in seen and seen[previous_id] != seen[latest_id]
    ]
    order = {pk: index for index, pk in enumerate(rows)}  # code order
    moved.sort(key=lambda row: order[row["pk"]])
    new = [pk for pk, row in rows.items() if timezone.localdate(row.created) > previous["date"]]
    finished = [row["pk"] for row in moved if row["finished"]]
    return trend, {
        "previous": previous["date"],
        "latest": latest["date"],
        "moved": moved[:LIST_LIMIT],
        "moved_count": len(moved),
        "new": new[:LIST_LIMIT],
        "new_count": len(new),
        "finished": finished[:LIST_LIMIT],
        "finished_count": len(finished),
    }


# --- evaluation of the vision (2024) ---------------------------------------------------------


def evaluation(*, plan: Plan) -> dict:
    """Per spearhead over the whole plan period: goals covered (by any effort, by a finished
    one), efforts finished, stopped and still running; and the monitor's trend. Four queries."""
    goals = list(
        Goal.objects.filter(spearhead__plan=plan)
        .select_related("spearhead")
        .prefetch_related(Prefetch("efforts", queryset=Effort.objects.only("pk", "status")))
        .order_by("spearhead__number", "number")
    )
    efforts = list(Effort.objects.filter(spearhead__plan=plan).only("pk", "spearhead_id", "status"))
    rows = []
    for spearhead in {goal.spearhead.pk: goal.spearhead for goal in goals}.values():
        own_goals = [goal for goal in goals if goal.spearhead_id == spearhead.pk]
        own = [effort for effort in efforts if effort.spearhead_id == spearhead.pk]
        rows.append(
            {
                "spearhead": spearhead,
                "goals": len(own_goals),
                "covered": sum(1 for goal in own_goals if goal.efforts.all()),
                "with_result": sum(
                    1
                    for goal in own_goals
                    if any(e.status == Effort.Status.DONE for e in goal.efforts.all())
                ),
                "efforts": len(own),
                "finished": sum(1 for e in own if e.status == Effort.Status.DONE),
                "stopped": sum(1 for e in own if e.status == Effort.Status.STOPPED),
                "running": sum(1 for e in own if _is_running(e)),
            }
        )
    totals = {
        key: sum(row[key] for row in rows)
        for key in ("goals", "covered", "with_result", "efforts", "finished", "stopped", "running")
    }
    uncovered = [goal for goal in goals if not goal.efforts.all()]
    return {"rows": rows, "totals": totals, "uncovered": uncovered, "monitor": monitor_charts()}


def _is_running(effort) -> bool:
    return effort.status not in (Effort.Status.DONE, Effort.Status.STOPPED)
