"""Settings for the Leiden internationalisation portal.

The only settings module. Every value that differs between a laptop, CI and production comes
from the environment; see README.md for the list.
"""

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
# The portal runs from its checkout: templates/, static/ and locale/ sit beside the code, not
# in the installed package, which `pip install .` puts in site-packages for the dependencies'
# sake. Started from elsewhere it would import that copy and serve no templates or Dutch.
if not (BASE_DIR / "templates").is_dir():
    raise ImproperlyConfigured(
        f"{BASE_DIR} has no templates/: run manage.py and gunicorn from the portal's checkout."
    )


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default).strip().lower()
    if value not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
        raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")
    return value in ("true", "1", "yes", "on")


def envint(name: str, default: str) -> int:
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def envmap(name: str) -> dict[str, str] | None:
    """A JSON object of strings to strings, e.g. {"7f3c…": "regiegroep"}; None when unset."""
    value = os.getenv(name, "").strip()
    if not value:
        return None
    try:
        mapping = json.loads(value)
    except ValueError:
        mapping = None
    if not isinstance(mapping, dict) or not all(
        isinstance(key, str) and isinstance(item, str) for key, item in mapping.items()
    ):
        raise ImproperlyConfigured(
            f'{name} must be a JSON object of names, e.g. {{"claim value": "name"}}, not {value!r}'
        )
    return mapping


def envrequired(name: str) -> str:
    value = os.getenv(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when OIDC_RP_CLIENT_ID is set.")
    return value


DEBUG = envbool("DEBUG", "false")

SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "leiden_intl.apps.PortalAdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "csp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our own static files
    "plan",
    "reporting",
    "api",
    "notifications",
]

