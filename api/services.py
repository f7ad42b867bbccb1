"""Making and revoking a user's API tokens."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import ACTIVE_TOKENS_PER_USER, ApiToken, token_hash


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its key, which is stored nowhere (only its
    hash is): the caller shows it once."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the token a name."))
    # the user's row is locked so that two requests at once cannot pass the limit together
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.active().filter(user=user).count() >= ACTIVE_TOKENS_PER_USER:
        raise ValidationError(
            _("You have %(limit)s active tokens: revoke one first.")
            % {"limit": ACTIVE_TOKENS_PER_USER}
        )
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=token_hash(key), key_start=key[:8]
    )
    return token, key
