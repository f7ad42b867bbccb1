"""The alderman's dashboard: where the plan stands, in one screen."""

from urllib.parse import urlencode

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plan.content import content_lang
from plan.filters import filter_data
from plan.models import TargetGroup, Team
from plan.periods import plan_for_request, plan_is_current
from plan.widgets import DutchOptionsSelect, bootstrap_classes

from .. import selectors


class DashboardFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.all(),
        required=False,
        empty_label=_("All"),
        widget=DutchOptionsSelect,
    )
    target_group = forms.ModelChoiceField(
        label=_("Target group"),
        queryset=TargetGroup.objects.all(),
        required=False,
        empty_label=_("All"),
        widget=DutchOptionsSelect,
    )


def dashboard(request):
    context = _dashboard_context(request, timezone.localdate())
    return render(request, "reporting/dashboard.html", context)


def _dashboard_context(request, today) -> dict:
    form = DashboardFilterForm(filter_data(request.GET))
    bootstrap_classes(form)
    chosen = form.cleaned_data if form.is_valid() else {}
    plan = plan_for_request(request)
    context = {"form": form, "plan": plan, "content_lang": content_lang()}
    if plan is not None:
        narrowed = {key: value for key, value in chosen.items() if value is not None}
        context.update(selectors.dashboard(plan=plan, today=today, **narrowed))
        # the effort list behind each block keeps the dashboard's narrowing
        query = {key: value.pk for key, value in narrowed.items()}
        if not plan_is_current(request, plan):  # and the plan shown
            query["plan"] = plan.slug
        context["narrowing"] = urlencode(query)
    return context
