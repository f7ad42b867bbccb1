"""Project-wide views."""

from django.contrib.auth import views as auth_views
from django.shortcuts import resolve_url

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
