"""Endpoints for a logged-in user (personal token or the portal's session): the plan as it
stands now, with the same querysets and filters as the pages, so a user reads here exactly
what the pages show them. Read-only."""

import django_filters
from django.db.models import Prefetch, Q
from django.utils.cache import add_never_cache_headers, patch_cache_control
from rest_framework import viewsets

from plan.filters import EffortFilter
from plan.models import Effort, Goal, ProgressUpdate, Spearhead

from .selectors import efforts_link
from .serializers import EffortSerializer, ProgressUpdateSerializer, SpearheadSerializer


class PrivateMixin:
    """Answers for one user are kept by no browser or proxy cache."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True, no_store=True)
        return response


class EffortViewSet(PrivateMixin, viewsets.ReadOnlyModelViewSet):
    """The efforts as the effort list shows them (`/efforts/`), with its filters: `q`,
    `spearhead`, `goal`, `team`, `target_group` (ids), `status`, `is_priority`, `in_line`,
    `attention`, `overdue`. An effort's `id` is stable; its `code` ("S.N") is unique in its
    plan."""

    serializer_class = EffortSerializer
    filterset_class = EffortFilter
    # the efforts of the effort list (plan.views.pages.effort_list: every effort, filtered by
    # EffortFilter, in the model's order); their goals, partners and target groups are read
    # for the page only (selectors.efforts_link)
    queryset = Effort.objects.select_related("spearhead", "team", "lead")

    def paginate_queryset(self, queryset):
        return efforts_link(super().paginate_queryset(queryset))

    def get_object(self):
        return efforts_link([super().get_object()])[0]


class ProgressUpdateFilter(django_filters.FilterSet):
    class Meta:
        model = ProgressUpdate
        fields = ["effort", "steering_round", "status"]


class ProgressUpdateViewSet(PrivateMixin, viewsets.ReadOnlyModelViewSet):
    """Progress updates, newest round first, as the efforts' pages show them."""

    serializer_class = ProgressUpdateSerializer
    filterset_class = ProgressUpdateFilter
    queryset = ProgressUpdate.objects.select_related(
        "effort__spearhead", "steering_round", "author"
    ).order_by("-steering_round__meeting_date", "effort__spearhead__number", "effort__number")

    def get_queryset(self):
        """As the effort pages show them: accepted updates to everyone; the ones not (yet)
        accepted to who may write them (the lead, the team, the programme manager) and to
        the reviewer (plan.views.pages._updates_shown, Effort.can_edit)."""
        user = self.request.user
        updates = super().get_queryset()
        if ProgressUpdate.may_review(user) or user.has_perm("plan.change_effort"):
            return updates
        writes = Q(effort__lead=user) | Q(effort__team__members=user)
        return updates.filter(Q(state=ProgressUpdate.State.ACCEPTED) | writes).distinct()


class SpearheadViewSet(PrivateMixin, viewsets.ReadOnlyModelViewSet):
    """The spearheads with their goals (a goal's `id` is what the effort filter `goal`
    takes)."""

    serializer_class = SpearheadSerializer
    filter_backends = []
    queryset = Spearhead.objects.prefetch_related(
        Prefetch("goals", queryset=Goal.objects.select_related("spearhead").order_by("number"))
    ).order_by("-plan__start_year", "number")
