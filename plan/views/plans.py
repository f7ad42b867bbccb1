"""The plans over time: the list of plans, starting the next one (the programme manager), its
spearheads and goals while it is a draft, the efforts carried over and its approval chain."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, successors
from ..models import Effort, Goal, Plan, PlanYear
from ..successor_forms import GoalForm, PlanStartForm, SpearheadForm
from ..widgets import bootstrap_classes


def _check_manager(request) -> None:
    if not request.user.has_perm("plan.add_plan"):
        raise PermissionDenied


def _plan(slug) -> Plan:
    return get_object_or_404(Plan.objects.select_related("predecessor"), slug=slug)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def plan_list(request):
    """Every plan, newest first, with its years, state and whether it is current or closed."""
    current = selectors.plan_current()
    years = PlanYear.objects.only("pk", "plan", "year", "state").order_by("year")
    plans = list(
        Plan.objects.select_related("predecessor")
        .prefetch_related(Prefetch("years", queryset=years))
        .order_by("-start_year", "-pk")
    )
    draft = current and next((p for p in plans if p.predecessor_id == current.pk), None)
    context = {
        "plans": plans,
        "current": current,
        "draft": draft,
        "can_start": bool(current and not draft and request.user.has_perm("plan.add_plan")),
    }
    return render(request, "plan/plans/plan_list.html", context)


def plan_start(request):
    """The guided start of the plan that follows the current one."""
    _check_manager(request)
    current = selectors.plan_current()
    if current is None:
        raise Http404("No plan")
    existing = current.successors.first()
    if existing is not None:
        messages.info(request, _("The next plan has been started already: continue with it."))
        return redirect(existing)
    spearheads = list(current.spearheads.order_by("number"))
    form = PlanStartForm(
        request.POST or None,
        predecessor=current,
        spearheads=spearheads,
        initial=successors.plan_start_defaults(current=current),
    )
    bootstrap_classes(form)
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan = successors.plan_start(
                predecessor=current,
                title=data["title"],
                title_en=data["title_en"],
                start_year=data["start_year"],
                end_year=data["end_year"],
                ambition=data["ambition"],
                ambition_en=data["ambition_en"],
                spearheads=form.chosen_spearheads(),
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("The plan %(plan)s has been started as a draft. Now carry over the efforts.")
                % {"plan": plan.slug},
            )
            return redirect(plan)
    for field in form.fields.values():  # the copy checkboxes are Bootstrap's check inputs
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs["class"] = "form-check-input"
    context = {"form": form, "current": current}
    return render(request, "plan/plans/plan_start.html", context)


def plan_detail(request, slug):
    """The plan, its trail along the chain, the user's moves, its spearheads and goals and
    the efforts carried over into it."""
    plan = _plan(slug)
    spearheads = plan.spearheads.order_by("number").prefetch_related(
        Prefetch("goals", queryset=Goal.objects.order_by("number"))
    )
    carried = (
        Effort.objects.filter(spearhead__plan=plan, predecessor__isnull=False)
        .select_related("spearhead", "predecessor__spearhead")
        .order_by("spearhead__number", "number")
    )
    can_shape = request.user.has_perm("plan.add_plan") and plan.is_draft and not plan.is_closed
    context = {
        "plan": plan,
        "is_current": plan == selectors.plan_current(),
        "steps": plan.steps.select_related("by"),
        "moves": plan.moves_for(request.user),
        "spearheads": spearheads,
        "carried": carried,
        "followers": plan.successors.order_by("start_year"),
        "can_shape": can_shape,
        "can_carry": can_shape and plan.predecessor_id is not None,
    }
    return render(request, "plan/plans/plan_detail.html", context)


@require_POST
def plan_transition(request, slug):
    """POST: take a step along the chain; adopting asks for an explicit confirmation."""
    plan = _plan(slug)
    target = request.POST.get("to", "")
    move = next((m for m in plan.moves_for(request.user) if m["to"] == target), None)
    if move is None:
        raise PermissionDenied
    if move["confirm"] and request.POST.get("confirmed") != "yes":
        messages.error(request, _("Tick the confirmation to take this step."))
        return redirect(plan)
    try:
        successors.plan_transition(
            plan=plan, to=target, by=request.user, comment=request.POST.get("comment", "")
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("The plan %(plan)s is now: %(state)s.")
            % {"plan": plan.slug, "state": plan.get_state_display()},
        )
    return redirect(plan)


def plan_carry_over(request, slug):
    """The efforts of the plan this one follows: the running ones preselected, each with the
    spearhead it goes to (by default the copy of its own); POST carries the chosen ones."""
    _check_manager(request)
    plan = _plan(slug)
    if plan.predecessor_id is None:
        raise Http404("This plan follows no other plan")
    if not plan.is_draft or plan.is_closed:
        messages.error(request, _("Efforts are carried over only while the plan is a draft."))
        return redirect(plan)
    candidates = successors.carry_over_candidates(plan=plan)
    spearheads = {s.pk: s for s in plan.spearheads.order_by("number")}
    if request.method == "POST":
        chosen = set(request.POST.getlist("effort"))
        choices = []
        for effort in candidates:
            if str(effort.pk) not in chosen or effort.carried is not None:
                continue
            spearhead = spearheads.get(_int(request.POST.get(f"spearhead-{effort.pk}")))
            goals = None
            if spearhead is not None and spearhead != effort.default_spearhead:
                goals = [g for g in effort.default_goals if g.spearhead_id == spearhead.pk]
            choices.append({"effort": effort, "spearhead": spearhead, "goals": goals})
        if not choices:
            messages.error(request, _("Choose at least one effort to carry over."))
            return redirect("plan:plan-carry-over", plan.slug)
        try:
            created = successors.efforts_carry_over(plan=plan, choices=choices, by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("plan:plan-carry-over", plan.slug)
        messages.success(
            request,
            _("%(count)s efforts have been carried over into %(plan)s.")
            % {"count": len(created), "plan": plan.slug},
        )
        return redirect(plan)
    context = {
        "plan": plan,
        "candidates": candidates,
        "spearheads": list(spearheads.values()),
        "preselected": sum(1 for e in candidates if e.running and e.carried is None),
    }
    return render(request, "plan/plans/plan_carry_over.html", context)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- spearheads and goals of a draft plan ------------------------------------------------------


def _draft_plan(request, slug) -> Plan:
    _check_manager(request)
    return _plan(slug)


def _not_draft(request, plan) -> bool:
    """A plan past its draft keeps its spearheads and goals: say so (True) on its page."""
    if plan.is_draft and not plan.is_closed:
        return False
    messages.error(
        request, _("The spearheads and goals of a plan change only while it is a draft.")
    )
    return True


def spearhead_create(request, slug):
    plan = _draft_plan(request, slug)
    if _not_draft(request, plan):
        return redirect(plan)
    return _spearhead_form(request, plan, None)


def spearhead_edit(request, slug, pk):
    plan = _draft_plan(request, slug)
    spearhead = get_object_or_404(plan.spearheads, pk=pk)
    if _not_draft(request, plan):
        return redirect(plan)
    return _spearhead_form(request, plan, spearhead)


def _spearhead_form(request, plan, spearhead):
    initial = {}
    if spearhead is None:
        numbers = plan.spearheads.values_list("number", flat=True)
        initial["number"] = max(numbers, default=0) + 1
    form = SpearheadForm(request.POST or None, instance=spearhead, initial=initial)
    heading, delete = _("New spearhead"), None
    if spearhead is not None:
        number = {"number": spearhead.number}
        heading = _("Spearhead %(number)s") % number
        delete = (
            reverse("plan:plan-spearhead-delete", args=[plan.slug, spearhead.pk]),
            _("Remove spearhead %(number)s with its goals") % number,
        )
    return _part_form(
        request,
        plan,
        form,
        save=lambda data: successors.spearhead_save(
            plan=plan, spearhead=spearhead, data=data, by=request.user
        ),
        saved=_("The spearhead has been saved."),
        heading=heading,
        delete=delete,
    )


def _part_form(request, plan, form, *, save, saved: str, heading: str, delete):
    """The form of a spearhead or goal of a draft plan (plan/plans/part_form.html): saved
    through `save(cleaned_data)`, back to the plan when saved; `delete` is the (url, label)
    of its removal, or None for a new one."""
    bootstrap_classes(form)
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            _form_error(request, form, error)
        else:
            messages.success(request, saved)
            return redirect(plan)
    context = {"plan": plan, "form": form, "heading": heading, "delete": delete}
    return render(request, "plan/plans/part_form.html", context)


@require_POST
def spearhead_delete(request, slug, pk):
    plan = _draft_plan(request, slug)
    spearhead = get_object_or_404(plan.spearheads, pk=pk)
    try:
        successors.spearhead_delete(spearhead=spearhead, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The spearhead has been removed."))
    return redirect(plan)


def goal_create(request, slug, pk):
    plan = _draft_plan(request, slug)
    spearhead = get_object_or_404(plan.spearheads, pk=pk)
    if _not_draft(request, plan):
        return redirect(plan)
    return _goal_form(request, plan, spearhead, None)


def goal_edit(request, slug, pk):
    plan = _draft_plan(request, slug)
    goal = get_object_or_404(
        Goal.objects.select_related("spearhead").filter(spearhead__plan=plan), pk=pk
    )
    if _not_draft(request, plan):
        return redirect(plan)
    return _goal_form(request, plan, goal.spearhead, goal)


def _goal_form(request, plan, spearhead, goal):
    initial = {"spearhead": spearhead}
    if goal is None:
        initial["number"] = max(spearhead.goals.values_list("number", flat=True), default=0) + 1
    form = GoalForm(request.POST or None, instance=goal, initial=initial, plan=plan)
    heading, delete = _("New goal"), None
    if goal is not None:
        numbers = {"spearhead": spearhead.number, "goal": goal.number}
        heading = _("Goal %(spearhead)s.%(goal)s") % numbers
        delete = (
            reverse("plan:plan-goal-delete", args=[plan.slug, goal.pk]),
            _("Remove goal %(spearhead)s.%(goal)s") % numbers,
        )
    return _part_form(
        request,
        plan,
        form,
        save=lambda data: successors.goal_save(
            spearhead=spearhead, goal=goal, data=data, by=request.user
        ),
        saved=_("The goal has been saved."),
        heading=heading,
        delete=delete,
    )


@require_POST
def goal_delete(request, slug, pk):
    plan = _draft_plan(request, slug)
    goal = get_object_or_404(
        Goal.objects.select_related("spearhead").filter(spearhead__plan=plan), pk=pk
    )
    try:
        successors.goal_delete(goal=goal, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The goal has been removed."))
    return redirect(plan)


def _form_error(request, form, error: ValidationError) -> None:
    """A service's refusal: beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
