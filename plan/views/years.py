"""The annual cycle: each year's update through the approval chain, frozen on adoption."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import periods, selectors, services
from ..context_processors import plan_years_awaiting
from ..forms import YearNarrativeForm

EFFORTS_PER_PAGE = 50


def year_list(request):
    plan = periods.plan_for_request_or_404(request)
    years = list(plan.years.defer("snapshot", "report_pdf"))
    awaiting = {plan_year.pk for plan_year in plan_years_awaiting(request)}
    for plan_year in years:
        plan_year.awaits_you = plan_year.pk in awaiting
    can_start = request.user.has_perm("plan.add_planyear") and not plan.is_closed
    return render(
        request, "plan/year_list.html", {"plan": plan, "years": years, "can_start": can_start}
    )


def year_detail(request, year):
    """The year's trail and step; for an adopted year the plan as adopted, its efforts a
    page at a time (only the snapshot's plan, spearheads and efforts are read, not the
    report's data it also holds)."""
    plan = periods.plan_for_year(request, year)
    years = plan.years.defer("snapshot", "report_pdf")
    plan_year = get_object_or_404(years, year=year)
    if plan_year.outline is not None:  # the adopted plan, its efforts a page of rows at a time
        outline = plan_year.outline
        efforts = plan_year.adopted_efforts.values_list("data", flat=True)
    elif not plan_year.is_frozen:  # a draft: no plan as adopted yet
        outline, efforts = {"plan": None, "spearheads": []}, []
    else:  # frozen without the rows (a backup from before they were kept): the snapshot
        adopted_plan, spearheads = (
            years.filter(pk=plan_year.pk)
            .values_list("snapshot__plan", "snapshot__spearheads")
            .first()
        )
        outline = {"plan": adopted_plan, "spearheads": spearheads}
        efforts = (
            years.filter(pk=plan_year.pk).values_list("snapshot__efforts", flat=True).first() or []
        )
    plan_year.adopted_plan, plan_year.adopted_spearheads = outline["plan"], outline["spearheads"]
    can_write = (
        request.user.has_perm("plan.change_planyear")
        and not plan_year.is_frozen
        and not plan.is_closed
    )
    context = {
        "can_write_narrative": can_write,
        "narrative_missing": (
            selectors.year_narrative_missing(plan_year=plan_year) if can_write else []
        ),
        "plan_year": plan_year,
        "steps": plan_year.steps.select_related("by"),
        "moves": plan_year.moves_for(request.user),
        "others": years.exclude(pk=plan_year.pk),
        "page": Paginator(efforts, EFFORTS_PER_PAGE).get_page(request.GET.get("page")),
    }
    return render(request, "plan/year_detail.html", context)


def year_transition(request, year):
    """POST: take a step. An irreversible step (adopting, sending to the council) is taken
    only from its confirmation page (GET), which says what will be frozen and what is
    missing, and links the report that will be stored."""
    plan_year = get_object_or_404(periods.plan_for_year(request, year).years.all(), year=year)
    target = request.POST.get("to", "") if request.method == "POST" else request.GET.get("to", "")
    move = next((m for m in plan_year.moves_for(request.user) if m["to"] == target), None)
    if request.method != "POST":
        if move is None or not move["confirm"]:
            raise PermissionDenied
        context = {
            "plan_year": plan_year,
            "move": move,
            **selectors.plan_year_readiness(plan_year=plan_year),
        }
        return render(request, "plan/year_transition_confirm.html", context)
    if move is not None and move["confirm"] and request.POST.get("confirmed") != "yes":
        messages.error(request, _("Confirm this step on its confirmation page."))
        return redirect(plan_year)
    try:
        services.plan_year_transition(
            plan_year=plan_year, to=target, by=request.user, comment=request.POST.get("comment", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(year)s is now: %(state)s.")
            % {"year": plan_year.year, "state": plan_year.get_state_display()},
        )
    return redirect(plan_year)


@permission_required("plan.add_planyear", raise_exception=True)
@require_POST
def year_start(request):
    try:
        plan = periods.plan_for_request_or_404(request)
        plan_year = services.plan_year_start_next(plan=plan, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("plan:year-list")
    messages.success(
        request, _("The update for %(year)s is open as a draft.") % {"year": plan_year.year}
    )
    return redirect(plan_year)


def year_compare(request, old, new):
    """Two years side by side: an adopted year as adopted, a draft as the plan stands now."""
    plan = periods.plan_for_year(request, old)
    # exact lookups, not year__in: an absurd year from the URL then finds nothing (SQLite
    # refuses integers over 64 bits in an IN list with an error)
    years = {y.year: y for y in plan.years.filter(Q(year=old) | Q(year=new))}
    if old not in years or new not in years:
        raise Http404("Unknown year")
    live = None

    def snapshot(plan_year):
        nonlocal live
        if plan_year.snapshot is not None:
            return plan_year.snapshot
        if live is None:
            live = selectors.plan_snapshot(plan=plan)
        return live

    diff = selectors.snapshot_diff(snapshot(years[old]), snapshot(years[new]))
    context = {
        "old": years[old],
        "new": years[new],
        "years": [years[old], years[new]],
        "diff": diff,
    }
    return render(request, "plan/year_compare.html", context)


def year_narrative(request, year):
    """The programme manager writes the annual report's texts of a year; refused once the
    year is adopted, and with both versions (409) when someone else saved in between."""
    if not request.user.has_perm("plan.change_planyear"):
        raise PermissionDenied
    plan = periods.plan_for_year(request, year)
    services.ensure_plan_open(plan)  # a closed plan says so (403)
    plan_year = get_object_or_404(plan.years.defer("snapshot", "report_pdf"), year=year)
    if plan_year.is_frozen:
        messages.error(
            request, _("The year has been adopted; its texts are frozen with the report.")
        )
        return redirect(plan_year)
    spearheads = list(plan.spearheads.order_by("number"))
    narrative = selectors.year_narrative(plan_year=plan_year)
    form = YearNarrativeForm(
        request.POST or None,
        spearheads=spearheads,
        initial=YearNarrativeForm.initial_from(narrative, spearheads),
    )
    conflict, current = False, None
    if request.method == "POST" and form.is_valid():
        try:
            services.year_narrative_save(
                plan_year=plan_year,
                loaded_version=form.cleaned_data["version"],
                texts=form.texts(),
                intros=form.intros(),
                by=request.user,
            )
        except services.NarrativeConflict:
            conflict = True
            current = selectors.year_narrative(plan_year=plan_year)
            form.data = form.data.copy()  # saving again overrides, knowingly
            form.data["version"] = current.version if current else 0
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(plan_year)
        else:
            messages.success(request, _("The texts of the annual report have been saved."))
            return redirect(plan_year)
    context = {
        "plan_year": plan_year,
        "form": form,
        "conflict": conflict,
        "current": current,
        "current_intros": _intros_by_spearhead(current, spearheads),
    }
    status = 409 if conflict else 200
    return render(request, "plan/year_narrative_form.html", context, status=status)


def _intros_by_spearhead(narrative, spearheads) -> list[tuple]:
    if narrative is None:
        return []
    rows = {row.spearhead_id: row for row in narrative.spearheads.all()}
    return [(spearhead, rows.get(spearhead.pk)) for spearhead in spearheads]
