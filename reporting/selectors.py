"""Reads for the reports; reporting reads plan only through these (STYLE.md section 4)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from plan.content import localized_text
from plan.models import Effort, Goal, IndicatorValue, Plan, ProgressUpdate

from . import charts


def annual_report_data(*, plan: Plan, year: int) -> dict:
    """Everything the annual report for `year` shows, as plain data (JSON): adoption freezes
    exactly this, and a draft year's preview shows it live. Six queries, whatever the size.

    The changes of the year (started, completed, stopped) come from the efforts' status
    history, so they agree with what the effort pages show."""
    efforts = list(
        Effort.objects.filter(spearhead__plan=plan)
        .select_related("spearhead", "team")
        .prefetch_related(Prefetch("goals", queryset=Goal.objects.select_related("spearhead")))
        .order_by("spearhead__number", "number")
    )
    notes = _latest_notes(plan=plan, year=year)
    changes = _status_changes(plan=plan, year=year)
    goals = list(
        Goal.objects.filter(spearhead__plan=plan)
        .select_related("spearhead")
        .order_by("spearhead__number", "number")
    )
    contributing: dict[int, list[str]] = defaultdict(list)
    rows = []
    for effort in efforts:
        note, note_date = notes.get(effort.pk, (effort.note, None))
        rows.append(
            {
                "code": effort.code,
                "spearhead": effort.spearhead.number,
                "title": effort.title,
                "title_en": effort.title_en,
                "team": effort.team.name,
                "status": effort.status,
                "progress": effort.progress,
                "is_priority": effort.is_priority,
                "note": note,
                "note_date": note_date.isoformat() if note_date else None,
                "goals": [goal.code for goal in effort.goals.all()],
                "change": changes.get(effort.pk),
            }
        )
        for goal in effort.goals.all():
            contributing[goal.pk].append(effort.code)
    goals_of: dict[int, list[dict]] = defaultdict(list)
    for goal in goals:
        goals_of[goal.spearhead_id].append(
            {
                "code": goal.code,
                "text": goal.text,
                "text_en": goal.text_en,
                "efforts": contributing[goal.pk],
            }
        )
    spearheads = [
        {
            "number": spearhead.number,
            "name": spearhead.name,
            "name_en": spearhead.name_en,
            "ambition": spearhead.ambition,
            "ambition_en": spearhead.ambition_en,
            "goals": goals_of[spearhead.pk],
        }
        for spearhead in plan.spearheads.order_by("number")
    ]
    return {
        "year": year,
        "plan": {
            "title": plan.title,
            "title_en": plan.title_en,
            "ambition": plan.ambition,
            "ambition_en": plan.ambition_en,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
        },
        "spearheads": spearheads,
        "efforts": rows,
        "monitor": monitor_values(up_to=year),
    }


def _latest_notes(*, plan: Plan, year: int) -> dict[int, tuple]:
    """Per effort the note and meeting date of its latest update of a round held in `year`
    or before."""
    updates = (
        ProgressUpdate.objects.filter(
            effort__spearhead__plan=plan, steering_round__meeting_date__year__lte=year
        )
        .order_by("effort_id", "-steering_round__meeting_date")
        .values_list("effort_id", "note", "steering_round__meeting_date")
    )
    latest: dict[int, tuple] = {}
    for effort_id, note, meeting_date in updates:
        latest.setdefault(effort_id, (note, meeting_date))
    return latest


def _status_changes(*, plan: Plan, year: int) -> dict[int, str]:
    """Per effort what its status history says happened in `year`, the last change winning:
    "started" (out of Not started), "finished" or "stopped". An effort created in the year
    with a running status counts as started."""
    records = (
        Effort.history.model.objects.filter(spearhead__plan=plan, history_date__year__lte=year)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "history_date", "status")
    )
    previous: dict[int, str] = {}
    changes: dict[int, str] = {}
    for effort_id, when, status in records:
        before = previous.get(effort_id)
        previous[effort_id] = status
        if when.year != year or status == before:
            continue
        if status == Effort.Status.DONE:
            changes[effort_id] = "finished"
        elif status == Effort.Status.STOPPED:
            changes[effort_id] = "stopped"
        elif status != Effort.Status.NOT_STARTED and before in (None, Effort.Status.NOT_STARTED):
            changes[effort_id] = "started"
    return changes


def monitor_values(*, up_to: int | None = None) -> list[dict]:
    """The Monitor's values (up to a year) as plain data, by indicator and year. One query."""
    values = IndicatorValue.objects.select_related("indicator").order_by("indicator__name", "year")
    if up_to is not None:
        values = values.filter(year__lte=up_to)
    return [
        {
            "indicator": value.indicator.name,
            "year": value.year,
            "value": str(value.value),
            "unit": value.unit,
            "source": value.source,
        }
        for value in values
    ]


def monitor_charts(*, up_to: int | None = None) -> list[charts.Chart]:
    """Charts of the Monitor Internationalisering with values up to a year. One query."""
    return monitor_charts_from(monitor_values(up_to=up_to))


def monitor_charts_from(values: list[dict]) -> list[charts.Chart]:
    """One chart per indicator measured in several years; indicators measured once are
    grouped per year and unit (such as residents per nationality in 2020)."""
    by_indicator: dict[str, list] = defaultdict(list)
    for value in values:
        by_indicator[value["indicator"]].append(value)
    result, single = [], defaultdict(list)
    for name, points in by_indicator.items():
        if len(points) == 1:
            point = points[0]
            single[(point["year"], point["unit"])].append(
                (name, Decimal(point["value"]), point["source"])
            )
            continue
        unit = points[0]["unit"]
        result.append(
            charts.yearly_values(
                title=name,
                unit=unit,
                points=[(p["year"], Decimal(p["value"])) for p in points],
                value_label=unit or gettext("value"),
                source=_sources(p["source"] for p in points),
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
