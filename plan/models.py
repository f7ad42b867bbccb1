"""The multi-year plan: spearheads, goals, efforts and the monitor figures (see DOMAIN.md)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .content import localized_text
from .richtext import richtext_clean, richtext_html
from .roles import Role

NOTE_MAX_LENGTH = 4000  # a progress note is a paragraph or two, not a report
TEXT_MAX_LENGTH = 10000


class ApprovalState(models.TextChoices):
    """The approval chain of section 3.5, which a plan year and a new plan both go through."""

    CONCEPT = "concept", _("Draft")
    ADVISED = "advised", _("Advised by the steering group")
    ENDORSED = "endorsed", _("Endorsed by the client")
    REVIEWED = "reviewed", _("Reviewed by the board of directors")
    ADOPTED = "adopted", _("Adopted by the alderman")
    SENT_TO_COUNCIL = "sent_to_council", _("Sent to the council")


ADOPTED_STATES = (ApprovalState.ADOPTED, ApprovalState.SENT_TO_COUNCIL)


class Plan(models.Model):
    """One plan period (e.g. 2021-2024). A new plan starts as a draft from its predecessor and
    becomes current once adopted; the predecessor then closes and stays readable."""

    State = ApprovalState

    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"))
    ambition = models.TextField(_("ambition"))
    ambition_en = models.TextField(_("ambition in English"), blank=True)
    # "2021-2024": the plan's name in URLs (?plan=2021-2024); set from the years when empty.
    slug = models.SlugField(_("short name"), max_length=20, unique=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ApprovalState, default=ApprovalState.CONCEPT
    )
    predecessor = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("follows"),
    )
    adopted = models.DateTimeField(_("adopted"), null=True, blank=True)
    closed = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-start_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")), name="plan_end_not_before_start"
            ),
        ]

    def __str__(self):
        return localized_text(self, "title")

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._free_slug(f"{self.start_year}-{self.end_year}")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("plan:plan-detail", args=[self.slug])

    @classmethod
    def _free_slug(cls, base: str) -> str:
        """`base`, or `base-2`, `base-3`… when another plan already has the same years."""
        taken = set(cls.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        return slug

    @property
    def is_closed(self) -> bool:
        return self.closed is not None

    @property
    def is_adopted(self) -> bool:
        return self.state in ADOPTED_STATES

    @property
    def is_draft(self) -> bool:
        """Not yet adopted: its spearheads, goals and carried efforts may still change."""
        return self.state == ApprovalState.CONCEPT

    def moves_for(self, user) -> list[dict]:
        """The moves along the approval chain this user may make now (chain_moves); none once
        the plan is closed."""
        return [] if self.is_closed else chain_moves(self.state, user)


class Spearhead(models.Model):
    plan = models.ForeignKey(Plan, models.CASCADE, related_name="spearheads")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    ambition = models.TextField(_("ambition"))
    ambition_en = models.TextField(_("ambition in English"), blank=True)
    origin = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copied from"),
    )
    # The evaluation's conclusion for this spearhead, written by the programme manager; the
    # start of the next plan shows it beside the spearhead.
    conclusion = models.TextField(
        _("evaluation conclusion"), blank=True, max_length=TEXT_MAX_LENGTH
    )
    conclusion_en = models.TextField(
        _("evaluation conclusion in English"), blank=True, max_length=TEXT_MAX_LENGTH
    )

    class Meta:
        verbose_name = _("spearhead")
        verbose_name_plural = _("spearheads")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="spearhead_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="spearhead_number_positive"),
        ]

    def __str__(self):
        return f"{self.number}. {localized_text(self, 'name')}"

    def get_absolute_url(self):
        return reverse("plan:spearhead-detail", args=[self.pk])


class GoalQuerySet(models.QuerySet):
    def get_by_code(self, code: str, *, plan: Plan) -> "Goal":
        spearhead_number, _dot, number = code.strip().partition(".")
        return self.get(
            spearhead__plan=plan, spearhead__number=int(spearhead_number), number=int(number)
        )


class Goal(models.Model):
    spearhead = models.ForeignKey(Spearhead, models.CASCADE, related_name="goals")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"), max_length=TEXT_MAX_LENGTH)
    text_en = models.TextField(_("text in English"), blank=True, max_length=TEXT_MAX_LENGTH)
    origin = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copied from"),
    )

    objects = GoalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["spearhead__plan", "spearhead__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["spearhead", "number"], name="goal_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="goal_number_positive"),
        ]

    def __str__(self):
        return f"{self.code} {localized_text(self, 'text')}"

    def get_absolute_url(self):
        return reverse("plan:goal-detail", args=[self.pk])

    @property
    def code(self) -> str:
        """ "S.N": spearhead number and goal number. Load with select_related("spearhead")."""
        return f"{self.spearhead.number}.{self.number}"


class Team(models.Model):
    """A department or team of the municipality; it owns efforts."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        related_name="teams",
        blank=True,
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Partner(models.Model):
    """An organisation in the city or region that works with us on efforts."""

    name = models.CharField(_("name"), max_length=150, unique=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TargetGroup(models.Model):
    """One of the four groups of internationals of section 4.1."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["name"]

    def __str__(self):
        return self.name


class EffortQuerySet(models.QuerySet):
    def priority(self):
        return self.filter(is_priority=True)

    def for_team(self, team):
        return self.filter(team=team)

    def open(self):
        return self.exclude(status__in=[Effort.Status.DONE, Effort.Status.STOPPED])

    def overdue(self, today):
        """Still running although their end date has passed."""
        return self.open().filter(end__lt=today)

    def milestone_overdue(self, today):
        """With a milestone past its due date and not done: they need attention."""
        return self.filter(
            models.Exists(Milestone.objects.overdue(today).filter(effort=models.OuterRef("pk")))
        )

    def with_late_milestone(self, today):
        """Annotate `late_milestone` and `late_milestone_due`: the title and due date of the
        effort's earliest overdue milestone (None when there is none)."""
        first = (
            Milestone.objects.overdue(today)
            .filter(effort=models.OuterRef("pk"))
            .order_by("due", "pk")
        )
        return self.annotate(
            late_milestone=models.Subquery(first.values("title")[:1]),
            late_milestone_due=models.Subquery(first.values("due")[:1]),
        )

    def for_viewer(self, user):
        """Annotate, in the efforts' own query, what an effort's page asks about the person
        viewing it: `viewer_pk`, `viewer_in_team` (a member of the effort's team, which
        Effort.is_editor then reads for that person) and `in_open_round` (an open round
        asks the effort for an update)."""
        members = Team.members.through.objects.filter(
            team_id=models.OuterRef("team_id"), user_id=user.pk
        )
        asked = SteeringRound.efforts.through.objects.filter(
            effort_id=models.OuterRef("pk"), steeringround__state=SteeringRound.State.OPEN
        )
        return self.annotate(
            viewer_pk=models.Value(user.pk, output_field=models.IntegerField()),
            viewer_in_team=models.Exists(members),
            in_open_round=models.Exists(asked),
        )


class PythonCheckedConstraints:
    """For a model whose check constraints named in `python_checked` its own validation
    already holds in Python (field validators, clean()), which full_clean runs before the
    constraints: validating a form then does not ask the database to evaluate them again, a
    query apiece on every save. The database still enforces them."""

    python_checked: frozenset[str] = frozenset()

    def get_constraints(self):
        return [
            (model, [c for c in constraints if c.name not in self.python_checked])
            for model, constraints in super().get_constraints()
        ]


class Effort(PythonCheckedConstraints, models.Model):
    class Status(models.TextChoices):  # codes and labels from DOMAIN.md
        NOT_STARTED = "not_started", _("Not started")  # nl: Nog niet gestart
        ON_TRACK = "on_track", _("On track")  # nl: Loopt volgens planning
        AT_RISK = "at_risk", _("At risk")  # nl: Aandacht nodig
        DELAYED = "delayed", _("Delayed")  # nl: Vertraagd
        DONE = "done", _("Completed")  # nl: Afgerond
        STOPPED = "stopped", _("Stopped")  # nl: Gestopt

    class Financing(models.TextChoices):  # section 3.2
        EXISTING_CAPACITY = "existing_capacity", _("Within existing capacity")
        EXTRA_FUNDS = "extra_funds", _("Extra funds needed")
        CO_FINANCING = "co_financing", _("Co-financing")
        SUBSIDY = "subsidy", _("Subsidy")

    spearhead = models.ForeignKey(
        Spearhead, models.PROTECT, related_name="efforts", verbose_name=_("spearhead")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX_LENGTH)
    description_en = models.TextField(
        _("description in English"), blank=True, max_length=TEXT_MAX_LENGTH
    )
    goals = models.ManyToManyField(
        Goal, related_name="efforts", blank=True, verbose_name=_("goals")
    )
    team = models.ForeignKey(Team, models.PROTECT, related_name="efforts", verbose_name=_("team"))
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_efforts",
        verbose_name=_("lead"),
    )
    partners = models.ManyToManyField(
        Partner, related_name="efforts", blank=True, verbose_name=_("partners")
    )
    target_groups = models.ManyToManyField(
        TargetGroup, related_name="efforts", blank=True, verbose_name=_("target groups")
    )
    international_role = models.TextField(
        _("role of internationalisation"), blank=True, max_length=TEXT_MAX_LENGTH
    )
    policy_relation = models.TextField(
        _("relation to policy"), blank=True, max_length=TEXT_MAX_LENGTH
    )
    financing = models.CharField(_("financing"), max_length=20, choices=Financing, blank=True)
    is_priority = models.BooleanField(_("priority"), default=False)
    in_line = models.BooleanField(
        _("carried by the line organisation"),
        default=False,
        help_text=_("Already carried by a team in its regular work (green in the plan)."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    note = models.TextField(_("progress note"), blank=True, max_length=NOTE_MAX_LENGTH)
    # The effort of the previous plan this one continues ("vervolg van 3.1, 2021-2024").
    predecessor = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("continues"),
    )
    # Raised by every save (portal, admin, import, progress update); an edit based on an older
    # version is refused, and an import refuses to write over a row changed after comparing.
    version = models.PositiveIntegerField(_("version"), default=1)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = EffortQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["created", "updated"], m2m_fields=[goals, partners, target_groups]
    )

    class Meta:
        verbose_name = _("effort")
        verbose_name_plural = _("efforts")
        ordering = ["spearhead__plan", "spearhead__number", "number"]
        constraints = [
            # The code "S.N" is unique in the plan: S is the spearhead's number.
            models.UniqueConstraint(fields=["spearhead", "number"], name="effort_unique_code"),
            models.CheckConstraint(condition=Q(number__gte=1), name="effort_number_positive"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="effort_progress_range"),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=F("start")),
                name="effort_end_not_before_start",
            ),
        ]

    # progress: its MaxValueValidator; the end not before the start: clean()
    python_checked = frozenset({"effort_progress_range", "effort_end_not_before_start"})

    def __str__(self):
        return f"{self.code} {localized_text(self, 'title')}"

    def get_absolute_url(self):
        return reverse("plan:effort-detail", args=[self.pk])

    @property
    def code(self) -> str:
        """ "S.N", the import key. Load with select_related("spearhead")."""
        return f"{self.spearhead.number}.{self.number}"

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end date may not be before the start date.")})

    @property
    def plan_is_closed(self) -> bool:
        """Its plan closed: nothing of it changes any more. Load with
        select_related("spearhead__plan") to ask without queries."""
        return self.spearhead.plan.is_closed

    def is_editor(self, user) -> bool:
        """The programme manager edits every effort; a steering-group member their team's, and
        the lead the efforts they lead (as My efforts lists them and reminders ask them to).
        They also read its updates that are not accepted yet, in an open or a closed plan."""
        if not user.is_authenticated:
            return False
        if user.has_perm("plan.change_effort") or self.lead_id == user.pk:
            return True
        if getattr(self, "viewer_pk", None) == user.pk:  # EffortQuerySet.for_viewer
            return self.viewer_in_team
        return self.team.members.filter(pk=user.pk).exists()

    def can_edit(self, user) -> bool:
        """An editor, while the effort's plan is open."""
        return not self.plan_is_closed and self.is_editor(user)

    def can_edit_milestones(self, user) -> bool:
        """The effort's lead and the programme manager add, edit and tick off milestones,
        while the effort's plan is open."""
        if not user.is_authenticated or self.plan_is_closed:
            return False
        return self.lead_id == user.pk or user.has_perm("plan.change_effort")

    def can_manage(self, user) -> bool:
        """Team, lead, priority and numbering are the programme manager's to change."""
        return user.has_perm("plan.change_effort")

    def set_status(self, status: str, *, by) -> None:
        self.status = status
        if status == self.Status.DONE:
            self.progress = 100
        self._save_change(by, ["status", "progress"])

    def set_priority(self, is_priority: bool, *, by) -> None:
        self.is_priority = is_priority
        self._save_change(by, ["is_priority"])

    def _save_change(self, user, fields: list[str]) -> None:
        self.version += 1
        self._history_user = user  # read by django-simple-history
        self.save(update_fields=[*fields, "version", "updated"])


class SteeringRoundQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=SteeringRound.State.OPEN)


class SteeringRound(models.Model):
    """An update round before a steering-group meeting: every lead reports on their efforts."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    plan = models.ForeignKey(
        Plan, models.CASCADE, related_name="steering_rounds", verbose_name=_("plan")
    )
    meeting_date = models.DateField(_("meeting date"))
    deadline = models.DateField(_("deadline for updates"))
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.OPEN)
    efforts = models.ManyToManyField(
        Effort, related_name="steering_rounds", blank=True, verbose_name=_("efforts")
    )
    advice = models.TextField(_("advice of the meeting"), blank=True, max_length=TEXT_MAX_LENGTH)
    decisions = models.TextField(_("decisions"), blank=True, max_length=TEXT_MAX_LENGTH)
    minutes = models.FileField(_("minutes"), upload_to="minutes/%Y/", blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened = models.DateTimeField(_("opened"), default=timezone.now)
    closed = models.DateTimeField(_("closed"), null=True, blank=True)
    # Its accepted updates per status ({"on_track": 12, …}), counted when the round closes
    # (its updates are locked from then on) and cleared when it reopens: the dashboard's
    # trend reads closed rounds from here instead of counting every update ever accepted.
    status_counts = models.JSONField(
        _("accepted updates per status at closing"), null=True, blank=True, editable=False
    )

    objects = SteeringRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("update round")
        verbose_name_plural = _("update rounds")
        ordering = ["-meeting_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["state"], condition=Q(state="open"), name="steering_round_one_open"
            ),
            models.CheckConstraint(
                condition=Q(deadline__lte=F("meeting_date")),
                name="steering_round_deadline_before_meeting",
            ),
        ]

    def __str__(self):
        return _("Steering group meeting of %(date)s") % {
            "date": self.meeting_date.strftime("%d-%m-%Y")
        }

    def get_absolute_url(self):
        return reverse("plan:round-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def count_statuses(self) -> dict[str, int]:
        """Its accepted updates per status, counted in SQL (kept in status_counts at closing)."""
        return dict(
            self.updates.accepted().order_by().values_list("status").annotate(n=Count("pk"))
        )

    def clean(self):
        if self.deadline and self.meeting_date and self.deadline > self.meeting_date:
            raise ValidationError(
                {"deadline": _("The deadline must be on or before the meeting date.")}
            )


class SteeringRoundEvent(models.Model):
    """A round closed or reopened: who, when and (for reopening) why."""

    class Action(models.TextChoices):
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")

    steering_round = models.ForeignKey(
        SteeringRound, models.CASCADE, related_name="events", verbose_name=_("update round")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by")
    )
    taken = models.DateTimeField(_("when"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        verbose_name = _("round event")
        verbose_name_plural = _("round events")
        ordering = ["steering_round", "taken", "pk"]

    def __str__(self):
        return f"{self.steering_round}: {self.action}"


class ProgressUpdateQuerySet(models.QuerySet):
    def accepted(self):
        """The updates that count: what the dashboard, the report and the public page show."""
        return self.filter(state=ProgressUpdate.State.ACCEPTED)

    def awaiting_review(self):
        return self.filter(state=ProgressUpdate.State.SUBMITTED)

    def sent(self):
        """Submitted by the lead and not returned: awaiting review or accepted."""
        return self.filter(state__in=ProgressUpdate.SENT)


class ProgressUpdate(PythonCheckedConstraints, models.Model):
    """A lead's report on one effort for one round. The lead writes it as a draft and submits
    it; the programme manager accepts it or returns it with a reason (never their own). Only
    accepting copies its status, progress and note onto the effort."""

    class State(models.TextChoices):
        CONCEPT = "concept", _("Draft")  # nl: Concept
        SUBMITTED = "submitted", _("Submitted")  # nl: Ingediend
        ACCEPTED = "accepted", _("Accepted")  # nl: Geaccepteerd
        RETURNED = "returned", _("Returned")  # nl: Teruggestuurd

    SENT = (State.SUBMITTED, State.ACCEPTED)
    LEAD_MAY_CHANGE = (State.CONCEPT, State.RETURNED)

    effort = models.ForeignKey(
        Effort, models.CASCADE, related_name="updates", verbose_name=_("effort")
    )
    steering_round = models.ForeignKey(
        SteeringRound, models.PROTECT, related_name="updates", verbose_name=_("update round")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="progress_updates",
        verbose_name=_("author"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Effort.Status)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    note = models.TextField(_("progress note"), max_length=NOTE_MAX_LENGTH)
    next_steps = models.TextField(_("next steps"), blank=True, max_length=NOTE_MAX_LENGTH)
    risks = models.TextField(_("risks and issues"), blank=True, max_length=NOTE_MAX_LENGTH)
    state = models.CharField(_("review state"), max_length=10, choices=State, default=State.CONCEPT)
    created = models.DateTimeField(_("submitted"), default=timezone.now)
    updated = models.DateTimeField(_("last changed"), auto_now=True)

    objects = ProgressUpdateQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-steering_round__meeting_date", "effort"]
        indexes = [
            # the dashboard counts accepted updates per round and status from this index
            # alone, without reading the rows (at 100x four times faster on SQLite)
            models.Index(
                fields=["effort", "steering_round", "state", "status"],
                name="progress_update_counts",
            ),
            models.Index(fields=["steering_round", "state"], name="progress_update_round_state"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["effort", "steering_round"], name="progress_update_one_per_round"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="progress_update_progress_range"
            ),
        ]

    python_checked = frozenset({"progress_update_progress_range"})  # its MaxValueValidator

    def __str__(self):
        return f"{self.effort} – {self.steering_round}"

    @staticmethod
    def may_review(user) -> bool:
        """Reviewing is the programme manager's (and never of their own update)."""
        return user.is_authenticated and user.has_perm("plan.change_progressupdate")

    @property
    def is_accepted(self) -> bool:
        return self.state == self.State.ACCEPTED

    @property
    def awaits_review(self) -> bool:
        return self.state == self.State.SUBMITTED

    @property
    def lead_may_change(self) -> bool:
        return self.state in self.LEAD_MAY_CHANGE


