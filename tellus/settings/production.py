"""Settings for a council's server. Refuses to start without a secret key given in the environment."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_list

if not os.environ.get("TELLUS_SECRET_KEY"):
    raise ImproperlyConfigured(
        "TELLUS_SECRET_KEY is not set. Production settings never make or read a key from disk: "
        "set TELLUS_SECRET_KEY in the environment (at least 50 random characters)."
    )
SECRET_KEY = os.environ["TELLUS_SECRET_KEY"]
DEBUG = env_bool("TELLUS_DEBUG", default=False)
ALLOWED_HOSTS = env_list("TELLUS_ALLOWED_HOSTS", [])

SECURE_SSL_REDIRECT = env_bool("TELLUS_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = int(os.environ.get("TELLUS_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("TELLUS_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
if env_bool("TELLUS_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
