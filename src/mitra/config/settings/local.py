"""Local and demo use (`make run`): DEBUG on unless DEBUG=0, an insecure key if none is set."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, env_bool

DEBUG = env_bool("DEBUG", True)
WHITENOISE_USE_FINDERS = True
# Notification e-mails are printed on the console (`mitra runserver`), never sent.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
SECRET_KEY = SECRET_KEY or "django-insecure-local-only-never-in-production"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
