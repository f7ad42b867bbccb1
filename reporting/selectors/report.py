"""The annual report: its data as adopted or previewed, its outline and chapters."""

from collections import defaultdict
from datetime import date

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from plan.models import (
    Effort,
    Goal,
    Milestone,
    Plan,
    ProgressUpdate,
    SpearheadNarrative,
    YearNarrative,
)
from plan.selectors import effort_link_names

from .monitor import monitor_values

NARRATIVE_TEXTS = ("foreword", "foreword_en", "outlook", "outlook_en")


def annual_report_data(*, plan: Plan, year: int, spearhead: int | None = None) -> dict:
    """Everything the annual report for `year` shows, as plain data (JSON): adoption freezes
    exactly this, and a draft year's preview shows it live. Seven queries, whatever the size.
    With `spearhead` (a number) only that chapter's goals and efforts: the preview of one
    chapter reads one chapter.

    The changes of the year (started, completed, stopped) come from the efforts' status
    history, so they agree with what the effort pages show."""
    chapter = {} if spearhead is None else {"spearhead__number": spearhead}
    shown = Effort.objects.filter(spearhead__plan=plan)
    if spearhead is not None:  # its efforts, and those of other chapters serving its goals
        serving = Effort.goals.through.objects.filter(
            goal__spearhead__plan=plan, goal__spearhead__number=spearhead
        )
        shown = shown.filter(Q(**chapter) | Q(pk__in=serving.values("effort_id")))
    efforts = list(
        shown.select_related("spearhead", "team").order_by("spearhead__number", "number")
    )
    # plain rows, no manager per effort
    goal_codes = effort_link_names(plan, "goals", efforts=None if spearhead is None else shown)
    notes = _latest_notes(plan=plan, year=year, chapter=chapter)
    changes = _status_changes(plan=plan, year=year, chapter=chapter)
    goals = list(
        Goal.objects.filter(spearhead__plan=plan, **chapter)
        .select_related("spearhead")
        .order_by("spearhead__number", "number")
    )
    contributing: dict[str, list[str]] = defaultdict(list)
    rows = []
    for effort in efforts:
        note, note_date = notes.get(effort.pk, (effort.note, None))
        rows.append(
            {
                "code": effort.code,
                "spearhead": effort.spearhead.number,
                "title": effort.title,
                "title_en": effort.title_en,
                "team": effort.team.name,
                "status": effort.status,
                "progress": effort.progress,
                "is_priority": effort.is_priority,
                "note": note,
                "note_date": note_date.isoformat() if note_date else None,
                "goals": sorted(goal_codes.get(effort.pk, []), key=_code_order),
                "change": changes.get(effort.pk),
            }
        )
        for code in goal_codes.get(effort.pk, []):
            contributing[code].append(effort.code)
    goals_of: dict[int, list[dict]] = defaultdict(list)
    for goal in goals:
        goals_of[goal.spearhead_id].append(
            {
                "code": goal.code,
                "text": goal.text,
                "text_en": goal.text_en,
                "efforts": contributing[goal.code],
            }
        )
    intro = SpearheadNarrative.objects.filter(
        spearhead=OuterRef("pk"), narrative__plan_year__plan=plan, narrative__plan_year__year=year
    )
    chapters = plan.spearheads.filter(**({} if spearhead is None else {"number": spearhead}))
    spearheads = [
        {
            "number": spearhead.number,
            "name": spearhead.name,
            "name_en": spearhead.name_en,
            "ambition": spearhead.ambition,
            "ambition_en": spearhead.ambition_en,
            "goals": goals_of[spearhead.pk],
            "intro": spearhead.intro or "",
            "intro_en": spearhead.intro_en or "",
        }
        for spearhead in chapters.annotate(
            intro=Subquery(intro.values("text")), intro_en=Subquery(intro.values("text_en"))
        ).order_by("number")
    ]
    return {
        "year": year,
        "plan": _plan_fields(plan),
        "spearheads": spearheads,
        "efforts": rows,
        "monitor": monitor_values(up_to=year),
        # the summary's milestones: not read for one chapter
        "milestones": _year_milestones(plan=plan, year=year) if spearhead is None else {},
        "narrative": _narrative(plan=plan, year=year),
    }


