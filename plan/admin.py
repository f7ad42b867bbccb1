"""Back office for the programme manager (Django admin)."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import (
    Effort,
    Goal,
    Indicator,
    IndicatorValue,
    Partner,
    Plan,
    Spearhead,
    TargetGroup,
    Team,
)

admin.site.site_header = _("Internationalisation Leiden – back office")
admin.site.site_title = _("Internationalisation Leiden")
admin.site.index_title = _("Back office")


class SpearheadInline(admin.TabularInline):
    model = Spearhead
    extra = 0
    fields = ["number", "name", "ambition"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "start_year", "end_year"]
    search_fields = ["title", "ambition"]
    inlines = [SpearheadInline]


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0
    fields = ["number", "text"]


class SpearheadEffortInline(admin.TabularInline):
    model = Effort
    extra = 0
    fields = ["number", "title", "team", "status", "progress", "is_priority", "in_line"]
    show_change_link = True
    autocomplete_fields = ["team"]


@admin.register(Spearhead)
class SpearheadAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "plan"]
    list_display_links = ["number", "name"]
    list_filter = ["plan"]
    search_fields = ["name", "ambition"]
    list_select_related = ["plan"]
    inlines = [GoalInline, SpearheadEffortInline]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
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


@admin.register(Effort)
class EffortAdmin(admin.ModelAdmin):
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
    list_filter = ["status", "is_priority", "in_line", "spearhead", "team", "target_groups"]
    search_fields = ["title", "description", "team__name"]
    list_select_related = ["spearhead", "team"]
    autocomplete_fields = ["goals", "team", "lead", "partners", "target_groups"]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["spearhead", "number", "title", "description", "goals"]}),
        (_("Organisation"), {"fields": ["team", "lead", "partners", "target_groups"]}),
        (
            _("Context"),
            {"fields": ["international_role", "policy_relation", "financing"]},
        ),
        (
            _("Status and planning"),
            {"fields": ["is_priority", "in_line", "status", "progress", "start", "end", "note"]},
        ),
    ]

    @admin.display(description=_("number"), ordering="spearhead__number")
    def effort_code(self, effort):
        return effort.code


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name", "description"]
    inlines = [IndicatorValueInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "year", "value", "unit", "source"]
    list_filter = ["year", "indicator"]
    search_fields = ["indicator__name", "source"]
    list_select_related = ["indicator"]
