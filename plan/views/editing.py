"""Editing an effort and submitting progress updates; rights are checked per object."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import periods, selectors, services
from ..forms import EffortForm, EffortManageForm, ProgressUpdateForm
from ..models import Effort, SteeringRound
from ..widgets import bootstrap_classes


def _effort(request, pk) -> Effort:
    """The effort to change, with its plan: a closed plan refuses, saying so (403)."""
    effort = get_object_or_404(Effort.objects.select_related("spearhead__plan", "team"), pk=pk)
    periods.plan_viewed(request, effort.spearhead.plan)
    services.ensure_plan_open(effort.spearhead.plan)
    return effort


def effort_edit(request, pk):
    effort = _effort(request, pk)
    if not effort.can_edit(request.user):
        raise PermissionDenied
    form_class = EffortManageForm if effort.can_manage(request.user) else EffortForm
    form = form_class(request.POST or None, instance=effort)
    bootstrap_classes(form)  # written plainly (plan_tags.form_fields), not through crispy
    pending_round = selectors.round_awaiting_update(effort=effort)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.effort_save(
                form=form, loaded_version=form.cleaned_data["version"], user=request.user
            )
        except services.EditConflict as error:
            conflict = error.changes
            form.data = form.data.copy()
            form.data["version"] = error.current_version  # saving again overrides, knowingly
        else:
            if pending_round is None:
                messages.success(request, _("The effort has been saved."))
            else:  # a warning: saving is done, but the round still waits for the update
                saved = _("The effort has been saved.")
                messages.warning(request, f"{saved} {_round_update_missing(pending_round)}")
            return redirect(effort)
    context = {
        "effort": effort,
        "form": form,
        "conflict": conflict,
        "pending_round": pending_round,
        "update_missing": _round_update_missing(pending_round) if pending_round else "",
    }
    return render(request, "plan/effort_form.html", context, status=409 if conflict else 200)


def _round_update_missing(steering_round) -> str:
    return _(
        "This effort still needs its update for the round of %(meeting)s (deadline "
        "%(deadline)s). Editing the effort does not count as the update."
    ) % {
        "meeting": date_format(steering_round.meeting_date, "j F Y"),
        "deadline": date_format(steering_round.deadline, "j F Y"),
    }


def update_create(request, pk):
    """The lead's progress update on one effort for the open round: saved as a draft or
    submitted for review; changeable while a draft or returned, read-only once submitted."""
    effort = _effort(request, pk)
    if not effort.can_edit(request.user):
        raise PermissionDenied
    steering_round = SteeringRound.objects.open().filter(efforts=effort).first()
    if steering_round is None:
        messages.error(request, _("There is no open update round for this effort."))
        return redirect(effort)
    existing = steering_round.updates.filter(effort=effort).first()
    form = None
    if existing is None or existing.lead_may_change:
        # a new update starts from the effort as it stands; a draft from itself
        initial = {"status": effort.status, "progress": effort.progress, "note": effort.note}
        form = ProgressUpdateForm(
            request.POST or None, instance=existing, initial=None if existing else initial
        )
        bootstrap_classes(form)
    elif request.method == "POST":
        messages.error(request, _("This update has been submitted; it can no longer be changed."))
        return redirect("plan:update-create", pk=effort.pk)
    if request.method == "POST" and form.is_valid():
        submit = "draft" not in request.POST  # Enter submits, as the first button does
        try:
            services.progress_update_save(
                effort=effort,
                steering_round=steering_round,
                author=request.user,
                submit=submit,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if submit:
                messages.success(
                    request, _("Your update has been submitted for review. Thank you.")
                )
                return redirect("plan:my-efforts")
            messages.success(request, _("Your draft has been saved. Submit it when it is ready."))
            return redirect("plan:update-create", pk=effort.pk)
    reviews = list(existing.reviews.select_related("by")) if existing else []  # shown only
    returned = next((r for r in reversed(reviews) if r.action == r.Action.RETURNED), None)
    context = {
        "effort": effort,
        "form": form,
        "round": steering_round,
        "existing": existing,
        "reviews": reviews,
        "returned": returned if existing and existing.state == existing.State.RETURNED else None,
    }
    return render(request, "plan/update_form.html", context)
