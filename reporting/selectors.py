"""Reads for the reports; reporting reads plan only through these (STYLE.md section 4)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext

from plan.models import Effort, Goal, Indicator, IndicatorValue, Plan, ProgressUpdate

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
        categories=[f"{s.number}. {s.name}" for s in spearheads],
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
    as residents per nationality in 2020)."""
    values = IndicatorValue.objects.order_by("year")
    if up_to is not None:
        values = values.filter(year__lte=up_to)
    indicators = Indicator.objects.prefetch_related(Prefetch("values", queryset=values))
    result, single = [], defaultdict(list)
    for indicator in indicators:
        points = list(indicator.values.all())
        if len(points) == 1:
            point = points[0]
            single[(point.year, point.unit)].append((indicator.name, point.value, point.source))
        elif points:
            unit = points[0].unit
            result.append(
                charts.yearly_values(
                    title=indicator.name,
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
