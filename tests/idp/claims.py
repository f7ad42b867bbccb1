import json
from pathlib import Path

from django.conf import settings


def groups_of(user) -> list[str]:
    """The user's groups as the test last wrote them, read at each request."""
    return json.loads(Path(settings.IDP_GROUPS_FILE).read_text()).get(user.username, [])


def userinfo(claims, user):
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    claims["name"] = user.get_full_name()
    claims["email"] = user.email
    claims["email_verified"] = True
    return claims


def id_token_with_groups(id_token, user, **kwargs):
    """The `groups` claim, a list of names, as Entra ID puts it in the ID token."""
    return {**id_token, "groups": groups_of(user)}
