"""Assembling the annual report for a year: its data, the context, the HTML and the PDF.

The report is rendered from plain data (`selectors.annual_report_data`). A draft year shows
that data live; adoption freezes it in the year's snapshot, and the adopted year's page and
PDF are rendered from the frozen data, so they always show what was adopted.
"""

import functools
import hashlib
import json
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

from plan.content import localized_text
from plan.db import consistent_reads
from plan.models import Effort, Plan, PlanYear, snapshot_status_counts
from plan.selectors import plan_current, plan_snapshot, snapshot_diff

from . import charts, selectors
from .pdf import render_pdf

LANGUAGES = ("nl", "en")


def report_plan(year: int, *, plan: Plan | None = None) -> Plan:
    """The plan the report for `year` is about: `plan` when given, else the current plan
    when it holds the year, else the newest plan that does; 404 for a year outside them."""
    if plan is None:
        current = plan_current()
        if current is not None and current.start_year <= year <= current.end_year:
            return current
        plan = (
            Plan.objects.filter(start_year__lte=year, end_year__gte=year)
            .order_by("-start_year", "-pk")
            .first()
        )
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


def report_data(*, plan: Plan, year: int) -> dict:
    """The report's data as it stands now, with the changes since the last adopted year."""
    data = selectors.annual_report_data(plan=plan, year=year)
    previous = (
        plan.years.filter(year__lt=year, snapshot__isnull=False)
        .defer("report_pdf")
        .order_by("-year")
        .first()
    )
    data["previous_year"] = previous.year if previous else None
    data["year_changes"] = (
        snapshot_diff(previous.snapshot, plan_snapshot(plan=plan)) if previous else None
    )
    data["previous_totals"] = snapshot_status_counts(previous.snapshot) if previous else None
    return data


def _previous_totals(*, plan: Plan, year: int) -> tuple[int | None, dict | None]:
    """(year, efforts per status) of the last year adopted before `year`: the counts kept
    in its outline, not its whole snapshot (3 MB at 100x, which SQLite parses in full to
    read any part of it); for a year frozen without an outline, from its snapshot."""
    previous = (
        plan.years.filter(year__lt=year, snapshot__isnull=False)
        .order_by("-year")
        .values_list("pk", "year", "outline")
        .first()
    )
    if previous is None:
        return None, None
    pk, previous_year, outline = previous
    if outline is None or "status_counts" not in outline:
        snapshot = PlanYear.objects.values_list("snapshot", flat=True).get(pk=pk)
        return previous_year, snapshot_status_counts(snapshot)
    return previous_year, outline["status_counts"]


def report_context(*, plan: Plan, year: int) -> dict:
    """The context of the report's PDF, with every chapter: the frozen data of an adopted
    year, or the live data of a draft (marked as such)."""
    return _context(*_report_source(plan=plan, year=year))


PREVIEW_PRIORITIES = 20  # priority efforts on the preview's first page; the PDF has all


def report_preview_context(*, plan: Plan, year: int, chapter: int | None) -> dict:
    """The context of the report's page, which shows one part at a time so that it answers
    quickly at any size: the cover, contents, summary, Monitor and adoption (`chapter` None),
    or the chapter of one spearhead (its number). The PDF keeps every part. Raises Http404
    for a spearhead the report does not have."""
    plan_year, steps = _year_and_steps(plan=plan, year=year)
    frozen = (plan_year.snapshot or {}).get("report") if plan_year else None
    if frozen is not None:  # adopted: the parts of the report as adopted
        context = _context(frozen, plan_year, steps)
        context["contents"] = [part["spearhead"] for part in context["chapters"]]
        context["chapters"] = [
            part for part in context["chapters"] if part["spearhead"]["number"] == chapter
        ]
    elif chapter is None:
        outline = selectors.annual_report_outline(
            plan=plan, year=year, priority_limit=PREVIEW_PRIORITIES
        )
        previous_year, previous_totals = _previous_totals(plan=plan, year=year)
        context = {
            **_front(
                {**outline, "previous_year": previous_year, "year_changes": None},
                plan_year,
                steps,
                per_spearhead=outline["counts"],
                previous_totals=previous_totals,
            ),
            "priorities": [_effort(row) for row in outline["priorities"]],
            "priority_count": outline["priority_count"],
            "contents": outline["spearheads"],
            "chapters": [],
        }
    else:
        data = selectors.annual_report_data(plan=plan, year=year, spearhead=chapter)
        data.update(previous_year=None, year_changes=None)
        context = _context(data, plan_year, steps)
        context["contents"] = selectors.report_spearheads(plan=plan)
    numbers = [spearhead["number"] for spearhead in context["contents"]]
    if chapter is not None and chapter not in numbers:
        raise Http404("No such spearhead")
    context["part"] = chapter
    if chapter is not None:
        at = numbers.index(chapter)
        context["previous_part"] = context["contents"][at - 1] if at > 0 else None
        context["next_part"] = context["contents"][at + 1] if at + 1 < len(numbers) else None
    return context


