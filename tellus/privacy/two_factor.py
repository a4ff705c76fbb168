"""Staff two-factor sign-in with django-otp (issue 13, criterion 8).

An authenticator app (TOTP) is the second factor; ten single-use recovery codes (django-otp's static device) are
the fallback when the phone is lost. Anyone may turn it on; privacy officers, administrators and superusers must:
until they have enrolled and verified in this session they reach nothing but the two-factor pages and sign-out.
Anyone who has enrolled verifies at every sign-in. Every enrolment, verification, failure, new set of recovery
codes, turning off and reset is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import roles
from .models import AuditAction, User
from .services import Actor
from .signin import sign_in_failure_record, sign_in_record
from .staff import staff_event_record

TWO_FACTOR_REQUIRED_ROLES = frozenset({roles.PRIVACY_OFFICER, roles.ADMINISTRATOR, roles.COUNTER_FRAUD})
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


class TwoFactorRefused(Exception):
    """A two-factor change that is not allowed; the message says why."""


def two_factor_required(user: Any) -> bool:
    """Whether the user's roles oblige them to sign in with a second factor."""
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.groups.filter(name__in=TWO_FACTOR_REQUIRED_ROLES).exists())


def two_factor_enrolled(user: Any) -> bool:
    return bool(user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def pending_app_device(user: User) -> TOTPDevice:
    """The authenticator-app device being set up (not yet confirmed): the same secret until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _two_factor_event(*, actor: User, user: User, before: str, after: str, change: str) -> None:
    staff_event_record(
        actor=Actor.for_user(actor),
        action=AuditAction.UPDATE,
        user=user,
        changes={"two_factor": [before, after]},
        context={"change": change},
    )


def two_factor_enrol(*, request: HttpRequest, user: User, token: str) -> list[str] | None:
    """Confirms the app being set up with a code from it. On success the session counts as verified and the new
    recovery codes are returned (shown once); on a wrong code returns None and audits the failure."""
    with transaction.atomic():
        device = pending_app_device(user)
        if not device.verify_token(token.strip().replace(" ", "")):
            sign_in_failure_record(
                request=request, username=user.get_username(), reason="wrong code while setting up", step="two_factor"
            )
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_replace(user)
        _two_factor_event(actor=user, user=user, before="off", after="on", change="two-factor turned on")
    otp_login(request, device)
    return codes


def two_factor_verify(*, request: HttpRequest, user: User, token: str) -> bool:
    """Checks a code from the app or a recovery code (used up) and marks the session verified. Audited either way;
    django-otp slows repeated wrong codes down per device."""
    token = token.strip().replace(" ", "").lower()
    with transaction.atomic():
        for device in (
            *TOTPDevice.objects.filter(user=user, confirmed=True),
            *StaticDevice.objects.filter(user=user, confirmed=True),
        ):
            if device.verify_token(token):  # django-otp refuses (and counts) while the device is throttled
                otp_login(request, device)
                kind = "recovery code" if isinstance(device, StaticDevice) else "authenticator app"
                sign_in_record(request=request, user=user, step=f"two_factor ({kind})")
                return True
        sign_in_failure_record(request=request, username=user.get_username(), reason="wrong code", step="two_factor")
    return False


def recovery_codes_renew(*, user: User) -> list[str]:
    with transaction.atomic():
        if not two_factor_enrolled(user):
            raise TwoFactorRefused("Turn on two-factor sign-in first.")
        codes = _recovery_codes_replace(user)
        _two_factor_event(actor=user, user=user, before="on", after="on", change="new recovery codes")
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_turn_off(*, user: User) -> None:
    """The holder turns it off; refused when their role requires it."""
    if two_factor_required(user):
        raise TwoFactorRefused("Your role requires two-factor sign-in, so it cannot be turned off.")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        _two_factor_event(actor=user, user=user, before="on", after="off", change="two-factor turned off")


def two_factor_reset(*, user: User, by: str, actor: User | None = None) -> int:
    """Removes every device of a user who lost theirs (on the server: `tellus two-factor-reset`; in the console, by
    an administrator as `actor`, where `staff.staff_two_factor_reset_allowed` permits). They set it up again at
    their next sign-in. Returns how many devices were removed."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
        staff_event_record(
            actor=Actor.system(by) if actor is None else Actor.for_user(actor),
            action=AuditAction.UPDATE,
            user=user,
            changes={"two_factor": ["on" if removed else "off", "off"]},
            context={"change": "two-factor reset", "devices_removed": removed},
        )
    return removed


# Enforcement


def two_factor_state(user: Any) -> tuple[bool, bool]:
    """(has a confirmed device, must have one), in one query: the middleware asks on every request of a signed-in
    user whose session is not verified."""
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            has_app=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            has_codes=Exists(StaticDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            in_role=Exists(Group.objects.filter(user=OuterRef("pk"), name__in=TWO_FACTOR_REQUIRED_ROLES)),
        )
        .values_list("has_app", "has_codes", "in_role", "is_superuser")
        .first()
    )
    if row is None:
        return False, False
    has_app, has_codes, in_role, is_superuser = row
    return bool(has_app or has_codes), bool(in_role or is_superuser)


EXEMPT_PREFIXES = ("/two-factor/", "/login/", "/logout/", "/static/", "/admin/login/", "/admin/logout/", "/open311/")


class TwoFactorMiddleware:
    """Signed-in staff who have enrolled, or whose role requires it, reach only the two-factor pages (and sign-out)
    until they verify in this session. Goes after django-otp's OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()
        ):
            has_device, required = two_factor_state(user)
            if has_device:
                return self._stop(request, "two_factor:verify")
            if required:
                return self._stop(request, "two_factor:setup")
        return self.get_response(request)

    @staticmethod
    def _stop(request: HttpRequest, to: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Two-factor sign-in is required: verify at /two-factor/ first."}, status=403)
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return HttpResponseRedirect(f"{reverse(to)}?{query}" if query else reverse(to))
