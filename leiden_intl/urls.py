from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from .account_views import (
    account_settings,
    notification_settings,
    token_create,
    token_revoke,
)
from .views import (
    LoginView,
    LogoutView,
    PasswordChangeView,
    PasswordResetConfirmView,
    PasswordResetView,
    security_txt,
)

urlpatterns = [
    path("", include("plan.urls")),
    path("", include("reporting.urls")),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/password_change/", PasswordChangeView.as_view(), name="password_change"),
    path("accounts/settings/", account_settings, name="account-settings"),
    path(
        "accounts/settings/notifications/",
        notification_settings,
        name="notification-settings",
    ),
    path("accounts/settings/tokens/", token_create, name="token-create"),
    path("accounts/settings/tokens/<int:pk>/revoke/", token_revoke, name="token-revoke"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("oidc/", include("leiden_intl.oidc_urls")),
    # the language switch works before logging in too (login, public page, statement)
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path(".well-known/security.txt", security_txt, name="security-txt"),
]
