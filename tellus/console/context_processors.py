from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tellus.privacy.purposes import purposes_for, stated_in_session


def console(request: HttpRequest) -> dict[str, Any]:
    """The purpose bar under the header: the purpose stated in this session (or none yet), for staff who may state
    one."""
    user = getattr(request, "user", None)
    if not hasattr(request, "session") or user is None or not purposes_for(user):
        return {}
    return {"states_purposes": True, "current_purpose": stated_in_session(request)}


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The header's links: exactly the pages this member of staff's roles let them open."""
    from .navigation import navigation_links

    return {"console_navigation": navigation_links(getattr(request, "user", None))}
