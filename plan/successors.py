"""Starting the next plan: its spearheads and goals, the efforts carried over from the plan it
follows, and its way along the approval chain to adoption, which closes the plan it follows
(issue 14). Every write here is the programme manager's, or the chain role's whose turn it is.
"""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Effort, Goal, Indicator, Plan, PlanStep, Spearhead
from .services import chain_step, chain_turn_notify

FIRST_YEAR, LAST_YEAR, MAX_YEARS = 2000, 2100, 10  # the years a plan may span

# The fields an effort carried over keeps (its many-to-many fields apart).
CARRIED_FIELDS = (
    "title",
    "title_en",
    "description",
    "description_en",
    "team",
    "lead",
    "international_role",
    "policy_relation",
    "financing",
    "is_priority",
    "in_line",
    "status",
    "progress",
    "start",
    "end",
    "note",
)


def _require_manager(user: User) -> None:
    if not user.has_perm("plan.add_plan"):
        raise PermissionDenied(_("Only the programme manager starts and shapes a new plan."))


def _require_open(plan: Plan) -> None:
    if plan.is_closed:
        raise ValidationError(
            _("The plan %(plan)s is closed: it can no longer be changed.") % {"plan": plan.slug}
        )


def _require_draft(plan: Plan) -> None:
    """Its spearheads, goals and carried efforts change only while the plan is a draft."""
    _require_open(plan)
    if not plan.is_draft:
        raise ValidationError(
            _("The plan %(plan)s is no longer a draft: send it back to draft to change it.")
            % {"plan": plan.slug}
        )


