"""The overview of 2021-2024 for the college's evaluation of the vision."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation

from plan.periods import plan_for_request_or_404

from .. import report


def evaluation(request):
    context = report.evaluation_context(plan=plan_for_request_or_404(request))
    return render(request, "reporting/evaluation.html", context)


def evaluation_pdf(request):
    plan = plan_for_request_or_404(request)
    pdf = report.evaluation_pdf(plan=plan, language=translation.get_language())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="evaluatie-internationalisering.pdf"'
    return response
