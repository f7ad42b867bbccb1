"""Assembling the annual report for a year: the context, the HTML and the PDF."""

from django.contrib.staticfiles import finders
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

from plan.models import Plan, PlanYear
from plan.selectors import plan_current, plan_snapshot, snapshot_diff

from . import selectors
from .pdf import render_pdf

LANGUAGES = ("nl", "en")


def report_plan(year: int) -> Plan:
    """The plan the report for `year` is about; 404 for a year outside it."""
    plan = plan_current()
    if plan is None or not plan.start_year <= year <= plan.end_year:
        raise Http404("No plan for that year")
    return plan


APPROVAL_STEPS = [
    (PlanYear.State.ADVISED, gettext_lazy("Advice of the steering group")),
    (PlanYear.State.ENDORSED, gettext_lazy("Endorsed by the client")),
    (PlanYear.State.REVIEWED, gettext_lazy("Reviewed by the board of directors")),
    (PlanYear.State.ADOPTED, gettext_lazy("Adopted by the alderman")),
    (PlanYear.State.SENT_TO_COUNCIL, gettext_lazy("Sent to the council")),
]


def report_context(*, plan: Plan, year: int) -> dict:
    context = selectors.annual_report(plan=plan, year=year)
    plan_year = plan.years.filter(year=year).prefetch_related("steps__by").first()
    taken = {}
    if plan_year is not None:
        for step in plan_year.steps.all():  # in order: a later step overrides a returned one
            taken[step.to_state] = step
    previous = plan.years.filter(year__lt=year, snapshot__isnull=False).order_by("-year").first()
    context.update(
        {
            "generated": timezone.localdate(),
            "plan_year": plan_year,
            "state_label": plan_year.get_state_display() if plan_year else gettext("Draft"),
            # efforts, goals and notes are written in Dutch: mark them when the report is not
            "content_lang": mark_safe(' lang="nl"') if translation.get_language() != "nl" else "",
            "approval": [
                {
                    "label": label,
                    "date": taken[state].taken if state in taken else None,
                    "by": _name(taken[state].by) if state in taken else "",
                }
                for state, label in APPROVAL_STEPS
            ],
            "previous_year": previous,
            "year_changes": (
                snapshot_diff(previous.snapshot, plan_snapshot(plan=plan)) if previous else None
            ),
        }
    )
    return context


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def plan_year_report_pdf(*, plan_year: PlanYear) -> bytes:
    """The report as it is adopted (called by the adopting transition, in its transaction)."""
    return annual_report_pdf(year=plan_year.year)


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


def evaluation_context(*, plan: Plan) -> dict:
    return {
        "plan": plan,
        "generated": timezone.localdate(),
        "content_lang": mark_safe(' lang="nl"') if translation.get_language() != "nl" else "",
        **selectors.evaluation(plan=plan),
    }


def evaluation_pdf(*, plan: Plan, language: str = "nl") -> bytes:
    with translation.override(language):
        css = open(finders.find("css/report.css"), encoding="utf-8").read()  # noqa: SIM115
        html = render_to_string(
            "reporting/evaluation_print.html",
            {**evaluation_context(plan=plan), "report_css": css, "LANGUAGE_CODE": language},
        )
    return render_pdf(html=html)