class UpdateReview(models.Model):
    """One step of a progress update's review: submitted by the lead, accepted or returned
    (with the reason) by the programme manager; who and when."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    update = models.ForeignKey(
        ProgressUpdate, models.CASCADE, related_name="reviews", verbose_name=_("progress update")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by")
    )
    taken = models.DateTimeField(_("when"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["update", "taken", "pk"]

    def __str__(self):
        return f"{self.update}: {self.action}"


class MilestoneQuerySet(models.QuerySet):
    def overdue(self, today):
        """Past their due date and not done."""
        return self.filter(done__isnull=True, due__lt=today)


class Milestone(models.Model):
    """A dated step of an effort (mijlpaal); past its due date and not done, it makes the
    effort need attention."""

    effort = models.ForeignKey(
        Effort, models.CASCADE, related_name="milestones", verbose_name=_("effort")
    )
    title = models.CharField(_("title"), max_length=200)
    due = models.DateField(_("due date"))
    done = models.DateField(_("done on"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("owner"),
    )

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["effort", "due", "pk"]
        indexes = [models.Index(fields=["due"], name="milestone_due")]

    def __str__(self):
        return self.title

    def is_overdue(self, today) -> bool:
        return self.done is None and self.due < today


MONITOR_FIRST_YEAR, MONITOR_LAST_YEAR = 1900, 2200  # the years a monitor figure may have


class Indicator(models.Model):
    """A figure of the Monitor Internationalisering, kept with a value per year. The unit is
    the indicator's: every year is measured in the same unit, so years can be compared."""

    class Direction(models.TextChoices):
        UP = "up", _("Higher is better")
        DOWN = "down", _("Lower is better")
        NONE = "none", _("No desired direction")

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(
        _("unit"), max_length=50, blank=True, help_text=_("For example %, residents or euros.")
    )
    direction = models.CharField(
        _("desired direction"),
        max_length=4,
        choices=Direction,
        default=Direction.NONE,
        help_text=_("Which way the figure should go; a target is met in this direction."),
    )
    comparison_label = models.CharField(
        _("compared with"),
        max_length=100,
        blank=True,
        help_text=_("What the comparison figure is, for example the G4 average or Utrecht."),
    )
    goals = models.ManyToManyField(
        Goal, related_name="indicators", blank=True, verbose_name=_("goals it informs")
    )

    history = HistoricalRecords(m2m_fields=[goals])

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["name"]

    def __str__(self):
        return self.name


