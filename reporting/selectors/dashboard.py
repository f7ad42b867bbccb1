"""The alderman's dashboard: the overview, the goals' coverage, the changes since the
previous update round and the Monitor."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as dt_time

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from plan.content import localized_text
from plan.models import (
    Effort,
    Goal,
    Milestone,
    Plan,
    ProgressUpdate,
    SteeringRound,
)
from plan.selectors import EFFORT_VALUES_COLUMNS, EffortValues

from .. import charts
from .monitor import monitor_charts_from, monitor_standings, monitor_values

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
