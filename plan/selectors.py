"""Reads across several plan models, with related rows preloaded (STYLE.md section 4)."""

from django.db.models import Count, Prefetch

from .models import Effort, Goal, Plan, Spearhead


def plan_current() -> Plan | None:
    """The plan the portal shows: the most recent one."""
    return Plan.objects.order_by("-start_year", "-pk").first()


def status_counts(efforts) -> list[dict]:
    """Count efforts per status, in the fixed order of Effort.Status, leaving out zeros."""
    counted = dict(efforts.order_by().values_list("status").annotate(n=Count("pk")))
    return _status_rows(counted)


def _status_rows(counted: dict[str, int]) -> list[dict]:
    return [
        {"status": status, "label": status.label, "count": counted[status]}
        for status in Effort.Status
        if counted.get(status)
    ]


def spearheads_overview(*, plan: Plan) -> list[Spearhead]:
    """The plan's spearheads with their goals (each with its effort count) and, per
    spearhead, `status_counts` and `effort_count`. Three queries, whatever the size."""
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
    for spearhead_id, status, n in rows:
        counts.setdefault(spearhead_id, {})[status] = n
    for spearhead in spearheads:
        mine = counts.get(spearhead.pk, {})
        spearhead.status_counts = _status_rows(mine)
        spearhead.effort_count = sum(mine.values())
    return spearheads


def spearhead_goals_with_efforts(*, spearhead: Spearhead):
    """The spearhead's goals, each with the efforts (of any spearhead) contributing to it."""
    efforts = Effort.objects.select_related("spearhead", "team")
    return spearhead.goals.select_related("spearhead").prefetch_related(
        Prefetch("efforts", queryset=efforts)
    )
