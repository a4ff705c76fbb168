"""Settings for a developer's machine and for `tellus demo`: SQLite under var/ unless DATABASE_URL says otherwise."""

from __future__ import annotations

import os

from .base import *  # noqa: F403
from .base import SECRET_KEY, local_secret_key

if not SECRET_KEY:
    SECRET_KEY = local_secret_key()

# WhiteNoise looks for collected static files here; make sure the folder exists before `tellus serve` collects them.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# The demo sends no real email: each message (a resident's sign-in link, say) is a file under var/mail/.
EMAIL_BACKEND = os.environ.get("TELLUS_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")

# The demo's webhook receivers listen on 127.0.0.1 without TLS.
TELLUS_ONCE_ALLOW_HTTP = os.environ.get("TELLUS_ONCE_ALLOW_HTTP", "true").lower() == "true"
