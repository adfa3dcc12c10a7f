"""Settings for Capacity Map, read from the environment (12-factor); see .env.example."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# The tests need no secret key, HTTPS or manifest static files. The flag is set explicitly, by
# the pytest plugin capacity_map/testing.py, never guessed from the command line.
TESTING = env_bool("DJANGO_TESTING", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        # A throwaway key for local development and tests only; production must set one.
        SECRET_KEY = "insecure-development-key-not-for-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for development).")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Ashwick Borough Council")
SERVICE_NAME = "Capacity Map"
# Where residents and groups write about their data or about accessibility.
COUNCIL_CONTACT_EMAIL = os.environ.get("COUNCIL_CONTACT_EMAIL", "capacity-map@ashwick.example.org")
# org-id.guide has no list for unregistered groups, so they get a council-internal identifier.
ORG_ID_INTERNAL_PREFIX = os.environ.get("ORG_ID_INTERNAL_PREFIX", "XI-CAPMAP")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "crispy_forms",
    "crispy_forms_gds",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "capacity_map",  # no models: its management commands (backup, restore)
    "services",
    "organisations",
    "surveys",
    "outbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "capacity_map.views.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Re-checks council-account sessions with the provider (capacity_map/oidc.py); idle while off.
    "capacity_map.oidc.SessionRecheckMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes must come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "capacity_map.urls"
WSGI_APPLICATION = "capacity_map.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "capacity_map.context_processors.council",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "capacity_map.oidc.PasswordBackend",
    "capacity_map.oidc.CouncilAccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# django-axes guards the password route only; the council's provider guards its own sign-in.
AXES_WHITELIST_CALLABLE = "capacity_map.oidc.axes_ignores_council_accounts"

# Staff sign-in with the council's own accounts through OpenID Connect (mozilla-django-oidc; see
# capacity_map/oidc.py and the README). Off unless the issuer, client id and secret are all set.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_ENABLED = bool(OIDC_ISSUER and OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET)
if (OIDC_ISSUER or OIDC_RP_CLIENT_ID or OIDC_RP_CLIENT_SECRET) and not OIDC_ENABLED:
    raise ImproperlyConfigured("Set all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET, or none.")
# The claim holding the user's groups (Entra ID: "groups", object ids) or app roles ("roles"),
# and which of its values make a council officer and which an administrator.
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
OIDC_OFFICER_GROUPS = env_list("OIDC_OFFICER_GROUPS")
OIDC_ADMIN_GROUPS = env_list("OIDC_ADMIN_GROUPS")
# A council-account session is re-checked with the provider this often: a disabled account or a
# removed group is locked out at the first page opened after it (15 minutes by default).
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = int(os.environ.get("OIDC_SESSION_RECHECK_SECONDS", "900"))
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
# Username and password sign-in: with OIDC on, for administrators only (break-glass), and off
# altogether with PASSWORD_SIGN_IN=0. Without OIDC it is the only way in, so always on.
PASSWORD_SIGN_IN = env_bool("PASSWORD_SIGN_IN", True)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Every email goes through the outbox (outbox/): written in the same transaction as the change
# that causes it, then sent by the task worker with this backend. GOV.UK Notify is used when
# NOTIFY_API_KEY is set; otherwise SMTP (the console in development).
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
# One Notify email template whose subject is ((subject)) and whose body is ((body)).
NOTIFY_TEMPLATE_ID = os.environ.get("NOTIFY_TEMPLATE_ID", "")
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
NOTIFY_REPLY_TO_ID = os.environ.get("NOTIFY_REPLY_TO_ID", "")
if NOTIFY_API_KEY and not NOTIFY_TEMPLATE_ID:
    raise ImproperlyConfigured("Set NOTIFY_TEMPLATE_ID as well as NOTIFY_API_KEY.")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "outbox.backends.NotifyEmailBackend"
    if NOTIFY_API_KEY
    else "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
# A mail server that hangs holds the worker no longer than this, never a web request.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "capacity-map@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MODERATOR_EMAILS = env_list("MODERATOR_EMAILS")
# The address emailed links start with, e.g. https://capacity-map.example.gov.uk
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The task worker (`manage.py db_worker`, django-tasks with its database backend) sends the outbox.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A failed send is tried again after 1, 2, 4 … minutes (at most an hour apart), this many times
# in all; then the email is marked failed for a moderator to see and send again.
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "10"))
OUTBOX_FIRST_RETRY_SECONDS = int(os.environ.get("OUTBOX_FIRST_RETRY_SECONDS", "60"))
# Checks /healthz runs besides the database and the cache: name -> function returning a dict
# with a "status" of "ok" or something else.
HEALTH_CHECKS = {"outbox": "outbox.selectors.outbox_health"}
# The health check reports a problem when an email has waited this long past its next attempt.
OUTBOX_STUCK_MINUTES = int(os.environ.get("OUTBOX_STUCK_MINUTES", "15"))
# A group whose record has not been confirmed for this long is emailed a fresh link, once.
FRESHNESS_REMINDER_DAYS = int(os.environ.get("FRESHNESS_REMINDER_DAYS", "335"))

IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Importing changes records and exporting shows them: neither is for staff without permission.
# (The admins in capacity_map/imports.py also require add permission to import.)
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# The admin's CSV/XLSX exports neutralise formulas in the resource (capacity_map/imports.py), as
# the matrix export does; the library's own escaping only drops one leading "=" and turns every
# cell into text. Characters a workbook cannot hold are replaced rather than failing the export.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

# Security: strict by default, relaxed only for local development over plain HTTP.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG and not TESTING
CSRF_COOKIE_SECURE = not DEBUG and not TESTING
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts only from this site (govuk-frontend's module and our two small files: no inline
# scripts). Inline styles are allowed for chart bar widths; nothing else is.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Public forms (group registration, residents' survey): sends per client address per window.
RATE_LIMIT_SUBMISSIONS = int(os.environ.get("RATE_LIMIT_SUBMISSIONS", "10"))
RATE_LIMIT_WINDOW_SECONDS = int(os.environ.get("RATE_LIMIT_WINDOW_SECONDS", "3600"))

# Rate-limit counts must be shared by every instance behind the load balancer, so production
# points REDIS_URL at Redis; one process (development, tests) can count in its own memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and not TESTING:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A cache that is down or hung costs a request at most about a second.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
