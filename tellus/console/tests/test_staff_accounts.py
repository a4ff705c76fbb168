"""Staff accounts managed in the console (issue 18, criterion 9): made, changed, switched off, a new password and a
two-factor reset, by administrators only, every change audited and the separation-of-duties rules kept."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tellus.privacy import roles
from tellus.privacy.models import AuditEvent, Purpose, RoleGrant, User
from tellus.privacy.tests.helpers import signed_in

pytestmark = pytest.mark.django_db
LIST, NEW = reverse("console:staff_accounts"), reverse("console:staff_account_new")
GOOD = {
    "username": "jo.bloggs",
    "first_name": "Jo",
    "last_name": "Bloggs",
    "email": "jo@council.example",
    "team": "Customer services",
    "roles": [roles.FRONT_LINE_OFFICER],
    "password1": "a long and unusual pass phrase",
    "password2": "a long and unusual pass phrase",
}


def _admin_client(client, administrator):  # type: ignore[no-untyped-def]
    return signed_in(client, administrator, purpose=Purpose.ADMINISTRATION)


def _audit(user: User) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="privacy.user", object_id=str(user.pk)).order_by("id"))


def test_an_administrator_makes_an_account_with_a_team_and_a_role_and_it_is_audited(client, administrator):
    response = _admin_client(client, administrator).post(NEW, GOOD)

    made = User.objects.get(username="jo.bloggs")
    assert response.status_code == 302 and response["Location"] == reverse("console:staff_account", args=[made.pk])
    assert made.team == "Customer services" and made.check_password(GOOD["password1"])
    assert not made.is_staff and not made.is_superuser
    assert list(made.groups.values_list("name", flat=True)) == [roles.FRONT_LINE_OFFICER]
    entries = _audit(made)
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].changes == {"roles": [[], [roles.FRONT_LINE_OFFICER]]}
    assert all(e.actor_id == administrator.pk for e in entries)
    assert "a long and unusual" not in str([e.changes for e in entries])
    assert "jo.bloggs" in client.get(LIST).content.decode()


def test_a_privacy_officer_role_waits_for_a_second_person(client, administrator):
    _admin_client(client, administrator).post(NEW, {**GOOD, "roles": [roles.PRIVACY_OFFICER]})

    made = User.objects.get(username="jo.bloggs")
    assert not made.groups.exists()
    assert RoleGrant.objects.get(user=made).status == RoleGrant.Status.PENDING


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"username": ""}, "Enter a username."),
        ({"username": "admin"}, "There is already an account with that username."),
        ({"username": "no spaces"}, "Use only letters, numbers"),
        ({"password2": "something else entirely"}, "The two passwords are not the same."),
        ({"password1": "password", "password2": "password"}, "too common"),
        ({"email": "not-an-email"}, "Enter an email address"),
        ({"roles": ["Superuser"]}, "Choose roles from the list."),
    ],
)
def test_a_bad_new_account_is_refused_with_the_form_and_nothing_is_made(client, administrator, change, error):
    before = User.objects.count()
    response = _admin_client(client, administrator).post(NEW, {**GOOD, **change})

    assert response.status_code == 400
    assert error in response.content.decode()
    assert User.objects.count() == before


def test_an_account_is_changed_switched_off_and_on_again(client, administrator, officer):
    url = reverse("console:staff_account", args=[officer.pk])
    admin_client = _admin_client(client, administrator)
    data = {"action": "details", "first_name": "Olly", "team": "Revenues", "roles": [roles.CASEWORKER]}

    assert admin_client.post(url, data).status_code == 302  # no is_active: switched off

    officer.refresh_from_db()
    assert officer.team == "Revenues" and not officer.is_active
    assert list(officer.groups.values_list("name", flat=True)) == [roles.CASEWORKER]
    changes = [e.changes for e in _audit(officer)]
    assert {"first_name": ["", "Olly"], "team": ["", "Revenues"], "is_active": [True, False]} in changes
    assert {"roles": [[roles.FRONT_LINE_OFFICER], [roles.CASEWORKER]]} in changes

    admin_client.post(url, {**data, "is_active": "on"})
    officer.refresh_from_db()
    assert officer.is_active


def test_nobody_switches_off_their_own_account_or_adds_a_role_to_it(client, administrator):
    url = reverse("console:staff_account", args=[administrator.pk])
    admin_client = _admin_client(client, administrator)

    off = admin_client.post(url, {"action": "details", "roles": [roles.ADMINISTRATOR]})
    more = admin_client.post(
        url, {"action": "details", "is_active": "on", "roles": [roles.ADMINISTRATOR, roles.ANALYST]}
    )

    assert off.status_code == 400 and "You cannot switch off your own account" in off.content.decode()
    assert more.status_code == 400 and "You cannot add roles to your own account" in more.content.decode()
    administrator.refresh_from_db()
    assert administrator.is_active and list(administrator.groups.values_list("name", flat=True)) == [
        roles.ADMINISTRATOR
    ]


def test_a_new_password_is_set_and_audited(client, administrator, officer):
    url = reverse("console:staff_account", args=[officer.pk])
    new = "another long pass phrase here"

    response = _admin_client(client, administrator).post(
        url, {"action": "password", "password1": new, "password2": new}
    )

    officer.refresh_from_db()
    assert response.status_code == 302 and officer.check_password(new)
    assert _audit(officer)[-1].context["change"] == "password"


def test_two_factor_is_reset_for_an_officer_but_not_for_a_privacy_officer(
    client, administrator, officer, privacy_officer
):
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    admin_client = _admin_client(client, administrator)

    admin_client.post(reverse("console:staff_account", args=[officer.pk]), {"action": "two_factor"})
    refused = admin_client.post(
        reverse("console:staff_account", args=[privacy_officer.pk]), {"action": "two_factor"}, follow=True
    )

    assert not TOTPDevice.objects.filter(user=officer).exists()
    reset = _audit(officer)[-1]
    assert reset.context["change"] == "two-factor reset" and reset.actor_id == administrator.pk
    assert "reset only on the server" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=privacy_officer, confirmed=True).exists()


def test_an_unknown_action_or_account_is_a_clear_4xx(client, administrator, officer):
    admin_client = _admin_client(client, administrator)
    assert admin_client.post(reverse("console:staff_account", args=[officer.pk]), {"action": "x"}).status_code == 400
    assert admin_client.get(reverse("console:staff_account", args=[999999])).status_code == 404


@pytest.mark.parametrize("role", ["officer", "privacy_officer", "analyst", "outsider"])
def test_only_administrators_manage_staff_accounts(client, request, role, officer):
    user = request.getfixturevalue(role)
    signed_in(client, user, purpose=None)
    for url in (LIST, NEW, reverse("console:staff_account", args=[officer.pk])):
        assert client.get(url).status_code == 403
    assert client.post(NEW, GOOD).status_code == 403
    assert not User.objects.filter(username="jo.bloggs").exists()


def test_the_role_choices_are_the_roles_in_the_code(client, administrator):
    roles.sync_roles()
    html = _admin_client(client, administrator).get(NEW).content.decode()
    for name in roles.ROLES:
        assert f'value="{name}"' in html
    assert Group.objects.filter(name__in=list(roles.ROLES)).count() == len(roles.ROLES)
