"""Staff sign-in with OpenID Connect (mozilla-django-oidc), for Entra ID, ADFS or any provider.

A person is one portal account per `sub` claim (the provider's stable identifier for them),
username "oidc-<sub>". Their e-mail address is not used to find the account: a provider that
lets people choose their address would otherwise let them take over a local account.

At every sign-in their roles and teams are set again from the claims named in
OIDC_GROUPS_CLAIMS (README.md, "Configuration"), so someone who left a group has lost its role
by their next sign-in. Only the groups that are portal roles are touched; other groups an
administrator gave the account stay. Teams are all set from the claims, unless no team mapping
is configured (then they are kept for the back office to manage).
"""

import hashlib
import logging
import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from plan.models import Team
from plan.roles import Role

from .auth import OnePermissionQuery
from .views import landing_url

logger = logging.getLogger(__name__)

USERNAME_PREFIX = "oidc-"
# What Django's username validator accepts, leaving room for the prefix.
PLAIN_SUB = re.compile(r"^[\w.@+-]{1,140}\Z")


def username_for(sub: str) -> str:
    """The portal username of the person the provider calls `sub`: the sub itself when it is
    a valid username, otherwise its SHA-256 (Entra ID's and ADFS's subs are plain)."""
    if PLAIN_SUB.match(sub):
        return USERNAME_PREFIX + sub
    return USERNAME_PREFIX + hashlib.sha256(sub.encode()).hexdigest()


def claim_values(claims: dict) -> list[str]:
    """The values of the group or role claims; a provider may send one value as a string."""
    values = []
    for name in settings.OIDC_GROUPS_CLAIMS:
        value = claims.get(name) or []
        values += [value] if isinstance(value, str) else [str(item) for item in value]
    return values


def role_map() -> dict[str, str]:
    mapping = settings.OIDC_ROLE_MAP
    if mapping is None:
        return {role: role for role in Role.values}
    unknown = set(mapping.values()) - set(Role.values)
    if unknown:
        raise ImproperlyConfigured(
            f"OIDC_ROLE_MAP names roles that do not exist: {sorted(unknown)}; "
            f"the roles are {Role.values}."
        )
    return mapping


def roles_and_teams(claims: dict) -> tuple[set[str], set[str] | None]:
    """The role codes and team names the claims give; teams None when teams are not mapped.
    Values that map to nothing are ignored."""
    roles_by_value = role_map()
    prefix = settings.OIDC_TEAM_PREFIX
    roles, teams = set(), set()
    for value in claim_values(claims):
        if value in roles_by_value:
            roles.add(roles_by_value[value])
        if value in settings.OIDC_TEAM_MAP:
            teams.add(settings.OIDC_TEAM_MAP[value])
        elif prefix and value.startswith(prefix):
            teams.add(value.removeprefix(prefix))
    teams_mapped = bool(prefix or settings.OIDC_TEAM_MAP)
    return roles, (teams if teams_mapped else None)


@transaction.atomic
def user_roles_apply(*, user, roles: set[str], team_names: set[str] | None) -> None:
    """Give `user` exactly these portal roles (and teams, unless None); other groups stay."""
    role_groups = list(Group.objects.filter(name__in=Role.values))
    user.groups.remove(*[group for group in role_groups if group.name not in roles])
    user.groups.add(*[group for group in role_groups if group.name in roles])
    if team_names is not None:
        teams = list(Team.objects.filter(name__in=team_names))
        unknown = team_names - {team.name for team in teams}
        if unknown:
            logger.warning("OIDC sign-in of %s: no teams named %s", user, sorted(unknown))
        user.teams.set(teams)
    is_staff = Role.PROGRAMME_MANAGER in roles  # the back office, as for the demo users
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


class PortalOIDCBackend(OnePermissionQuery, OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, finding people by `sub` and setting their roles."""

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud") or []
        if self.OIDC_RP_CLIENT_ID not in ([audience] if isinstance(audience, str) else audience):
            raise SuspiciousOperation("The ID token is not meant for this portal (aud).")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims with the userinfo endpoint's over them: Entra ID and ADFS put
        the groups in the ID token only."""
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo is about someone else than the ID token.")
        return {**payload, **userinfo}

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username=username_for(claims["sub"]))

    def create_user(self, claims):
        user = self.UserModel.objects.create_user(username_for(claims["sub"]))  # no password
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        details = {
            "first_name": str(claims.get("given_name") or "")[:150],
            "last_name": str(claims.get("family_name") or "")[:150],
            "email": str(claims.get("email") or "")[:254],
        }
        changed = [field for field, value in details.items() if getattr(user, field) != value]
        for field in changed:
            setattr(user, field, details[field])
        if changed:
            user.save(update_fields=changed)
        roles, team_names = roles_and_teams(claims)
        user_roles_apply(user=user, roles=roles, team_names=team_names)
        return user


def provider_logout_url(request) -> str | None:
    """Where to end the provider's session too (RP-initiated logout), then come back to the
    login page; None when the provider offers no end_session_endpoint or the session has no
    ID token (a password login). Read before the portal's session is flushed."""
    id_token = request.session.get("oidc_id_token")
    if not (settings.OIDC_ENABLED and settings.OIDC_OP_LOGOUT_ENDPOINT and id_token):
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
            "client_id": settings.OIDC_RP_CLIENT_ID,
        }
    )
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{query}"


class CallbackView(OIDCAuthenticationCallbackView):
    """Back from the provider: on to the page asked for, else the role's landing page."""

    @property
    def success_url(self):
        return self.request.session.get("oidc_login_next") or landing_url(self.request.user)

    def login_failure(self):
        messages.error(
            self.request,
            gettext("Logging in with %(provider)s did not succeed. Please try again.")
            % {"provider": settings.OIDC_PROVIDER_NAME},
        )
        return redirect("login")


def _when_enabled(view):
    @login_not_required
    def wrapped(request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404("OpenID Connect is not configured.")
        return view(request, *args, **kwargs)

    return wrapped


authenticate = _when_enabled(OIDCAuthenticationRequestView.as_view())
callback = _when_enabled(CallbackView.as_view())
