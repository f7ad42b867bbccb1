"""`Authorization: Token <key>` (or `Bearer <key>`) with a personal token (api.models)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiToken, token_hash

SCHEMES = (b"token", b"bearer")


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in SCHEMES:
            return None  # no token: another class (the session) may know the user
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as: Authorization: Token <key>.")
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        token = (
            ApiToken.objects.active()
            .select_related("user")
            .filter(key_hash=token_hash(key), user__is_active=True)
            .order_by()
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid or was revoked."))
        token.touch(timezone.now())
        return token.user, token

    def authenticate_header(self, request):
        return 'Token realm="api"'
