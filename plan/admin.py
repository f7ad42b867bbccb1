"""Back office for the programme manager (Django admin)."""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .closing import PlanClosed
from .models import (
    Effort,
    Goal,
    Indicator,
    IndicatorValue,
    Partner,
    Plan,
    ProgressUpdate,
    Spearhead,
    SteeringRound,
    TargetGroup,
    Team,
)

admin.site.site_header = _("Internationalisation Leiden – back office")
admin.site.site_title = _("Internationalisation Leiden")
admin.site.index_title = _("Back office")


class ClosedPlanAdmin:
    """An object of a closed plan is shown read-only; saving or deleting it is refused with
    PlanClosed's message, as in the portal and the import. `plan_path` leads from
    the object to its plan ("" for the plan itself)."""

    plan_path = ""

    def plan_of(self, obj):
        for name in filter(None, self.plan_path.split("__")):
            obj = getattr(obj, name) if obj is not None else None
        return obj

    def _closed(self, obj) -> bool:
        plan = self.plan_of(obj) if obj is not None else None
        return plan is not None and plan.is_closed

    def has_change_permission(self, request, obj=None):
        return not self._closed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._closed(obj) and super().has_delete_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None:
            obj = self.get_object(request, object_id)
            if self._closed(obj):
                closed = PlanClosed(self.plan_of(obj))
                if request.method == "POST":
                    raise closed
                self.message_user(request, closed.message, messages.WARNING)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if self._closed(obj):
            raise PlanClosed(self.plan_of(obj))
        return super().delete_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        services.ensure_plan_open(self.plan_of(obj))  # adding into a closed plan, too
        super().save_model(request, obj, form, change)


class SpearheadInline(admin.TabularInline):
    model = Spearhead
    extra = 0
    fields = ["number", "name", "ambition", "name_en", "ambition_en"]


@admin.register(Plan)
class PlanAdmin(ClosedPlanAdmin, admin.ModelAdmin):
    list_display = ["title", "slug", "start_year", "end_year", "state", "closed"]
    search_fields = ["title", "ambition"]
    inlines = [SpearheadInline]


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0
    fields = ["number", "text", "text_en"]


class EffortAdminForm(forms.ModelForm):
    """An effort in the admin carries the version it was loaded with, like the portal's form:
    saving over someone else's later save is refused, naming what they changed.

    The admin's change view validates and saves in one transaction, so the row locked here
    stays locked until the save (services.effort_lock)."""

    version = forms.IntegerField(label=_("version"), widget=forms.HiddenInput, required=False)
    check_unchanged = True  # the change form saves every field, even unchanged ones

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None or not (self.check_unchanged or self.has_changed()):
            return cleaned_data
        try:
            services.effort_lock(effort=self.instance, loaded_version=cleaned_data.get("version"))
        except services.EditConflict as conflict:
            raise ValidationError(_conflict_message(conflict.changes), code="conflict") from None
        return cleaned_data


class EffortInlineForm(EffortAdminForm):
    check_unchanged = False  # a formset saves only the rows that changed


def _conflict_message(changes: list[dict]) -> str:
    if not changes:
        return gettext(
            "Someone else saved this effort after you opened it, so nothing was saved. "
            "Reload the page and make your changes again."
        )
    shown = "; ".join(
        gettext("%(field)s: “%(old)s” → “%(new)s” (by %(by)s)")
        % {**change, "field": capfirst(change["field"])}
        for change in changes
    )
    return gettext(
        "Someone else saved this effort after you opened it, so nothing was saved. Their "
        "changes: %(changes)s. Reload the page and make your changes again."
    ) % {"changes": shown}


class SpearheadEffortInline(admin.TabularInline):
    model = Effort
    form = EffortInlineForm
    extra = 0
    fields = ["number", "title", "team", "status", "progress", "is_priority", "in_line", "version"]
    show_change_link = True
    autocomplete_fields = ["team"]


