"""Spreadsheet exports of the effort list, filtered as the list is (any logged-in user)."""

from django.http import HttpResponse
from django.utils import timezone

from plan.filters import EffortFilter
from plan.models import Effort
from plan.selectors import plan_current

from .. import exports


def export_xlsx(request):
    content = exports.efforts_xlsx(efforts=_listed_efforts(request))
    return _download(content, extension="xlsx", content_type=exports.XLSX_CONTENT_TYPE)


def export_ods(request):
    content = exports.efforts_ods(efforts=_listed_efforts(request))
    return _download(content, extension="ods", content_type=exports.ODS_CONTENT_TYPE)


def _listed_efforts(request):
    """The efforts of the current plan that the effort list shows for the same GET filters."""
    efforts = Effort.objects.filter(spearhead__plan=plan_current())
    return EffortFilter(request.GET or None, queryset=efforts).qs


def _download(content: bytes, *, extension: str, content_type: str) -> HttpResponse:
    filename = f"inspanningen-{timezone.localdate():%Y-%m-%d}.{extension}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
