"""The annual report for the council (being written)."""

from django.http import Http404


def annual_report(request, year):
    raise Http404


def annual_report_pdf(request, year):
    raise Http404
