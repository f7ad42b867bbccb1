"""Writes that span several models or must happen all or nothing (STYLE.md section 4)."""

import hashlib
from datetime import date
from functools import partial

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection, send_mail
from django.db import IntegrityError, connections, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from .closing import PlanClosed, ensure_plan_open
from .models import (
    PLAN_YEAR_CHAIN,
    AdoptedEffort,
    ApprovalState,
    Effort,
    Plan,
    PlanYear,
    PlanYearStep,
    ProgressUpdate,
    SpearheadNarrative,
    SteeringRound,
    SteeringRoundEvent,
    UpdateReview,
    YearNarrative,
    adopted_rows,
    snapshot_outline,
)
from .richtext import richtext_clean
from .selectors import (
    effort_changes_since,
    plan_current,
    round_contacts,
    round_missing_by_contact,
)
from .spreadsheet.writer import efforts_write


class EditConflict(Exception):
    """Someone else saved the effort after the editor loaded it."""

    def __init__(self, *, current_version: int, changes: list[dict]):
        super().__init__("edit conflict")
        self.current_version = current_version
        self.changes = changes


def effort_lock(*, effort: Effort, loaded_version: int | None) -> int:
    """Lock the effort's row until the transaction ends and return its version; raise
    EditConflict, with what others changed, when that is not `loaded_version`. Call inside a
    transaction (the admin's change view validates and saves in one). Raise PlanClosed when
    the effort's plan has closed (read in the same query)."""
    current_version, closed, slug = (
        Effort.objects.select_for_update(of=("self",))
        .values_list("version", "spearhead__plan__closed", "spearhead__plan__slug")
        .get(pk=effort.pk)
    )
    if closed is not None:
        raise PlanClosed(Plan(slug=slug, closed=closed))
    if current_version != loaded_version:
        changes = []
        if loaded_version is not None:
            changes = effort_changes_since(effort=effort, version=loaded_version)
        raise EditConflict(current_version=current_version, changes=changes)
    return current_version


@transaction.atomic
def effort_save(*, form, loaded_version: int | None, user: User) -> Effort:
    """Save a validated effort form (its many-to-many fields too) unless the effort changed
    since `loaded_version`. The portal's edit page and the admin both save through here."""
    effort = form.instance
    effort.version = effort_lock(effort=effort, loaded_version=loaded_version) + 1
    effort._history_user = user
    return form.save()


@transaction.atomic
def steering_round_open(
    *, meeting_date: date, deadline: date, opened_by: User, efforts=None
) -> SteeringRound:
    """Open a round for `efforts` (by default the current plan's running efforts); each
    effort's contact is mailed when the round is committed."""
    if SteeringRound.objects.open().exists():
        raise ValidationError(_("Close the current update round first."))
    if deadline > meeting_date:
        raise ValidationError(_("The deadline must be on or before the meeting date."))
    plan = plan_current()
    ensure_plan_open(plan)
    steering_round = SteeringRound.objects.create(
        plan=plan, meeting_date=meeting_date, deadline=deadline, opened_by=opened_by
    )
    plan_efforts = Effort.objects.filter(spearhead__plan=plan)
    if efforts is None:
        efforts = plan_efforts.open()
    elif plan_efforts.filter(pk__in=[e.pk for e in efforts]).count() != len(efforts):
        raise ValidationError(_("Only efforts of the current plan take part in a round."))
    steering_round.efforts.set(efforts)
    transaction.on_commit(lambda: steering_round_mail_open(steering_round=steering_round))
    return steering_round


def steering_round_mail_open(*, steering_round: SteeringRound) -> dict:
    """Tell each contact of the round's efforts (selectors.round_contacts) which of them take
    part, the deadline and where to submit. Returns what `_steering_round_mail` returns."""
    return _steering_round_mail(
        steering_round=steering_round,
        reach=round_contacts(efforts=steering_round.efforts.all()),
        subject=gettext_lazy("Update round open: submit your updates before %(date)s"),
        template="plan/email/round_open.txt",
    )


