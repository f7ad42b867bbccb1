"""The overview of 2021-2024 for the college's evaluation of the vision."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation

from plan.selectors import plan_current

from .. import report


def _plan():
    plan = plan_current()
    if plan is None:
        raise Http404("No plan")
    return plan


def evaluation(request):
    context = report.evaluation_context(plan=_plan())
    return render(request, "reporting/evaluation.html", context)


def evaluation_pdf(request):
    pdf = report.evaluation_pdf(plan=_plan(), language=translation.get_language())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="evaluatie-internationalisering.pdf"'
    return response
