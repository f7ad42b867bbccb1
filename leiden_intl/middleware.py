"""Request middleware of the project."""

from django.conf import settings
from django.utils import translation


class PermissionsPolicyMiddleware:
    """Every response tells the browser to refuse camera, microphone, location and other
    device features to the page: the portal uses none of them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class PrivateCacheMiddleware:
    """Pages and downloads behind the login are kept by no browser or proxy cache (a shared
    computer's back button, a proxy's disk): `Cache-Control: private, no-store`, unless the
    view set its own. Public views (marked login_not_required) and static files, which never
    reach this middleware, keep theirs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(request, "_behind_login", True)
            and "Cache-Control" not in response.headers
        ):
            response["Cache-Control"] = "private, no-store"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request._behind_login = getattr(view_func, "login_required", True)


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