def _steering_round_mail(
    *, steering_round: SteeringRound, reach: dict, subject, template: str
) -> dict:
    """One mail per contact over one connection, in Dutch (staff mail); `subject` holds
    %(date)s for the round's deadline. Returns {"sent": [addresses], "unreachable":
    [efforts], "rerouted": [efforts told to their team or the programme managers]}."""
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(subject) % {"date": steering_round.deadline.strftime("%d-%m-%Y")}
        for contact, efforts in reach["contacts"]:
            context = {
                "contact": contact,
                "round": steering_round,
                "led": [e for e in efforts if e.reached_as == "lead"],
                "of_team": [e for e in efforts if e.reached_as == "team"],
                "unled": [e for e in efforts if e.reached_as == "programme_manager"],
            }
            body = render_to_string(template, context)
            messages.append(EmailMessage(subject=subject, body=body, to=[contact.email]))
    get_connection().send_messages(messages)
    told = {effort for _contact, efforts in reach["contacts"] for effort in efforts}
    return {
        "sent": [message.to[0] for message in messages],
        "unreachable": reach["unreachable"],
        "rerouted": sorted(
            (e for e in told if e.reached_as != "lead"),
            key=lambda e: (e.spearhead.number, e.number),
        ),
    }


@transaction.atomic
def steering_round_close(*, steering_round: SteeringRound, by: User) -> None:
    """Close the round: its updates are frozen from now on. The round's row is locked FOR
    UPDATE, so closing waits for the submissions in flight (they hold it FOR SHARE) and the
    ones after it find the round closed: no update lands in a closed round."""
    locked = _round_lock(steering_round)
    if not locked.is_open:
        raise ValidationError(_("This update round is already closed."))
    locked.state = SteeringRound.State.CLOSED
    locked.closed = timezone.now()
    locked.status_counts = locked.count_statuses()
    locked.save(update_fields=["state", "closed", "status_counts"])
    SteeringRoundEvent.objects.create(
        steering_round=locked, action=SteeringRoundEvent.Action.CLOSED, by=by
    )
    steering_round.state, steering_round.closed = locked.state, locked.closed
    steering_round.status_counts = locked.status_counts


def _round_lock(steering_round: SteeringRound) -> SteeringRound:
    """Lock the round's row (not its plan's) and read it with its plan; a round of a closed
    plan is refused."""
    locked = (
        SteeringRound.objects.select_for_update(of=("self",))
        .select_related("plan")
        .get(pk=steering_round.pk)
    )
    ensure_plan_open(locked.plan)
    return locked


def progress_update_submit(**kwargs) -> ProgressUpdate:
    """Submit the effort's update for review (`progress_update_save` with submit=True)."""
    return progress_update_save(submit=True, **kwargs)


@transaction.atomic
def progress_update_save(
    *,
    effort: Effort,
    steering_round: SteeringRound,
    author: User,
    status: str,
    progress: int,
    note: str,
    next_steps: str = "",
    risks: str = "",
    submit: bool = False,
) -> ProgressUpdate:
    """Save the effort's update for the round as a draft, or submit it for review. The lead
    may change it while it is a draft or returned; once submitted it waits for the programme
    manager. The effort itself changes only when the update is accepted.

    Leads writing for different efforts never wait for each other: the round is only
    share-locked (it cannot close meanwhile), and only this update's row is locked."""
    _round_share_open(steering_round)
    if not steering_round.efforts.filter(pk=effort.pk).exists():
        raise ValidationError(_("This effort is not part of the update round."))
    # only this update's row: unordered (the model's ordering joins the round) and OF self,
    # or the lock took the round's row too and leads waited for, even deadlocked, each other
    update = (
        ProgressUpdate.objects.select_for_update(of=("self",))
        .filter(effort=effort, steering_round=steering_round)
        .order_by()
        .first()
    )
    if update is None:
        update = ProgressUpdate(effort=effort, steering_round=steering_round)
    elif not update.lead_may_change:
        if update.is_accepted:
            raise ValidationError(_("This update has been accepted; it can no longer be changed."))
        raise ValidationError(
            _("This update has been submitted and awaits review; it can no longer be changed.")
        )
    update.author = author
    update.status, update.progress, update.note = status, progress, note
    update.next_steps, update.risks = next_steps, risks
    state = ProgressUpdate.State
    update.state = state.SUBMITTED if submit else state.CONCEPT
    if submit:
        update.created = timezone.now()
    update._history_user = author  # read by django-simple-history
    try:
        with transaction.atomic():
            update.save()
    except IntegrityError:  # someone else created it at the same moment
        raise ValidationError(
            _("Someone else saved this update just now. Reload the page.")
        ) from None
    if submit:
        UpdateReview.objects.create(update=update, action=UpdateReview.Action.SUBMITTED, by=author)
    return update


