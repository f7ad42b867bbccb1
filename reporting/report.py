"""Assembling the annual report for a year: the context, the HTML and the PDF."""

from django.contrib.staticfiles import finders
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from plan.models import Plan
from plan.selectors import plan_current

from . import selectors
from .pdf import render_pdf

LANGUAGES = ("nl", "en")


def report_plan(year: int) -> Plan:
    """The plan the report for `year` is about; 404 for a year outside it."""
    plan = plan_current()
    if plan is None or not plan.start_year <= year <= plan.end_year:
        raise Http404("No plan for that year")
    return plan


def report_context(*, plan: Plan, year: int) -> dict:
    context = selectors.annual_report(plan=plan, year=year)
    context.update(
        {
            "generated": timezone.localdate(),
            "state_label": gettext("Draft"),  # until the year is adopted (annual cycle)
            # efforts, goals and notes are written in Dutch: mark them when the report is not
            "content_lang": mark_safe(' lang="nl"') if translation.get_language() != "nl" else "",
            "approval": [
                {"label": gettext("Advice of the steering group")},
                {"label": gettext("Endorsed by the client")},
                {"label": gettext("Reviewed by the board of directors")},
                {"label": gettext("Adopted by the alderman")},
            ],
        }
    )
    return context


def annual_report_pdf(*, year: int, language: str = "nl") -> bytes:
    with translation.override(language):
        plan = report_plan(year)
        context = report_context(plan=plan, year=year)
        css = open(finders.find("css/report.css"), encoding="utf-8").read()  # noqa: SIM115
        html = render_to_string(
            "reporting/annual_report_print.html",
            {**context, "report_css": css, "LANGUAGE_CODE": language},
        )
    return render_pdf(html=html)
