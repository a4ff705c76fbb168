"""Staff roles are groups whose permissions follow the documented matrix."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from tellus.privacy import roles

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[3] / "docs" / "permissions.md"


def test_every_role_exists_as_a_group_after_migrating() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)


def test_each_group_has_exactly_the_permissions_of_its_role() -> None:
    roles.sync_roles()
    for role in roles.ROLES:
        group = Group.objects.get(name=role)
        actual = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert actual == roles.role_permissions(role), role


def test_an_analyst_cannot_open_individual_records(analyst) -> None:  # type: ignore[no-untyped-def]
    assert not analyst.has_perm("people.view_person")


def test_only_the_privacy_officer_sees_the_audit_log(officer, privacy_officer, administrator) -> None:  # type: ignore[no-untyped-def]
    assert privacy_officer.has_perm("privacy.view_auditevent")
    assert not officer.has_perm("privacy.view_auditevent")
    assert not administrator.has_perm("privacy.view_auditevent")


def test_the_documented_matrix_is_the_one_in_the_code() -> None:
    assert roles.permission_matrix_markdown() in DOC.read_text()
