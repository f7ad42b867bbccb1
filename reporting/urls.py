from django.urls import path

from .views import dashboard, evaluation, exports, report

app_name = "reporting"
urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/goals/", dashboard.dashboard_goals, name="dashboard-goals"),
    path("dashboard/changes/", dashboard.dashboard_changes, name="dashboard-changes"),
    path("dashboard/monitor/", dashboard.dashboard_monitor, name="dashboard-monitor"),
    path("evaluation/", evaluation.evaluation, name="evaluation"),
    path(
        "evaluation/spearheads/<int:pk>/conclusion/",
        evaluation.evaluation_conclusion,
        name="evaluation-conclusion",
    ),
    path("evaluation/pdf/", evaluation.evaluation_pdf, name="evaluation-pdf"),
    path("report/<int:year>/", report.annual_report, name="annual-report"),
    path(
        "report/<int:year>/spearhead/<int:number>/",
        report.annual_report,
        name="annual-report-chapter",
    ),
    path("report/<int:year>/pdf/", report.annual_report_pdf, name="annual-report-pdf"),
    path("export/efforts.xlsx", exports.export_xlsx, name="export-xlsx"),
    path("export/efforts.ods", exports.export_ods, name="export-ods"),
]
