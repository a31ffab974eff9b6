"""Test settings: the database comes from DATABASE_URL (SQLite file under a temp dir otherwise)."""

import os
import tempfile

from .base import *  # noqa: F403
from .base import DATABASES

SECRET_KEY = "test-secret-key-not-for-production"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="mitra-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
if not os.environ.get("DATABASE_URL"):
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
        # the same lock handling as the app's own SQLite (base.py): tests see what users see
        "OPTIONS": DATABASES["default"]["OPTIONS"],
    }
    # A file (not :memory:) so the live server's threads share it; one per process so that
    # parallel runs never collide.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"mitra-test-{os.getpid()}.sqlite3")
    }
STATIC_ROOT = tempfile.mkdtemp(prefix="mitra-test-static-")
# Jobs run as soon as their transaction commits, in the test's own thread.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# No rate limits unless a test sets one (the suite makes many requests from one address).
MITRA_RATE_LIMITS: dict[str, str] = {}
