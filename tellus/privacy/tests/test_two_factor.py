"""Staff two-factor sign-in (issue 13, criterion 8): required for privacy officers and administrators, available to
everyone, with recovery codes, and every change, verification and failure audited."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tellus.privacy.models import AuditAction, AuditEvent, User
from tellus.privacy.staff import staff_audit_events

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # set by the role fixtures in conftest.py


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def signed_in_with_password(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def events(action: AuditAction, user: User) -> list[AuditEvent]:
    return list(staff_audit_events().filter(action=action, object_id=str(user.pk)).order_by("id"))


@pytest.fixture
def new_privacy_officer(privacy_officer: User) -> User:
    """A privacy officer who has not set up two-factor yet."""
    TOTPDevice.objects.filter(user=privacy_officer).delete()
    return privacy_officer


@pytest.mark.parametrize("url", ["/console/", "/console/staff/audit/", "/console/people/1/audit/", "/catalogue/"])
def test_a_privacy_officer_without_two_factor_reaches_nothing_but_set_up(new_privacy_officer: User, url: str) -> None:
    client = signed_in_with_password("privacy")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/two-factor/set-up/?next=")


def test_an_administrator_without_two_factor_cannot_reach_admin(administrator: User) -> None:
    TOTPDevice.objects.filter(user=administrator).delete()
    administrator.is_staff = True
    administrator.save()
    client = signed_in_with_password("admin")

    assert client.get("/admin/privacy/user/")["Location"].startswith("/two-factor/set-up/")


def test_the_api_answers_unverified_privileged_staff_with_a_403_in_json(new_privacy_officer: User) -> None:
    client = signed_in_with_password("privacy")

    response = client.get("/api/v1/services")

    assert response.status_code == 403
    assert "Two-factor" in response.json()["detail"]


def test_setting_up_shows_a_qr_code_and_key_from_this_site_alone(new_privacy_officer: User) -> None:
    client = signed_in_with_password("privacy")

    html = client.get("/two-factor/set-up/").content.decode()

    assert "<svg" in html
    assert 'aria-label="QR code to add Tellus to your authenticator app"' in html
    device = TOTPDevice.objects.get(user=new_privacy_officer, confirmed=False)
    assert re.search(r'<code id="totp-key" class="secret-key">[A-Z2-7 ]{20,}</code>', html)
    assert not re.search(r'(src|href)="https?://', html)
    assert "no-store" in client.get("/two-factor/set-up/")["Cache-Control"]
    assert device.name == "Authenticator app"


def test_the_right_code_turns_it_on_shows_recovery_codes_and_opens_the_console(new_privacy_officer: User) -> None:
    client = signed_in_with_password("privacy")
    client.get("/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=new_privacy_officer, confirmed=False)

    response = client.post("/two-factor/set-up/", {"code": code_for(device), "next": "/console/"})

    html = response.content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", html)
    assert len(codes) == 10
    assert "Two-factor sign-in is on." in html
    assert client.get("/console/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    [change] = events(AuditAction.UPDATE, new_privacy_officer)
    assert change.changes == {"two_factor": ["off", "on"]}


def test_a_wrong_code_while_setting_up_is_refused_and_audited(new_privacy_officer: User) -> None:
    client = signed_in_with_password("privacy")
    client.get("/two-factor/set-up/")

    response = client.post("/two-factor/set-up/", {"code": "000000"})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=new_privacy_officer, confirmed=True).exists()
    [failure] = events(AuditAction.SIGN_IN_FAILED, new_privacy_officer)
    assert failure.context["step"] == "two_factor"


def test_an_enrolled_user_enters_a_code_at_every_sign_in_and_it_is_audited(privacy_officer: User) -> None:
    client = signed_in_with_password("privacy")
    device = TOTPDevice.objects.get(user=privacy_officer)

    stopped = client.get("/console/")
    right = client.post("/two-factor/verify/", {"code": code_for(device), "next": "/console/"})

    assert stopped["Location"] == "/two-factor/verify/?next=%2Fconsole%2F"
    assert right["Location"] == "/console/"
    assert client.get("/console/").status_code == 200
    password_step, code_step = events(AuditAction.SIGN_IN, privacy_officer)
    assert password_step.context["step"] == "password"
    assert code_step.context["step"] == "two_factor (authenticator app)"


def test_a_wrong_code_is_refused_audited_and_slows_the_next_try(privacy_officer: User) -> None:
    client = signed_in_with_password("privacy")
    device = TOTPDevice.objects.get(user=privacy_officer)

    wrong = client.post("/two-factor/verify/", {"code": "123456"})
    at_once = client.post("/two-factor/verify/", {"code": code_for(device)})

    assert "That code is not right" in wrong.content.decode()
    assert at_once.status_code == 200, "django-otp makes the next try wait after a wrong code"
    assert client.get("/console/").status_code == 302
    failures = events(AuditAction.SIGN_IN_FAILED, privacy_officer)
    assert [(event.context["step"], event.context["reason"]) for event in failures] == [
        ("two_factor", "wrong code")
    ] * 2


def test_a_recovery_code_signs_in_once(privacy_officer: User) -> None:
    client = signed_in_with_password("privacy")
    codes = re.findall(
        r"<li><code>([a-z2-7]{8})</code></li>", _renew_codes_as_verified(privacy_officer).content.decode()
    )

    first = client.post("/two-factor/verify/", {"code": codes[0]})
    again = signed_in_with_password("privacy").post("/two-factor/verify/", {"code": codes[0]})

    assert first.status_code == 302
    assert again.status_code == 200
    assert StaticToken.objects.filter(device__user=privacy_officer).count() == 9


def _renew_codes_as_verified(user: User) -> Any:
    client = Client()
    client.force_login(user)
    return client.post("/two-factor/recovery-codes/")


def test_new_recovery_codes_replace_the_old_and_are_audited(privacy_officer: User) -> None:
    first = _renew_codes_as_verified(privacy_officer).content.decode()
    second = _renew_codes_as_verified(privacy_officer).content.decode()

    pattern = r"<li><code>([a-z2-7]{8})</code></li>"
    assert set(re.findall(pattern, first)).isdisjoint(re.findall(pattern, second))
    assert StaticToken.objects.filter(device__user=privacy_officer).count() == 10
    changes = [event.context["change"] for event in events(AuditAction.UPDATE, privacy_officer)]
    assert changes == ["new recovery codes", "new recovery codes"]


def test_other_roles_may_work_without_two_factor(officer: User) -> None:
    client = signed_in_with_password("officer")

    assert client.get("/console/").status_code == 200


def test_other_roles_may_turn_it_on_and_off_and_both_are_audited(officer: User) -> None:
    client = signed_in_with_password("officer")
    client.get("/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=officer)
    client.post("/two-factor/set-up/", {"code": code_for(device)})

    client.post("/two-factor/turn-off/")

    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert [event.changes for event in events(AuditAction.UPDATE, officer)] == [
        {"two_factor": ["off", "on"]},
        {"two_factor": ["on", "off"]},
    ]


def test_a_privacy_officer_cannot_turn_it_off(privacy_officer: User) -> None:
    client = Client()
    client.force_login(privacy_officer)

    response = client.post("/two-factor/turn-off/", follow=True)

    assert "Your role requires two-factor sign-in" in response.content.decode()
    assert TOTPDevice.objects.filter(user=privacy_officer, confirmed=True).exists()


def test_the_server_command_resets_a_lost_device_and_is_audited(privacy_officer: User) -> None:
    out = StringIO()

    call_command("two_factor_reset", "privacy", stdout=out)

    assert "privacy: two-factor reset (1 devices removed)" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=privacy_officer).exists()
    [reset] = events(AuditAction.UPDATE, privacy_officer)
    assert (reset.actor_label, reset.changes) == ("tellus two-factor-reset", {"two_factor": ["on", "off"]})
    assert signed_in_with_password("privacy").get("/console/")["Location"].startswith("/two-factor/set-up/")


def test_the_signed_in_test_clients_of_privileged_roles_are_verified(privacy_officer: User) -> None:
    client = Client()
    client.force_login(privacy_officer)

    assert client.get("/console/").status_code == 200
