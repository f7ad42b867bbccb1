"""URLs for the benchmarks: the project's, plus a bare view as the floor to compare with."""

from django.shortcuts import render
from django.urls import include, path


def bare(request):
    """The cheapest real page: the base template, with session, user and menu."""
    return render(request, "base.html")


urlpatterns = [path("bench/bare/", bare), path("", include("leiden_intl.urls"))]
