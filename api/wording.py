"""Django's own Dutch for form messages that Django REST framework's catalogue words
differently. An installed app's catalogue takes precedence over Django's, so once
rest_framework is installed (for the API) every form of the portal would say "Dit veld is
vereist." instead of "Dit veld is verplicht.": these entries put Django's wording into our
catalogue, which takes precedence over both (tests/api/test_tokens.py checks one)."""

from django.utils.translation import gettext_noop

DJANGO_WORDING = [
    gettext_noop("This field is required."),
    gettext_noop("No file was submitted."),
    gettext_noop("Value must be valid JSON."),
]
