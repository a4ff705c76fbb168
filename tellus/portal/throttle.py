"""Throttling residents' sign-in. Failed attempts (a wrong password, a refused link, a wrong invitation code) go
to django-axes, the same store and policy that throttle staff sign-in; requests for sign-in links are counted here
per address and per network address, because asking for a link is not a failure."""

from __future__ import annotations

import datetime as dt

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from .models import SignInLinkRequest

RESIDENT_PREFIX = "resident:"


def _credentials(identifier: str) -> dict[str, str]:
    # Prefixed so a resident's address can never share a lockout with a staff username.
    return {"username": f"{RESIDENT_PREFIX}{identifier.strip().lower()}"}


def sign_in_allowed(request: HttpRequest, identifier: str) -> bool:
    return bool(AxesProxyHandler.is_allowed(request, _credentials(identifier)))


def sign_in_failed(request: HttpRequest, identifier: str) -> None:
    # Called directly rather than through Django's user_login_failed signal: a resident is not a staff user, and
    # receivers of that signal (staff sign-in auditing) must not count them as one.
    AxesProxyHandler.user_login_failed(sender=__name__, credentials=_credentials(identifier), request=request)


def client_address(request: HttpRequest) -> str:
    AxesProxyHandler.update_request(request)
    return str(getattr(request, "axes_ip_address", "") or "")


def link_request_allowed(*, email_digest: str, address: str, now: dt.datetime | None = None) -> bool:
    """Whether another link may be sent: at most a few per address in the link's lifetime, and a bounded number
    per network address in an hour (a council office's shared connection gets room for a queue of residents)."""
    now = now or timezone.now()
    window = now - dt.timedelta(minutes=settings.TELLUS_PORTAL_LINK_MINUTES)
    per_email = SignInLinkRequest.objects.filter(email_digest=email_digest, requested_at__gte=window).count()
    if per_email >= settings.TELLUS_PORTAL_LINKS_PER_EMAIL:
        return False
    hour = now - dt.timedelta(hours=1)
    per_address = SignInLinkRequest.objects.filter(client_address=address, requested_at__gte=hour).count()
    return not (address and per_address >= settings.TELLUS_PORTAL_LINKS_PER_NETWORK_ADDRESS_PER_HOUR)
