"""Update rounds: the programme manager opens, follows up and closes them; leads report."""

from functools import partial
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .. import periods, selectors, services
from ..forms import RoundReopenForm, SteeringRoundForm, SteeringRoundMeetingForm
from ..models import ProgressUpdate, SteeringRound
from ..widgets import bootstrap_classes

manage_rounds = permission_required("plan.change_steeringround", raise_exception=True)
# the completeness page's two lists (missing efforts, updates awaiting review), 25 a page each:
# "all awaiting review" accepts beyond the page, the team links narrow the missing list
MISSING_PER_PAGE = 25
# each update is a full article (note, next steps, risks): 25 make a page to read, and
# keep a cold page at 10x as quick as the other pages
UPDATES_PER_PAGE = 25
PERSON = ("username", "first_name", "last_name")
MISSING_COLUMNS = (
    *("number", "title", "title_en", "team__name", "spearhead__number", "team", "spearhead"),
    "lead",
    *(f"lead__{field}" for field in PERSON),
)
AWAITING_COLUMNS = (
    *("status", "progress", "state", "author", "effort", "steering_round"),
    *("effort__spearhead", "effort__team"),
    *("effort__number", "effort__title", "effort__title_en", "effort__spearhead__number"),
    *(f"author__{field}" for field in PERSON),
)


def my_efforts(request):
    plan = periods.plan_for_request(request)
    context = selectors.my_efforts(user=request.user, plan=plan)
    return render(request, "plan/my_efforts.html", context)


def round_list(request):
    """The rounds of the plan shown; a new round opens in the current plan only."""
    plan = periods.plan_for_request(request)
    rounds = SteeringRound.objects.filter(plan=plan)
    can_manage = request.user.has_perm("plan.add_steeringround")
    open_round = next((r for r in rounds if r.is_open), None)
    may_open = plan == periods.plan_current_for(request) and plan and not plan.is_closed
    form = SteeringRoundForm(plan=plan) if can_manage and not open_round and may_open else None
    context = {"rounds": rounds, "form": form, "can_manage": can_manage, "open_round": open_round}
    return render(request, "plan/round_list.html", context)


