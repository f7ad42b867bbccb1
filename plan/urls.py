from django.urls import path

from . import views

app_name = "plan"
urlpatterns = [
    path("", views.plan_overview, name="overview"),
    path("healthz", views.healthz, name="healthz"),
    path("public/", views.public_plan, name="public-plan"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("spearheads/<int:pk>/", views.spearhead_detail, name="spearhead-detail"),
    path("goals/<int:pk>/", views.goal_detail, name="goal-detail"),
    path("efforts/", views.effort_list, name="effort-list"),
    path("efforts/import/", views.import_upload, name="import-upload"),
    path("efforts/import/preview/", views.import_preview, name="import-preview"),
    path("efforts/import/confirm/", views.import_confirm, name="import-confirm"),
    path("efforts/<int:pk>/", views.effort_detail, name="effort-detail"),
    path("efforts/<int:pk>/edit/", views.effort_edit, name="effort-edit"),
    path("efforts/<int:pk>/update/", views.update_create, name="update-create"),
    path("efforts/<int:pk>/milestones/new/", views.milestone_create, name="milestone-create"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone-edit"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone-done"),
    path("my-efforts/", views.my_efforts, name="my-efforts"),
    path("rounds/", views.round_list, name="round-list"),
    path("rounds/new/", views.round_create, name="round-create"),
    path("rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/meeting/", views.round_meeting, name="round-meeting"),
    path("rounds/<int:pk>/completeness/", views.round_completeness, name="round-completeness"),
    path("rounds/<int:pk>/accept/", views.round_accept, name="round-accept"),
    path("updates/<int:pk>/review/", views.update_review, name="update-review"),
    path("rounds/<int:pk>/reminders/", views.round_reminders, name="round-reminders"),
    path("rounds/<int:pk>/close/", views.round_close, name="round-close"),
    path("rounds/<int:pk>/reopen/", views.round_reopen, name="round-reopen"),
    path("rounds/<int:pk>/minutes/", views.round_minutes, name="round-minutes"),
    path("monitor/", views.monitor, name="monitor"),
    path("monitor/new/", views.indicator_create, name="indicator-create"),
    path("monitor/<int:pk>/", views.indicator_edit, name="indicator-edit"),
    path(
        "monitor/<int:pk>/values/new/", views.indicator_value_create, name="indicator-value-create"
    ),
    path("monitor/values/<int:pk>/", views.indicator_value_edit, name="indicator-value-edit"),
    path(
        "monitor/values/<int:pk>/delete/",
        views.indicator_value_delete,
        name="indicator-value-delete",
    ),
    path("years/", views.year_list, name="year-list"),
    path("years/start/", views.year_start, name="year-start"),
    path("years/<int:year>/", views.year_detail, name="year-detail"),
    path("years/<int:year>/transition/", views.year_transition, name="year-transition"),
    path("years/<int:year>/narrative/", views.year_narrative, name="year-narrative"),
    path("years/compare/<int:old>/<int:new>/", views.year_compare, name="year-compare"),
]
