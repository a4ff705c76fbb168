"""Settings for a developer's machine and for `tellus demo`: SQLite under var/ unless DATABASE_URL says otherwise."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import SECRET_KEY, local_secret_key

if not SECRET_KEY:
    SECRET_KEY = local_secret_key()

# WhiteNoise looks for collected static files here; make sure the folder exists before `tellus serve` collects them.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
