"""A closed plan refuses every write: the check that services, the admin and the import share.
Kept apart from plan.services so that the spreadsheet import, which services use, can use it
without an import running back up."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .models import Plan


class PlanClosed(PermissionDenied):
    """A write to a plan that has closed (its successor was adopted): refused everywhere, in
    the portal, the admin and the import, with this message, shown to the user."""

    def __init__(self, plan: Plan):
        self.plan = plan
        super().__init__(
            _("The plan %(plan)s is closed: it can no longer be changed.") % {"plan": plan.slug}
        )

    def __str__(self):
        return self.args[0]

    @property
    def message(self) -> str:
        return self.args[0]


def ensure_plan_open(plan: Plan | None) -> None:
    """Raise PlanClosed when `plan` is closed. Every service that writes plan data calls it,
    with the plan read from the database or loaded with the object it changes."""
    if plan is not None and plan.is_closed:
        raise PlanClosed(plan)