@permission_required("plan.add_steeringround", raise_exception=True)
@require_POST
def round_create(request):
    plan = selectors.plan_current()
    form = SteeringRoundForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            steering_round = services.steering_round_open(
                opened_by=request.user,
                meeting_date=form.cleaned_data["meeting_date"],
                deadline=form.cleaned_data["deadline"],
                efforts=list(form.cleaned_data["efforts"]),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The update round is open."))
            return redirect(steering_round)
    rounds = SteeringRound.objects.filter(plan=plan)
    context = {"rounds": rounds, "form": form, "can_manage": True, "open_round": None}
    return render(request, "plan/round_list.html", context, status=400)


def round_detail(request, pk):
    steering_round = _round(request, pk, "opened_by")
    can_manage = request.user.has_perm("plan.change_steeringround")
    form = None
    if can_manage and request.method == "POST":
        services.ensure_plan_open(steering_round.plan)
    if can_manage and not steering_round.plan.is_closed:
        previous_minutes = steering_round.minutes.name
        form = SteeringRoundMeetingForm(
            request.POST or None, request.FILES or None, instance=steering_round
        )
        bootstrap_classes(form)  # written plainly (plan_tags.form_fields), not through crispy
        if request.method == "POST" and form.is_valid():
            form.save()
            if previous_minutes and steering_round.minutes.name != previous_minutes:
                storage = steering_round.minutes.storage  # the replaced file is gone once saved
                transaction.on_commit(partial(storage.delete, previous_minutes))
            messages.success(request, _("The meeting's outcome has been saved."))
            return redirect(steering_round)
    elif request.method == "POST":
        raise PermissionDenied
    # the meeting reads what was accepted; the programme manager also what awaits review or
    # came back (drafts are the leads' own)
    updates = steering_round.updates.accepted()
    if can_manage:
        updates = steering_round.updates.exclude(state=ProgressUpdate.State.CONCEPT)
    updates = updates.select_related("effort__spearhead", "author").order_by(
        "effort__spearhead__number", "effort__number"
    )
    page = Paginator(updates, UPDATES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "round": steering_round,
        "form": form,
        "page": page,
        "can_manage": can_manage,
        "events": steering_round.events.select_related("by"),
    }
    return render(request, "plan/round_detail.html", context)


def _round(request, pk, *related) -> SteeringRound:
    """The round, with its plan: a round's pages show the plan it belongs to."""
    queryset = SteeringRound.objects.select_related("plan", *related)
    steering_round = get_object_or_404(queryset, pk=pk)
    periods.plan_viewed(request, steering_round.plan)
    return steering_round


def round_meeting(request, pk):
    """The meeting's agenda, to read on screen or print on A4: for whoever may see the round
    (as round_detail: every logged-in user), accepted updates only, no drafts' contents."""
    steering_round = _round(request, pk)
    context = {"round": steering_round, **selectors.round_meeting(steering_round=steering_round)}
    return render(request, "plan/round_meeting.html", context)


def round_minutes(request, pk):
    """The minutes file, only for logged-in users (media files are not public)."""
    steering_round = _round(request, pk)
    if not steering_round.minutes:
        raise Http404
    name = Path(steering_round.minutes.name).name
    return FileResponse(steering_round.minutes.open("rb"), as_attachment=True, filename=name)


@manage_rounds
def round_completeness(request, pk):
    """Per team what is submitted and missing; the missing efforts a page at a time,
    narrowed to one team on request."""
    steering_round = _round(request, pk)
    counts = selectors.round_completeness(steering_round=steering_round)
    team_id = _int_or_none(request.GET.get("team"))
    missing = selectors.round_missing_efforts(steering_round=steering_round, team_id=team_id)
    # only the columns the two lists write (plan_tags.missing_efforts, awaiting_review_rows):
    # converting every column of 100 rows and their relations was a third of the page
    missing = missing.only(*MISSING_COLUMNS)
    row = next((row for row in counts["teams"] if row["team"].pk == team_id), None)
    chosen = row["team"] if row else None
    # the lists' lengths are among the counts already: no count query per list
    missing_count = row["missing"] if row else (0 if team_id else counts["missing"])
    page = _page(missing, missing_count, request.GET.get("page"))
    if team_id is None and missing_count:  # read only the efforts of the page's teams
        page.object_list = selectors.round_missing_slice(
            efforts=missing,
            teams=counts["teams"],
            start=page.start_index() - 1,
            stop=page.end_index(),
        )
    query = f"team={chosen.pk}" if chosen else ""
    awaiting = selectors.round_awaiting_review(steering_round=steering_round)
    awaiting = awaiting.only(*AWAITING_COLUMNS)
    review_page = _page(awaiting, counts["awaiting"], request.GET.get("review"))
    context = {
        "round": steering_round,
        "page": page,
        "team": chosen,
        "query": query,
        "review_page": review_page,
        "can_review": (
            steering_round.is_open
            and not steering_round.plan.is_closed
            and ProgressUpdate.may_review(request.user)
        ),
        "user_pk": request.user.pk,
        **counts,
    }
    return render(request, "plan/round_completeness.html", context)


def _page(rows, count: int, number):
    """The page `number` (as given in the query) of `rows`, which are `count` in all."""
    paginator = Paginator(rows, MISSING_PER_PAGE)
    paginator.count = count  # a cached property: set, it spares the count query
    return paginator.get_page(number)


@manage_rounds
def round_summary(request, pk):
    """The round's review summary: which efforts' updates were accepted, returned, are still
    awaiting review, or were never sent."""
    steering_round = _round(request, pk)
    summary = selectors.round_review_summary(steering_round=steering_round)
    context = {"round": steering_round, **summary}
    return render(request, "plan/round_summary.html", context)


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@manage_rounds
@require_POST
def round_reminders(request, pk):
    steering_round = _round(request, pk)
    services.ensure_plan_open(steering_round.plan)  # no reminders in a closed plan
    try:
        result = services.steering_round_send_reminders(steering_round=steering_round)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        level = messages.WARNING if result["unreachable"] else messages.SUCCESS
        messages.add_message(request, level, _reminders_sent(result))
    return redirect("plan:round-completeness", pk=pk)


def _reminders_sent(result: dict) -> str:
    """Whom the reminders reached, and which efforts reached no one at all."""
    sent, rerouted = len(result["sent"]), len(result["rerouted"])
    told = [
        ngettext("%(count)d reminder sent.", "%(count)d reminders sent.", sent) % {"count": sent}
    ]
    if rerouted:
        told.append(
            ngettext(
                "For %(count)d effort without a lead who can be reached by e-mail, it went to "
                "its team or the programme manager.",
                "For %(count)d efforts without a lead who can be reached by e-mail, it went to "
                "their team or the programme manager.",
                rerouted,
            )
            % {"count": rerouted}
        )
    if unreachable := result["unreachable"]:
        told.append(
            ngettext(
                "No one could be reached for this effort (no lead, team member or programme "
                "manager with an e-mail address): %(efforts)s.",
                "No one could be reached for these %(count)d efforts (no lead, team member or "
                "programme manager with an e-mail address): %(efforts)s.",
                len(unreachable),
            )
            % {"count": len(unreachable), "efforts": "; ".join(map(str, unreachable))}
        )
    return " ".join(told)


@manage_rounds
def round_close(request, pk):
    """GET: what closing freezes and what is still missing; POST: close the round."""
    steering_round = _round(request, pk)
    if request.method == "POST":
        try:
            services.steering_round_close(steering_round=steering_round, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The update round is closed; its updates are frozen."))
        return redirect(steering_round)
    if not steering_round.is_open:
        messages.info(request, _("This update round is already closed."))
        return redirect(steering_round)
    counts = selectors.round_completeness(steering_round=steering_round)
    context = {
        "round": steering_round,
        "deadline_passed": steering_round.deadline < timezone.localdate(),
        **counts,
        **selectors.round_review_summary(steering_round=steering_round, counts=counts),
    }
    return render(request, "plan/round_close_confirm.html", context)


@manage_rounds
def round_reopen(request, pk):
    """Open a closed round again, with a reason (until its year is adopted)."""
    steering_round = _round(request, pk)
    form = RoundReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.steering_round_reopen(
                steering_round=steering_round, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The update round is open again."))
            return redirect(steering_round)
    status = 400 if form.errors else 200
    context = {"round": steering_round, "form": form}
    return render(request, "plan/round_reopen.html", context, status=status)
