"""Reads for the reports; reporting reads plan only through these (STYLE.md section 4)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from plan.content import localized_text
from plan.models import (
    Effort,
    Goal,
    Indicator,
    IndicatorValue,
    Milestone,
    Plan,
    ProgressUpdate,
    SpearheadNarrative,
    SteeringRound,
    YearNarrative,
)
from plan.monitor import format_figure, standing
from plan.selectors import EFFORT_VALUES_COLUMNS, EffortValues, effort_link_names

from . import charts

NARRATIVE_TEXTS = ("foreword", "foreword_en", "outlook", "outlook_en")


def annual_report_data(*, plan: Plan, year: int, spearhead: int | None = None) -> dict:
    """Everything the annual report for `year` shows, as plain data (JSON): adoption freezes
    exactly this, and a draft year's preview shows it live. Seven queries, whatever the size.
    With `spearhead` (a number) only that chapter's goals and efforts: the preview of one
    chapter reads one chapter.

    The changes of the year (started, completed, stopped) come from the efforts' status
    history, so they agree with what the effort pages show."""
    chapter = {} if spearhead is None else {"spearhead__number": spearhead}
    shown = Effort.objects.filter(spearhead__plan=plan)
    if spearhead is not None:  # its efforts, and those of other chapters serving its goals
        serving = Effort.goals.through.objects.filter(
            goal__spearhead__plan=plan, goal__spearhead__number=spearhead
        )
        shown = shown.filter(Q(**chapter) | Q(pk__in=serving.values("effort_id")))
    efforts = list(
        shown.select_related("spearhead", "team").order_by("spearhead__number", "number")
    )
    # plain rows, no manager per effort
    goal_codes = effort_link_names(plan, "goals", efforts=None if spearhead is None else shown)
    notes = _latest_notes(plan=plan, year=year, chapter=chapter)
    changes = _status_changes(plan=plan, year=year, chapter=chapter)
    goals = list(
        Goal.objects.filter(spearhead__plan=plan, **chapter)
        .select_related("spearhead")
        .order_by("spearhead__number", "number")
    )
    contributing: dict[str, list[str]] = defaultdict(list)
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
                "goals": sorted(goal_codes.get(effort.pk, []), key=_code_order),
                "change": changes.get(effort.pk),
            }
        )
        for code in goal_codes.get(effort.pk, []):
            contributing[code].append(effort.code)
    goals_of: dict[int, list[dict]] = defaultdict(list)
    for goal in goals:
        goals_of[goal.spearhead_id].append(
            {
                "code": goal.code,
                "text": goal.text,
                "text_en": goal.text_en,
                "efforts": contributing[goal.code],
            }
        )
    intro = SpearheadNarrative.objects.filter(
        spearhead=OuterRef("pk"), narrative__plan_year__plan=plan, narrative__plan_year__year=year
    )
    chapters = plan.spearheads.filter(**({} if spearhead is None else {"number": spearhead}))
    spearheads = [
        {
            "number": spearhead.number,
            "name": spearhead.name,
            "name_en": spearhead.name_en,
            "ambition": spearhead.ambition,
            "ambition_en": spearhead.ambition_en,
            "goals": goals_of[spearhead.pk],
            "intro": spearhead.intro or "",
            "intro_en": spearhead.intro_en or "",
        }
        for spearhead in chapters.annotate(
            intro=Subquery(intro.values("text")), intro_en=Subquery(intro.values("text_en"))
        ).order_by("number")
    ]
    return {
        "year": year,
        "plan": _plan_fields(plan),
        "spearheads": spearheads,
        "efforts": rows,
        "monitor": monitor_values(up_to=year),
        # the summary's milestones: not read for one chapter
        "milestones": _year_milestones(plan=plan, year=year) if spearhead is None else {},
        "narrative": _narrative(plan=plan, year=year),
    }


def annual_report_outline(*, plan: Plan, year: int, priority_limit: int) -> dict:
    """What the first page of the report's preview shows, counted in SQL rather than read
    effort by effort: the spearheads (for the contents), the efforts per spearhead and status,
    the first `priority_limit` priority efforts and their number, the Monitor and the year's
    texts. The same seven queries and about the same time at any size of the plan."""
    spearheads = report_spearheads(plan=plan)
    efforts = Effort.objects.filter(spearhead__plan=plan)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for number, status, count in (
        efforts.values_list("spearhead__number", "status").annotate(n=Count("pk")).order_by()
    ):
        counts[number][status] = count
    priorities = efforts.filter(is_priority=True)
    columns = ("spearhead__number", "number", "title", "title_en", "team__name", "status")
    return {
        "year": year,
        "plan": _plan_fields(plan),
        "spearheads": spearheads,
        "counts": [counts[spearhead["number"]] for spearhead in spearheads],
        "priorities": [
            {
                "code": f"{spearhead}.{number}",
                "spearhead": spearhead,
                "title": title,
                "title_en": title_en,
                "team": team,
                "status": status,
                "progress": progress,
                "is_priority": True,
            }
            for spearhead, number, title, title_en, team, status, progress in priorities.order_by(
                "spearhead__number", "number"
            ).values_list(*columns, "progress")[:priority_limit]
        ],
        "priority_count": priorities.count(),
        "milestones": _year_milestones(plan=plan, year=year),
        "monitor": monitor_values(up_to=year),
        "narrative": _narrative(plan=plan, year=year),
    }


def report_spearheads(*, plan: Plan) -> list[dict]:
    """The spearheads as the report's contents list them. One query."""
    return [
        {"number": number, "name": name, "name_en": name_en}
        for number, name, name_en in plan.spearheads.order_by("number").values_list(
            "number", "name", "name_en"
        )
    ]


