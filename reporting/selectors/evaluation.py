"""The evaluation of the vision: the plan's goals against what was done and measured."""

from collections import defaultdict

from django.db.models import Count, Q

from plan.models import (
    Effort,
    Goal,
    IndicatorValue,
    Plan,
)
from plan.monitor import format_figure, standing

from .dashboard import ENDED
from .monitor import monitor_charts


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
