"""Staff sign-in is throttled and locked out (django-axes), every sign-in, failure and lockout is audited,
and `tellus unlock` lifts a lockout (issue 11, criterion 3)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from tellus.privacy.models import AuditAction, AuditEvent, User
from tellus.privacy.staff import staff_audit_events

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # set by the role fixtures in conftest.py
CONSOLE, ADMIN = "/login/", "/admin/login/"


def sign_in(client: Client, url: str, username: str, password: str, ip: str = "192.0.2.10") -> Any:
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client: Client, url: str, username: str, times: int, ip: str = "192.0.2.10") -> None:
    for _ in range(times):
        response = sign_in(client, url, username, "wrong password", ip)
        assert response.status_code in {200, 429}


def events(action: AuditAction) -> list[AuditEvent]:
    return list(staff_audit_events().filter(action=action).order_by("id"))


@pytest.fixture
def admin_user(administrator: User) -> User:
    administrator.is_staff = True
    administrator.save()
    return administrator


def test_the_defaults_lock_after_five_failures_for_fifteen_minutes_by_username_and_address() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_a_right_password_signs_in_and_is_audited(client: Client, officer: User) -> None:
    response = sign_in(client, CONSOLE, "officer", PASSWORD)

    assert response.status_code == 302
    [event] = events(AuditAction.SIGN_IN)
    assert event.actor == officer
    assert event.context["ip_address"] == "192.0.2.10"
    assert event.context["where"] == "console"


def test_five_wrong_passwords_on_the_console_lock_the_account_even_for_the_right_one(
    client: Client, officer: User
) -> None:
    fail(client, CONSOLE, "officer", 5)

    response = sign_in(client, CONSOLE, "officer", PASSWORD)

    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()
    assert "cannot sign in for 15 minutes" in response.content.decode()
    assert response["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session
    assert not events(AuditAction.SIGN_IN)


def test_four_wrong_passwords_do_not_lock_and_a_right_one_clears_the_count(client: Client, officer: User) -> None:
    fail(client, CONSOLE, "officer", 4)

    assert sign_in(client, CONSOLE, "officer", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="officer").exists()


def test_admin_sign_in_is_locked_out_too(client: Client, admin_user: User) -> None:
    fail(client, ADMIN, "admin", 5)

    response = sign_in(client, ADMIN, "admin", PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_on_the_console_and_admin_count_together(client: Client, admin_user: User) -> None:
    fail(client, CONSOLE, "admin", 3)
    fail(client, ADMIN, "admin", 2)

    assert sign_in(client, ADMIN, "admin", PASSWORD).status_code == 429


def test_the_lock_is_for_that_username_from_that_address(client: Client, officer: User, caseworker: User) -> None:
    fail(client, CONSOLE, "officer", 5, ip="192.0.2.10")

    assert sign_in(Client(), CONSOLE, "officer", PASSWORD, ip="198.51.100.7").status_code == 302
    assert sign_in(Client(), CONSOLE, "caseworker", PASSWORD, ip="192.0.2.10").status_code == 302


def test_every_failure_and_the_lockout_are_audited(client: Client, officer: User) -> None:
    fail(client, CONSOLE, "officer", 5)
    sign_in(client, CONSOLE, "officer", PASSWORD)

    failures = events(AuditAction.SIGN_IN_FAILED)
    [lockout] = events(AuditAction.LOCKED_OUT)
    assert len(failures) == 6
    assert {event.object_id for event in failures} == {str(officer.pk)}
    assert [event.context["reason"] for event in failures].count("locked out") == 1
    assert lockout.context["username"] == "officer"
    assert lockout.context["ip_address"] == "192.0.2.10"
    assert all(event.actor is None for event in [*failures, lockout])


def test_a_failure_for_an_unknown_username_is_audited_without_naming_an_account(client: Client) -> None:
    sign_in(client, CONSOLE, "nobody", "guess")

    [event] = events(AuditAction.SIGN_IN_FAILED)
    assert (event.actor_label, event.object_id, event.context["username"]) == ("nobody", "", "nobody")


def test_a_non_staff_account_refused_by_admin_is_audited_as_a_failure(client: Client, officer: User) -> None:
    response = sign_in(client, ADMIN, "officer", PASSWORD)

    assert response.status_code == 200
    [event] = events(AuditAction.SIGN_IN_FAILED)
    assert event.context["where"] == "admin"
    assert not events(AuditAction.SIGN_IN)


def test_the_lock_lifts_after_the_cooling_off_time(client: Client, officer: User) -> None:
    fail(client, CONSOLE, "officer", 5)
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))

    assert sign_in(client, CONSOLE, "officer", PASSWORD).status_code == 302


def test_tellus_unlock_lifts_the_lock_and_is_audited(client: Client, officer: User) -> None:
    fail(client, CONSOLE, "officer", 5)
    out = StringIO()

    call_command("unlock", "officer", stdout=out)

    assert "officer: unlocked" in out.getvalue()
    assert sign_in(client, CONSOLE, "officer", PASSWORD).status_code == 302
    [unlock] = [event for event in events(AuditAction.UPDATE) if event.context.get("change") == "unlocked"]
    assert unlock.actor_label == "tellus unlock"
    assert unlock.object_id == str(officer.pk)


def test_unlocking_someone_not_locked_says_so(officer: User) -> None:
    out = StringIO()

    call_command("unlock", "officer", stdout=out)

    assert "officer: was not locked out" in out.getvalue()
