"""Plan years: readiness, narratives, the years awaiting a user's decision, and the
snapshots adopted with their comparison."""

import functools

from django.contrib.auth.models import Group, User
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
)
from django.utils.translation import gettext

from ..content import localized_text
from ..models import (
    PLAN_YEAR_CHAIN,
    Effort,
    Plan,
    PlanYear,
    ProgressUpdate,
    Spearhead,
    SpearheadNarrative,
    SteeringRound,
    YearNarrative,
)


def plan_year_readiness(*, plan_year) -> dict:
    """What adopting the year would freeze, and what is still missing: the plan's efforts,
    the open update round, and running efforts without an update in a round of the year."""
    efforts = Effort.objects.filter(spearhead__plan=plan_year.plan_id)
    open_round = SteeringRound.objects.open().first()
    updated = ProgressUpdate.objects.accepted().filter(
        effort=OuterRef("pk"), steering_round__meeting_date__year=plan_year.year
    )
    counts = efforts.aggregate(
        total=Count("pk"),
        without_update=Count(
            "pk",
            filter=~Q(status__in=[Effort.Status.DONE, Effort.Status.STOPPED]) & ~Q(Exists(updated)),
        ),
    )
    return {
        "effort_count": counts["total"],
        "without_update": counts["without_update"],
        "open_round": open_round,
    }


def year_narrative(*, plan_year: PlanYear) -> YearNarrative | None:
    """The year's report texts with their spearhead introductions (two queries)."""
    spearheads = SpearheadNarrative.objects.select_related("spearhead")
    return (
        YearNarrative.objects.filter(plan_year=plan_year)
        .prefetch_related(Prefetch("spearheads", queryset=spearheads))
        .first()
    )


def year_narrative_missing(*, plan_year: PlanYear) -> list[str]:
    """The report texts of the year still empty in Dutch, as a checklist: foreword, each
    spearhead's introduction, outlook (two queries)."""
    texts = (
        YearNarrative.objects.filter(plan_year=plan_year).values("foreword", "outlook").first()
        or {}
    )
    intro = SpearheadNarrative.objects.filter(
        spearhead=OuterRef("pk"), narrative__plan_year=plan_year
    ).exclude(text="")
    spearheads = (
        Spearhead.objects.filter(plan=plan_year.plan_id)
        .annotate(has_intro=Exists(intro))
        .order_by("number")
    )
    missing = [] if texts.get("foreword") else [gettext("Foreword")]
    for spearhead in spearheads:
        if not spearhead.has_intro:
            missing.append(
                gettext("Introduction to spearhead %(number)s: %(name)s")
                % {"number": spearhead.number, "name": localized_text(spearhead, "name")}
            )
    if not texts.get("outlook"):
        missing.append(gettext("Outlook"))
    return missing


def plan_years_awaiting(*, user) -> list[PlanYear]:
    """The open plans' years whose next step is this user's (PLAN_YEAR_CHAIN; a closed
    plan's years take no more steps, and a draft successor has none yet): the role
    check and the years in one query. It runs on every page (the menu's badge), so its SQL
    is written once (compiling the same query with the ORM cost 3 ms a page), and it reads
    only the columns before the snapshot (SQLite reads a large snapshot's overflow pages to
    reach the columns after it)."""
    if not user.is_authenticated:
        return []
    params = [value for state, (_next, role) in PLAN_YEAR_CHAIN.items() for value in (state, role)]
    return list(PlanYear.objects.raw(_awaiting_sql(), [*params, user.pk]))


@functools.cache
def _awaiting_sql() -> str:
    year, plan = PlanYear._meta.db_table, Plan._meta.db_table
    group, membership = Group._meta.db_table, User.groups.through._meta.db_table
    whose_turn = " ".join("WHEN %s THEN %s" for _state in PLAN_YEAR_CHAIN)
    return (
        f"SELECT y.id, y.plan_id, y.year, y.state FROM {year} y "
        f"WHERE y.plan_id IN (SELECT p.id FROM {plan} p WHERE p.closed IS NULL) "
        f"AND EXISTS (SELECT 1 FROM {group} g JOIN {membership} m ON m.group_id = g.id "
        f"WHERE g.name = (CASE y.state {whose_turn} END) AND m.user_id = %s) "
        f"ORDER BY y.year"
    )


# --- plan years: snapshots and their comparison ---------------------------------------------


