"""The purpose of a request: why a member of staff is looking at or changing personal data.

This is the one place that reads it. A member of staff states a purpose in the console (kept in their session until
they change it or sign out) or, on the API, in the X-Tellus-Purpose header. Nothing is assumed: a request that needs
a purpose and has none stated raises PurposeNotStated, and a purpose the member of staff's roles do not allow
raises PurposeRefused. Which purposes each role may state is the permission matrix's (roles.ROLE_PURPOSES).

The console turns PurposeNotStated into a trip to the purpose page and back; the API turns both into a JSON 4xx.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from .models import Purpose
from .roles import ROLE_PURPOSES

PURPOSE_SESSION_KEY = "tellus_purpose"
PURPOSE_HEADER = "X-Tellus-Purpose"
# How the header is documented on every API endpoint that reads a person (an OpenAPI parameter object).
PURPOSE_PARAMETER = {
    "name": PURPOSE_HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Why you are reading this person's data, written on the audit entry; it must be a purpose your role may "
        "state. Without it, the purpose stated in the console session is used; with neither, the answer is 400."
    ),
    "schema": {"type": "string", "enum": [p for p in Purpose.values if p != Purpose.DATA_IMPORT]},
}

# Loading extracts is what commands do, never a person at the console or on the API.
STAFF_PURPOSES = tuple(purpose for purpose in Purpose if purpose != Purpose.DATA_IMPORT)

_CACHE = "_tellus_purposes_cache"


class PurposeError(Exception):
    """A request that needs a purpose cannot go ahead with the one it has (or has not) stated."""

    status = 400

    def __init__(self, message: str, *, needed: Purpose | None = None, api_detail: str = "") -> None:
        super().__init__(message)
        self.needed = needed
        self.api_detail = api_detail or message


class PurposeNotStated(PurposeError):
    """No purpose stated yet (or not the one this page needs): the member of staff must state one first."""


class PurposeRefused(PurposeError):
    """A purpose that does not exist, or that the member of staff's roles do not allow them to state."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


def purposes_for(user: Any) -> tuple[Purpose, ...]:
    """The purposes a user may state: those of every role they hold, in the order Purpose lists them.

    A superuser holds every permission in Django, so may state every staff purpose; no one else may state any
    purpose their roles do not give them, and someone with no role may state none."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return ()
    cached: tuple[Purpose, ...] | None = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    if user.is_superuser:
        allowed = STAFF_PURPOSES
    else:
        names = set(user.groups.values_list("name", flat=True))
        given = {purpose for role, purposes in ROLE_PURPOSES.items() if role in names for purpose in purposes}
        allowed = tuple(purpose for purpose in STAFF_PURPOSES if purpose in given)
    setattr(user, _CACHE, allowed)
    return allowed


def may_state(user: Any, purpose: Purpose | str) -> bool:
    try:
        return Purpose(purpose) in purposes_for(user)
    except ValueError:
        return False


def _allowed_text(user: Any) -> str:
    return ", ".join(purpose.value for purpose in purposes_for(user)) or _("none: your role gives you no purpose")


def stated_in_header(request: HttpRequest) -> Purpose | None:
    """The purpose in X-Tellus-Purpose, checked against the user's roles; None when the header is not sent.

    Raises PurposeRefused (400) for a value that is not a purpose, (403) for one the user may not state."""
    value = request.headers.get(PURPOSE_HEADER)
    if value is None:
        return None
    value = value.strip()
    if value not in Purpose.values or value == Purpose.DATA_IMPORT:
        raise PurposeRefused(
            _("%(header)s must be one of the purposes your role allows: %(allowed)s.")
            % {"header": PURPOSE_HEADER, "allowed": _allowed_text(request.user)},
            status=400,
        )
    purpose = Purpose(value)
    if not may_state(request.user, purpose):
        raise PurposeRefused(
            _("Your role does not allow the purpose %(purpose)s. %(header)s must be one of: %(allowed)s.")
            % {"purpose": purpose.value, "header": PURPOSE_HEADER, "allowed": _allowed_text(request.user)},
            status=403,
        )
    return purpose


def stated_in_session(request: HttpRequest) -> Purpose | None:
    """The purpose stated in this session, if there is one the user may still state (roles can change)."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    value = session.get(PURPOSE_SESSION_KEY)
    if value is None:
        return None
    if not may_state(request.user, value):
        del session[PURPOSE_SESSION_KEY]
        return None
    return Purpose(value)


def purpose_of(request: HttpRequest, *, needed: Purpose | None = None) -> Purpose:
    """The purpose of this request: the X-Tellus-Purpose header when it is sent, otherwise the purpose stated in
    the session. Call it before reading anyone's personal data; it never falls back to a default.

    `needed` is for pages that have only one reason to exist (reading an audit trail is a privacy review).
    Raises PurposeRefused for a header the user may not send, PurposeNotStated when nothing (or not the needed
    purpose) is stated."""
    header = stated_in_header(request)
    purpose = header or stated_in_session(request)
    if purpose is None:
        raise PurposeNotStated(
            _("State the purpose of your work before you look at anyone's records."),
            needed=needed,
            api_detail=_(
                "State the purpose of this request in the %(header)s header (one your role allows: %(allowed)s), "
                "or state it in the console first."
            )
            % {"header": PURPOSE_HEADER, "allowed": _allowed_text(request.user)},
        )
    if needed is not None and purpose != needed:
        if header is not None:
            raise PurposeRefused(
                _("This needs the purpose %(needed)s, not %(purpose)s.")
                % {"needed": needed.value, "purpose": purpose.value},
                status=403,
            )
        raise PurposeNotStated(
            _("This page is for %(needed)s. State that as your purpose to go on.") % {"needed": needed.label},
            needed=needed,
        )
    return purpose


def state_purpose(request: HttpRequest, purpose: Purpose | str) -> Purpose:
    """Remember the purpose for the rest of this session. Raises PurposeRefused for one the user may not state."""
    if not may_state(request.user, purpose):
        raise PurposeRefused(_("Your role does not allow that purpose."), status=403)
    chosen = Purpose(purpose)
    request.session[PURPOSE_SESSION_KEY] = chosen.value
    return chosen