def _year_and_steps(*, plan: Plan, year: int) -> tuple:
    plan_year = (
        plan.years.filter(year=year).defer("report_pdf").prefetch_related("steps__by").first()
    )
    return plan_year, list(plan_year.steps.all()) if plan_year else []


def _milestone(row: dict) -> dict:
    return {
        **row,
        "due": date.fromisoformat(row["due"]),
        "done": date.fromisoformat(row["done"]) if row["done"] else None,
    }


def _report_source(*, plan: Plan, year: int) -> tuple:
    """(data, plan_year, steps): what the report of `year` is rendered from."""
    plan_year, steps = _year_and_steps(plan=plan, year=year)
    frozen = (plan_year.snapshot or {}).get("report") if plan_year else None
    if frozen is not None:
        return frozen, plan_year, steps
    return report_data(plan=plan, year=year), plan_year, steps


def _context(data: dict, plan_year: PlanYear | None, steps: list, *, adopting=None) -> dict:
    """Template context from the report's plain data. `adopting` (by, when) renders the
    report as it is being adopted: state and approval as they will be."""
    efforts = [_effort(row) for row in data["efforts"]]
    by_code = {effort["code"]: effort for effort in efforts}
    chapters = []
    for spearhead in data["spearheads"]:
        own = [e for e in efforts if e["spearhead"] == spearhead["number"]]
        chapters.append(
            {
                "spearhead": spearhead,
                "goals": [
                    {"goal": goal, "efforts": [by_code[code] for code in goal["efforts"]]}
                    for goal in spearhead["goals"]
                ],
                "efforts": own,
                **{key: [e for e in own if e["change"] == key] for key in _CHANGES},
            }
        )
    per_spearhead = []
    for chapter in chapters:
        counted = dict.fromkeys(Effort.Status.values, 0)
        for effort in chapter["efforts"]:
            counted[effort["status"]] += 1
        per_spearhead.append(counted)
    priorities = [e for e in efforts if e["is_priority"]]
    return {
        # previous_totals is absent in reports frozen before it was
        **_front(
            data,
            plan_year,
            steps,
            per_spearhead=per_spearhead,
            previous_totals=data.get("previous_totals"),
            adopting=adopting,
        ),
        "efforts": efforts,
        "chapters": chapters,
        "contents": data["spearheads"],
        "priorities": priorities,
        "priority_count": len(priorities),
    }


def _front(
    data: dict,
    plan_year: PlanYear | None,
    steps: list,
    *,
    per_spearhead: list[dict],
    previous_totals: dict | None,
    adopting=None,
) -> dict:
    """The context of the report's cover, summary, Monitor and adoption: from the report's
    data and the efforts per status of each spearhead (in the order of data["spearheads"])."""
    counted = dict.fromkeys(Effort.Status, 0)
    for counts in per_spearhead:
        for status, count in counts.items():
            counted[status] += count
    taken = {}
    for step in steps:  # in order: a later step overrides a returned one
        taken[step.to_state] = (step.taken, _name(step.by))
    state = plan_year.state if plan_year else PlanYear.State.CONCEPT
    if adopting is not None:
        state = PlanYear.State.ADOPTED
        taken[state] = (adopting[1], _name(adopting[0]))
    frozen = state in (PlanYear.State.ADOPTED, PlanYear.State.SENT_TO_COUNCIL)
    return {
        "plan": data["plan"],
        "year": data["year"],
        "narrative": data.get("narrative") or {},  # absent in reports frozen before it was
        "is_draft": not frozen,
        "generated": (
            timezone.localdate(taken[PlanYear.State.ADOPTED][0])
            if frozen and PlanYear.State.ADOPTED in taken
            else timezone.localdate()
        ),
        "plan_year": plan_year,
        "state_label": PlanYear.State(state).label,
        "totals": [
            {
                "status": status,
                "label": status.label,
                "count": count,
                "change": count - previous_totals.get(status, 0) if previous_totals else None,
            }
            for status, count in counted.items()
        ],
        "effort_count": sum(counted.values()),
        "status_chart": charts.status_bars(
            title=gettext("Efforts per spearhead and status"),
            categories=[f"{s['number']}. {localized_text(s, 'name')}" for s in data["spearheads"]],
            counts=[
                {status: counts.get(status, 0) for status in Effort.Status}
                for counts in per_spearhead
            ],
        ),
        "monitor": selectors.monitor_charts_from(data["monitor"]),
        # absent in reports frozen before milestones existed
        "milestones": {
            key: [_milestone(row) for row in (data.get("milestones") or {}).get(key, [])]
            for key in ("done", "overdue")
        },
        "key_figures": (key_figures := _key_figures(data["monitor"])),
        "key_targets": any(row["has_target"] for row in key_figures),
        # efforts, goals and notes are written in Dutch: mark them when the report is not
        "content_lang": mark_safe(' lang="nl"') if translation.get_language() != "nl" else "",
        "approval": [
            {
                "label": label,
                "date": taken[state][0] if state in taken else None,
                "by": taken[state][1] if state in taken else "",
            }
            for state, label in APPROVAL_STEPS
        ],
        "previous_year": data["previous_year"],
        "year_changes": data["year_changes"],
        "adopted_on": (
            timezone.localdate(taken[PlanYear.State.ADOPTED][0])
            if frozen and PlanYear.State.ADOPTED in taken
            else None
        ),
    }


