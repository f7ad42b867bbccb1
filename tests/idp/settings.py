"""Settings of the test identity provider: its own database, users and sessions, apart from
the portal's, as an organisation's provider is."""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

DEBUG = False
SECRET_KEY = "test-identity-provider-only"  # noqa: S105
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.idp.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["IDP_DATABASE"]}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # a test's speed
USE_TZ = True
LOGIN_URL = "/login/"
OIDC_LOGIN_URL = "/login/"
OIDC_USERINFO = "tests.idp.claims.userinfo"
# The groups claim in the ID token only, not from the userinfo endpoint, as Entra ID sends it.
OIDC_IDTOKEN_PROCESSING_HOOK = "tests.idp.claims.id_token_with_groups"
# Where the test writes each provider user's groups: {"username": ["group", …]}.
IDP_GROUPS_FILE = os.environ["IDP_GROUPS_FILE"]
