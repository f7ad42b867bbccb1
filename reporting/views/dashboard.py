"""The alderman's dashboard: where the plan stands, in one screen."""

import hashlib
from urllib.parse import urlencode

from django import forms
from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from plan import pagecache
from plan.models import TargetGroup, Team
from plan.selectors import plan_current
from plan.widgets import DutchOptionsSelect

from .. import selectors

# The body is shared by everyone who asks for the same filters: it shows no one's own data.
# It is cached under the data's version token (plan/pagecache.py), so any change, a renamed
# team or person included, shows at once.
CACHE_SECONDS = 10 * 60


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
    today = timezone.localdate()
    key_data = repr(
        (
            pagecache.code_version(),
            pagecache.content_version(),
            translation.get_language(),
            today,
            sorted(request.GET.lists()),
        )
    )
    key = "dashboard:" + hashlib.sha256(key_data.encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        body = render_to_string(
            "reporting/_dashboard_body.html", _dashboard_context(request, today), request
        )
        cache.set(key, body, CACHE_SECONDS)
    return render(request, "reporting/dashboard.html", {"body": mark_safe(body)})  # noqa: S308


def _dashboard_context(request, today) -> dict:
    form = DashboardFilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    plan = plan_current()
    context = {"form": form, "plan": plan}
    if plan is not None:
        narrowed = {key: value for key, value in chosen.items() if value is not None}
        context.update(selectors.dashboard(plan=plan, today=today, **narrowed))
        # the effort list behind each block keeps the dashboard's narrowing
        context["narrowing"] = urlencode({key: value.pk for key, value in narrowed.items()})
    return context