def _plan_fields(plan: Plan) -> dict:
    return {
        "title": plan.title,
        "title_en": plan.title_en,
        "ambition": plan.ambition,
        "ambition_en": plan.ambition_en,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
    }


def _narrative(*, plan: Plan, year: int) -> dict:
    return (
        YearNarrative.objects.filter(plan_year__plan=plan, plan_year__year=year)
        .values(*NARRATIVE_TEXTS)
        .first()
    ) or dict.fromkeys(NARRATIVE_TEXTS, "")


def _year_milestones(*, plan: Plan, year: int) -> dict[str, list[dict]]:
    """The milestones done in `year`, and those overdue at its end (or today, while the year
    runs): due before then and not done by then. One query."""
    until = min(timezone.localdate(), date(year, 12, 31))
    rows = (
        Milestone.objects.filter(effort__spearhead__plan=plan, due__lte=until)
        .filter(
            Q(done__year=year)
            | Q(due__lt=until, done__isnull=True)
            | Q(due__lt=until, done__gt=until)
        )
        .order_by("due", "effort__spearhead__number", "effort__number", "pk")
        .values_list(
            "effort__spearhead__number",
            "effort__number",
            "effort__title",
            "effort__title_en",
            "title",
            "due",
            "done",
        )
    )
    found: dict[str, list[dict]] = {"done": [], "overdue": []}
    for spearhead, number, effort_title, effort_title_en, title, due, done in rows:
        row = {
            "code": f"{spearhead}.{number}",
            "effort": effort_title,
            "effort_en": effort_title_en,
            "title": title,
            "due": due.isoformat(),
            "done": done.isoformat() if done else None,
        }
        if done is not None and done.year == year and done <= until:
            found["done"].append(row)
        elif due < until and (done is None or done > until):
            found["overdue"].append(row)
    return found


def _code_order(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split("."))


