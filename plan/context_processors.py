"""What every page's menu needs to know about the user."""

from django.utils.functional import SimpleLazyObject

from . import selectors


def plan_years_awaiting(request) -> list:
    """The plan years waiting for this user's step, read once per request."""
    if not hasattr(request, "_plan_years_awaiting"):
        request._plan_years_awaiting = selectors.plan_years_awaiting(user=request.user)
    return request._plan_years_awaiting


def awaiting_decision(request) -> dict:
    """`years_awaiting` for the menu's badge and the landing pages' notice: one query, run
    only when a page shows it to a logged-in user (the menu is only there for them)."""
    return {"years_awaiting": SimpleLazyObject(lambda: plan_years_awaiting(request))}
