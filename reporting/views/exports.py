"""Spreadsheet exports of the effort list (being written)."""

from django.http import Http404


def export_xlsx(request):
    raise Http404


def export_ods(request):
    raise Http404
