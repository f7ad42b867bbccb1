from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TOKEN_NAME_MAX_LENGTH


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=TOKEN_NAME_MAX_LENGTH,
        help_text=_("What you use it for, e.g. “Open-data portal” or “Team spreadsheet”."),
    )
