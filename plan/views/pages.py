"""Read-only pages of the plan. Every view needs a login (LoginRequiredMiddleware)."""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .. import periods, selectors
from ..filters import EffortFilter, filter_data
from ..models import Effort, Goal, ProgressUpdate, Spearhead
from .imports import IMPORT_PERMISSIONS

EFFORTS_PER_PAGE = 50


@login_not_required
@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not (for the load balancer)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def plan_overview(request):
    plan = periods.plan_for_request(request)
    context = {"plan": plan}
    if plan is not None:
        spearheads, totals = selectors.spearheads_overview(plan=plan)
        context.update(spearheads=spearheads, totals=totals)
        context["report_years"] = range(plan.start_year, plan.end_year + 1)
    return render(request, "plan/plan_overview.html", context)


def spearhead_detail(request, pk):
    spearhead = get_object_or_404(Spearhead.objects.select_related("plan"), pk=pk)
    periods.plan_viewed(request, spearhead.plan)
    efforts = spearhead.efforts.order_by("number")
    context = {
        "spearhead": spearhead,
        "goals": selectors.spearhead_goals_with_counts(spearhead=spearhead),
        "page": _effort_page(request, efforts),
    }
    return render(request, "plan/spearhead_detail.html", context)


def goal_detail(request, pk):
    goal = get_object_or_404(Goal.objects.select_related("spearhead__plan"), pk=pk)
    periods.plan_viewed(request, goal.spearhead.plan)
    efforts = goal.efforts.order_by("spearhead__number", "number")
    context = {
        "goal": goal,
        "page": _effort_page(request, efforts),
        "indicators": selectors.indicator_standings(goal.indicators.order_by("name")),
    }
    return render(request, "plan/goal_detail.html", context)


def _effort_page(request, efforts, *annotations):
    """The requested page of a table of efforts, as plan.selectors.EffortLine (with the
    values of these annotations of the queryset)."""
    values = selectors.effort_line_values(efforts, *annotations)
    page = Paginator(values, EFFORTS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.effort_lines(page.object_list)
    return page


def effort_list(request):
    # the effort list shows each effort's earliest overdue milestone (why it needs attention)
    plan = periods.plan_for_request(request)
    queryset = Effort.objects.filter(spearhead__plan=plan)
    queryset = queryset.with_late_milestone(timezone.localdate())
    effort_filter = EffortFilter(filter_data(request.GET), queryset=queryset, plan=plan)
    page = _effort_page(request, effort_filter.qs, "late_milestone", "late_milestone_due")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "plan": plan,
        "filter": effort_filter,
        "page": page,
        "query": query.urlencode(),
        "can_import": request.user.has_perms(IMPORT_PERMISSIONS),
    }
    return render(request, "plan/effort_list.html", context)


def effort_detail(request, pk):
    queryset = Effort.objects.select_related("spearhead__plan", "team", "lead")
    effort = get_object_or_404(queryset.for_viewer(request.user), pk=pk)
    periods.plan_viewed(request, effort.spearhead.plan)
    is_editor = effort.is_editor(request.user)
    can_edit = is_editor and not effort.plan_is_closed
    context = {
        "effort": effort,
        **selectors.effort_links(effort=effort),
        "can_edit": can_edit,
        # an open round asks this effort for an update
        "can_update": can_edit and effort.in_open_round,
        "updates": _updates_shown(effort, request.user, is_editor),
        "milestones": selectors.effort_milestones(effort=effort),
        "can_edit_milestones": effort.can_edit_milestones(request.user),
        "today": timezone.localdate(),
        "history": selectors.effort_history(effort=effort),
        **selectors.effort_lineage(effort=effort, plans=periods.plans_all(request)),
    }
    return render(request, "plan/effort_detail.html", context)


def _updates_shown(effort, user, is_editor):
    """Accepted updates for everyone; the ones not (yet) accepted, marked, only for whoever
    may write them (the lead, the team) and the programme manager."""
    updates = effort.updates.select_related("steering_round", "author").order_by(
        "-steering_round__meeting_date"
    )
    if is_editor or ProgressUpdate.may_review(user):
        return updates
    return updates.accepted()