def _round_share_open(steering_round: SteeringRound) -> None:
    """Share-lock the round's row (closing waits for us; we do not wait for each other) and
    refuse when it is closed: closing freezes its updates. So is a round of a closed plan."""
    rows = _select_for_share(
        SteeringRound.objects.filter(pk=steering_round.pk).values(
            "state", "plan__closed", "plan__slug"
        )
    )
    if rows and rows[0][1] is not None:
        raise PlanClosed(Plan(slug=rows[0][2], closed=rows[0][1]))
    if [row[:1] for row in rows] != [(SteeringRound.State.OPEN,)]:
        raise ValidationError(_("This update round is closed; updates can no longer be changed."))


def progress_update_review(
    *, update: ProgressUpdate, by: User, accept: bool, reason: str = ""
) -> ProgressUpdate:
    """Accept a submitted update (its status, progress and note go onto the effort) or
    return it to the lead with a reason (the lead is mailed it). Only the programme manager
    reviews, and never an update they wrote themselves: PermissionDenied otherwise."""
    if not ProgressUpdate.may_review(by):
        raise PermissionDenied(_("Only the programme manager reviews progress updates."))
    reason = reason.strip()
    if not accept and not reason:
        raise ValidationError(_("Give the reason for returning the update."))
    with transaction.atomic():
        _round_share_open(update.steering_round)
        locked = ProgressUpdate.objects.select_for_update(of=("self",)).get(pk=update.pk)
        if locked.author_id == by.pk:
            raise PermissionDenied(_("You wrote this update; someone else must review it."))
        if not locked.awaits_review:
            raise ValidationError(_("This update no longer awaits review. Reload the page."))
        if accept:
            _updates_accept([locked], by=by)
        else:
            locked.state = ProgressUpdate.State.RETURNED
            locked._history_user = by
            locked.save(update_fields=["state", "updated"])
            UpdateReview.objects.create(
                update=locked, action=UpdateReview.Action.RETURNED, by=by, reason=reason
            )
            transaction.on_commit(
                partial(progress_update_mail_returned, update_pk=locked.pk, reason=reason)
            )
    update.state = locked.state
    return update


def progress_updates_accept(*, steering_round: SteeringRound, update_ids, by: User) -> dict:
    """Accept many submitted updates of the round in one transaction (the bulk accept of the
    completeness page). Skips, and names, the ones `by` wrote (four eyes) and the ones no
    longer awaiting review. Returns {"accepted": [...], "own": [...], "gone": count}."""
    if not ProgressUpdate.may_review(by):
        raise PermissionDenied(_("Only the programme manager reviews progress updates."))
    ids = set(update_ids)
    with transaction.atomic():
        _round_share_open(steering_round)
        updates = list(
            ProgressUpdate.objects.select_for_update(of=("self",))
            .filter(steering_round=steering_round, pk__in=ids)
            .awaiting_review()
            .order_by("pk")
        )
        own = [update for update in updates if update.author_id == by.pk]
        accepted = [update for update in updates if update.author_id != by.pk]
        _updates_accept(accepted, by=by)
    return {"accepted": accepted, "own": own, "gone": len(ids) - len(updates)}