@admin.register(Spearhead)
class SpearheadAdmin(ClosedPlanAdmin, admin.ModelAdmin):
    plan_path = "plan"
    list_display = ["number", "name", "plan"]
    list_display_links = ["number", "name"]
    list_filter = ["plan"]
    search_fields = ["name", "ambition"]
    list_select_related = ["plan"]
    inlines = [GoalInline, SpearheadEffortInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Effort:
            return super().save_formset(request, form, formset, change)
        # every save of an effort raises its version (the form checked it under a lock)
        efforts = formset.save(commit=False)
        for effort in formset.deleted_objects:
            effort.delete()
        for effort in efforts:
            if effort.pk is not None:
                effort.version += 1
            effort.save()
        formset.save_m2m()


@admin.register(Goal)
class GoalAdmin(ClosedPlanAdmin, SimpleHistoryAdmin):
    plan_path = "spearhead__plan"
    list_display = ["goal_code", "text", "spearhead", "effort_count"]
    list_display_links = ["goal_code", "text"]
    list_filter = ["spearhead"]
    search_fields = ["text", "spearhead__name"]
    list_select_related = ["spearhead"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(effort_total=Count("efforts"))

    @admin.display(description=_("number"), ordering="spearhead__number")
    def goal_code(self, goal):
        return goal.code

    @admin.display(description=_("efforts"), ordering="effort_total")
    def effort_count(self, goal):
        return goal.effort_total


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "effort_count", "member_count"]
    ordering = ["name"]  # the annotation below drops the model's ordering
    search_fields = ["name"]
    autocomplete_fields = ["members"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                effort_total=Count("efforts", distinct=True),
                member_total=Count("members", distinct=True),
            )
        )

    @admin.display(description=_("efforts"), ordering="effort_total")
    def effort_count(self, team):
        return team.effort_total

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, team):
        return team.member_total


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name"]