MIDDLEWARE = [
    "leiden_intl.middleware.PermissionsPolicyMiddleware",  # first: static files get it too
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "leiden_intl.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "leiden_intl.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "leiden_intl.urls"
WSGI_APPLICATION = "leiden_intl.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "plan.context_processors.awaiting_decision",
                "plan.context_processors.plan_period",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(  # reads DATABASE_URL
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", "0"),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Staff sign in with the organisation's OpenID Connect provider (Entra ID, ADFS, …) when
# OIDC_RP_CLIENT_ID is set; the endpoints are those of the provider's
# /.well-known/openid-configuration. See leiden_intl/oidc.py and README.md.
OIDC_RP_CLIENT_ID = os.getenv("OIDC_RP_CLIENT_ID", "").strip()
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_PROVIDER_NAME = os.getenv("OIDC_PROVIDER_NAME", "OpenID Connect")
if OIDC_ENABLED:
    OIDC_RP_CLIENT_SECRET = envrequired("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = envrequired("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = envrequired("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = envrequired("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = envrequired("OIDC_OP_JWKS_ENDPOINT")
# The provider's end_session_endpoint: signing out of the portal signs out there too.
OIDC_OP_LOGOUT_ENDPOINT = os.getenv("OIDC_OP_LOGOUT_ENDPOINT", "").strip()
OIDC_OP_LOGOUT_URL_METHOD = "leiden_intl.oidc.provider_logout_url"
OIDC_STORE_ID_TOKEN = True  # the id_token_hint of that sign-out
OIDC_RP_SIGN_ALGO = os.getenv("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.getenv("OIDC_RP_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10  # seconds for each call to the provider
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc:callback"
# Which claims carry the groups or roles, and how their values map to the portal's roles and
# teams: by default a value that is a role's code ("regiegroep") is that role and
# "team:<name>" is the team of that name; OIDC_ROLE_MAP and OIDC_TEAM_MAP replace that with
# explicit maps, e.g. from Entra ID group object ids.
OIDC_GROUPS_CLAIMS = envlist("OIDC_GROUPS_CLAIM", "groups")
OIDC_ROLE_MAP = envmap("OIDC_ROLE_MAP")  # None: the role codes themselves
OIDC_TEAM_MAP = envmap("OIDC_TEAM_MAP") or {}
OIDC_TEAM_PREFIX = os.getenv("OIDC_TEAM_PREFIX", "team:")
# Passwords kept in the portal (the demo users); production with OIDC switches them off.
LOCAL_PASSWORDS = envbool("LOCAL_PASSWORDS", "true")
if not (LOCAL_PASSWORDS or OIDC_ENABLED):
    raise ImproperlyConfigured("LOCAL_PASSWORDS=false needs OIDC_RP_CLIENT_ID, or nobody logs in.")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a login while it is locked out
    *(["leiden_intl.oidc.PortalOIDCBackend"] if OIDC_ENABLED else []),
    *(["leiden_intl.auth.PortalModelBackend"] if LOCAL_PASSWORDS else []),
]
# Five wrong passwords for one username from one address lock that pair out for an hour.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The audit trail of sign-ins: every login with its logout time (AccessLog) and every failed
# attempt (AccessFailureLog, kept although a good login resets the lockout count). The
# programme manager reads them in the admin; plan.admin registers them read-only for everyone.
AXES_DISABLE_ACCESS_LOG = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ENABLE_ADMIN = False
if envbool("BEHIND_PROXY", "false"):
    # Behind exactly one proxy, which appends the address it was contacted from to
    # X-Forwarded-For: only that last entry is the client. Anything before it was sent by the
    # client and is ignored (django-ipware: no further proxies listed in the header, and not
    # strict, so a chain with entries the client prepended still yields its last entry).
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    AXES_IPWARE_PROXY_ORDER = "left-most"
    AXES_IPWARE_PROXY_COUNT = 0
    IPWARE_STRICT = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "plan:overview"  # the login view picks a landing page per role
LOGOUT_REDIRECT_URL = "login"

# Dutch is the default; English only when the user chooses it (cookie), never from the
# browser's Accept-Language: staff browsers are often set to English.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]  # with Bootstrap in static/bootstrap/
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("STATIC_MANIFEST", "false")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not envbool("STATIC_MANIFEST", "false")
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"
# Uploaded files (the rounds' minutes, imports waiting for confirmation) go to S3-compatible
# object storage when S3_BUCKET is set, so that every app server sees the same files; else to
# MEDIA_ROOT. The bucket stays private: the portal streams each file to a user it has let in
# (plan.views.round_minutes) and hands out no links to the bucket.
S3_BUCKET = os.getenv("S3_BUCKET", "")
if S3_BUCKET:
    s3_options = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": os.getenv("S3_ENDPOINT_URL") or None,  # none: Amazon S3 itself
        "region_name": os.getenv("S3_REGION") or None,
        "location": os.getenv("S3_PREFIX", ""),  # a folder in the bucket
        "default_acl": None,  # the bucket's own (private) access rules
        "querystring_auth": True,  # were a link ever made, it would be signed
        "querystring_expire": 300,  # and expire after five minutes
        # A second file with a name already taken gets a name of its own, as on disk;
        # S3Storage would otherwise overwrite the other round's minutes.
        "file_overwrite": False,
    }
    # Without these, boto3 looks for credentials itself (AWS_ACCESS_KEY_ID, an instance role).
    if os.getenv("S3_ACCESS_KEY_ID"):
        s3_options["access_key"] = os.getenv("S3_ACCESS_KEY_ID")
        s3_options["secret_key"] = os.getenv("S3_SECRET_ACCESS_KEY", "")
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_options}

# The cache holds the password-reset limit's counters and the draft annual report's PDFs.
# With REDIS_URL every app server shares one Redis: the limit counts every server's mails and a
# PDF is rendered once for all. Without it each process keeps its own in memory.
REDIS_URL = os.getenv("REDIS_URL", "")
if REDIS_URL:
    if urlsplit(REDIS_URL).scheme not in ("redis", "rediss", "unix"):
        # (the address itself is not shown: it may hold a password)
        raise ImproperlyConfigured("REDIS_URL must be a redis://, rediss:// or unix:// address.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Portals sharing one Redis database (staging beside production) keep apart.
            "KEY_PREFIX": os.getenv("REDIS_KEY_PREFIX", "leiden_intl"),
            # A Redis that does not answer fails the request in seconds instead of hanging it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_BACKEND = os.getenv(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "internationalisering@leiden.nl")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SECURITY_CONTACT = os.getenv("SECURITY_CONTACT", "security@leiden.nl")
# Where people reach the portal: the start of every link in an e-mail (there is no request
# to take the host from when a command or a commit hook sends mail).
PORTAL_URL = os.getenv("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")

# Renders a plan year's annual report when it is adopted (plan does not import reporting).
PLAN_YEAR_REPORT = "reporting.report.plan_year_freeze"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Deployed behind HTTPS: redirect, secure cookies and HSTS. HTTPS=false is for the plain-HTTP
# development server and the test servers only.
HTTPS = envbool("HTTPS", "false" if DEBUG else "true")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000" if HTTPS else "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "true")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true")
if envbool("BEHIND_PROXY", "false"):  # the proxy terminates TLS and says so in this header
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(8 * 60 * 60))  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY_DENY = [  # features no page of the portal uses
    "accelerometer",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "usb",
    "xr-spatial-tracking",
]
SECURE_REFERRER_POLICY = "same-origin"

_logout_origin = [
    f"{parts.scheme}://{parts.netloc}"
    for parts in [urlsplit(OIDC_OP_LOGOUT_ENDPOINT)]
    if OIDC_ENABLED and parts.netloc
]
# Every script and style is a file of our own: no inline code, no other origins. The admin is
# left out: Django's admin pages carry inline styles.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # the charts are SVG data URIs
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # signing out redirects the logout form to the provider's end_session_endpoint
        "form-action": [SELF, *_logout_origin],
        "frame-ancestors": [NONE],
    },
}

# The open-data API (api/, README "API"): read-only JSON. Public endpoints serve what adopting a
# year froze; the others need a personal token (or the portal's session). Requests per client
# address (anonymous) or per user, counted in the default cache.
API_RATE_ANON = os.getenv("API_RATE_ANON", "60/minute")
API_RATE_USER = os.getenv("API_RATE_USER", "600/minute")
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 500
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",  # first: a 401 names the Token scheme
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],  # GET only
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],  # nothing is written
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonThrottle", "api.throttling.UserThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # the client's address for the anonymous rate: the proxy's last X-Forwarded-For entry
    # behind one proxy (as for the login lockout), else the connection's; never what the
    # client wrote in the header
    "NUM_PROXIES": 1 if envbool("BEHIND_PROXY", "false") else 0,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Internationalisering Leiden – open data API",
    "DESCRIPTION": (
        "Read-only. The public endpoints (/api/v1/public/) serve the multi-year plan as the "
        "alderman adopted it, year by year, with the annual report's PDF; no login. The other "
        "endpoints show the plan as it stands now, as the portal's pages show it to you: send "
        "a personal token from your settings page as `Authorization: Token <key>` "
        "(or `Bearer <key>`)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # no links nested in Swagger UI's operation buttons (axe: nested-interactive), and plain
    # examples (its highlighter's colours fall short of WCAG contrast)
    "SWAGGER_UI_SETTINGS": {
        "deepLinking": False,
        "persistAuthorization": False,
        "displayOperationId": False,
        "syntaxHighlight": {"activated": False},
    },
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}