def _updates_accept(updates: list[ProgressUpdate], *, by: User) -> None:
    """Mark these locked, submitted updates accepted and copy each one's status, progress and
    note onto its effort, raising the effort's version (an edit opened before conflicts).
    Locks only these efforts' rows. Writes in bulk: a constant number of queries."""
    if not updates:
        return
    efforts = Effort.objects.select_for_update(of=("self",)).in_bulk([u.effort_id for u in updates])
    changed = []
    for update in updates:
        effort = efforts[update.effort_id]
        effort.status, effort.progress, effort.note = update.status, update.progress, update.note
        effort.version += 1
        changed.append((effort, ["status", "progress", "note"], {}))
        update.state = ProgressUpdate.State.ACCEPTED
    efforts_write(created=[], changed=changed, user=by)
    now = timezone.now()
    for update in updates:
        update.updated = now
    bulk_update_with_history(
        updates, ProgressUpdate, ["state", "updated"], default_user=by, default_date=now
    )
    UpdateReview.objects.bulk_create(
        UpdateReview(update=update, action=UpdateReview.Action.ACCEPTED, by=by, taken=now)
        for update in updates
    )


def progress_update_mail_returned(*, update_pk: int, reason: str) -> list[str]:
    """Tell the lead (else the update's author) that the update came back, and why, in
    Dutch (users have no language preference yet)."""
    update = ProgressUpdate.objects.select_related(
        "effort__spearhead", "effort__lead", "steering_round", "author"
    ).get(pk=update_pk)
    lead = update.effort.lead or update.author
    if lead is None or not lead.email or not lead.is_active:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "update": update,
            "effort": update.effort,
            "reason": reason,
            "contact": lead,
        }
        send_mail(
            subject=_("Your update on %(code)s was returned") % {"code": update.effort.code},
            message=render_to_string("plan/email/update_returned.txt", context),
            from_email=None,
            recipient_list=[lead.email],
        )
    return [lead.email]


def _select_for_share(queryset) -> list[tuple]:
    """The rows of a `values()` queryset, locked FOR SHARE on PostgreSQL until the transaction
    ends: other share locks go on at once, FOR UPDATE (and any write of the rows) waits.
    SQLite has no row locks; there it is a plain read (its writers take turns anyway)."""
    sql, params = queryset.query.sql_with_params()
    connection = connections[queryset.db]
    if connection.vendor == "postgresql":
        sql = f"{sql} FOR SHARE"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def steering_round_send_reminders(*, steering_round: SteeringRound) -> dict:
    """E-mail whoever is to submit the missing updates: the lead, else the team, else the
    programme managers (selectors.round_contacts). Returns {"sent": [addresses],
    "unreachable": [efforts no one could be told about], "rerouted": [efforts told to their
    team or the programme managers instead of a lead]}."""
    if not steering_round.is_open:
        raise ValidationError(_("Reminders are only sent for an open update round."))
    return _steering_round_mail(
        steering_round=steering_round,
        reach=round_missing_by_contact(steering_round=steering_round),
        subject=gettext_lazy("Reminder: update your efforts before %(date)s"),
        template="plan/email/round_reminder.txt",
    )


# --- plan years ------------------------------------------------------------------------------


def chain_step(
    *,
    obj,
    to: str,
    by: User,
    comment: str,
    step_model,
    messages: dict,
    prepare=None,
    apply=None,
    notify=None,
    lock=None,
):
    """Move `obj` (a PlanYear or a Plan) one step along the approval chain, or back to draft,
    as `by` may (403 otherwise): the part a year and a plan share.

    `prepare(now)` runs before the transaction (slow work such as rendering a report); the
    transaction then locks only `obj`'s row, refuses when someone else moved it since it was
    read, records the step in `step_model`, sets the state and calls `apply(locked, now,
    prepared)`, which changes more of the locked row (and other rows) and returns the names of
    the fields it set. `notify(locked)` runs after the commit. `lock(obj)` locks and reads the
    row (by default SELECT … FOR UPDATE of it alone). `messages` holds the texts
    "back" (no reason given for sending it back) and "moved" (someone else was first)."""
    move = next((m for m in obj.moves_for(by) if m["to"] == to), None)
    if move is None:
        raise PermissionDenied(_("You may not take this step now."))
    comment = comment.strip()
    if move["back"] and not comment:
        raise ValidationError(messages["back"])
    now = timezone.now()
    prepared = prepare(now) if prepare is not None else None
    owner = "plan_year" if isinstance(obj, PlanYear) else "plan"  # the step's link to obj
    with transaction.atomic():
        if lock is not None:
            locked = lock(obj)
        else:
            locked = type(obj).objects.select_for_update().get(pk=obj.pk)
        if locked.state != obj.state:
            raise ValidationError(messages["moved"])
        step_model.objects.create(
            **{owner: locked},
            from_state=locked.state,
            to_state=to,
            by=by,
            taken=now,
            comment=comment,
        )
        locked.state = to
        fields = ["state", *(apply(locked, now, prepared) if apply is not None else [])]
        locked.save(update_fields=fields)
        if notify is not None:
            transaction.on_commit(lambda: notify(locked))
    for name in fields:
        setattr(obj, name, getattr(locked, name))
    return obj