def plan_years_check(*, predecessor: Plan, start_year: int, end_year: int) -> None:
    """Refuse years that a new plan following `predecessor` cannot have, with the reason."""
    if end_year < start_year:
        raise ValidationError({"end_year": _("The end year may not be before the start year.")})
    if start_year < FIRST_YEAR or end_year > LAST_YEAR:
        raise ValidationError(
            _("A plan runs between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    if end_year - start_year + 1 > MAX_YEARS:
        raise ValidationError(
            {"end_year": _("A plan runs at most %(count)s years.") % {"count": MAX_YEARS}}
        )
    if start_year <= predecessor.end_year:
        raise ValidationError(
            {
                "start_year": _(
                    "The new plan starts after %(year)s, the last year of the plan it follows."
                )
                % {"year": predecessor.end_year}
            }
        )
    overlapping = Plan.objects.filter(start_year__lte=end_year, end_year__gte=start_year)
    other = overlapping.exclude(pk=predecessor.pk).first()
    if other is not None:
        raise ValidationError(_("The years overlap with the plan %(plan)s.") % {"plan": other.slug})


@transaction.atomic
def plan_start(
    *,
    predecessor: Plan,
    title: str,
    title_en: str = "",
    start_year: int,
    end_year: int,
    ambition: str,
    ambition_en: str = "",
    spearheads: list,
    by: User,
) -> Plan:
    """Start the plan that follows `predecessor`, as a draft: the programme manager only, once
    per plan (refused while a draft successor exists). `spearheads` lists what it starts
    with: a Spearhead of the predecessor is copied with its goals (numbers kept, `origin`
    set); a dict (name, name_en, ambition, ambition_en) adds a new spearhead."""
    _require_manager(by)
    locked = Plan.objects.select_for_update().get(pk=predecessor.pk)
    _require_open(locked)
    existing = locked.successors.first()
    if existing is not None:
        raise ValidationError(
            _("The plan %(plan)s already follows this plan: continue with it.")
            % {"plan": existing.slug}
        )
    plan_years_check(predecessor=locked, start_year=start_year, end_year=end_year)
    if not title.strip() or not ambition.strip():
        raise ValidationError(_("Give the new plan a title and an ambition."))
    plan = Plan.objects.create(
        title=title.strip(),
        title_en=title_en.strip(),
        start_year=start_year,
        end_year=end_year,
        ambition=ambition.strip(),
        ambition_en=ambition_en.strip(),
        state=Plan.State.CONCEPT,
        predecessor=locked,
    )
    copies = [item for item in spearheads if isinstance(item, Spearhead)]
    if any(item.plan_id != locked.pk for item in copies):
        raise ValidationError(_("Only the spearheads of the plan it follows can be copied."))
    copied = Spearhead.objects.bulk_create(
        Spearhead(
            plan=plan,
            number=old.number,
            name=old.name,
            name_en=old.name_en,
            ambition=old.ambition,
            ambition_en=old.ambition_en,
            origin=old,
        )
        for old in sorted(copies, key=lambda s: s.number)
    )
    by_origin = {spearhead.origin_id: spearhead for spearhead in copied}
    goals = Goal.objects.filter(spearhead__in=copies).order_by("spearhead__number", "number")
    goal_copies = {}
    for goal in goals:
        copy = Goal(
            spearhead=by_origin[goal.spearhead_id],
            number=goal.number,
            text=goal.text,
            text_en=goal.text_en,
            origin=goal,
        )
        copy._history_user = by
        copy.save()
        goal_copies[goal.pk] = copy.pk
    # the Monitor's indicators inform the copy of a goal as they informed the goal
    links = Indicator.goals.through
    links.objects.bulk_create(
        links(indicator_id=indicator_id, goal_id=goal_copies[goal_id])
        for indicator_id, goal_id in links.objects.filter(
            goal_id__in=list(goal_copies)
        ).values_list("indicator_id", "goal_id")
    )
    number = max((s.number for s in copied), default=0)
    for item in spearheads:
        if isinstance(item, Spearhead):
            continue
        if not item.get("name", "").strip() or not item.get("ambition", "").strip():
            raise ValidationError(_("A new spearhead needs a name and an ambition."))
        number += 1
        Spearhead.objects.create(
            plan=plan,
            number=number,
            name=item["name"].strip(),
            name_en=item.get("name_en", "").strip(),
            ambition=item["ambition"].strip(),
            ambition_en=item.get("ambition_en", "").strip(),
        )
    return plan


# --- spearheads and goals of a draft plan ------------------------------------------------------


@transaction.atomic
def spearhead_save(*, plan: Plan, spearhead: Spearhead | None, data: dict, by: User) -> Spearhead:
    """Add a spearhead to a draft plan (`spearhead` None) or change one of its spearheads.
    `data`: number, name, name_en, ambition, ambition_en."""
    _require_manager(by)
    _require_draft(Plan.objects.select_for_update().get(pk=plan.pk))
    taken = plan.spearheads.filter(number=data["number"])
    if spearhead is not None:
        if spearhead.plan_id != plan.pk:
            raise ValidationError(_("This spearhead belongs to another plan."))
        taken = taken.exclude(pk=spearhead.pk)
    if taken.exists():
        raise ValidationError(
            {"number": _("Spearhead %(number)s already exists.") % {"number": data["number"]}}
        )
    spearhead = spearhead or Spearhead(plan=plan)
    for field in ("number", "name", "name_en", "ambition", "ambition_en"):
        setattr(spearhead, field, data.get(field, ""))
    spearhead.save()
    return spearhead


@transaction.atomic
def spearhead_delete(*, spearhead: Spearhead, by: User) -> None:
    """Remove a spearhead (with its goals) from a draft plan; refused while efforts are in it."""
    _require_manager(by)
    _require_draft(Plan.objects.select_for_update().get(pk=spearhead.plan_id))
    if spearhead.efforts.exists():
        raise ValidationError(
            _("Spearhead %(number)s still has efforts: move them first.")
            % {"number": spearhead.number}
        )
    spearhead.delete()


@transaction.atomic
def goal_save(*, spearhead: Spearhead, goal: Goal | None, data: dict, by: User) -> Goal:
    """Add a goal to a spearhead of a draft plan (`goal` None), or change one; `data`:
    spearhead (of the same plan, to move it), number, text, text_en."""
    _require_manager(by)
    _require_draft(Plan.objects.select_for_update().get(pk=spearhead.plan_id))
    target = data.get("spearhead") or spearhead
    if target.plan_id != spearhead.plan_id:
        raise ValidationError(_("A goal moves only to a spearhead of the same plan."))
    taken = target.goals.filter(number=data["number"])
    if goal is not None:
        taken = taken.exclude(pk=goal.pk)
    if taken.exists():
        raise ValidationError(
            {
                "number": _("Goal %(code)s already exists.")
                % {"code": f"{target.number}.{data['number']}"}
            }
        )
    goal = goal or Goal()
    goal.spearhead = target
    goal.number, goal.text, goal.text_en = data["number"], data["text"], data.get("text_en", "")
    goal._history_user = by
    goal.save()
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal, by: User) -> None:
    """Remove a goal from a draft plan; the efforts it was linked to keep their other goals."""
    _require_manager(by)
    _require_draft(Plan.objects.select_for_update().get(pk=goal.spearhead.plan_id))
    goal._history_user = by
    goal.delete()


# --- carrying efforts over ---------------------------------------------------------------------


def carry_over_candidates(*, plan: Plan) -> list[Effort]:
    """The efforts of the plan `plan` follows, in code order, each with `running`, `carried`
    (its successor in `plan`, or None), `default_spearhead` (the copy of its spearhead in
    `plan`, or None) and `default_goals` (the copies of its goals in `plan`). Four queries."""
    if plan.predecessor_id is None:
        return []
    efforts = list(
        Effort.objects.filter(spearhead__plan_id=plan.predecessor_id)
        .select_related("spearhead", "team")
        .prefetch_related("goals")
        .order_by("spearhead__number", "number")
    )
    spearheads = {s.origin_id: s for s in plan.spearheads.exclude(origin=None)}
    goals: dict[int, list[Goal]] = {}
    for goal in Goal.objects.filter(spearhead__plan=plan).exclude(origin=None):
        goals.setdefault(goal.origin_id, []).append(goal)
    carried = {
        effort.predecessor_id: effort
        for effort in Effort.objects.filter(spearhead__plan=plan, predecessor__isnull=False)
        .select_related("spearhead")
        .order_by("pk")
    }
    ended = (Effort.Status.DONE, Effort.Status.STOPPED)
    for effort in efforts:
        effort.running = effort.status not in ended
        effort.carried = carried.get(effort.pk)
        effort.default_spearhead = spearheads.get(effort.spearhead_id)
        effort.default_goals = [
            copy for goal in effort.goals.all() for copy in goals.get(goal.pk, [])
        ]
    return efforts


@transaction.atomic
def efforts_carry_over(*, plan: Plan, choices: list[dict], by: User) -> list[Effort]:
    """Carry efforts of the plan `plan` follows into it: each choice is a dict with "effort"
    (of the predecessor) and optionally "spearhead" and "goals" (of `plan`; by default the
    copies of the effort's spearhead and goals). The new effort keeps the effort's fields,
    team, lead, partners and target groups, links to it as `predecessor`, and keeps its
    number unless that is taken in the spearhead (then it gets the next free one). All or
    nothing; an effort already carried into `plan` is skipped. Returns the new efforts."""
    _require_manager(by)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require_draft(plan)
    if plan.predecessor_id is None:
        raise ValidationError(_("This plan follows no other plan: there is nothing to carry over."))
    candidates = {effort.pk: effort for effort in carry_over_candidates(plan=plan)}
    own_spearheads = {s.pk: s for s in plan.spearheads.all()}
    own_goals = set(Goal.objects.filter(spearhead__plan=plan).values_list("pk", flat=True))
    numbers: dict[int, set[int]] = {}
    for spearhead_id, number in Effort.objects.filter(spearhead__plan=plan).values_list(
        "spearhead_id", "number"
    ):
        numbers.setdefault(spearhead_id, set()).add(number)
    planned = []
    for choice in choices:
        old = candidates.get(getattr(choice["effort"], "pk", choice["effort"]))
        if old is None:
            raise ValidationError(
                _("Only efforts of the plan this plan follows can be carried over.")
            )
        if old.carried is not None:
            continue
        spearhead = choice.get("spearhead") or old.default_spearhead
        if spearhead is None or spearhead.pk not in own_spearheads:
            raise ValidationError(
                _("Choose a spearhead of the new plan for effort %(code)s.") % {"code": old.code}
            )
        goals = choice.get("goals")
        goals = old.default_goals if goals is None else list(goals)
        if any(goal.pk not in own_goals for goal in goals):
            raise ValidationError(
                _("Effort %(code)s can only contribute to goals of the new plan.")
                % {"code": old.code}
            )
        planned.append((old, spearhead, goals))
    # the numbers still free keep theirs; the others get the next free number after them
    keeps = []
    for old, spearhead, _goals in planned:
        taken = numbers.setdefault(spearhead.pk, set())
        keeps.append(old.number not in taken)
        if keeps[-1]:
            taken.add(old.number)
    created = []
    for (old, spearhead, goals), keep in zip(planned, keeps, strict=True):
        taken = numbers[spearhead.pk]
        number = old.number
        if not keep:
            number = max(taken) + 1
            taken.add(number)
        new = Effort(spearhead=spearhead, number=number, predecessor=old)
        for field in CARRIED_FIELDS:
            setattr(new, field, getattr(old, field))
        new._history_user = by  # read by django-simple-history
        new.save()
        new.goals.set(goals)
        new.partners.set(old.partners.all())
        new.target_groups.set(old.target_groups.all())
        old.carried = new
        created.append(new)
    return created


# --- the chain ---------------------------------------------------------------------------------


def plan_transition(*, plan: Plan, to: str, by: User, comment: str = "") -> Plan:
    """Move the new plan one step along the approval chain of a year, or back to draft, as
    `by` may (403 otherwise). Adopting (the alderman) makes it the current plan and closes
    the plan it follows, in the same transaction."""
    _require_open(plan)

    def apply(locked, now, _prepared):
        if to != Plan.State.ADOPTED:
            return []
        locked.adopted = now
        if locked.predecessor_id is not None:
            predecessor = Plan.objects.select_for_update().get(pk=locked.predecessor_id)
            if predecessor.closed is None:
                predecessor.closed = now
                predecessor.save(update_fields=["closed"])
        return ["adopted"]

    return chain_step(
        obj=plan,
        to=to,
        by=by,
        comment=comment,
        step_model=PlanStep,
        messages={
            "back": _("Give the reason for sending the plan back to draft."),
            "moved": _("Someone else moved this plan just now. Reload the page."),
        },
        apply=apply,
        notify=lambda locked: plan_notify(plan=locked),
    )


def plan_notify(*, plan: Plan) -> list[str]:
    """E-mail the people whose turn it now is (the role of the plan's next step)."""
    return chain_turn_notify(
        state=plan.state,
        subject=lambda: _("New plan %(plan)s: your turn") % {"plan": plan.slug},
        template="plan/email/plan_turn.txt",
        context={"plan": plan},
    )


def spearhead_conclusion_save(
    *, spearhead: Spearhead, conclusion: str, conclusion_en: str = "", by: User
) -> Spearhead:
    """The programme manager writes the evaluation's conclusion of a spearhead; refused once
    its plan is closed."""
    if not by.has_perm("plan.change_spearhead"):
        raise PermissionDenied(_("Only the programme manager writes the evaluation's conclusions."))
    with transaction.atomic():
        locked = (
            Spearhead.objects.select_for_update(of=("self",))
            .select_related("plan")
            .get(pk=spearhead.pk)
        )
        _require_open(locked.plan)
        locked.conclusion, locked.conclusion_en = conclusion.strip(), conclusion_en.strip()
        locked.save(update_fields=["conclusion", "conclusion_en"])
    spearhead.conclusion, spearhead.conclusion_en = locked.conclusion, locked.conclusion_en
    return spearhead


def plan_start_defaults(*, current: Plan) -> dict:
    """The start page's suggestion: the four years after the current plan, its title with
    the years changed."""
    start = current.end_year + 1
    end = start + 3
    years_old, years_new = f"{current.start_year}-{current.end_year}", f"{start}-{end}"
    return {
        "title": current.title.replace(years_old, years_new),
        "title_en": current.title_en.replace(years_old, years_new),
        "start_year": start,
        "end_year": end,
        "ambition": current.ambition,
        "ambition_en": current.ambition_en,
    }
