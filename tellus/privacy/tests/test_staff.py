"""Separation of duties for staff accounts (issue 11, criterion 2), through Django admin and the console."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from tellus.privacy import roles, staff
from tellus.privacy.models import AuditAction, AuditEvent, RoleGrant, User
from tellus.privacy.tests.helpers import with_two_factor

pytestmark = pytest.mark.django_db


def staff_events(**filters: Any) -> list[AuditEvent]:
    return list(staff.staff_audit_events().filter(**filters).order_by("id"))


@pytest.fixture
def admin_user(administrator: User) -> User:
    administrator.is_staff = True
    administrator.save()
    return administrator


@pytest.fixture
def second_admin(django_user_model: Any) -> User:
    user = django_user_model.objects.create_user(username="admin2", password="correct-horse-battery", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    return with_two_factor(user)


@pytest.fixture
def colleague(django_user_model: Any) -> User:
    return django_user_model.objects.create_user(username="colleague", password="correct-horse-battery")


def admin_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_form(user: User, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
    }
    if user.is_active:
        data["is_active"] = "on"
    if user.is_staff:
        data["is_staff"] = "on"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_change(client: Client, user: User, **overrides: Any) -> Any:
    return client.post(reverse("admin:privacy_user_change", args=[user.pk]), change_form(user, **overrides))


def role_ids(*names: str) -> list[str]:
    return [str(Group.objects.get(name=name).pk) for name in names]


# No superuser, no direct permissions


def test_an_administrator_cannot_make_themselves_superuser_through_the_change_form(admin_user: User) -> None:
    response = post_change(admin_client(admin_user), admin_user, is_superuser="on")

    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert not admin_user.is_superuser


def test_an_administrator_cannot_make_anyone_superuser_or_give_direct_permissions(
    admin_user: User, colleague: User
) -> None:
    permission = Permission.objects.get(codename="view_auditevent")

    post_change(admin_client(admin_user), colleague, is_superuser="on", user_permissions=[str(permission.pk)])

    colleague.refresh_from_db()
    assert not colleague.is_superuser
    assert not colleague.user_permissions.exists()
    assert not colleague.has_perm("privacy.view_auditevent")


def test_the_service_refuses_superuser_status_whatever_calls_it(admin_user: User, colleague: User) -> None:
    after = User.objects.get(pk=colleague.pk)
    after.is_superuser = True

    with pytest.raises(staff.StaffAccountRefused, match="Superuser"):
        staff.staff_fields_check(actor=admin_user, before=colleague, after=after)


def test_an_administrator_cannot_change_a_superusers_account(admin_user: User, django_user_model: Any) -> None:
    root = django_user_model.objects.create_superuser(username="root", password="correct-horse-battery")
    client = admin_client(admin_user)

    response = post_change(client, root, is_active=None)
    password = client.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": "a-new-long-password-1", "password2": "a-new-long-password-1", "usable_password": "true"},
    )

    assert response.status_code == 403
    assert password.status_code == 403
    root.refresh_from_db()
    assert root.is_active
    assert root.check_password("correct-horse-battery")


def test_role_groups_cannot_be_edited_in_admin_even_by_a_superuser(django_user_model: Any) -> None:
    root = with_two_factor(
        django_user_model.objects.create_superuser(username="root", password="correct-horse-battery")
    )
    group = Group.objects.get(name=roles.ANALYST)
    audit = Permission.objects.get(codename="view_auditevent")

    response = admin_client(root).post(
        reverse("admin:auth_group_change", args=[group.pk]), {"name": group.name, "permissions": [str(audit.pk)]}
    )

    assert response.status_code == 403
    assert not group.permissions.filter(pk=audit.pk).exists()


# Roles


def test_an_administrator_cannot_add_a_role_to_their_own_account(admin_user: User) -> None:
    response = post_change(
        admin_client(admin_user), admin_user, groups=role_ids(roles.ADMINISTRATOR, roles.PRIVACY_OFFICER)
    )

    assert response.status_code == 200
    assert "You cannot add roles to your own account" in response.content.decode()
    assert not admin_user.groups.filter(name=roles.PRIVACY_OFFICER).exists()
    assert not RoleGrant.objects.exists()
    assert not staff_events(action=AuditAction.UPDATE)


def test_the_service_refuses_a_role_on_ones_own_account_even_one_needing_no_approval(admin_user: User) -> None:
    with pytest.raises(staff.StaffAccountRefused):
        staff.staff_roles_set(actor=admin_user, user=admin_user, wanted=[roles.ADMINISTRATOR, roles.CASEWORKER])
    with pytest.raises(staff.StaffAccountRefused):
        staff.role_grant_request(actor=admin_user, user=admin_user, role=roles.PRIVACY_OFFICER)

    assert list(admin_user.groups.values_list("name", flat=True)) == [roles.ADMINISTRATOR]


def test_an_administrator_gives_an_ordinary_role_at_once_and_it_is_audited(admin_user: User, colleague: User) -> None:
    post_change(admin_client(admin_user), colleague, groups=role_ids(roles.CASEWORKER))

    assert colleague.groups.filter(name=roles.CASEWORKER).exists()
    [event] = staff_events(action=AuditAction.UPDATE, object_id=str(colleague.pk))
    assert event.actor == admin_user
    assert event.changes == {"roles": [[], [roles.CASEWORKER]]}


def test_removing_a_role_takes_effect_at_once_and_is_audited(admin_user: User, officer: User) -> None:
    post_change(admin_client(admin_user), officer, groups=[])

    assert not officer.groups.exists()
    [event] = staff_events(action=AuditAction.UPDATE, object_id=str(officer.pk))
    assert event.changes == {"roles": [[roles.FRONT_LINE_OFFICER], []]}


@pytest.mark.parametrize("role", [roles.PRIVACY_OFFICER, roles.ADMINISTRATOR])
def test_the_privacy_officer_and_administrator_roles_wait_for_a_second_persons_approval(
    admin_user: User, colleague: User, role: str
) -> None:
    response = post_change(admin_client(admin_user), colleague, groups=role_ids(role))

    assert response.status_code == 302
    assert not colleague.groups.filter(name=role).exists()
    grant = RoleGrant.objects.get(user=colleague, role__name=role)
    assert grant.status == RoleGrant.Status.PENDING
    assert grant.requested_by == admin_user
    [event] = staff_events(object_type=staff.GRANT_OBJECT_TYPE)
    assert event.action == AuditAction.CREATE
    assert event.context["role"] == role


def test_asking_twice_keeps_one_request(admin_user: User, colleague: User) -> None:
    first = staff.role_grant_request(actor=admin_user, user=colleague, role=roles.PRIVACY_OFFICER)
    second = staff.role_grant_request(actor=admin_user, user=colleague, role=roles.PRIVACY_OFFICER)

    assert first.pk == second.pk


def test_the_requester_cannot_approve_their_own_request(admin_user: User, colleague: User) -> None:
    grant = staff.role_grant_request(actor=admin_user, user=colleague, role=roles.PRIVACY_OFFICER)

    with pytest.raises(staff.StaffAccountRefused, match="someone else"):
        staff.role_grant_decide(actor=admin_user, grant_id=grant.pk, approve=True)

    assert not colleague.groups.exists()


def test_the_person_the_role_is_for_cannot_approve_it(admin_user: User, second_admin: User) -> None:
    grant = staff.role_grant_request(actor=admin_user, user=second_admin, role=roles.PRIVACY_OFFICER)

    with pytest.raises(staff.StaffAccountRefused, match="your own account"):
        staff.role_grant_decide(actor=second_admin, grant_id=grant.pk, approve=True)


def test_someone_without_an_approving_role_cannot_decide(admin_user: User, colleague: User, officer: User) -> None:
    grant = staff.role_grant_request(actor=admin_user, user=colleague, role=roles.PRIVACY_OFFICER)

    with pytest.raises(staff.StaffAccountRefused, match="Only a privacy officer or an administrator"):
        staff.role_grant_decide(actor=officer, grant_id=grant.pk, approve=True)


def test_a_second_administrator_approves_in_the_console_and_the_role_is_given(
    admin_user: User, second_admin: User, colleague: User
) -> None:
    grant = staff.role_grant_request(actor=admin_user, user=colleague, role=roles.PRIVACY_OFFICER)
    client = admin_client(second_admin)

    page = client.get(reverse("console:staff_requests"))
    response = client.post(reverse("console:staff_request_decide", args=[grant.pk]), {"decision": "approve"})

    assert "Approve Privacy officer for colleague" in page.content.decode()
    assert response.status_code == 302
    assert colleague.groups.filter(name=roles.PRIVACY_OFFICER).exists()
    grant.refresh_from_db()
    assert (grant.status, grant.decided_by) == (RoleGrant.Status.APPROVED, second_admin)
    decision, roles_changed = staff_events(actor=second_admin)
    assert decision.changes == {"status": ["pending", "approved"]}
    assert roles_changed.changes == {"roles": [[], [roles.PRIVACY_OFFICER]]}


def test_a_privacy_officer_refuses_a_request_and_no_role_is_given(
    admin_user: User, privacy_officer: User, colleague: User
) -> None:
    grant = staff.role_grant_request(actor=admin_user, user=colleague, role=roles.ADMINISTRATOR)

    admin_client(privacy_officer).post(reverse("console:staff_request_decide", args=[grant.pk]), {"decision": "refuse"})

    grant.refresh_from_db()
    assert grant.status == RoleGrant.Status.REFUSED
    assert not colleague.groups.exists()
    [decision] = staff_events(actor=privacy_officer, object_type=staff.GRANT_OBJECT_TYPE)
    assert decision.changes == {"status": ["pending", "refused"]}


def test_the_requester_is_told_no_in_the_console_and_nothing_changes(admin_user: User, colleague: User) -> None:
    grant = staff.role_grant_request(actor=admin_user, user=colleague, role=roles.PRIVACY_OFFICER)

    response = admin_client(admin_user).post(
        reverse("console:staff_request_decide", args=[grant.pk]), {"decision": "approve"}, follow=True
    )

    assert "You asked for this role to be given, so someone else must decide." in response.content.decode()
    grant.refresh_from_db()
    assert grant.status == RoleGrant.Status.PENDING


def test_a_decided_request_cannot_be_decided_again(admin_user: User, second_admin: User, colleague: User) -> None:
    grant = staff.role_grant_request(actor=admin_user, user=colleague, role=roles.PRIVACY_OFFICER)
    staff.role_grant_decide(actor=second_admin, grant_id=grant.pk, approve=False)

    with pytest.raises(staff.StaffAccountRefused, match="already been decided"):
        staff.role_grant_decide(actor=second_admin, grant_id=grant.pk, approve=True)


@pytest.mark.parametrize("who", ["officer", "analyst", "outsider"])
def test_other_roles_cannot_see_or_decide_requests(request: Any, admin_user: User, colleague: User, who: str) -> None:
    grant = staff.role_grant_request(actor=admin_user, user=colleague, role=roles.PRIVACY_OFFICER)
    client = admin_client(request.getfixturevalue(who))

    assert client.get(reverse("console:staff_requests")).status_code == 403
    assert (
        client.post(reverse("console:staff_request_decide", args=[grant.pk]), {"decision": "approve"}).status_code
        == 403
    )


def test_deciding_an_unknown_request_is_not_found(second_admin: User) -> None:
    response = admin_client(second_admin).post(
        reverse("console:staff_request_decide", args=[999]), {"decision": "approve"}
    )

    assert response.status_code == 404


# Every change to an account is audited


def test_creating_an_account_in_admin_is_audited(admin_user: User) -> None:
    response = admin_client(admin_user).post(
        reverse("admin:privacy_user_add"),
        {
            "username": "newstarter",
            "password1": "a-long-new-password-1",
            "password2": "a-long-new-password-1",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="newstarter")
    [event] = staff_events(action=AuditAction.CREATE, object_id=str(user.pk))
    assert event.actor == admin_user
    assert event.changes["username"] == [None, "newstarter"]


def test_deactivating_an_account_is_audited(admin_user: User, officer: User) -> None:
    post_change(admin_client(admin_user), officer, is_active=None)

    officer.refresh_from_db()
    assert not officer.is_active
    [event] = staff_events(action=AuditAction.UPDATE, object_id=str(officer.pk))
    assert event.changes == {"is_active": [True, False]}


def test_resetting_someone_elses_password_is_audited_without_the_password(admin_user: User, officer: User) -> None:
    response = admin_client(admin_user).post(
        reverse("admin:auth_user_password_change", args=[officer.pk]),
        {"password1": "a-new-long-password-1", "password2": "a-new-long-password-1", "usable_password": "true"},
    )

    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("a-new-long-password-1")
    [event] = staff_events(action=AuditAction.UPDATE, object_id=str(officer.pk))
    assert event.context["change"] == "password"
    assert event.context["by"] == "another member of staff"
    assert "a-new-long-password-1" not in str(event.changes) + str(event.context)


def test_changing_ones_own_password_in_admin_is_audited(admin_user: User) -> None:
    response = admin_client(admin_user).post(
        "/admin/password_change/",
        {
            "old_password": "correct-horse-battery",
            "new_password1": "another-long-password-2",
            "new_password2": "another-long-password-2",
        },
    )

    assert response.status_code == 302
    [event] = staff_events(action=AuditAction.UPDATE, object_id=str(admin_user.pk))
    assert (event.context["change"], event.context["by"]) == ("password", "holder")


def test_the_privacy_officer_sees_staff_account_changes_and_the_reading_is_audited(
    admin_user: User, privacy_officer: User, officer: User
) -> None:
    post_change(admin_client(admin_user), officer, is_active=None, groups=role_ids(roles.CASEWORKER))

    response = admin_client(privacy_officer).get(reverse("console:staff_audit"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "is_active: True → False" in html
    assert f"roles: {roles.FRONT_LINE_OFFICER} → {roles.CASEWORKER}" in html
    assert AuditEvent.objects.filter(actor=privacy_officer, object_type=staff.STAFF_AUDIT_OBJECT_TYPE).count() == 1


@pytest.mark.parametrize("who", ["administrator", "officer", "analyst"])
def test_only_the_privacy_officer_reads_the_staff_audit_log(request: Any, who: str) -> None:
    response = admin_client(request.getfixturevalue(who)).get(reverse("console:staff_audit"))

    assert response.status_code == 403
