"""Test helpers for staff accounts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def with_two_factor(user: Any) -> Any:
    """Gives `user` a confirmed authenticator-app device, and marks this user object as verified with it, so that
    `client.force_login(user)` signs in a verified session."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    user.otp_device = device
    return user


def _verified_force_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # django-otp keeps `user.otp_device` in the session at login only when `request.user` exists, which the test
    # client's force_login request lacks; do the same for it. Connected by conftest.py, so tests only.
    device = getattr(user, "otp_device", None)
    if device is not None and device.user_id == user.pk and hasattr(request, "session"):
        request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id


def connect_verified_force_login() -> None:
    user_logged_in.connect(_verified_force_login, dispatch_uid="tellus_tests_verified_force_login", weak=False)
