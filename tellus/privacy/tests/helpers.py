"""Test helpers for staff accounts and for the purpose of a signed-in test client's work."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tellus.privacy.models import Purpose
from tellus.privacy.purposes import PURPOSE_SESSION_KEY


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


def state_purpose(client: Client, purpose: Purpose | str) -> Client:
    """What the purpose page does for a signed-in client: keep the purpose in its session."""
    session = client.session
    session[PURPOSE_SESSION_KEY] = Purpose(purpose).value
    session.save()
    return client


def signed_in(client: Client, user, *, purpose: Purpose | str | None) -> Client:  # type: ignore[no-untyped-def]
    """The client signed in as `user`, who has stated `purpose` (None: has not stated one yet)."""
    client.force_login(user)
    if purpose is not None:
        state_purpose(client, purpose)
    return client