class IndicatorValue(models.Model):
    """An indicator's figure for one year, with the year's target and a comparison figure."""

    indicator = models.ForeignKey(
        Indicator, models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=200, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    comparison = models.DecimalField(
        _("comparison figure"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"], name="indicator_value_unique_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=MONITOR_FIRST_YEAR) & Q(year__lte=MONITOR_LAST_YEAR),
                name="indicator_value_year_range",
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {self.year}: {self.value}"


class PlanYear(models.Model):
    """One year's update of the plan and its annual report, taken through the approval chain
    of section 3.5; adopting freezes it."""

    State = ApprovalState

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="years", verbose_name=_("plan"))
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.CONCEPT)
    # Frozen on adoption; never written again.
    snapshot = models.JSONField(_("plan as adopted"), null=True, blank=True, editable=False)
    # The snapshot's plan and spearheads apart, and its efforts as AdoptedEffort rows: the
    # year's page reads those and a page of efforts, not the whole snapshot (3 MB at 100x).
    outline = models.JSONField(
        _("plan as adopted, without its efforts"), null=True, blank=True, editable=False
    )
    report_pdf = models.BinaryField(_("annual report as adopted"), null=True, editable=False)
    report_sha256 = models.CharField(_("SHA-256 of the report"), max_length=64, blank=True)
    adopted = models.DateTimeField(_("adopted"), null=True, blank=True)
    sent_to_council_on = models.DateField(_("sent to the council on"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan year")
        verbose_name_plural = _("plan years")
        ordering = ["plan", "year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="plan_year_unique_year"),
        ]

    def __str__(self):
        return _("Plan update %(year)s") % {"year": self.year}

    def get_absolute_url(self):
        return reverse("plan:year-detail", args=[self.year])

    @property
    def is_frozen(self) -> bool:
        return self.state in (self.State.ADOPTED, self.State.SENT_TO_COUNCIL)

    @property
    def next_step_label(self) -> str:
        """The state the next step along the chain leads to ("" once sent to the council)."""
        step = PLAN_YEAR_CHAIN.get(self.state)
        return self.State(step[0]).label if step else ""

    def moves_for(self, user) -> list[dict]:
        """The moves this user may make now (chain_moves); none in a closed plan."""
        if self.plan.is_closed:
            return []
        return chain_moves(self.state, user)


# state: (next state, the role that takes that step)
PLAN_YEAR_CHAIN = {
    PlanYear.State.CONCEPT: (PlanYear.State.ADVISED, Role.PROGRAMME_MANAGER),
    PlanYear.State.ADVISED: (PlanYear.State.ENDORSED, Role.CLIENT),
    PlanYear.State.ENDORSED: (PlanYear.State.REVIEWED, Role.DIRECTORS),
    PlanYear.State.REVIEWED: (PlanYear.State.ADOPTED, Role.ALDERMAN),
    PlanYear.State.ADOPTED: (PlanYear.State.SENT_TO_COUNCIL, Role.PROGRAMME_MANAGER),
}
# steps that cannot be undone: taken only after a confirmation page
PLAN_YEAR_IRREVERSIBLE = (PlanYear.State.ADOPTED, PlanYear.State.SENT_TO_COUNCIL)
# state: the reviewer whose turn it is, who may send the year back to draft with a reason
PLAN_YEAR_RETURNS = {
    PlanYear.State.ADVISED: Role.CLIENT,
    PlanYear.State.ENDORSED: Role.DIRECTORS,
    PlanYear.State.REVIEWED: Role.ALDERMAN,
}


def chain_moves(state: str, user) -> list[dict]:
    """The moves along the approval chain that this user may make from `state`, for a plan
    year and a new plan alike: at most one step forward (by the role whose turn it is) and,
    for a reviewer, sending it back to draft."""
    roles = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
    moves = []
    forward = PLAN_YEAR_CHAIN.get(state)
    if forward and forward[1] in roles:
        moves.append(
            {
                "to": forward[0],
                "label": ApprovalState(forward[0]).label,
                "back": False,
                "confirm": forward[0] in PLAN_YEAR_IRREVERSIBLE,
            }
        )
    if PLAN_YEAR_RETURNS.get(state) in roles:
        moves.append(
            {
                "to": ApprovalState.CONCEPT,
                "label": ApprovalState.CONCEPT.label,
                "back": True,
                "confirm": False,
            }
        )
    return moves


class AdoptedEffort(models.Model):
    """An effort as its plan year was adopted: one entry of the snapshot's efforts, in its
    order, as its own row so that the year's page reads a page of them. Written with the
    snapshot and never changed."""

    plan_year = models.ForeignKey(
        PlanYear, models.CASCADE, related_name="adopted_efforts", verbose_name=_("plan year")
    )
    position = models.PositiveIntegerField(_("position"))
    data = models.JSONField(_("effort as adopted"), editable=False)

    class Meta:
        verbose_name = _("adopted effort")
        verbose_name_plural = _("adopted efforts")
        ordering = ["plan_year", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "position"], name="adopted_effort_unique_position"
            ),
        ]

    def __str__(self):
        return f"{self.plan_year}: {self.data.get('code', '')}"


