"""What every page's menu needs to know: the user's decisions waiting, the plan shown."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from . import periods, selectors
from .models import Plan


def plan_years_awaiting(request) -> list:
    """The plan years waiting for this user's step, read once per request."""
    if not hasattr(request, "_plan_years_awaiting"):
        request._plan_years_awaiting = selectors.plan_years_awaiting(user=request.user)
    return request._plan_years_awaiting


def awaiting_decision(request) -> dict:
    """`years_awaiting` for the menu's badge and the landing pages' notice: one query, run
    only when a page shows it to a logged-in user (the menu is only there for them)."""
    return {"years_awaiting": SimpleLazyObject(lambda: plan_years_awaiting(request))}


@dataclass
class Period:
    """The plan a page shows, for the menu, the plan switcher and the banner."""

    plan: Plan | None
    current: Plan | None
    plans: list[Plan]
    switch_to: str  # where the switcher's form goes: this plan-wide page, else the overview

    @property
    def is_current(self) -> bool:
        return self.plan is None or self.current is None or self.plan.pk == self.current.pk

    @property
    def query(self) -> str:
        """`plan=<slug>` to keep in links while a plan other than the current one is shown."""
        return periods.plan_query(self.plan, self.current)

    @property
    def switchable(self) -> bool:
        return len(self.plans) > 1


def _period(request) -> Period:
    plans = periods.plans_all(request)
    current = periods.current_of(plans)
    plan = getattr(request, "viewed_plan", None) or current
    plan_wide = getattr(request, "plan_wide", False)
    return Period(
        plan=plan,
        current=current,
        plans=plans,
        switch_to=request.path if plan_wide else reverse("plan:overview"),
    )


def plan_period(request) -> dict:
    """`period`: the plan the page shows, read lazily (one query, shared with the view)."""
    return {"period": SimpleLazyObject(lambda: _period(request))}
