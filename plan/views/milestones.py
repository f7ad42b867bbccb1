"""An effort's milestones: the lead of the effort and the programme manager add, edit and tick
them off; everyone reads them on the effort's page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import periods, services
from ..forms import MilestoneForm
from ..models import Effort, Milestone


def _effort_for_milestones(request, pk) -> Effort:
    effort = get_object_or_404(Effort.objects.select_related("spearhead__plan"), pk=pk)
    periods.plan_viewed(request, effort.spearhead.plan)
    services.ensure_plan_open(effort.spearhead.plan)  # a closed plan says so (403)
    if not effort.can_edit_milestones(request.user):
        raise PermissionDenied
    return effort


def milestone_create(request, pk):
    effort = _effort_for_milestones(request, pk)
    milestone = Milestone(effort=effort)
    return _milestone_form(request, effort, milestone, _("The milestone has been added."))


def milestone_edit(request, pk):
    milestone = get_object_or_404(Milestone, pk=pk)
    effort = _effort_for_milestones(request, milestone.effort_id)
    return _milestone_form(request, effort, milestone, _("The milestone has been saved."))


def _milestone_form(request, effort, milestone, saved: str):
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        form.instance._history_user = request.user  # read by django-simple-history
        form.save()
        messages.success(request, saved)
        return redirect(f"{effort.get_absolute_url()}#milestones-heading")
    context = {"effort": effort, "milestone": milestone, "form": form}
    status = 400 if form.errors else 200
    return render(request, "plan/milestone_form.html", context, status=status)


@require_POST
def milestone_done(request, pk):
    """Tick a milestone off as done today."""
    milestone = get_object_or_404(Milestone, pk=pk)
    effort = _effort_for_milestones(request, milestone.effort_id)
    if milestone.done is None:
        milestone.done = timezone.localdate()
        milestone._history_user = request.user
        milestone.save(update_fields=["done"])
        messages.success(request, _("The milestone is done."))
    return redirect(f"{effort.get_absolute_url()}#milestones-heading")
