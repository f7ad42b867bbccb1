"""Spreadsheet exports of the effort list, filtered as the list is (any logged-in user)."""

from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone

from plan.filters import EffortFilter, filter_data
from plan.models import Effort
from plan.periods import plan_for_request

from .. import exports


def export_xlsx(request):
    effort_filter = _effort_filter(request)
    if effort_filter.is_bound and not effort_filter.is_valid():
        return _refused(effort_filter)
    content = exports.efforts_xlsx(efforts=effort_filter.qs)
    return _download(content, extension="xlsx", content_type=exports.XLSX_CONTENT_TYPE)


def export_ods(request):
    effort_filter = _effort_filter(request)
    if effort_filter.is_bound and not effort_filter.is_valid():
        return _refused(effort_filter)
    content = exports.efforts_ods(efforts=effort_filter.qs)
    return _download(content, extension="ods", content_type=exports.ODS_CONTENT_TYPE)


def _effort_filter(request) -> EffortFilter:
    """The efforts of the plan shown (`?plan=`, else the current one) that the effort list
    shows for the same GET filters."""
    plan = plan_for_request(request)
    efforts = Effort.objects.filter(spearhead__plan=plan)
    return EffortFilter(filter_data(request.GET), queryset=efforts, plan=plan)


def _refused(effort_filter: EffortFilter) -> HttpResponseBadRequest:
    """A filter the list would ignore (a search of too many words): say which, export nothing."""
    lines = [
        f"{effort_filter.form[name].label}: {message}"
        for name, messages in effort_filter.errors.items()
        for message in messages
    ]
    return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _download(content: bytes, *, extension: str, content_type: str) -> HttpResponse:
    filename = f"inspanningen-{timezone.localdate():%Y-%m-%d}.{extension}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
