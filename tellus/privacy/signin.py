"""Staff sign-in: throttled and locked out by django-axes, and every sign-in, failure and lockout audited.

(Issue 11, criterion 3.) Axes counts failed sign-ins per username and IP address on every authenticate()
call, so the console's /login/ and admin's /admin/login/ share one count; after TELLUS_SIGNIN_FAILURE_LIMIT
failures the pair is locked out for TELLUS_SIGNIN_LOCKOUT_MINUTES. `tellus unlock USERNAME` lifts a lockout
early (audited). Sign-ins are audited by the sign-in forms below rather than on Django's user_logged_in signal,
because tests and the demo log users in without signing in.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import AuditAction, User
from .services import Actor
from .staff import staff_event_record

USERNAME_LIMIT = 150


def client_ip_address(request: HttpRequest) -> str:
    """The address a sign-in came from: REMOTE_ADDR, or behind a trusted proxy the address it saw
    (the last one in X-Forwarded-For, which the proxy appends and the client cannot forge)."""
    if getattr(settings, "TELLUS_SIGNIN_TRUST_X_FORWARDED_FOR", False):
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return str(request.META.get("REMOTE_ADDR", ""))


def _where(request: HttpRequest | None) -> str:
    path = getattr(request, "path", "") or ""
    return "admin" if path.startswith("/admin/") else "console"


def _account(username: str) -> User | None:
    return User.objects.filter(username=username).first() if username else None


def sign_in_record(*, request: HttpRequest | None, user: User, step: str = "password") -> None:
    staff_event_record(
        actor=Actor.for_user(user),
        action=AuditAction.SIGN_IN,
        user=user,
        context={
            "step": step,
            "where": _where(request),
            "ip_address": client_ip_address(request) if request is not None else "",
        },
    )


def sign_in_failure_record(*, request: HttpRequest | None, username: str, reason: str, step: str = "password") -> None:
    username = (username or "")[:USERNAME_LIMIT]
    account = _account(username)
    staff_event_record(
        actor=Actor(user=None, label=username or "(no username)"),
        action=AuditAction.SIGN_IN_FAILED,
        user=account,
        object_id=account.pk if account is not None else "",
        context={
            "username": username,
            "step": step,
            "reason": reason,
            "where": _where(request),
            "ip_address": client_ip_address(request) if request is not None else "",
        },
    )


class StaffAxesBackend(AxesStandaloneBackend):
    """Axes's backend, noting on the request when it refused an attempt because the sign-in is already locked,
    so the audit tells "wrong password" from "tried while locked out"."""

    def authenticate(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().authenticate(request, *args, **kwargs)
        except AxesBackendPermissionDenied:
            request.tellus_refused_while_locked = True  # type: ignore[attr-defined]
            raise


@receiver(user_login_failed, dispatch_uid="tellus_sign_in_failed")
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    locked = bool(getattr(request, "tellus_refused_while_locked", False))
    sign_in_failure_record(
        request=request,
        username=str(credentials.get("username", "")),
        reason="locked out" if locked else "wrong username or password",
    )


@receiver(user_locked_out, dispatch_uid="tellus_locked_out")
def _locked_out(sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any) -> None:
    if getattr(request, "tellus_refused_while_locked", False):
        return  # an attempt while already locked: its failure entry says so
    username = (username or "")[:USERNAME_LIMIT]
    account = _account(username)
    staff_event_record(
        actor=Actor(user=None, label=username or "(no username)"),
        action=AuditAction.LOCKED_OUT,
        user=account,
        object_id=account.pk if account is not None else "",
        context={
            "username": username,
            "ip_address": ip_address or "",
            "where": _where(request),
            "reason": f"{settings.AXES_FAILURE_LIMIT} failed sign-ins",
        },
    )


class AuditedSignInMixin:
    """A sign-in form that writes an audit entry when the password is right (the view then signs in)."""

    request: HttpRequest | None

    def confirm_login_allowed(self, user: Any) -> None:
        try:
            super().confirm_login_allowed(user)  # type: ignore[misc]
        except ValidationError as refusal:
            sign_in_failure_record(request=self.request, username=user.get_username(), reason=refusal.code or "refused")
            raise
        sign_in_record(request=self.request, user=user)


class StaffAuthenticationForm(AuditedSignInMixin, AuthenticationForm):
    """The console's sign-in form (/login/)."""


class StaffAdminAuthenticationForm(AuditedSignInMixin, AdminAuthenticationForm):
    """Admin's sign-in form (/admin/login/)."""


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The page a locked-out sign-in gets: 429, in the console's own look, saying how long and who can help."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
