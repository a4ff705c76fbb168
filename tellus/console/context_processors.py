from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tellus.privacy.models import Purpose

PURPOSE_SESSION_KEY = "tellus_purpose"
DEFAULT_PURPOSE = Purpose.ENQUIRY


def current_purpose(request: HttpRequest) -> Purpose:
    value = request.session.get(PURPOSE_SESSION_KEY, DEFAULT_PURPOSE)
    try:
        return Purpose(value)
    except ValueError:
        return DEFAULT_PURPOSE


def console(request: HttpRequest) -> dict[str, Any]:
    if not hasattr(request, "session"):
        return {}
    return {"current_purpose": current_purpose(request), "purposes": Purpose.choices}
