"""The annual report for the council: HTML preview and PDF download."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation

from plan.periods import plan_for_year

from .. import report


def _language(request) -> str:
    requested = request.GET.get("lang")
    return requested if requested in report.LANGUAGES else translation.get_language()


def annual_report(request, year, number=None):
    """The report's page: its front part, or with `number` the chapter of that spearhead."""
    language = _language(request)
    with translation.override(language):
        plan = plan_for_year(request, year)
        context = report.report_preview_context(plan=plan, year=year, chapter=number)
        context["preview"] = True
        # the language asked for in the address stays with the links between the parts
        context["lang_query"] = f"?lang={language}" if "lang" in request.GET else ""
        response = render(request, "reporting/annual_report.html", context)
    return response


def annual_report_pdf(request, year):
    plan = plan_for_year(request, year)
    adopted = plan.years.filter(year=year, report_pdf__isnull=False).first()
    if adopted is not None:  # the adopted report, byte for byte, in the language adopted
        pdf = bytes(adopted.report_pdf)
    else:
        pdf = report.annual_report_pdf(year=year, language=_language(request), plan=plan)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"jaarrapportage-internationalisering-{year}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