def plan_year_transition(*, plan_year: PlanYear, to: str, by: User, comment: str = "") -> PlanYear:
    """Move the year one step along the chain, or back to draft, as `by` may (403 otherwise).

    Adopting freezes the plan and the annual report's data as they stand, with the report as
    PDF rendered from exactly that data and its SHA-256. The reading and rendering happen
    before the transaction; the transaction then locks only this year's row, so no other
    writer waits for the rendering. Of two people pressing the same button at once, the
    second finds the state changed and is told so."""
    ensure_plan_open(plan_year.plan)

    def prepare(now):
        if to != PlanYear.State.ADOPTED:
            return None
        freeze = import_string(settings.PLAN_YEAR_REPORT)
        return freeze(plan_year=plan_year, by=by, when=now)

    def apply(locked, now, frozen):
        if frozen is not None:
            locked.snapshot, locked.report_pdf = frozen
            locked.outline = snapshot_outline(locked.snapshot)
            locked.report_sha256 = hashlib.sha256(locked.report_pdf).hexdigest()
            locked.adopted = now
            AdoptedEffort.objects.bulk_create(adopted_rows(locked), batch_size=500)
            return ["snapshot", "outline", "report_pdf", "report_sha256", "adopted"]
        if to == PlanYear.State.SENT_TO_COUNCIL:
            locked.sent_to_council_on = timezone.localdate(now)
            return ["sent_to_council_on"]
        return []

    return chain_step(
        obj=plan_year,
        to=to,
        by=by,
        comment=comment,
        step_model=PlanYearStep,
        messages={
            "back": _("Give the reason for sending the year back to draft."),
            "moved": _("Someone else moved this year just now. Reload the page."),
        },
        prepare=prepare,
        apply=apply,
        notify=lambda locked: plan_year_notify(plan_year=locked),
        lock=_plan_year_lock,
    )


def _plan_year_lock(plan_year: PlanYear) -> PlanYear:
    """Lock the year's row (not its plan's) and read it with its plan; a year of a closed
    plan is refused."""
    locked = (
        PlanYear.objects.select_for_update(of=("self",)).select_related("plan").get(pk=plan_year.pk)
    )
    ensure_plan_open(locked.plan)
    return locked


def plan_year_notify(*, plan_year: PlanYear) -> list[str]:
    """E-mail the people whose turn it now is (the role of the next step)."""
    return chain_turn_notify(
        state=plan_year.state,
        subject=lambda: _("Plan update %(year)s: your turn") % {"year": plan_year.year},
        template="plan/email/plan_year_turn.txt",
        context={"plan_year": plan_year},
    )