_CHANGES = ("started", "finished", "stopped")
KEY_FIGURES = 3


def _key_figures(values: list[dict]) -> list[dict]:
    """The Monitor figures for the summary: at most KEY_FIGURES indicators, those with a
    target for their latest year first, then those measured in the most years (at least two)
    up to the report's year; each with its latest value against that year's target, the
    value measured before it and the mark (selectors.monitor_standings). Reports frozen
    before targets existed show their figures without targets."""
    rows = [
        row
        for row in selectors.monitor_standings(values)
        if row["has_target"] or row["measured"] >= 2
    ]
    rows.sort(key=lambda row: (not row["has_target"], -row["measured"], row["indicator"]))
    return rows[:KEY_FIGURES]


def _effort(row: dict) -> dict:
    note_date = row.get("note_date")  # the preview's first page lists no notes
    return {**row, "note_date": date.fromisoformat(note_date) if note_date else None}


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _report_pdf(context: dict, *, language: str) -> bytes:
    css = open(finders.find("css/report.css"), encoding="utf-8").read()  # noqa: SIM115
    html = render_to_string(
        "reporting/annual_report_print.html",
        {**context, "report_css": css, "LANGUAGE_CODE": language},
    )
    return render_pdf(html=html)


def plan_year_freeze(*, plan_year: PlanYear, by, when: datetime) -> tuple[dict, bytes]:
    """What adopting `plan_year` stores: the plan and the report's data read in one
    consistent snapshot, and the report PDF rendered from exactly that data (Dutch). Reads
    only; the caller stores both under the year's own lock."""
    with consistent_reads():
        snapshot = plan_snapshot(plan=plan_year.plan)
        snapshot["report"] = report_data(plan=plan_year.plan, year=plan_year.year)
        steps = list(plan_year.steps.select_related("by"))
    with translation.override("nl"):
        context = _context(
            snapshot["report"], plan_year=plan_year, steps=steps, adopting=(by, when)
        )
        pdf = _report_pdf(context, language="nl")
    return snapshot, pdf


def annual_report_pdf(*, year: int, language: str = "nl", plan: Plan | None = None) -> bytes:
    """The report of `year` as PDF, as it stands now. Rendering takes seconds, so the PDF is
    kept in the cache under a hash of everything it is rendered from (its data, its steps,
    the day, the language and the templates): a pure function of its input, never stale."""
    with translation.override(language):
        plan = report_plan(year, plan=plan)
        data, plan_year, steps = _report_source(plan=plan, year=year)
        source = [
            data,
            plan_year.state if plan_year else None,
            [(step.to_state, step.taken, _name(step.by)) for step in steps],
            timezone.localdate(),
            language,
            _template_version(),
        ]
        digest = hashlib.sha256(json.dumps(source, default=str).encode()).hexdigest()
        key = f"report-pdf:{digest}"
        pdf = cache.get(key)
        if pdf is None:
            pdf = _report_pdf(_context(data, plan_year, steps), language=language)
            cache.set(key, pdf, PDF_CACHE_SECONDS)
        return pdf


PDF_CACHE_SECONDS = 24 * 60 * 60


@functools.cache
def _template_version() -> str:
    """Changes with the files the report is rendered from."""
    digest = hashlib.sha256()
    paths = sorted(Path(settings.BASE_DIR, "templates", "reporting").rglob("*"))
    paths += [Path(finders.find("css/report.css"))]
    paths += [Path(settings.BASE_DIR, "templates", "plan", "_year_changes.html")]
    for path in paths:
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


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
