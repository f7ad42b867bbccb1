"""Project-wide views."""

import hashlib
from datetime import timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from plan.roles import Role

# Where each role starts its work after logging in; everyone else sees the plan overview.
LANDING = {
    Role.STEERING_GROUP: "plan:my-efforts",
    Role.ALDERMAN: "reporting:dashboard",
    Role.DIRECTORS: "reporting:dashboard",
    Role.CLIENT: "reporting:dashboard",
}


def landing_url(user) -> str:
    roles = set(user.groups.values_list("name", flat=True))
    for role, url_name in LANDING.items():
        if role in roles:
            return resolve_url(url_name)
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    """Django's login form, and the button to log in with the OpenID Connect provider when
    one is configured. Without local passwords only the button is shown and a posted password
    is refused."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            local_passwords=settings.LOCAL_PASSWORDS,
            oidc_enabled=settings.OIDC_ENABLED,
            oidc_provider_name=settings.OIDC_PROVIDER_NAME,
        )

    def post(self, request, *args, **kwargs):
        if not settings.LOCAL_PASSWORDS:
            messages.error(request, _passwords_off_message())
            response = self.get(request, *args, **kwargs)
            response.status_code = 403
            return response
        return super().post(request, *args, **kwargs)

    def get_default_redirect_url(self):
        return landing_url(self.request.user)


def _passwords_off_message() -> str:
    return gettext("Logging in with a password is switched off. Log in with %(provider)s.") % {
        "provider": settings.OIDC_PROVIDER_NAME
    }


class LocalPasswordsMixin:
    """Refuses the password pages when the portal keeps no passwords (LOCAL_PASSWORDS=false)."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.LOCAL_PASSWORDS:
            return render(request, "403.html", {"reason": _passwords_off_message()}, status=403)
        return super().dispatch(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    """Django's logout; after an OpenID Connect login it goes on to the provider's
    end_session_endpoint, which ends the session there too and sends the browser back to the
    login page."""

    def post(self, request, *args, **kwargs):
        provider_url = import_string(settings.OIDC_OP_LOGOUT_URL_METHOD)(request)
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(provider_url) if provider_url else response


@method_decorator(login_not_required, name="dispatch")  # as Django's, whose dispatch this hides
class PasswordResetConfirmView(LocalPasswordsMixin, auth_views.PasswordResetConfirmView):
    pass


class PasswordChangeView(LocalPasswordsMixin, auth_views.PasswordChangeView):
    pass


# Password-reset mails per hour: to one address, and asked for from one client address (an
# office behind one address asks for several colleagues).
RESET_MAILS_PER_ADDRESS = 3
RESET_MAILS_PER_CLIENT = 10
RESET_WINDOW = 60 * 60  # seconds


@method_decorator(login_not_required, name="dispatch")  # as Django's, whose dispatch this hides
class PasswordResetView(LocalPasswordsMixin, auth_views.PasswordResetView):
    """Django's view, with a limit on the mails it sends. Over the limit the request is
    answered exactly as one for an unknown address: the same "if the address is known, we
    sent a mail" page, so the limit tells nobody which addresses exist."""

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().casefold()
        keys = [
            ("address", hashlib.sha256(email.encode()).hexdigest(), RESET_MAILS_PER_ADDRESS),
            ("client", get_client_ip_address(self.request) or "", RESET_MAILS_PER_CLIENT),
        ]
        counts = [_count(f"password-reset:{kind}:{key}") for kind, key, _limit in keys]
        if any(count > limit for count, (_k, _key, limit) in zip(counts, keys, strict=True)):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


def _count(key: str) -> int:
    """One more request for `key` in the current hour; returns the count so far."""
    cache.add(key, 0, timeout=RESET_WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=RESET_WINDOW)
        return 1


@login_not_required
def security_txt(request):
    """RFC 9116: where to report a vulnerability. Expires half a year ahead of every response
    (the RFC recommends less than a year)."""
    expires = (timezone.now() + timedelta(days=183)).replace(microsecond=0)
    lines = [
        f"Contact: mailto:{settings.SECURITY_CONTACT}",
        f"Expires: {expires.isoformat()}",
        "Preferred-Languages: nl, en",
        "Policy: https://www.leiden.nl/responsible-disclosure",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
