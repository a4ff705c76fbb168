"""A member of staff changes their own password from the console: the current one is asked for, Django's password
rules hold, the change is audited without the password, and they stay signed in."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tellus.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

OLD = "correct-horse-battery"  # the role fixtures' password
NEW = "a-longer-harbour-lantern-71"


def _change(client: Client, old: str, new: str, again: str | None = None) -> Any:
    return client.post(
        "/account/password/",
        {"old_password": old, "new_password1": new, "new_password2": new if again is None else again},
    )


def test_an_officer_changes_their_password_stays_signed_in_and_the_change_is_audited(client: Client, officer) -> None:  # type: ignore[no-untyped-def]
    client.force_login(officer)

    response = _change(client, OLD, NEW)

    assert response.status_code == 302 and response["Location"] == "/account/password/"
    officer.refresh_from_db()
    assert officer.check_password(NEW)
    event = AuditEvent.objects.filter(context__change="password").get()
    assert event.changes == {"password": ["(earlier password)", "(new password)"]}
    assert NEW not in str(event.changes) and NEW not in str(event.context)
    page = client.get("/account/password/")
    assert page.status_code == 200 and "Your password has been changed." in page.content.decode()


@pytest.mark.parametrize(
    ("old", "new", "again", "message"),
    [
        ("not-my-password", NEW, None, "Your old password was entered incorrectly"),
        (OLD, NEW, "something-else-entirely-9", "The two password fields didn"),
        (OLD, "12345678", None, "This password is too common"),
    ],
)
def test_a_wrong_current_password_a_mismatch_or_a_weak_password_is_refused_and_nothing_changes(
    client: Client, officer, old: str, new: str, again: str | None, message: str
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(officer)

    response = _change(client, old, new, again)

    assert response.status_code == 200
    content = response.content.decode()
    assert message in content and "Error:" in content
    officer.refresh_from_db()
    assert officer.check_password(OLD)
    assert not AuditEvent.objects.filter(context__change="password").exists()


def test_someone_not_signed_in_is_sent_to_sign_in(client: Client) -> None:
    response = client.get("/account/password/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_every_signed_in_page_links_to_the_password_page(client: Client, analyst) -> None:  # type: ignore[no-untyped-def]
    client.force_login(analyst)
    home = client.get("/", follow=True)  # the analyst's start page
    assert home.status_code == 200 and 'href="/account/password/"' in home.content.decode()
