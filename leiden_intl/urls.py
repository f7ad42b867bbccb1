from django.contrib import admin
from django.urls import include, path

from .views import LoginView, security_txt

urlpatterns = [
    path("", include("plan.urls")),
    path("", include("reporting.urls")),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path(".well-known/security.txt", security_txt, name="security-txt"),
]
