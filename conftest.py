"""Fixtures shared by every app's tests: one user per staff role, an outsider with no role, and `sign_in`, which
signs a user in to the test client and states (or, with purpose=None, does not state) the purpose of their work."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from tellus.privacy import roles
from tellus.privacy.models import Purpose
from tellus.privacy.tests.helpers import connect_verified_force_login, signed_in, with_two_factor
from tellus.privacy.two_factor import TWO_FACTOR_REQUIRED_ROLES

connect_verified_force_login()

pytest_plugins = ["tellus.testing.browser"]  # the `page` fixture and axe for every app's browser tests


def _user_with_role(django_user_model, username: str, role: str | None):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(username=username, password="correct-horse-battery")
    if role:
        roles.sync_roles()
        user.groups.add(Group.objects.get(name=role))
    if role in TWO_FACTOR_REQUIRED_ROLES:
        # These roles must sign in with two factors; force_login(user) gives a verified session.
        with_two_factor(user)
    return user


@pytest.fixture
def officer(django_user_model):  # type: ignore[no-untyped-def]
    return _user_with_role(django_user_model, "officer", roles.FRONT_LINE_OFFICER)


@pytest.fixture
def caseworker(django_user_model):  # type: ignore[no-untyped-def]
    return _user_with_role(django_user_model, "caseworker", roles.CASEWORKER)


@pytest.fixture
def analyst(django_user_model):  # type: ignore[no-untyped-def]
    return _user_with_role(django_user_model, "analyst", roles.ANALYST)


@pytest.fixture
def privacy_officer(django_user_model):  # type: ignore[no-untyped-def]
    return _user_with_role(django_user_model, "privacy", roles.PRIVACY_OFFICER)


@pytest.fixture
def administrator(django_user_model):  # type: ignore[no-untyped-def]
    return _user_with_role(django_user_model, "admin", roles.ADMINISTRATOR)


@pytest.fixture
def fraud_investigator(django_user_model):  # type: ignore[no-untyped-def]
    """Looks at people for a fraud investigation: looks the person is not shown, under an exemption."""
    return _user_with_role(django_user_model, "fraud", roles.COUNTER_FRAUD)


@pytest.fixture
def outsider(django_user_model):  # type: ignore[no-untyped-def]
    """Signed in, but with no role: must see nothing about anyone."""
    return _user_with_role(django_user_model, "outsider", None)


@pytest.fixture
def sign_in(client: Client) -> Callable[..., Client]:
    """sign_in(user, purpose=Purpose.CASEWORK): the test client, signed in as `user`, who has stated `purpose`.

    The purpose is always spelled out: Tellus has no default purpose, and purpose=None signs in without one."""

    def sign_in_as(user, *, purpose: Purpose | str | None) -> Client:  # type: ignore[no-untyped-def]
        return signed_in(client, user, purpose=purpose)

    return sign_in_as
