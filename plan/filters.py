"""The effort list's filters (django-filter)."""

import re

import django_filters
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms import GoalLabelChoiceField, NameChoiceField, SpearheadChoiceField
from .models import Effort, Goal, Milestone, Spearhead, TargetGroup, Team
from .widgets import DutchOptionsSelect, OneTemplateSelect, bootstrap_classes

YES_NO = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]
CODE = re.compile(r"^\s*(\d+)\.(\d+)\s*$")
MAX_SEARCH_LENGTH = 200  # characters
MAX_SEARCH_WORDS = 10  # each word is one more condition on three columns


def validate_search_words(value: str) -> None:
    if len(value.split()) > MAX_SEARCH_WORDS:
        raise ValidationError(
            _("Search for at most %(limit)s words.") % {"limit": MAX_SEARCH_WORDS},
            code="too_many_words",
        )


def filter_data(query_dict):
    """The filters asked for in a GET query, without the plan shown (`?plan=`), or None."""
    data = query_dict.copy()
    data.pop("plan", None)
    return data or None


class NameChoiceFilter(django_filters.ModelChoiceFilter):
    """Teams and target groups: the options read as names, no model instance per option (a
    plan at 100x has 400 teams)."""

    field_class = NameChoiceField


class SpearheadChoiceFilter(django_filters.ModelChoiceFilter):
    """Spearheads, their options read as values (number and name)."""

    field_class = SpearheadChoiceField


class GoalChoiceFilter(django_filters.ModelChoiceFilter):
    """Goals, their options read as values (code and text): no model instance per option
    and no server-side cursor, which ModelChoiceField's options open on PostgreSQL."""

    field_class = GoalLabelChoiceField


class EffortFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Number (e.g. 3.1), words from the title or description, or a team."),
        # A search that is too long is refused with a message beside the field and ignored.
        validators=[MaxLengthValidator(MAX_SEARCH_LENGTH), validate_search_words],
    )
    spearhead = SpearheadChoiceFilter(
        label=_("Spearhead"),
        queryset=Spearhead.objects.all(),
        empty_label=_("All"),
        widget=OneTemplateSelect,
    )
    goal = GoalChoiceFilter(
        label=_("Goal"),
        field_name="goals",
        queryset=Goal.objects.all(),
        empty_label=_("All"),
        widget=OneTemplateSelect,
    )
    team = NameChoiceFilter(
        label=_("Team"),
        queryset=Team.objects.all(),
        empty_label=_("All"),
        widget=DutchOptionsSelect,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Effort.Status.choices,
        empty_label=_("All"),
        widget=OneTemplateSelect,
    )
    is_priority = django_filters.BooleanFilter(
        label=_("Priority"), widget=OneTemplateSelect(choices=YES_NO)
    )
    in_line = django_filters.BooleanFilter(
        label=_("Carried by the line organisation"), widget=OneTemplateSelect(choices=YES_NO)
    )
    target_group = NameChoiceFilter(
        label=_("Target group"),
        field_name="target_groups",
        queryset=TargetGroup.objects.all(),
        empty_label=_("All"),
        widget=DutchOptionsSelect,
    )

    attention = django_filters.BooleanFilter(
        label=_("Needs attention (at risk, delayed or a milestone overdue)"),
        method="needs_attention",
        widget=OneTemplateSelect(choices=YES_NO),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Past its end date and not finished"),
        method="past_end",
        widget=OneTemplateSelect(choices=YES_NO),
    )

    class Meta:
        model = Effort
        fields = ["q", "spearhead", "goal", "team", "status", "is_priority", "in_line"]

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None:  # offer only the spearheads and goals of the plan shown
            spearheads = self.filters["spearhead"]
            spearheads.queryset = spearheads.queryset.filter(plan=plan)
            goals = self.filters["goal"]
            goals.queryset = goals.queryset.filter(spearhead__plan=plan)

    @property
    def form(self):
        if not hasattr(self, "_form"):
            bootstrap_classes(super().form)
        return self._form

    def needs_attention(self, queryset, name, value):
        late = Milestone.objects.overdue(timezone.localdate()).filter(effort=OuterRef("pk"))
        attention = Q(status__in=[Effort.Status.AT_RISK, Effort.Status.DELAYED]) | Q(Exists(late))
        return queryset.filter(attention) if value else queryset.exclude(attention)

    def past_end(self, queryset, name, value):
        overdue = Q(pk__in=Effort.objects.overdue(timezone.localdate()).values("pk"))
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def search(self, queryset, name, value):
        match = CODE.match(value)
        if match:
            return queryset.filter(spearhead__number=int(match[1]), number=int(match[2]))
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(team__name__icontains=word)
            )
        return queryset
