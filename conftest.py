"""Fixtures shared by every app's tests: one signed-in user per staff role, and an outsider with no role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from tellus.privacy import roles

pytest_plugins = ["tellus.testing.browser"]  # the `page` fixture and axe for every app's browser tests


def _user_with_role(django_user_model, username: str, role: str | None):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(username=username, password="correct-horse-battery")
    if role:
        roles.sync_roles()
        user.groups.add(Group.objects.get(name=role))
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
def outsider(django_user_model):  # type: ignore[no-untyped-def]
    """Signed in, but with no role: must see nothing about anyone."""
    return _user_with_role(django_user_model, "outsider", None)
