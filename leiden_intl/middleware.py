"""Request middleware of the project."""

from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Activate the language the user chose (cookie), else Dutch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language header: the
    portal is Dutch unless someone picks English with the language switch.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
