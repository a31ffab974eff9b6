"""Settings shared by every environment. Everything that differs comes from the environment.

Variables (documented in docs/configuration.md): DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS,
MITRA_VAR_DIR (where the SQLite database and uploads live; default ./var).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("MITRA_VAR_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    # modeltranslation must come before the admin (it patches admin classes).
    "modeltranslation",
    # The admin with the sign-in throttle and, where required, a second factor (accounts).
    "mitra.accounts.admin_site.MitraAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "django_countries",
    "django_bootstrap5",
    "bootstrap",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "mitra.core",
    "mitra.accounts",
    "mitra.organisations",
    "mitra.partnerships",
    "mitra.jobs",
    "mitra.risks",
    "mitra.goals",
    "mitra.finance",
    "mitra.benefits",
    "mitra.matching",
    "mitra.notifications",
    "mitra.coordination",
    "mitra.workplan",
    "mitra.results",
    "mitra.disputes",
    "mitra.disclosure",
    "mitra.imports",
]

MIDDLEWARE = [
    # first: an oversized body is refused before anything reads it
    "mitra.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # times in the reader's zone (WIB/WITA/WIT from their organisation's province)
    "mitra.core.middleware.ReaderTimeZoneMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "mitra.core.middleware.PermissionsPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "mitra.config.urls"
WSGI_APPLICATION = "mitra.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mitra.core.context_processors.mitra",
                "mitra.notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'mitra.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if not os.environ.get("DATABASE_URL"):
        VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Wait for a write lock instead of failing at once; WAL lets pages read while one writes.
    # IMMEDIATE: a transaction takes the write lock when it begins, so concurrent writers queue
    # behind the timeout; a deferred one that reads first fails at once ("database is locked")
    # when it tries to upgrade its lock, which the timeout does not cover.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
# Platform staff need a one-time code (an authenticator app) for the admin: on in production.
MITRA_ADMIN_OTP = env_bool("MITRA_ADMIN_OTP", False)
# Requests per client (or signed-in user) on what is costly and open to anyone
# (accounts.ratelimits): full downloads, searches, the feed.
MITRA_RATE_LIMITS = {"export": "30/m", "search": "120/m", "feed": "60/m"}
RATELIMIT_USE_CACHE = "default"
# Content-Security-Policy (django-csp): only Mitra's own scripts, styles, fonts and images; no
# inline script or style anywhere (bar widths are set by mitra.js, charts are sized by CSS).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
#: Browser features no page of Mitra uses, switched off for every page (core.middleware).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
# Reverse proxies in front of Mitra (each appending to X-Forwarded-For): the sign-in throttle
# then counts per real client, not per proxy (accounts.services.client_address). 0: none.
MITRA_TRUSTED_PROXIES = int(os.environ.get("MITRA_TRUSTED_PROXIES", "0"))
# Open data (mitra.disclosure): the OCID prefix registered with the Open Contracting Partnership
# (the default is a placeholder), the OC4IDS project prefix, the portal's public address for the
# absolute links in exports, and the publisher named in every package.
MITRA_OCID_PREFIX = os.environ.get("MITRA_OCID_PREFIX", "ocds-mitra00")
MITRA_OC4IDS_PREFIX = os.environ.get("MITRA_OC4IDS_PREFIX", "oc4ids-mitra0")
MITRA_PUBLIC_URL = os.environ.get("MITRA_PUBLIC_URL", "http://localhost:8000")
MITRA_PUBLISHER_NAME = os.environ.get("MITRA_PUBLISHER_NAME", "Mitra")
# The bulk files and the exports (docs/open-data.md, "Settings"; the defaults are those of
# disclosure.dumps, core.exports and jobs.exports, which a test compares). Empty: the default.
MITRA_OPEN_DATA_DIR = os.environ.get("MITRA_OPEN_DATA_DIR") or None  # <MEDIA_ROOT>/open-data
MITRA_OPEN_DATA_REFRESH_MINUTES = int(os.environ.get("MITRA_OPEN_DATA_REFRESH_MINUTES") or "15")
MITRA_EXPORT_STREAM_LIMIT = int(os.environ.get("MITRA_EXPORT_STREAM_LIMIT") or "5000")
MITRA_EXPORT_KEEP_DAYS = int(os.environ.get("MITRA_EXPORT_KEEP_DAYS") or "7")

# E-mail (notifications): the console in development (local.py), SMTP in production.py.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Mitra <noreply@localhost>")

# Background work: a queue in the database; `mitra db_worker` runs it (see README).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "partnerships:dashboard"
LOGOUT_REDIRECT_URL = "partnerships:dashboard"

# Indonesian by default, English by switch. The two are fixed: content is stored in columns
# (title_ind, title_en) by modeltranslation, which names Indonesian 'ind' because '_id' would
# clash with Django's foreign-key columns (deschler/django-modeltranslation #713).
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "id"
MODELTRANSLATION_LANGUAGES = ("id", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("id", "en"), "id": ("en",), "en": ("id",)}
# Kosovo has no ISO 3166-1 code; XK is the code the EU (CORDIS), the World Bank and most
# registers use for it. Without it one Kosovar partner refuses a whole import.
COUNTRIES_OVERRIDE = {"XK": _("Kosovo")}
TIME_ZONE = "Asia/Jakarta"
# Date and time formats with the zone's abbreviation (4 Des 2026 14.05 WIB): core/formats.
FORMAT_MODULE_PATH = ["mitra.core.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
MITRA_MAX_DOCUMENT_BYTES = 25 * 1024 * 1024
#: The largest request body Mitra reads at all (core.middleware): above the largest upload.
MITRA_MAX_REQUEST_BYTES = 32 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "mitra.core.middleware.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
#: Documents an organisation may keep in all its partnerships together (bytes); 0: no limit.
MITRA_ORGANISATION_STORAGE_BYTES = int(
    os.environ.get("MITRA_ORGANISATION_STORAGE_BYTES", str(2 * 1024**3))
)

SESSION_COOKIE_HTTPONLY = True
# A signed-in session lasts a working day (8 hours from sign-in; sign out ends it at once). An API
# token lasts MITRA_API_TOKEN_DAYS; its user lists and revokes them at /api/v1/auth/tokens.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

BOOTSTRAP5 = {
    # Served by the app itself from django-bootstrap-static: no CDN (intranets often have none).
    "css_url": {"url": "/static/bootstrap/css/bootstrap.min.css"},
    "javascript_url": {"url": "/static/bootstrap/js/bootstrap.bundle.min.js"},
    "set_placeholder": False,
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 100

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
