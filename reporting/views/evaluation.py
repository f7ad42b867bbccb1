"""The overview of 2021-2024 for the college's evaluation of the vision."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plan.models import TEXT_MAX_LENGTH, Spearhead
from plan.periods import plan_for_request_or_404
from plan.selectors import plan_current
from plan.successors import spearhead_conclusion_save

from .. import report


def evaluation(request):
    plan = plan_for_request_or_404(request)
    context = report.evaluation_context(plan=plan)
    context["can_write_conclusions"] = (
        request.user.has_perm("plan.change_spearhead") and not plan.is_closed
    )
    return render(request, "reporting/evaluation.html", context)


@require_POST
def evaluation_conclusion(request, pk):
    """The programme manager saves the evaluation's conclusion of one spearhead."""
    if not request.user.has_perm("plan.change_spearhead"):
        raise PermissionDenied
    spearhead = get_object_or_404(Spearhead, pk=pk)
    conclusion = request.POST.get("conclusion", "")
    conclusion_en = request.POST.get("conclusion_en", "")
    if max(len(conclusion), len(conclusion_en)) > TEXT_MAX_LENGTH:
        messages.error(request, _("The conclusion is too long."))
    else:
        try:
            spearhead_conclusion_save(
                spearhead=spearhead,
                conclusion=conclusion,
                conclusion_en=conclusion_en,
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The conclusion for spearhead %(number)s has been saved.")
                % {"number": spearhead.number},
            )
    url = reverse("reporting:evaluation")
    if spearhead.plan_id != getattr(plan_current(), "pk", None):
        url += f"?plan={spearhead.plan.slug}"
    return redirect(f"{url}#evaluation-spearhead-{spearhead.number}")


def evaluation_pdf(request):
    plan = plan_for_request_or_404(request)
    pdf = report.evaluation_pdf(plan=plan, language=translation.get_language())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="evaluatie-internationalisering.pdf"'
    return response
