"""What the public endpoints serve: adopted years' frozen snapshots, cut down to what is
public. Every dict is built field by field from a whitelist, so a field added to the snapshot
later is not published until it is added here (and to the serializers).

Left out on purpose: the lead's name, progress notes, next steps, risks, the authors of
updates, the role of internationalisation and the relation to policy (free text written for
internal use), and financing."""

from collections import defaultdict

from django.http import Http404

from plan.models import Effort, PlanYear

ADOPTED_STATES = (PlanYear.State.ADOPTED, PlanYear.State.SENT_TO_COUNCIL)


def adopted_years():
    """The adopted years, newest first, without their snapshot and PDF (large columns)."""
    return (
        PlanYear.objects.filter(state__in=ADOPTED_STATES, snapshot__isnull=False)
        .select_related("plan")
        .only(
            "year",
            "state",
            "adopted",
            "sent_to_council_on",
            "report_sha256",
            "plan__title",
            "plan__title_en",
            "plan__start_year",
            "plan__end_year",
        )
        .order_by("-year", "-plan__start_year")
    )


def adopted_year(year: int | None = None, *, with_pdf: bool = False) -> PlanYear:
    """One adopted year with its snapshot (the latest when `year` is None); 404 otherwise."""
    years = PlanYear.objects.filter(state__in=ADOPTED_STATES, snapshot__isnull=False)
    if year is not None:
        years = years.filter(year=year)
    if not with_pdf:
        years = years.defer("report_pdf")
    plan_year = years.select_related("plan").order_by("-year", "-plan__start_year").first()
    if plan_year is None:
        raise Http404("No adopted year")
    return plan_year


def public_year(plan_year: PlanYear) -> dict:
    """The year's facts as the list of years shows them."""
    return {
        "year": plan_year.year,
        "state": plan_year.state,
        "adopted": plan_year.adopted,
        "sent_to_council_on": plan_year.sent_to_council_on,
        "plan_title": plan_year.plan.title,
        "plan_title_en": plan_year.plan.title_en,
        "report_sha256": plan_year.report_sha256 or None,
    }


def public_plan(plan_year: PlanYear) -> dict:
    """The adopted year in full: the plan, its texts, spearheads with goals, efforts and
    the Monitor's values as frozen."""
    snapshot = plan_year.snapshot
    report = snapshot.get("report") or {}  # absent in years adopted before it was frozen
    narrative = report.get("narrative") or {}
    plan = snapshot["plan"]
    return {
        **public_year(plan_year),
        "plan": {
            key: plan.get(key, "")
            for key in ("title", "title_en", "ambition", "ambition_en", "start_year", "end_year")
        },
        "foreword": narrative.get("foreword", ""),
        "foreword_en": narrative.get("foreword_en", ""),
        "outlook": narrative.get("outlook", ""),
        "outlook_en": narrative.get("outlook_en", ""),
        "spearheads": public_spearheads(snapshot),
        "efforts": public_efforts(snapshot),
        "monitor": public_monitor(snapshot),
    }


def public_spearheads(snapshot: dict) -> list[dict]:
    report = snapshot.get("report") or {}
    intros = {s["number"]: s for s in report.get("spearheads", [])}
    return [
        {
            "number": s["number"],
            "name": s.get("name", ""),
            "name_en": s.get("name_en", ""),
            "ambition": s.get("ambition", ""),
            "ambition_en": s.get("ambition_en", ""),
            "introduction": intros.get(s["number"], {}).get("intro", ""),
            "introduction_en": intros.get(s["number"], {}).get("intro_en", ""),
            "goals": [_goal(goal) for goal in s.get("goals", [])],
        }
        for s in snapshot["spearheads"]
    ]


def public_goals(snapshot: dict) -> list[dict]:
    return [_goal(goal) for s in snapshot["spearheads"] for goal in s.get("goals", [])]


def _goal(goal: dict) -> dict:
    return {
        "code": goal["code"],
        "spearhead": int(goal["code"].split(".")[0]),
        "text": goal.get("text", ""),
        "text_en": goal.get("text_en", ""),
    }


def public_efforts(snapshot: dict) -> list[dict]:
    return [
        {
            "code": e["code"],
            "spearhead": int(e["code"].split(".")[0]),
            "title": e.get("title", ""),
            "title_en": e.get("title_en", ""),
            "description": e.get("description", ""),
            "description_en": e.get("description_en", ""),
            "goals": list(e.get("goals", [])),
            "team": e.get("team", ""),
            "partners": list(e.get("partners", [])),
            "target_groups": list(e.get("target_groups", [])),
            "is_priority": bool(e.get("is_priority", False)),
            "in_line": bool(e.get("in_line", False)),
            "status": e["status"],
            "progress": e.get("progress", 0),
            "start": e.get("start"),
            "end": e.get("end"),
        }
        for e in snapshot["efforts"]
    ]


def public_monitor(snapshot: dict) -> list[dict]:
    """The Monitor's values up to the year, as the adopted report shows them."""
    report = snapshot.get("report") or {}
    return [
        {
            "indicator": v["indicator"],
            "year": v["year"],
            "value": v["value"],
            "unit": v.get("unit", ""),
            "source": v.get("source", ""),
        }
        for v in report.get("monitor", [])
    ]


# --- the live plan -----------------------------------------------------------------------------


def efforts_link(efforts: list[Effort]) -> list[Effort]:
    """Give each effort (of one page) its goals as (id, code), its partners' and target
    groups' names, read as plain rows: three queries, whatever the page's size.
    prefetch_related built a manager and a queryset per effort and relation, which took most
    of a list's time. In the order the effort's page shows them."""
    ids = [effort.pk for effort in efforts]
    goals, partners, groups = defaultdict(list), defaultdict(list), defaultdict(list)
    rows = (
        Effort.goals.through.objects.filter(effort_id__in=ids)
        .order_by("goal__spearhead__number", "goal__number")
        .values_list("effort_id", "goal_id", "goal__spearhead__number", "goal__number")
    )
    for effort_id, goal_id, spearhead, number in rows:
        goals[effort_id].append({"id": goal_id, "code": f"{spearhead}.{number}"})
    for through, target, names in (
        (Effort.partners.through, "partner", partners),
        (Effort.target_groups.through, "targetgroup", groups),
    ):
        rows = (
            through.objects.filter(effort_id__in=ids)
            .order_by(f"{target}__name")
            .values_list("effort_id", f"{target}__name")
        )
        for effort_id, name in rows:
            names[effort_id].append(name)
    for effort in efforts:
        effort.goal_refs = goals[effort.pk]
        effort.partner_names = partners[effort.pk]
        effort.target_group_names = groups[effort.pk]
    return efforts
