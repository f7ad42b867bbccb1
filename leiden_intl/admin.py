"""The admin site, with the portal's way in and out when staff sign in with OpenID Connect."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache


class PortalAdminSite(admin.AdminSite):
    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        """Without local passwords the admin's password form cannot work: the portal's login
        page, with the provider's button, brings the person back."""
        if not settings.LOCAL_PASSWORDS and not self.has_permission(request):
            next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
            return redirect_to_login(next_url)
        return super().login(request, extra_context)

    def logout(self, request, extra_context=None):
        """After an OpenID Connect sign-in, sign out at the provider too, as the portal does."""
        from .oidc import provider_logout_url
        from .views import LogoutView

        if request.method == "POST" and provider_logout_url(request):
            return LogoutView.as_view()(request)
        return super().logout(request, extra_context)
