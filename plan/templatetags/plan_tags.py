from django import template

from plan.models import Effort

register = template.Library()


@register.filter
def status_label(code: str) -> str:
    """The translated label of a status code kept in a snapshot."""
    try:
        return Effort.Status(code).label
    except ValueError:
        return code
