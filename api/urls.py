"""The API's URLs (under /api/): public endpoints of the adopted plan, endpoints of the plan
as it stands for a logged-in user, the OpenAPI schema and its documentation page.

All are exempt from LoginRequiredMiddleware, which would send a token client to the login
page: DRF checks access itself (401 without a valid token or session)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path

from . import views_docs, views_live, views_public

app_name = "api"


def public(view):
    return login_not_required(view.as_view())


def read(viewset, action):
    return login_not_required(viewset.as_view({"get": action}))


YEAR = "v1/public/years/<int:year>/"
urlpatterns = [
    path("schema/", login_not_required(views_docs.SchemaView.as_view()), name="schema"),
    path("docs/", login_not_required(views_docs.DocsView.as_view()), name="docs"),
    path("v1/public/years/", public(views_public.PublicYearList), name="public-year-list"),
    path(YEAR, public(views_public.PublicYearDetail), name="public-year-detail"),
    path(
        f"{YEAR}spearheads/",
        public(views_public.PublicSpearheadList),
        name="public-spearhead-list",
    ),
    path(f"{YEAR}goals/", public(views_public.PublicGoalList), name="public-goal-list"),
    path(f"{YEAR}efforts/", public(views_public.PublicEffortList), name="public-effort-list"),
    re_path(
        r"^v1/public/years/(?P<year>[0-9]+)/efforts/(?P<code>[0-9]+\.[0-9]+)/$",
        public(views_public.PublicEffortDetail),
        name="public-effort-detail",
    ),
    path(f"{YEAR}monitor/", public(views_public.PublicMonitorList), name="public-monitor-list"),
    path(f"{YEAR}report.pdf", public(views_public.PublicReportPdf), name="public-report-pdf"),
    path(f"{YEAR}plan.csv", public(views_public.PublicPlanCsv), name="public-year-csv"),
    path(f"{YEAR}plan.json", public(views_public.PublicPlanJson), name="public-year-json"),
    path("v1/public/plan.csv", public(views_public.PublicPlanCsv), name="public-latest-csv"),
    path("v1/public/plan.json", public(views_public.PublicPlanJson), name="public-latest-json"),
    path("v1/efforts/", read(views_live.EffortViewSet, "list"), name="effort-list"),
    path("v1/efforts/<int:pk>/", read(views_live.EffortViewSet, "retrieve"), name="effort-detail"),
    path("v1/updates/", read(views_live.ProgressUpdateViewSet, "list"), name="update-list"),
    path(
        "v1/updates/<int:pk>/",
        read(views_live.ProgressUpdateViewSet, "retrieve"),
        name="update-detail",
    ),
    path("v1/spearheads/", read(views_live.SpearheadViewSet, "list"), name="spearhead-list"),
    path(
        "v1/spearheads/<int:pk>/",
        read(views_live.SpearheadViewSet, "retrieve"),
        name="spearhead-detail",
    ),
]
