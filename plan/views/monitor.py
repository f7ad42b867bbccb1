"""The programme manager enters the Monitor's figures: indicators (unit, desired direction,
the goals they inform) and their values per year (value, target, comparison figure, source).
Everyone else is refused (403); everyone reads the figures on the dashboard, the goal pages
and in the annual report."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import periods, selectors
from ..forms import IndicatorForm, IndicatorValueForm
from ..models import Indicator, IndicatorValue
from ..monitor import format_figure
from ..widgets import bootstrap_classes


def _check(request) -> None:
    if not request.user.has_perm("plan.change_indicatorvalue"):
        raise PermissionDenied


def monitor(request):
    """The indicators with their latest value against its target."""
    _check(request)
    periods.plan_for_request(request)  # the indicators are shared; the menu keeps the plan
    rows = selectors.indicator_standings(Indicator.objects.order_by("name"))
    return render(request, "plan/monitor.html", {"rows": rows})


def indicator_create(request):
    _check(request)
    form = IndicatorForm(request.POST or None, plan=periods.plan_for_request(request))
    bootstrap_classes(form)
    if form.is_valid():
        indicator = form.save()
        messages.success(request, _("The indicator has been added; now enter its values."))
        return redirect("plan:indicator-edit", indicator.pk)
    context = {"form": form, "indicator": None}
    return render(request, "plan/indicator_form.html", context)


def indicator_edit(request, pk):
    """The indicator's own fields, and its values per year (each edited on its own page)."""
    _check(request)
    indicator = get_object_or_404(Indicator, pk=pk)
    plan = periods.plan_for_request(request)
    form = IndicatorForm(request.POST or None, instance=indicator, plan=plan)
    bootstrap_classes(form)
    if form.is_valid():
        form.save()
        messages.success(request, _("The indicator has been saved."))
        return redirect("plan:indicator-edit", indicator.pk)
    (row,) = selectors.indicator_standings([indicator])
    values = [
        {
            "pk": value.pk,
            "year": value.year,
            "source": value.source,
            **{
                name: format_figure(getattr(value, name), indicator.unit)
                for name in ("value", "target", "comparison")
            },
        }
        for value in indicator.values.order_by("-year")
    ]
    context = {
        "form": form,
        "indicator": indicator,
        "row": row,
        "values": values,
    }
    return render(request, "plan/indicator_form.html", context)


def indicator_value_create(request, pk):
    _check(request)
    indicator = get_object_or_404(Indicator, pk=pk)
    return _value_form(request, IndicatorValue(indicator=indicator))


def indicator_value_edit(request, pk):
    _check(request)
    value = get_object_or_404(IndicatorValue.objects.select_related("indicator"), pk=pk)
    return _value_form(request, value)


@require_POST
def indicator_value_delete(request, pk):
    """A value entered by mistake is deleted (its history keeps it)."""
    _check(request)
    value = get_object_or_404(IndicatorValue, pk=pk)
    value.delete()
    messages.success(request, _("The value for %(year)s has been deleted.") % {"year": value.year})
    return redirect(reverse("plan:indicator-edit", args=[value.indicator_id]) + "#values")


def _value_form(request, value: IndicatorValue):
    form = IndicatorValueForm(request.POST or None, instance=value)
    bootstrap_classes(form)
    if form.is_valid():
        form.save()
        messages.success(
            request,
            _("The value for %(year)s has been saved.") % {"year": form.cleaned_data["year"]},
        )
        return redirect(reverse("plan:indicator-edit", args=[value.indicator_id]) + "#values")
    context = {"form": form, "value": value, "indicator": value.indicator}
    return render(request, "plan/indicator_value_form.html", context)