def chain_turn_notify(*, state: str, subject, template: str, context: dict) -> list[str]:
    """E-mail the active people with an address in the role whose turn it is after `state`
    (a plan year's or a new plan's), in the portal's language; `subject()` is called in that
    language. Returns the addresses."""
    step = PLAN_YEAR_CHAIN.get(state)
    if step is None:
        return []
    recipients = list(
        User.objects.filter(groups__name=step[1], is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            subject=subject(),
            message=render_to_string(template, {**context, "next": ApprovalState(step[0]).label}),
            from_email=None,
            recipient_list=recipients,
        )
    return recipients


class NarrativeConflict(Exception):
    """Someone else saved the year's texts after the editor loaded them."""

    def __init__(self, *, current: YearNarrative):
        super().__init__("narrative edit conflict")
        self.current = current


NARRATIVE_FIELDS = ("foreword", "foreword_en", "outlook", "outlook_en")


@transaction.atomic
def year_narrative_save(
    *,
    plan_year: PlanYear,
    loaded_version: int,
    texts: dict[str, str],
    intros: dict[int, tuple[str, str]],
    by: User,
) -> YearNarrative:
    """Store the year's foreword, outlook (`texts`) and spearhead introductions (`intros`:
    spearhead pk -> (Dutch, English)), sanitised by the models. Locks the year's row: refused
    once the year is adopted, and refused with NarrativeConflict when the texts were saved
    by someone else since `loaded_version` (0: none existed yet)."""
    locked = _plan_year_lock(plan_year)
    if locked.is_frozen:
        raise ValidationError(_("The year has been adopted; its texts are frozen with the report."))
    narrative = YearNarrative.objects.filter(plan_year=locked).first()
    current_version = narrative.version if narrative else 0
    if current_version != loaded_version:
        raise NarrativeConflict(current=narrative)
    if narrative is None:
        narrative = YearNarrative(plan_year=locked, version=0)
    for field in NARRATIVE_FIELDS:
        setattr(narrative, field, texts.get(field, ""))
    narrative.version += 1
    narrative._history_user = by  # read by django-simple-history
    narrative.save()
    existing = {row.spearhead_id: row for row in narrative.spearheads.all()}
    for spearhead_pk, (text, text_en) in intros.items():
        row = existing.get(spearhead_pk) or SpearheadNarrative(
            narrative=narrative, spearhead_id=spearhead_pk
        )
        if row.pk is not None and (row.text, row.text_en) == (
            richtext_clean(text),
            richtext_clean(text_en),
        ):
            continue  # unchanged: no history row
        row.text, row.text_en = text, text_en
        row._history_user = by
        row.save()
    return narrative


@transaction.atomic
def plan_year_start_next(*, plan: Plan, by: User) -> PlanYear:
    """Open the next year's update as a draft once the latest year has been adopted. The draft
    is the living plan: every effort that is still running carries on in it."""
    ensure_plan_open(plan)
    latest = plan.years.order_by("-year").first()
    if latest is not None and not latest.is_frozen:
        raise ValidationError(
            _("Adopt %(year)s before starting the next year.") % {"year": latest.year}
        )
    year = latest.year + 1 if latest else timezone.localdate().year
    if year > plan.end_year:
        raise ValidationError(_("The plan ends in %(year)s.") % {"year": plan.end_year})
    return PlanYear.objects.create(plan=plan, year=year)


# --- closing and reopening rounds --------------------------------------------------------------


@transaction.atomic
def steering_round_reopen(*, steering_round: SteeringRound, by: User, reason: str) -> None:
    """Open a closed round again (the programme manager), with a reason the round keeps;
    refused once the year of its meeting is adopted, or while another round is open."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for reopening the round."))
    locked = _round_lock(steering_round)
    if locked.is_open:
        raise ValidationError(_("This update round is already open."))
    year = locked.meeting_date.year
    frozen = (PlanYear.State.ADOPTED, PlanYear.State.SENT_TO_COUNCIL)
    if PlanYear.objects.filter(year=year, state__in=frozen).exists():
        raise ValidationError(
            _("%(year)s has been adopted; its update rounds stay closed.") % {"year": year}
        )
    if SteeringRound.objects.open().exists():
        raise ValidationError(_("Close the current update round first."))
    locked.state, locked.closed, locked.status_counts = SteeringRound.State.OPEN, None, None
    try:
        with transaction.atomic():
            locked.save(update_fields=["state", "closed", "status_counts"])
    except IntegrityError:  # another round was opened at the same moment
        raise ValidationError(_("Close the current update round first.")) from None
    SteeringRoundEvent.objects.create(
        steering_round=locked, action=SteeringRoundEvent.Action.REOPENED, by=by, reason=reason
    )
    steering_round.state, steering_round.closed = locked.state, locked.closed
    steering_round.status_counts = None
