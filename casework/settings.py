"""Settings, read from the environment.

Variables: ``DATABASE_URL`` (default SQLite under ``var/``), ``CELERY_BROKER_URL``
(default: tasks run in-process), ``SECRET_KEY`` (required unless ``DEBUG``; the
demo creates one under ``var/``), ``DEBUG`` (demo only), ``ALLOWED_HOSTS``
(comma-separated); e-mail and the notification channels: ``EMAIL_BACKEND``,
``DEFAULT_FROM_EMAIL``, ``CASEWORK_BASE_URL``, ``NOTIFICATIONS_*`` (docs/notifications.md).
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CASEWORK_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DEBUG")
TESTING = "pytest" in sys.modules
# mypy's Django plugin imports these settings too; it needs no real key.
TYPE_CHECKING_RUN = "mypy" in sys.modules


def _local_secret_key() -> str:
    """The demo's own key: made once, kept under var/, never committed."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING or TYPE_CHECKING_RUN):
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
    SECRET_KEY = _local_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from here (no CDN)
    "axes",
    "guardian",
    "viewflow",
    "viewflow.workflow",
    "casework.accounts",
    "casework.org",
    "casework.people",
    "casework.ledger",
    "casework.calendar",
    "casework.cases",
    "casework.deadlines",
    "casework.district",
    "casework.hardship",
    "casework.bargaining",
    "casework.outreach",
    "casework.legalaid",
    "casework.honours",
    "casework.audit",
    "casework.reports",
    "casework.web",
    "permissions",
    "notifications",
    "flows",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "casework.web.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: it tells the user why they are back at the login page.
    "casework.web.middleware.SessionIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "casework.urls"
WSGI_APPLICATION = "casework.wsgi.application"

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
            ],
        },
    },
]

# Database: PostgreSQL in production and CI, SQLite under var/ for the demo.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'casework.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of
    # failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses logins while a user or address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "permissions.backends.ObjectGrantBackend",  # guardian grants, expiry honoured
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Tests create hundreds of logins; a deliberately slow hash only costs time there.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Languages: Simplified Chinese by default; Traditional Chinese and English.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", _("简体中文")),
    ("zh-hant", _("繁體中文")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Case documents live under MEDIA_ROOT (docs/documents.md). MEDIA_URL is
# never routed: files are served only by the scoped download view
# (/cases/<case>/documents/<document>/), never by the web server.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# The largest document accepted (bytes): 10 MB unless the environment says.
CASEWORK_UPLOAD_MAX_BYTES = int(os.environ.get("CASEWORK_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))

# Security: strict unless DEBUG (the demo on 127.0.0.1).
SESSION_COOKIE_SECURE = not DEBUG and not TESTING
CSRF_COOKIE_SECURE = not DEBUG and not TESTING
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", default=not DEBUG and not TESTING)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG or TESTING else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG and not TESTING
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_flag("BEHIND_TLS_PROXY") else None
SILENCED_SYSTEM_CHECKS = [
    # guardian's backend is replaced by permissions.backends.ObjectGrantBackend
    # (it honours grant expiry); guardian warns when its own is missing.
    "guardian.W001",
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]

# Celery: a real broker when configured; otherwise run tasks in-process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# E-mail: the console in the demo, memory in tests, SMTP (EMAIL_HOST …) when
# EMAIL_BACKEND says django.core.mail.backends.smtp.EmailBackend.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_flag("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "casework@localhost")
# The address of the site as users reach it: links in e-mails and webhooks.
CASEWORK_BASE_URL = os.environ.get("CASEWORK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Notifications (docs/notifications.md): the Celery queue of their tasks
# (empty: the default queue), retries with exponential backoff (base × 2^n
# seconds, capped), attempts per delivery, consecutive webhook failures before
# a subscriber is paused, the webhook request timeout, how old an undelivered
# message is before the sweep picks it up, and how long a publish to the
# broker may take before the request gives up on it (the sweep sends it later).
NOTIFICATIONS_QUEUE = os.environ.get("NOTIFICATIONS_QUEUE", "")
NOTIFICATIONS_RETRY_BASE_SECONDS = float(os.environ.get("NOTIFICATIONS_RETRY_BASE_SECONDS", "30"))
NOTIFICATIONS_RETRY_MAX_SECONDS = float(os.environ.get("NOTIFICATIONS_RETRY_MAX_SECONDS", "3600"))
NOTIFICATIONS_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATIONS_MAX_ATTEMPTS", "8"))
NOTIFICATIONS_PAUSE_AFTER_FAILURES = int(os.environ.get("NOTIFICATIONS_PAUSE_AFTER_FAILURES", "5"))
NOTIFICATIONS_WEBHOOK_TIMEOUT = float(os.environ.get("NOTIFICATIONS_WEBHOOK_TIMEOUT", "5"))
NOTIFICATIONS_SWEEP_AFTER_SECONDS = int(os.environ.get("NOTIFICATIONS_SWEEP_AFTER_SECONDS", "30"))
NOTIFICATIONS_PUBLISH_TIMEOUT = float(os.environ.get("NOTIFICATIONS_PUBLISH_TIMEOUT", "2"))

# REST API (the endpoints arrive with the access-control issue).
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "casework.api.schema.CaseworkSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["casework.api.parsers.JSONWithoutNul"],
    "DEFAULT_PAGINATION_CLASS": "casework.api.pagination.Pages",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "casework.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Casework API",
    "DESCRIPTION": "Trade-union casework: units, people, cases and their tasks, scoped to the caller.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come from drf-spectacular-sidecar, served from here: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Sign-in lockout (django-axes): a username from one address is locked after
# AXES_FAILURE_LIMIT failures for AXES_COOLOFF_MINUTES; one person's typos do
# not lock a shared office address for everyone. A success resets the count.
# Tests keep axes on: its attempts live in the database (AxesDatabaseHandler,
# no cache), so each test's rollback starts it clean.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "casework.web.errors.locked_out"  # 429, the page in the user's language
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, unless told how many reverse proxies stand
# in front (AXES_IPWARE_PROXY_COUNT) and which header they append to
# (AXES_IPWARE_META_PRECEDENCE_ORDER, default HTTP_X_FORWARDED_FOR). django-ipware
# is not installed, so casework.web.security.client_ip reads these itself.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_IPWARE_PROXY_COUNT", "0"))
AXES_IPWARE_META_PRECEDENCE_ORDER = env_list("AXES_IPWARE_META_PRECEDENCE_ORDER", "HTTP_X_FORWARDED_FOR")
AXES_CLIENT_IP_CALLABLE = "casework.web.security.client_ip"

# Sessions: a working day at most from sign-in (SESSION_COOKIE_AGE), ended by
# closing the browser, and ended after SESSION_IDLE_SECONDS without a request
# (casework.web.middleware.SessionIdleTimeoutMiddleware enforces both).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it
CSRF_FAILURE_VIEW = "casework.web.security.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): our own files only, no inline code.
# The one exception is the Swagger UI page (casework.web.security.swagger_ui_csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# guardian: no anonymous user row.
ANONYMOUS_USER_NAME = None
# Object grants carry a reason and an expiry (permissions.models.ObjectGrant).
GUARDIAN_USER_OBJ_PERMS_MODEL = "permissions.ObjectGrant"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
