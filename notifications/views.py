"""The digest section of "Mijn instellingen": digest on or off, and its language."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api.views_settings import account_settings

from .forms import preference_form


@require_POST
def notification_settings(request):
    form = preference_form(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, _("Your e-mail settings were not saved: see the form below."))
        return account_settings(request, notification_form=form, status=400)
    form.save()
    messages.success(request, _("Your e-mail settings have been saved."))
    return redirect("account-settings")
