"""Production: PostgreSQL through DATABASE_URL, HTTPS, secure cookies. `mitra serve` uses it."""

import os

from django.core.exceptions import ImproperlyConfigured

from ..caches import production_caches
from .base import *  # noqa: F403
from .base import DATABASES, SECRET_KEY, env_bool

DEBUG = env_bool("DEBUG", False)
if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a random string of at least 50 characters.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
# The admin asks platform staff for a one-time code too (accounts.admin_site); not switchable off.
MITRA_ADMIN_OTP = True
CSRF_COOKIE_SECURE = True

# Notification e-mails through an SMTP server (EMAIL_HOST empty: SMTP on localhost:25).
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))

# Caches in the database, the churning rate-limit counters apart from what must last
# (config.caches); `mitra migrate` makes their tables (as `mitra createcachetable` does).
CACHES = production_caches()
RATELIMIT_USE_CACHE = "ratelimit"
MITRA_PAGE_CACHE_SECONDS = int(os.environ.get("MITRA_PAGE_CACHE_SECONDS", "300"))

# The web server bounds every SQL statement (mitra.config.gunicorn sets 25 s): a slow page fails
# before it sends anything. Other commands (migrate, db_worker) leave it unset: no bound.
if os.environ.get("MITRA_STATEMENT_TIMEOUT_MS") and "postgresql" in DATABASES["default"]["ENGINE"]:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={int(os.environ['MITRA_STATEMENT_TIMEOUT_MS'])}"
    )
