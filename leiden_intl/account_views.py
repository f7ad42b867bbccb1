"""The user's settings page ("Mijn instellingen"), which brings together two apps' settings:
the API tokens (make one, its key shown once; revoke one) and the e-mail digest (on or off,
and its language). Every view needs a login. It lives in the project, above both apps, so
neither imports the other."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api.forms import ApiTokenForm
from api.models import ACTIVE_TOKENS_PER_USER, ApiToken
from api.services import api_token_create
from notifications.forms import preference_form

NEW_KEY_SESSION = "api_new_token_key"  # the new key, from the POST to the page that shows it


def account_settings(request, form=None, status=200, notification_form=None):
    context = {
        "token_form": form or ApiTokenForm(),
        "notification_form": notification_form or preference_form(request.user),
        "tokens": ApiToken.objects.filter(user=request.user).order_by("-created", "-pk"),
        "new_key": request.session.pop(NEW_KEY_SESSION, None),  # shown once
        "token_limit": ACTIVE_TOKENS_PER_USER,
    }
    return render(request, "account_settings.html", context, status=status)


@require_POST
def token_create(request):
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, key = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("name", error)
        else:
            request.session[NEW_KEY_SESSION] = key
            messages.success(
                request,
                _("Token “%(name)s” has been made. Copy it now: it is shown only once.")
                % {"name": token.name},
            )
            return redirect("account-settings")
    return account_settings(request, form=form, status=400)


@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # only one's own
    token.revoke()
    messages.success(
        request,
        _("Token “%(name)s” has been revoked: it no longer gives access.") % {"name": token.name},
    )
    return redirect("account-settings")


@require_POST
def notification_settings(request):
    form = preference_form(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, _("Your e-mail settings were not saved: see the form below."))
        return account_settings(request, notification_form=form, status=400)
    form.save()
    messages.success(request, _("Your e-mail settings have been saved."))
    return redirect("account-settings")
