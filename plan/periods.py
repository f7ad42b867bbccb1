"""Which plan a page shows (issue 14): the plan named by `?plan=<slug>`, else the current one.

Every plan stays readable; the current plan is the default everywhere. Plan-wide pages call
`plan_for_request`, object pages `plan_viewed` with the plan of their object. Both read all
plans in one query, once per request, which the menu's plan switcher then reuses.
"""

from django.http import Http404

from .models import ADOPTED_STATES, Plan

PLAN_PARAMETER = "plan"


def plans_all(request) -> list[Plan]:
    """Every plan, newest first: one query per request (a portal holds a handful)."""
    if not hasattr(request, "_plans"):
        request._plans = list(Plan.objects.order_by("-start_year", "-pk"))
    return request._plans


def current_of(plans: list[Plan]) -> Plan | None:
    """What `selectors.plan_current` answers, picked from `plans` (newest first)."""
    adopted = (p for p in plans if p.state in ADOPTED_STATES and p.closed is None)
    return next(adopted, None) or (plans[0] if plans else None)


def plan_current_for(request) -> Plan | None:
    return current_of(plans_all(request))


def plan_is_current(request, plan: Plan | None) -> bool:
    current = plan_current_for(request)
    return plan is None or current is None or plan.pk == current.pk


def plan_for_request(request) -> Plan | None:
    """The plan a plan-wide page shows: `?plan=<slug>`, else the current plan (None only in
    a portal without plans). An unknown slug is a 404. Marks the page as plan-wide, so the
    switcher submits to it."""
    plan = _plan_named(request)
    if plan is None:
        plan = plan_current_for(request)
    request.viewed_plan, request.plan_wide = plan, True
    return plan


def plan_for_request_or_404(request) -> Plan:
    plan = plan_for_request(request)
    if plan is None:
        raise Http404("No plan")
    return plan


def plan_for_year(request, year: int) -> Plan:
    """The plan of `/years/<year>/` and `/report/<year>/…`: `?plan=` when given (404 when it
    does not hold the year), else the current plan when it holds the year, else the newest
    plan that holds it, so links made before the next plan started keep working."""
    named = _plan_named(request)
    if named is not None:
        candidates = [named]
    else:
        current = plan_current_for(request)
        candidates = [current, *plans_all(request)] if current else []
    plan = next((p for p in candidates if p.start_year <= year <= p.end_year), None)
    if plan is None:
        raise Http404("No plan for that year")
    request.viewed_plan, request.plan_wide = plan, True
    return plan


def plan_viewed(request, plan: Plan) -> Plan:
    """An object page shows the plan of its object (the switcher then goes to the overview)."""
    request.viewed_plan, request.plan_wide = plan, False
    return plan


def plan_query(plan: Plan | None, current: Plan | None) -> str:
    """`plan=<slug>` for a plan that is not the current one, so default links stay clean."""
    if plan is None or current is None or plan.pk == current.pk:
        return ""
    return f"{PLAN_PARAMETER}={plan.slug}"


def _plan_named(request) -> Plan | None:
    slug = request.GET.get(PLAN_PARAMETER)
    if not slug:
        return None
    plan = next((p for p in plans_all(request) if p.slug == slug), None)
    if plan is None:
        raise Http404("No such plan")
    return plan
