"""Settings for the test suite: fast hashing, no var/ secret written, the database from DATABASE_URL."""

from __future__ import annotations

from .base import *  # noqa: F403

SECRET_KEY = "tests-only-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "loggers": {"splink": {"level": "ERROR"}}}
# pytest-django's live server serves static files itself; WhiteNoise would only warn that var/static is absent.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405

# The audit log refuses TRUNCATE on PostgreSQL (privacy migration 0004) unless the session says otherwise; Django
# empties test databases with TRUNCATE between transactional tests, so test connections say so. Never in production.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c tellus.allow_audit_truncate=on"  # noqa: F405

# Text messages are kept in memory (tellus.common.sms.outbox).
TELLUS_SMS_BACKEND = "tellus.common.sms.MemoryBackend"
