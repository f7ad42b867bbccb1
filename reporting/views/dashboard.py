"""The alderman's dashboard, in four pages under one tab bar: where the plan stands, the
coverage of the goals, what changed since the previous update round, and the Monitor
Internationalisering."""

from urllib.parse import urlencode

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plan.content import content_lang
from plan.filters import filter_data
from plan.forms import NameChoiceField
from plan.models import TargetGroup, Team
from plan.periods import plan_for_request, plan_is_current
from plan.widgets import DutchOptionsSelect, bootstrap_classes

from .. import selectors


class DashboardFilterForm(forms.Form):
    team = NameChoiceField(
        label=_("Team"),
        queryset=Team.objects.all(),
        required=False,
        empty_label=_("All"),
        widget=DutchOptionsSelect,
    )
    target_group = NameChoiceField(
        label=_("Target group"),
        queryset=TargetGroup.objects.all(),
        required=False,
        empty_label=_("All"),
        widget=DutchOptionsSelect,
    )


# the tab bar: (page, URL name, label, whether the team and target group narrow it)
TABS = [
    ("overview", "reporting:dashboard", _("Overview"), True),
    ("goals", "reporting:dashboard-goals", _("Goals"), True),
    ("changes", "reporting:dashboard-changes", _("Since the previous round"), True),
    ("monitor", "reporting:dashboard-monitor", _("Monitor"), False),  # city-wide
]


def dashboard(request):
    """Per spearhead, the priorities and what needs attention or is past its end date."""
    today = timezone.localdate()
    context = _dashboard_context(request, "overview", selectors.dashboard_overview, today=today)
    return render(request, "reporting/dashboard.html", context)


def dashboard_goals(request):
    """Which goals no running effort serves, and which are served by many."""
    context = _dashboard_context(request, "goals", selectors.dashboard_goals)
    return render(request, "reporting/dashboard_goals.html", context)


def dashboard_changes(request):
    """What changed since the previous update round, and the trend over the rounds."""
    context = _dashboard_context(request, "changes", selectors.dashboard_changes)
    return render(request, "reporting/dashboard_changes.html", context)


def dashboard_monitor(request):
    """The Monitor Internationalisering up to the plan's last year; the city's, so no team."""
    context = _dashboard_context(request, "monitor", selectors.dashboard_monitor)
    return render(request, "reporting/dashboard_monitor.html", context)


def _dashboard_context(request, page: str, selector, **arguments) -> dict:
    """The plan shown, the page's blocks from its selector (narrowed by the filter form when
    the page takes it), the tab bar, and `narrowing`: the query that the links to the effort
    list and to the other pages keep."""
    narrowable = next(narrows for name, _url, _label, narrows in TABS if name == page)
    plan = plan_for_request(request)
    # menu_section: the main menu marks "Dashboard" on every one of its pages
    context = {"plan": plan, "content_lang": content_lang(), "menu_section": "dashboard"}
    narrowed = {}
    if narrowable:
        form = DashboardFilterForm(filter_data(request.GET))
        bootstrap_classes(form)
        chosen = form.cleaned_data if form.is_valid() else {}
        narrowed = {key: value for key, value in chosen.items() if value is not None}
        context["form"] = form
    shown = {}  # the plan shown, when it is not the current one
    if plan is not None and not plan_is_current(request, plan):
        shown["plan"] = plan.slug
    query = {**{key: value.pk for key, value in narrowed.items()}, **shown}
    context["narrowing"] = urlencode(query)
    context["tabs"] = [
        {
            "url": _with_query(reverse(url), query if narrows else shown),
            "label": label,
            "current": name == page,
        }
        for name, url, label, narrows in TABS
    ]
    if plan is not None:
        context.update(selector(plan=plan, **arguments, **narrowed))
    return context


def _with_query(url: str, query: dict) -> str:
    return f"{url}?{urlencode(query)}" if query else url
