"""The programme manager's review of progress updates: one at a time, or many at once from
the round's completeness page (select, preview, confirm)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import periods, selectors, services
from ..forms import UpdateReviewForm
from ..models import ProgressUpdate, SteeringRound


def _require_reviewer(user) -> None:
    if not ProgressUpdate.may_review(user):
        raise PermissionDenied


def update_review(request, pk):
    """One submitted update beside the effort as it stands: accept it, or return it with a
    reason. Refused (403) to anyone but the programme manager, and for their own update."""
    _require_reviewer(request.user)
    update = get_object_or_404(
        ProgressUpdate.objects.select_related(
            "effort__spearhead",
            "effort__team",
            "effort__lead",
            "steering_round__plan",
            "author",
        ),
        pk=pk,
    )
    periods.plan_viewed(request, update.steering_round.plan)
    if request.method == "POST":
        services.ensure_plan_open(update.steering_round.plan)  # a closed plan says so (403)
    own = update.author_id == request.user.pk
    form = UpdateReviewForm(request.POST or None)
    if request.method == "POST":
        if own:
            raise PermissionDenied
        if form.is_valid():
            accept = form.cleaned_data["action"] == "accept"
            try:
                services.progress_update_review(
                    update=update,
                    by=request.user,
                    accept=accept,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if accept:
                    messages.success(request, _("The update has been accepted."))
                else:
                    messages.success(
                        request, _("The update has been returned to the lead, with your reason.")
                    )
                return redirect("plan:round-completeness", pk=update.steering_round_id)
    context = {
        "update": update,
        "effort": update.effort,
        "round": update.steering_round,
        "form": form,
        "own": own,
        "can_review": (
            update.awaits_review
            and update.steering_round.is_open
            and not update.steering_round.plan.is_closed
            and not own
        ),
        "reviews": update.reviews.select_related("by"),
    }
    return render(request, "plan/update_review.html", context, status=400 if form.errors else 200)


def round_accept(request, pk):
    """Accept many updates of the round: POST the chosen ones (or all awaiting review) for a
    preview; POST again with `confirm` to accept exactly the previewed ones."""
    _require_reviewer(request.user)
    steering_round = get_object_or_404(SteeringRound.objects.select_related("plan"), pk=pk)
    periods.plan_viewed(request, steering_round.plan)
    back = redirect("plan:round-completeness", pk=pk)
    if request.method != "POST":
        return back
    services.ensure_plan_open(steering_round.plan)  # a closed plan says so (403)
    awaiting = selectors.round_awaiting_review(steering_round=steering_round)
    if request.POST.get("all"):
        chosen = awaiting
    else:
        chosen = awaiting.filter(pk__in=_ids(request.POST.getlist("update")))
    if "confirm" in request.POST:
        try:
            result = services.progress_updates_accept(
                steering_round=steering_round,
                update_ids=_ids(request.POST.getlist("update")),
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            _accepted_message(request, result)
        return back
    updates = list(chosen)
    if not updates:
        messages.error(request, _("Choose at least one update awaiting review."))
        return back
    context = {
        "round": steering_round,
        "rows": [u for u in updates if u.author_id != request.user.pk],
        "own": [u for u in updates if u.author_id == request.user.pk],
    }
    return render(request, "plan/round_accept_preview.html", context)


def _ids(values) -> list[int]:
    return [int(value) for value in values if value.isdigit()]


def _accepted_message(request, result: dict) -> None:
    accepted = len(result["accepted"])
    told = [
        ngettext("%(count)d update accepted.", "%(count)d updates accepted.", accepted)
        % {"count": accepted}
    ]
    if own := result["own"]:
        told.append(
            ngettext(
                "%(count)d update you wrote yourself was left for another reviewer.",
                "%(count)d updates you wrote yourself were left for another reviewer.",
                len(own),
            )
            % {"count": len(own)}
        )
    if gone := result["gone"]:
        told.append(
            ngettext(
                "%(count)d update no longer awaited review and was left alone.",
                "%(count)d updates no longer awaited review and were left alone.",
                gone,
            )
            % {"count": gone}
        )
    level = messages.WARNING if len(told) > 1 else messages.SUCCESS
    messages.add_message(request, level, " ".join(told))