class ProgressUpdateInline(admin.TabularInline):
    model = ProgressUpdate
    extra = 0
    fields = ["steering_round", "status", "progress", "note", "author"]
    autocomplete_fields = ["author"]
    ordering = ["-steering_round__meeting_date"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("steering_round", "author")


def _status_action(status):
    def action(modeladmin, request, queryset):
        modeladmin.apply(
            request, queryset, lambda effort: effort.set_status(status, by=request.user)
        )

    action.__name__ = f"set_status_{status.value}"
    return admin.action(
        description=format_lazy(_("Set status to “{status}”"), status=status.label),
        permissions=["change"],
    )(action)


@admin.register(Effort)
class EffortAdmin(ClosedPlanAdmin, SimpleHistoryAdmin):
    plan_path = "spearhead__plan"
    list_display = [
        "effort_code",
        "title",
        "spearhead",
        "team",
        "status",
        "progress",
        "is_priority",
        "in_line",
    ]
    list_display_links = ["effort_code", "title"]
    list_filter = [
        "status",
        "is_priority",
        "in_line",
        "spearhead",
        "team",
        "target_groups",
        "steering_rounds",
    ]
    search_fields = ["title", "description", "team__name"]
    list_select_related = ["spearhead", "team"]
    autocomplete_fields = ["goals", "team", "lead", "partners", "target_groups"]
    show_full_result_count = False
    inlines = [ProgressUpdateInline]
    form = EffortAdminForm
    readonly_fields = ["version_shown"]
    actions = [
        "mark_priority",
        "mark_not_priority",
        *[_status_action(status) for status in Effort.Status],
    ]
    fieldsets = [
        (None, {"fields": ["spearhead", "number", "title", "description", "goals"]}),
        (_("In English"), {"fields": ["title_en", "description_en"]}),
        (_("Organisation"), {"fields": ["team", "lead", "partners", "target_groups"]}),
        (
            _("Context"),
            {"fields": ["international_role", "policy_relation", "financing"]},
        ),
        (
            _("Status and planning"),
            {
                "fields": [
                    "is_priority",
                    "in_line",
                    "status",
                    "progress",
                    "start",
                    "end",
                    "note",
                    "version_shown",
                    "version",  # hidden: the version the form was loaded with
                ]
            },
        ),
    ]

    @admin.display(description=_("number"), ordering="spearhead__number")
    def effort_code(self, effort):
        return effort.code

    def has_change_permission(self, request, obj=None):
        if obj is not None:  # can_edit: an editor, in an open plan
            return obj.can_edit(request.user) and super().has_change_permission(request)
        return super().has_change_permission(request)

    @admin.display(description=_("version"))
    def version_shown(self, effort):
        return effort.version

    def save_model(self, request, obj, form, change):
        if not change:  # ClosedPlanAdmin refuses a new effort in a closed plan
            return super().save_model(request, obj, form, change)
        # the same service as the portal: version checked (by the form, under the lock held
        # since), raised, history by this user, goals, partners and target groups saved
        services.effort_save(
            form=form, loaded_version=form.cleaned_data["version"], user=request.user
        )

    def save_related(self, request, form, formsets, change):
        if not change:  # a change's many-to-many fields were saved by services.effort_save
            form.save_m2m()
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @transaction.atomic
    def apply(self, request, queryset, change):
        """Run a model method on each selected effort the user may edit; report the rest.
        The efforts are locked (in pk order) and read fresh, so the version each change
        raises is the current one."""
        done = skipped = 0
        efforts = (
            Effort.objects.filter(pk__in=queryset.values("pk"))
            .select_related("team", "spearhead__plan")
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        for effort in efforts:
            if effort.can_edit(request.user):
                change(effort)
                done += 1
            else:
                skipped += 1
        self.message_user(
            request,
            ngettext("%(count)d effort changed.", "%(count)d efforts changed.", done)
            % {"count": done},
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d effort skipped: you may not change it.",
                    "%(count)d efforts skipped: you may not change them.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Mark as priority"), permissions=["change"])
    def mark_priority(self, request, queryset):
        self.apply(request, queryset, lambda effort: effort.set_priority(True, by=request.user))

    @admin.action(description=_("Mark as not a priority"), permissions=["change"])
    def mark_not_priority(self, request, queryset):
        self.apply(request, queryset, lambda effort: effort.set_priority(False, by=request.user))


@admin.register(SteeringRound)
class SteeringRoundAdmin(ClosedPlanAdmin, admin.ModelAdmin):
    plan_path = "plan"
    list_display = ["meeting_date", "deadline", "state"]
    list_filter = ["state"]
    search_fields = ["advice", "decisions"]
    date_hierarchy = "meeting_date"
    readonly_fields = ["opened", "closed", "opened_by"]
    filter_horizontal = ["efforts"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ClosedPlanAdmin, SimpleHistoryAdmin):
    plan_path = "steering_round__plan"
    list_display = ["effort", "steering_round", "status", "progress", "state", "author", "updated"]
    list_filter = ["steering_round", "status", "state"]
    # accepting goes through the review (services.progress_update_review), which puts the
    # update onto the effort; here the state is only shown
    readonly_fields = ["state"]
    search_fields = ["note", "effort__title"]
    list_select_related = ["effort__spearhead", "steering_round", "author"]
    autocomplete_fields = ["effort", "author"]
    show_full_result_count = False


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0
    fields = ["year", "value", "target", "comparison", "source"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "unit", "direction"]
    list_filter = ["direction"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["goals"]
    inlines = [IndicatorValueInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "value", "target", "comparison", "source"]
    list_filter = ["year", "indicator"]
    search_fields = ["indicator__name", "source"]
    list_select_related = ["indicator"]


# --- the audit trail of sign-ins (django-axes; settings.AXES_ENABLE_ADMIN is off) -------------


class AuditLogAdmin:
    """Records of logins, logouts and failed attempts are evidence: whoever has the view
    permission (the programme manager) reads them; nobody, not even a superuser, adds, changes
    or deletes them here. A locked-out user is unlocked by the cool-off time or with
    `manage.py axes_reset_username`."""

    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(AuditLogAdmin, axes_admin.AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(AuditLogAdmin, axes_admin.AccessFailureLogAdmin):
    pass


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AuditLogAdmin, axes_admin.AccessAttemptAdmin):
    pass