def _latest_notes(*, plan: Plan, year: int, chapter: dict) -> dict[int, tuple]:
    """Per effort the note and meeting date of its latest update of a round held in `year`
    or before."""
    updates = (
        ProgressUpdate.objects.accepted()
        .filter(
            effort__spearhead__plan=plan,
            steering_round__meeting_date__year__lte=year,
            **{f"effort__{key}": value for key, value in chapter.items()},
        )
        .order_by("effort_id", "-steering_round__meeting_date")
        .values_list("effort_id", "note", "steering_round__meeting_date")
    )
    latest: dict[int, tuple] = {}
    for effort_id, note, meeting_date in updates:
        latest.setdefault(effort_id, (note, meeting_date))
    return latest


def _status_changes(*, plan: Plan, year: int, chapter: dict) -> dict[int, str]:
    """Per effort what its status history says happened in `year`, the last change winning:
    "started" (out of Not started), "finished" or "stopped". An effort created in the year
    with a running status counts as started."""
    records = (
        Effort.history.model.objects.filter(
            spearhead__plan=plan, history_date__year__lte=year, **chapter
        )
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
    """The Monitor's values (up to a year) as plain data, by indicator and year, each with its
    indicator's unit and desired direction, the year's target and the comparison figure (None
    when not given). Adoption freezes this; reports frozen before targets existed lack
    "target", "comparison", "direction" and "compared_with". One query."""
    values = IndicatorValue.objects.select_related("indicator").order_by("indicator__name", "year")
    if up_to is not None:
        values = values.filter(year__lte=up_to)
    return [
        {
            "indicator": value.indicator.name,
            "year": value.year,
            "value": str(value.value),
            "unit": value.indicator.unit,
            "source": value.source,
            "target": None if value.target is None else str(value.target),
            "comparison": None if value.comparison is None else str(value.comparison),
            "direction": value.indicator.direction,
            "compared_with": value.indicator.comparison_label,
        }
        for value in values
    ]


def monitor_standings(values: list[dict]) -> list[dict]:
    """Per indicator (in the order of `values`) its latest value against that year's target
    and the value measured before it, formatted in the active language, with the text mark
    (plan.monitor.monitor_mark). From plain data, so frozen reports are shown alike."""
    by_indicator: dict[str, list[dict]] = defaultdict(list)
    for value in values:
        by_indicator[value["indicator"]].append(value)
    rows = []
    for name, points in by_indicator.items():
        unit = points[-1]["unit"]
        direction = points[-1].get("direction") or Indicator.Direction.NONE
        now = standing(points, direction=direction)

        def shown(number, unit=unit):
            return format_figure(number, unit)

        change = now.change
        sign = "" if not change else ("+" if change > 0 else "−")
        rows.append(
            {
                "indicator": name,
                "unit": unit,
                "direction": direction,
                "measured": len(points),
                "year": now.year,
                "value": shown(now.value),
                "target": shown(now.target),
                "has_target": now.target is not None,
                "comparison": shown(now.comparison),
                "compared_with": points[-1].get("compared_with") or "",
                "previous_year": now.previous_year,
                "previous": shown(now.previous),
                "change": "" if change is None else sign + shown(abs(change)),
                "mark": now.mark,
                "mark_label": now.mark_label,
            }
        )
    return rows


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
        unit = points[-1]["unit"]
        result.append(
            charts.yearly_values(
                title=name,
                unit=unit,
                points=[(p["year"], Decimal(p["value"])) for p in points],
                value_label=unit or gettext("value"),
                source=_sources(p["source"] for p in points),
                targets=[_number(p.get("target")) for p in points],
                comparisons=[_number(p.get("comparison")) for p in points],
                comparison_label=points[-1].get("compared_with") or "",
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


def _number(text: str | None) -> Decimal | None:
    return None if text in (None, "") else Decimal(text)


def _sources(sources) -> str:
    return "; ".join(dict.fromkeys(source for source in sources if source))


# --- dashboard -------------------------------------------------------------------------------

LIST_LIMIT = 10  # rows shown per block; the link behind it lists them all
PRIORITY_LIMIT = LIST_LIMIT
MANY_EFFORTS = 3  # a goal served by this many running efforts or more is "served by many"


EFFORT_ROW_COLUMNS = [
    *EFFORT_VALUES_COLUMNS,
    "spearhead_id",
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
class EffortRow(EffortValues):
    """What the dashboard shows of an effort (plan.selectors.EffortValues: loading 500
    efforts as models with their relations was 40 of the page's 125 ms)."""

    spearhead_id: int
    end: object
    is_priority: bool
    created: object
    note: str
    team_name: str
    lead_first_name: str | None
    lead_last_name: str | None
    lead_username: str | None

    @property
    def running(self) -> bool:
        return self.status not in (Effort.Status.DONE, Effort.Status.STOPPED)

    @property
    def lead_name(self) -> str:
        full = f"{self.lead_first_name or ''} {self.lead_last_name or ''}".strip()
        return full or self.lead_username or ""

    def get_absolute_url(self) -> str:
        return reverse("plan:effort-detail", args=[self.pk])


ENDED = (Effort.Status.DONE, Effort.Status.STOPPED)
NEEDS_ATTENTION = (Effort.Status.AT_RISK, Effort.Status.DELAYED)


def _rows(queryset, limit: int) -> list[EffortRow]:
    """The first `limit` efforts of a queryset in code order, as plain rows."""
    ordered = queryset.order_by("spearhead__number", "number")
    return [EffortRow(*values) for values in ordered.values_list(*EFFORT_ROW_COLUMNS)[:limit]]


def _attention_rows(queryset, late, limit: int) -> list[EffortRow]:
    """`_rows` of efforts needing attention, each with `late_milestone`: the title and due
    date of its earliest overdue milestone (None when its status is the reason)."""
    first = late.order_by("due", "pk")
    ordered = queryset.order_by("spearhead__number", "number").annotate(
        late_title=Subquery(first.values("title")[:1]),
        late_due=Subquery(first.values("due")[:1]),
    )
    rows = []
    for *values, title, due in ordered.values_list(*EFFORT_ROW_COLUMNS, "late_title", "late_due")[
        :limit
    ]:
        row = EffortRow(*values)
        row.late_milestone = (title, due) if title is not None else None
        rows.append(row)
    return rows


def _dashboard_efforts(*, plan: Plan, team=None, target_group=None):
    """The plan's efforts, narrowed to a team and/or target group: what the overview and the
    changes page count."""
    efforts = Effort.objects.filter(spearhead__plan=plan)
    if team is not None:
        efforts = efforts.filter(team=team)
    if target_group is not None:
        efforts = efforts.filter(target_groups=target_group)
    return efforts


def dashboard_overview(*, plan: Plan, today, team=None, target_group=None) -> dict:
    """Where the plan stands, narrowed to a team and/or target group: per spearhead, the
    priorities, what needs attention and what is past its end date.

    Counted in SQL and listed a few rows at a time, so the time grows with what the page
    shows, not with the size of the plan, in a fixed number of queries (pinned in
    tests/reporting/test_dashboard.py)."""
    efforts = _dashboard_efforts(plan=plan, team=team, target_group=target_group)
    running = ~Q(status__in=ENDED)
    overdue = running & Q(end__lt=today)
    late = Milestone.objects.overdue(today).filter(effort=OuterRef("pk"))
    # the efforts with an overdue milestone as one (uncorrelated) subquery: cheaper to build
    # than Exists, and PostgreSQL hashes it once inside the counts' FILTER
    late_efforts = Milestone.objects.overdue(today).values("effort_id")
    attention = Q(status__in=NEEDS_ATTENTION) | Q(pk__in=late_efforts)

    grouped = (
        efforts.order_by()
        .values("spearhead_id", "status")
        .annotate(
            n=Count("pk"),
            progress=Sum("progress"),
            priority=Count("pk", filter=Q(is_priority=True)),
            overdue=Count("pk", filter=overdue),
            attention=Count("pk", filter=attention),
        )
    )
    counts: dict[int, dict] = defaultdict(dict)
    progress: dict[int, int] = defaultdict(int)
    priority_count = overdue_count = attention_count = 0
    for row in grouped:
        counts[row["spearhead_id"]][Effort.Status(row["status"])] = row["n"]
        progress[row["spearhead_id"]] += row["progress"]
        priority_count += row["priority"]
        overdue_count += row["overdue"]
        attention_count += row["attention"]
    per_spearhead = []
    for spearhead in plan.spearheads.order_by("number"):
        mine = counts.get(spearhead.pk, {})
        total = sum(mine.values())
        per_spearhead.append(
            {
                "spearhead": spearhead,
                "counts": {status: mine.get(status, 0) for status in Effort.Status},
                "total": total,
                "progress": round(progress[spearhead.pk] / total) if total else None,
            }
        )
    return {
        "effort_count": sum(row["total"] for row in per_spearhead),
        "per_spearhead": per_spearhead,
        "status_chart": charts.status_bars(
            title=gettext("Efforts per spearhead and status"),
            categories=[
                f"{row['spearhead'].number}. {localized_text(row['spearhead'], 'name')}"
                for row in per_spearhead
            ],
            counts=[row["counts"] for row in per_spearhead],
        ),
        "priorities": _rows(efforts.filter(is_priority=True), PRIORITY_LIMIT),
        "priority_count": priority_count,
        "overdue": _rows(efforts.filter(overdue), LIST_LIMIT),
        "overdue_count": overdue_count,
        "attention": _attention_rows(efforts.filter(attention), late, LIST_LIMIT),
        "attention_count": attention_count,
    }


def dashboard_goals(*, plan: Plan, team=None, target_group=None) -> dict:
    """The coverage of the plan's goals by running efforts, narrowed as the overview: the
    goals without a running effort, and those served by many. Two queries, whatever the
    size."""
    efforts = _dashboard_efforts(plan=plan, team=team, target_group=target_group)
    running = ~Q(status__in=ENDED)
    # running efforts per goal, counted on the efforts' goal links alone: a grouped count of
    # the link table is half the time of counting distinct efforts per goal over a join
    running_per_goal = dict(
        Effort.goals.through.objects.filter(effort__in=efforts.filter(running))
        .order_by()
        .values_list("goal_id")
        .annotate(n=Count("effort_id"))
    )
    goals = list(  # what the lists show: code, text and link
        Goal.objects.filter(spearhead__plan=plan)
        .select_related("spearhead")
        .only("number", "text", "text_en", "spearhead__number")
        .order_by("spearhead__number", "number")
    )
    for goal in goals:
        goal.running = running_per_goal.get(goal.pk, 0)
    well_served = sorted(
        (goal for goal in goals if goal.running >= MANY_EFFORTS), key=lambda goal: -goal.running
    )
    return {
        "goal_count": len(goals),
        "gaps": [goal for goal in goals if goal.running == 0],
        "well_served": well_served[:LIST_LIMIT],
        "well_served_count": len(well_served),
    }


def dashboard_changes(*, plan: Plan, team=None, target_group=None) -> dict:
    """The status of the efforts per update round (a chart), and what changed between the
    last two rounds (None before there are two), narrowed as the overview. A fixed number of
    queries."""
    efforts = _dashboard_efforts(plan=plan, team=team, target_group=target_group)
    trend, changes = _rounds_trend_and_changes(
        plan=plan, efforts=efforts, narrowed=team is not None or target_group is not None
    )
    return {"trend": trend, "changes": changes}


def dashboard_monitor(*, plan: Plan) -> dict:
    """The Monitor Internationalisering, city-wide, with the figures up to the plan's last
    year (an earlier plan: the figures of its years): the standings and the charts. One
    query."""
    monitor = monitor_values(up_to=plan.end_year)
    return {
        "monitor": monitor_charts_from(monitor),
        # those with a target or a year before to compare with; the others are in the charts
        "monitor_standings": [
            row for row in monitor_standings(monitor) if row["has_target"] or row["measured"] > 1
        ],
    }


def _rounds_trend_and_changes(*, plan: Plan, efforts, narrowed: bool) -> tuple:
    """Status distribution per update round (a chart), and what changed between the last two
    rounds: status changes, new and finished efforts, each counted and listed up to
    LIST_LIMIT."""
    rounds: dict[int, dict] = {}
    live = []  # the rounds whose accepted updates are counted now
    for round_id, meeting_date, frozen in SteeringRound.objects.filter(plan=plan).values_list(
        "pk", "meeting_date", "status_counts"
    ):
        # a closed round's counts were kept when it closed; a narrowed dashboard counts anew
        counts = {} if frozen is None or narrowed else frozen
        rounds[round_id] = {"date": meeting_date, "counts": counts}
        if frozen is None or narrowed:
            live.append(round_id)
    # a round's updates are of its plan's efforts: only a narrowed dashboard filters them
    accepted = ProgressUpdate.objects.accepted().order_by()
    if narrowed:
        accepted = accepted.filter(effort__in=efforts)
    if live:
        counted = (
            accepted.filter(steering_round_id__in=live)
            .values_list("steering_round_id", "status")
            .annotate(n=Count("pk"))
        )
        for round_id, status, count in counted:
            rounds[round_id]["counts"][status] = count
    for data in rounds.values():
        data["counts"] = {Effort.Status(status): n for status, n in data["counts"].items() if n}
    rounds = {round_id: data for round_id, data in rounds.items() if data["counts"]}
    ordered = sorted(rounds.items(), key=lambda item: item[1]["date"])
    trend = None
    if ordered:
        trend = charts.status_bars(
            title=gettext("Status of the efforts per update round"),
            categories=[date_format(r["date"], "j b Y") for _pk, r in ordered],
            counts=[r["counts"] for _pk, r in ordered],
        )
    if len(ordered) < 2:
        return trend, None
    (previous_id, previous), (latest_id, latest) = ordered[-2], ordered[-1]
    # the latest round's accepted statuses beside the previous round's, compared in SQL (a
    # lookup per update in the index on effort and round): counted, and the first few listed.
    # Compared in Python, the two rounds' thousands of rows at 100x were most of the page.
    was = accepted.filter(steering_round_id=previous_id, effort_id=OuterRef("effort_id"))
    changed = (
        accepted.filter(steering_round_id=latest_id)
        .annotate(was=Subquery(was.values("status")[:1]))
        .exclude(was=None)
        .exclude(status=F("was"))
    )
    done = Q(status=Effort.Status.DONE)
    totals = changed.aggregate(moved=Count("pk"), finished=Count("pk", filter=done))
    in_order = changed.order_by("effort__spearhead__number", "effort__number").values_list(
        "effort_id", "was", "status"
    )
    moved = list(in_order[:LIST_LIMIT])
    finished = list(in_order.filter(done)[:LIST_LIMIT])
    shown = {row[0] for row in moved + finished}
    rows = {
        values[0]: EffortRow(*values)
        for values in Effort.objects.filter(pk__in=shown).values_list(*EFFORT_ROW_COLUMNS)
    }
    moved_rows = [
        {
            "effort": rows[effort_id],
            "old": Effort.Status(old).label,
            "new": Effort.Status(new).label,
        }
        for effort_id, old, new in moved
    ]
    # created after the previous round's day (a datetime bound: a date cast is slow in SQL)
    day_after = previous["date"] + timedelta(days=1)
    new = efforts.filter(created__gte=timezone.make_aware(datetime.combine(day_after, dt_time.min)))
    return trend, {
        "previous": previous["date"],
        "latest": latest["date"],
        "moved": moved_rows,
        "moved_count": totals["moved"],
        "new": _rows(new, LIST_LIMIT),
        "new_count": new.count(),
        "finished": [rows[row[0]] for row in finished],
        "finished_count": totals["finished"],
    }


# --- evaluation of the vision (2024) ---------------------------------------------------------


def evaluation(*, plan: Plan) -> dict:
    """Per spearhead over the whole plan period: goals covered (by any effort, by a finished
    one), efforts finished, stopped and still running; and the monitor's trend. Counted in
    SQL: four queries, whatever the size."""
    done = Effort.Status.DONE
    goals = list(
        Goal.objects.filter(spearhead__plan=plan)
        .select_related("spearhead")
        .annotate(
            effort_count=Count("efforts"),
            done_count=Count("efforts", filter=Q(efforts__status=done)),
            stopped_count=Count("efforts", filter=Q(efforts__status=Effort.Status.STOPPED)),
            running_count=Count("efforts", filter=~Q(efforts__status__in=ENDED)),
        )
        .order_by("spearhead__number", "number")
    )
    trends = goal_monitor_trends(goals=goals)
    counted = {
        row["spearhead_id"]: row
        for row in Effort.objects.filter(spearhead__plan=plan)
        .order_by()
        .values("spearhead_id")
        .annotate(
            efforts=Count("pk"),
            finished=Count("pk", filter=Q(status=done)),
            stopped=Count("pk", filter=Q(status=Effort.Status.STOPPED)),
            running=Count("pk", filter=~Q(status__in=ENDED)),
        )
    }
    empty = {"efforts": 0, "finished": 0, "stopped": 0, "running": 0}
    rows = []
    for spearhead in {goal.spearhead.pk: goal.spearhead for goal in goals}.values():
        own_goals = [goal for goal in goals if goal.spearhead_id == spearhead.pk]
        efforts = counted.get(spearhead.pk, empty)
        for goal in own_goals:
            goal.trends = trends.get(goal.pk, [])
        rows.append(
            {
                "spearhead": spearhead,
                "goal_rows": own_goals,
                "goals": len(own_goals),
                "covered": sum(1 for goal in own_goals if goal.effort_count),
                "with_result": sum(1 for goal in own_goals if goal.done_count),
                **{key: efforts[key] for key in empty},
            }
        )
    totals = {
        key: sum(row[key] for row in rows)
        for key in ("goals", "covered", "with_result", "efforts", "finished", "stopped", "running")
    }
    uncovered = [goal for goal in goals if not goal.effort_count]
    return {"rows": rows, "totals": totals, "uncovered": uncovered, "monitor": monitor_charts()}


def goal_monitor_trends(*, goals: list[Goal]) -> dict[int, list[dict]]:
    """Per goal pk, the indicators that inform it, each with its values per year ("2021:
    12%") and its latest standing (the mark against the target). One query."""
    rows = (
        IndicatorValue.objects.filter(indicator__goals__in=[goal.pk for goal in goals])
        .order_by("indicator__name", "year")
        .values(
            "indicator__goals",
            "indicator_id",
            "indicator__name",
            "indicator__unit",
            "indicator__direction",
            "year",
            "value",
            "target",
        )
    )
    by_goal: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in rows:
        trend = by_goal[row["indicator__goals"]].setdefault(
            row["indicator_id"],
            {
                "name": row["indicator__name"],
                "unit": row["indicator__unit"],
                "direction": row["indicator__direction"],
                "points": [],
            },
        )
        trend["points"].append(row)
    result = {}
    for goal_pk, indicators in by_goal.items():
        result[goal_pk] = []
        for trend in indicators.values():
            trend["values"] = [
                {"year": p["year"], "value": format_figure(p["value"], trend["unit"])}
                for p in trend["points"]
            ]
            trend["standing"] = standing(trend.pop("points"), direction=trend["direction"])
            result[goal_pk].append(trend)
    return result