def adopted_rows(plan_year: PlanYear) -> list[AdoptedEffort]:
    """The AdoptedEffort rows of a year's snapshot, to store with it."""
    efforts = (plan_year.snapshot or {}).get("efforts", [])
    return [
        AdoptedEffort(plan_year=plan_year, position=position, data=effort)
        for position, effort in enumerate(efforts)
    ]


def snapshot_outline(snapshot: dict) -> dict:
    """The small parts of a snapshot, read without it: the plan and spearheads (the year's
    page shows them above its efforts) and the efforts per status (the next year's report
    compares with them)."""
    return {
        "plan": snapshot.get("plan"),
        "spearheads": snapshot.get("spearheads", []),
        "status_counts": snapshot_status_counts(snapshot),
    }


def snapshot_status_counts(snapshot: dict) -> dict[str, int]:
    """Efforts per status in an adopted year's snapshot: from the report it froze, or from
    the plan itself for a year adopted before reports were frozen."""
    counts = dict.fromkeys(Effort.Status.values, 0)
    for effort in (snapshot.get("report") or snapshot).get("efforts", []):
        counts[effort["status"]] = counts.get(effort["status"], 0) + 1
    return counts


class ChainStep(models.Model):
    """One move along the approval chain (or back to draft), with who, when and why."""

    from_state = models.CharField(_("from"), max_length=20, choices=ApprovalState)
    to_state = models.CharField(_("to"), max_length=20, choices=ApprovalState)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by")
    )
    taken = models.DateTimeField(_("when"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        abstract = True
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    @property
    def is_return(self) -> bool:
        return self.to_state == ApprovalState.CONCEPT


class PlanStep(ChainStep):
    """One move of a new plan along the chain."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="steps", verbose_name=_("plan"))

    class Meta(ChainStep.Meta):
        ordering = ["plan", "taken", "pk"]

    def __str__(self):
        return f"{self.plan}: {self.from_state} → {self.to_state}"


class PlanYearStep(ChainStep):
    """One move of a plan year along the chain (or back to draft), with who, when and why."""

    plan_year = models.ForeignKey(
        PlanYear, models.CASCADE, related_name="steps", verbose_name=_("plan year")
    )

    class Meta(ChainStep.Meta):
        ordering = ["plan_year", "taken", "pk"]

    def __str__(self):
        return f"{self.plan_year}: {self.from_state} → {self.to_state}"


class YearNarrative(models.Model):
    """What the annual report of a year says in words, written in the portal: the foreword
    (in the alderman's name), an introduction per spearhead (`SpearheadNarrative`) and the
    outlook. Formatted text, sanitised when stored (plan/richtext.py). Adoption freezes it
    with the report's data."""

    plan_year = models.OneToOneField(
        PlanYear, models.CASCADE, related_name="narrative", verbose_name=_("plan year")
    )
    foreword = models.TextField(_("foreword"), blank=True, max_length=TEXT_MAX_LENGTH)
    foreword_en = models.TextField(_("foreword in English"), blank=True, max_length=TEXT_MAX_LENGTH)
    outlook = models.TextField(_("outlook"), blank=True, max_length=TEXT_MAX_LENGTH)
    outlook_en = models.TextField(_("outlook in English"), blank=True, max_length=TEXT_MAX_LENGTH)
    # Raised by every save; a save based on an older version is refused (year_narrative_save).
    version = models.PositiveIntegerField(_("version"), default=1)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("annual report text")
        verbose_name_plural = _("annual report texts")

    def __str__(self):
        return str(self.plan_year)

    def save(self, *args, **kwargs):
        for field in ("foreword", "foreword_en", "outlook", "outlook_en"):
            setattr(self, field, richtext_clean(getattr(self, field)))
        super().save(*args, **kwargs)

    def foreword_html(self):
        return richtext_html(self.foreword)

    def outlook_html(self):
        return richtext_html(self.outlook)


class SpearheadNarrative(models.Model):
    """A spearhead's introduction in a year's report: what we achieved, what we learned."""

    narrative = models.ForeignKey(
        YearNarrative, models.CASCADE, related_name="spearheads", verbose_name=_("report text")
    )
    spearhead = models.ForeignKey(
        Spearhead, models.CASCADE, related_name="+", verbose_name=_("spearhead")
    )
    text = models.TextField(_("introduction"), blank=True, max_length=TEXT_MAX_LENGTH)
    text_en = models.TextField(_("introduction in English"), blank=True, max_length=TEXT_MAX_LENGTH)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("spearhead introduction")
        verbose_name_plural = _("spearhead introductions")
        ordering = ["narrative", "spearhead__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["narrative", "spearhead"], name="spearhead_narrative_unique"
            ),
        ]

    def __str__(self):
        return f"{self.narrative}: {self.spearhead}"

    def save(self, *args, **kwargs):
        self.text = richtext_clean(self.text)
        self.text_en = richtext_clean(self.text_en)
        super().save(*args, **kwargs)

    def text_html(self):
        return richtext_html(self.text)
