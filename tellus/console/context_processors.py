from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tellus.privacy.models import Purpose

PURPOSE_SESSION_KEY = "tellus_purpose"
DEFAULT_PURPOSE = Purpose.ENQUIRY

# Loading extracts is done by commands, never by someone at the console.
STAFF_PURPOSES = [(value, label) for value, label in Purpose.choices if value != Purpose.DATA_IMPORT]


def current_purpose(request: HttpRequest) -> Purpose:
    value = request.session.get(PURPOSE_SESSION_KEY, DEFAULT_PURPOSE)
    try:
        return Purpose(value)
    except ValueError:
        return DEFAULT_PURPOSE


def console(request: HttpRequest) -> dict[str, Any]:
    if not hasattr(request, "session"):
        return {}
    return {"current_purpose": current_purpose(request), "purposes": STAFF_PURPOSES}
