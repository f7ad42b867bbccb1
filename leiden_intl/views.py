"""Project-wide views."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils import timezone

from plan.roles import Role

# Where each role starts its work after logging in; everyone else sees the plan overview.
LANDING = {
    Role.STEERING_GROUP: "plan:my-efforts",
    Role.ALDERMAN: "reporting:dashboard",
    Role.DIRECTORS: "reporting:dashboard",
    Role.CLIENT: "reporting:dashboard",
}


class LoginView(auth_views.LoginView):
    def get_default_redirect_url(self):
        roles = set(self.request.user.groups.values_list("name", flat=True))
        for role, url_name in LANDING.items():
            if role in roles:
                return resolve_url(url_name)
        return super().get_default_redirect_url()


@login_not_required
def security_txt(request):
    """RFC 9116: where to report a vulnerability. Expires a year ahead of every response."""
    expires = (timezone.now() + timedelta(days=365)).replace(microsecond=0)
    lines = [
        f"Contact: mailto:{settings.SECURITY_CONTACT}",
        f"Expires: {expires.isoformat()}",
        "Preferred-Languages: nl, en",
        "Policy: https://www.leiden.nl/responsible-disclosure",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
