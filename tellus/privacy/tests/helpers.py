"""Test helpers for the purpose of a signed-in test client's work."""

from __future__ import annotations

from django.test import Client

from tellus.privacy.models import Purpose
from tellus.privacy.purposes import PURPOSE_SESSION_KEY


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