def annual_report_outline(*, plan: Plan, year: int, priority_limit: int) -> dict:
    """What the first page of the report's preview shows, counted in SQL rather than read
    effort by effort: the spearheads (for the contents), the efforts per spearhead and status,
    the first `priority_limit` priority efforts and their number, the Monitor and the year's
    texts. The same seven queries and about the same time at any size of the plan."""
    spearheads = report_spearheads(plan=plan)
    efforts = Effort.objects.filter(spearhead__plan=plan)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for number, status, count in (
        efforts.values_list("spearhead__number", "status").annotate(n=Count("pk")).order_by()
    ):
        counts[number][status] = count
    priorities = efforts.filter(is_priority=True)
    columns = ("spearhead__number", "number", "title", "title_en", "team__name", "status")
    return {
        "year": year,
        "plan": _plan_fields(plan),
        "spearheads": spearheads,
        "counts": [counts[spearhead["number"]] for spearhead in spearheads],
        "priorities": [
            {
                "code": f"{spearhead}.{number}",
                "spearhead": spearhead,
                "title": title,
                "title_en": title_en,
                "team": team,
                "status": status,
                "progress": progress,
                "is_priority": True,
            }
            for spearhead, number, title, title_en, team, status, progress in priorities.order_by(
                "spearhead__number", "number"
            ).values_list(*columns, "progress")[:priority_limit]
        ],
        "priority_count": priorities.count(),
        "milestones": _year_milestones(plan=plan, year=year),
        "monitor": monitor_values(up_to=year),
        "narrative": _narrative(plan=plan, year=year),
    }


def report_spearheads(*, plan: Plan) -> list[dict]:
    """The spearheads as the report's contents list them. One query."""
    return [
        {"number": number, "name": name, "name_en": name_en}
        for number, name, name_en in plan.spearheads.order_by("number").values_list(
            "number", "name", "name_en"
        )
    ]


def _plan_fields(plan: Plan) -> dict:
    return {
        "title": plan.title,
        "title_en": plan.title_en,
        "ambition": plan.ambition,
        "ambition_en": plan.ambition_en,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
    }


def _narrative(*, plan: Plan, year: int) -> dict:
    return (
        YearNarrative.objects.filter(plan_year__plan=plan, plan_year__year=year)
        .values(*NARRATIVE_TEXTS)
        .first()
    ) or dict.fromkeys(NARRATIVE_TEXTS, "")


def _year_milestones(*, plan: Plan, year: int) -> dict[str, list[dict]]:
    """The milestones done in `year`, and those overdue at its end (or today, while the year
    runs): due before then and not done by then. One query."""
    until = min(timezone.localdate(), date(year, 12, 31))
    rows = (
        Milestone.objects.filter(effort__spearhead__plan=plan, due__lte=until)
        .filter(
            Q(done__year=year)
            | Q(due__lt=until, done__isnull=True)
            | Q(due__lt=until, done__gt=until)
        )
        .order_by("due", "effort__spearhead__number", "effort__number", "pk")
        .values_list(
            "effort__spearhead__number",
            "effort__number",
            "effort__title",
            "effort__title_en",
            "title",
            "due",
            "done",
        )
    )
    found: dict[str, list[dict]] = {"done": [], "overdue": []}
    for spearhead, number, effort_title, effort_title_en, title, due, done in rows:
        row = {
            "code": f"{spearhead}.{number}",
            "effort": effort_title,
            "effort_en": effort_title_en,
            "title": title,
            "due": due.isoformat(),
            "done": done.isoformat() if done else None,
        }
        if done is not None and done.year == year and done <= until:
            found["done"].append(row)
        elif due < until and (done is None or done > until):
            found["overdue"].append(row)
    return found


def _code_order(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split("."))


def _latest_notes(*, plan: Plan, year: int, chapter: dict) -> dict[int, tuple]:
    """Per effort the note and meeting date of its latest update of a round held in `year`
    or before."""
    updates = (
        ProgressUpdate.objects.accepted()
        .filter(
            effort__spearhead__plan=plan,
            steering_round__meeting_date__year__lte=year,
            **{f"effort__{key}": value for key, value in chapter.items()},
        )
        .order_by("effort_id", "-steering_round__meeting_date")
        .values_list("effort_id", "note", "steering_round__meeting_date")
    )
    latest: dict[int, tuple] = {}
    for effort_id, note, meeting_date in updates:
        latest.setdefault(effort_id, (note, meeting_date))
    return latest


def _status_changes(*, plan: Plan, year: int, chapter: dict) -> dict[int, str]:
    """Per effort what its status history says happened in `year`, the last change winning:
    "started" (out of Not started), "finished" or "stopped". An effort created in the year
    with a running status counts as started."""
    records = (
        Effort.history.model.objects.filter(
            spearhead__plan=plan, history_date__year__lte=year, **chapter
        )
        .order_by("id", "history_date", "history_id")
        .values_list("id", "history_date", "status")
    )
    previous: dict[int, str] = {}
    changes: dict[int, str] = {}
    for effort_id, when, status in records:
        before = previous.get(effort_id)
        previous[effort_id] = status
        if when.year != year or status == before:
            continue
        if status == Effort.Status.DONE:
            changes[effort_id] = "finished"
        elif status == Effort.Status.STOPPED:
            changes[effort_id] = "stopped"
        elif status != Effort.Status.NOT_STARTED and before in (None, Effort.Status.NOT_STARTED):
            changes[effort_id] = "started"
    return changes
