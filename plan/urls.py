from django.urls import path

from . import views

app_name = "plan"
urlpatterns = [
    path("", views.plan_overview, name="overview"),
    path("healthz", views.healthz, name="healthz"),
    path("spearheads/<int:pk>/", views.spearhead_detail, name="spearhead-detail"),
    path("goals/<int:pk>/", views.goal_detail, name="goal-detail"),
    path("efforts/", views.effort_list, name="effort-list"),
    path("efforts/<int:pk>/", views.effort_detail, name="effort-detail"),
]