def plan_snapshot(*, plan: Plan) -> dict:
    """The whole plan as plain data: what an adopted year keeps for ever. Seven queries;
    the many-to-many names are read as plain rows (prefetching built a manager per effort)."""
    efforts = (
        Effort.objects.filter(spearhead__plan=plan)
        .select_related("spearhead", "team", "lead")
        .order_by("spearhead__number", "number")
    )
    links = {name: effort_link_names(plan, name) for name in ("goals", "partners", "target_groups")}
    latest: dict[int, dict] = {}
    fields = ("status", "progress", "note", "next_steps", "risks")
    updates = (
        ProgressUpdate.objects.accepted()
        .filter(effort__spearhead__plan=plan)
        .order_by("effort_id", "-steering_round__meeting_date")
        .values_list("effort_id", "steering_round__meeting_date", *fields)
    )
    for effort_id, meeting_date, *values in updates:  # plain rows: thousands at 10x
        if effort_id not in latest:
            latest[effort_id] = {
                "round": meeting_date.isoformat(),
                **dict(zip(fields, values, strict=True)),
            }
    spearheads = plan.spearheads.prefetch_related("goals").order_by("number")
    return {
        "plan": {
            "title": plan.title,
            "title_en": plan.title_en,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
            "ambition": plan.ambition,
            "ambition_en": plan.ambition_en,
        },
        "spearheads": [
            {
                "number": s.number,
                "name": s.name,
                "name_en": s.name_en,
                "ambition": s.ambition,
                "ambition_en": s.ambition_en,
                "goals": [
                    {"code": f"{s.number}.{g.number}", "text": g.text, "text_en": g.text_en}
                    for g in s.goals.all()
                ],
            }
            for s in spearheads
        ],
        "efforts": [
            {
                "code": e.code,
                "title": e.title,
                "title_en": e.title_en,
                "description": e.description,
                "description_en": e.description_en,
                "goals": sorted(links["goals"].get(e.pk, [])),
                "team": e.team.name,
                "lead": (e.lead.get_full_name() or e.lead.get_username()) if e.lead else "",
                "partners": sorted(links["partners"].get(e.pk, [])),
                "target_groups": sorted(links["target_groups"].get(e.pk, [])),
                "international_role": e.international_role,
                "policy_relation": e.policy_relation,
                "financing": e.financing,
                "is_priority": e.is_priority,
                "in_line": e.in_line,
                "status": e.status,
                "progress": e.progress,
                "start": e.start.isoformat() if e.start else None,
                "end": e.end.isoformat() if e.end else None,
                "note": e.note,
                "latest_update": latest.get(e.pk),
            }
            for e in efforts
        ],
    }


def effort_link_names(plan: Plan, name: str, *, efforts=None) -> dict[int, list[str]]:
    """Per effort of the plan (or of the queryset `efforts`) the names of its goals (their
    codes), partners or target groups, read from the link table in one query."""
    through = Effort._meta.get_field(name).remote_field.through
    target = Effort._meta.get_field(name).m2m_reverse_field_name()
    links = through.objects.filter(effort__spearhead__plan=plan)
    if efforts is not None:
        links = links.filter(effort__in=efforts.values("pk"))
    if name == "goals":
        rows = links.values_list("effort_id", f"{target}__spearhead__number", f"{target}__number")
        pairs = ((effort_id, f"{spearhead}.{number}") for effort_id, spearhead, number in rows)
    else:
        pairs = links.values_list("effort_id", f"{target}__name")
    names: dict[int, list[str]] = {}
    for effort_id, shown in pairs:
        names.setdefault(effort_id, []).append(shown)
    return names


def snapshot_diff(old: dict, new: dict) -> dict:
    """What changed from one snapshot of the plan to the next: efforts added and removed,
    finished, stopped, other status changes, progress, title, note, priority, team and goals:
    every field the annual report shows of an effort."""
    before = {e["code"]: e for e in old["efforts"]}
    after = {e["code"]: e for e in new["efforts"]}
    ended = {Effort.Status.DONE: "finished", Effort.Status.STOPPED: "stopped"}
    keys = ("added", "removed", "finished", "stopped", "status", "progress", "title", "note")
    diff = {key: [] for key in (*keys, "priority", "team", "goals")}
    diff["added"] = [after[code] for code in after if code not in before]
    diff["removed"] = [before[code] for code in before if code not in after]
    for code in (code for code in after if code in before):
        was, now = before[code], after[code]
        if was["status"] != now["status"]:
            diff[ended.get(now["status"], "status")].append({**now, "was": was["status"]})
        for key in ("progress", "title", "note", "team"):
            if was[key] != now[key]:
                diff[key].append({**now, "was": was[key]})
        if was["is_priority"] != now["is_priority"]:
            diff["priority"].append({**now, "was": was["is_priority"]})
        if was["goals"] != now["goals"]:
            diff["goals"].append(
                {
                    **now,
                    "goals_added": sorted(set(now["goals"]) - set(was["goals"])),
                    "goals_removed": sorted(set(was["goals"]) - set(now["goals"])),
                }
            )
    diff["count"] = sum(len(items) for items in diff.values())
    return diff
