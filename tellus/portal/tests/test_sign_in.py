"""Residents sign in with a one-time email link, a password, or an invitation code; nothing tells an outsider which
addresses the council holds."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tellus.people.tests.factories import PersonFactory, SourceRecordFactory
from tellus.portal.models import Invitation, ResidentAccount, SignInLink
from tellus.portal.session import SESSION_KEY
from tellus.portal.tests.conftest import link_from_last_email
from tellus.portal.tests.factories import RESIDENT_PASSWORD
from tellus.privacy.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def ask_for_link(client: Client, email: str):  # type: ignore[no-untyped-def]
    return client.post("/my/sign-in/", {"email": email})


def test_a_resident_whose_email_is_on_a_record_gets_a_link_that_signs_them_in_and_opens_their_account(alice):
    client = Client()
    response = ask_for_link(client, "ALICE@example.org ")

    assert response.status_code == 302
    assert response["Location"] == "/my/sign-in/check-your-email/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.org"]
    assert "15 minutes" in mail.outbox[0].body
    link = link_from_last_email()

    assert client.get(link).status_code == 200  # a button, so a mail scanner opening the link uses nothing up
    response = client.post(link)

    assert response.status_code == 302
    account = ResidentAccount.objects.get()
    assert account.person == alice
    assert account.tied_by == ResidentAccount.TiedBy.EMAIL_ON_RECORD
    assert client.session[SESSION_KEY] == account.pk
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="portal.residentaccount", subject_person_id=alice.pk
    ).exists()
    assert "Hello, Alice Example" in client.get("/my/").content.decode()


def test_the_answer_is_the_same_whether_or_not_the_address_is_known(alice):
    known = ask_for_link(Client(), "alice@example.org")
    unknown = ask_for_link(Client(), "nobody@example.org")

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1  # only the known address was written to
    page = Client().get(unknown["Location"]).content.decode()
    assert "If we hold that email address for you" in page


def test_an_address_on_two_peoples_records_is_not_evidence_of_either_so_no_link_is_sent(alice):
    SourceRecordFactory(person=PersonFactory(display_name="Alan Example"), source_key="X-9", email="alice@example.org")

    ask_for_link(Client(), "alice@example.org")

    assert mail.outbox == []


def test_a_link_works_once(alice):
    client = Client()
    ask_for_link(client, "alice@example.org")
    link = link_from_last_email()
    client.post(link)

    again = Client().post(link)

    assert again.status_code == 400
    assert "expired or has already been used" in again.content.decode()
    assert SESSION_KEY not in Client().session


def test_a_link_older_than_15_minutes_is_refused(alice):
    ask_for_link(Client(), "alice@example.org")
    link = link_from_last_email()
    SignInLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    response = Client().post(link)

    assert response.status_code == 400
    assert not ResidentAccount.objects.exists()


def test_a_link_expires_15_minutes_after_it_was_sent(alice):
    ask_for_link(Client(), "alice@example.org")
    link = SignInLink.objects.get()

    assert link.expires_at - link.created_at == dt.timedelta(minutes=15)


def test_a_forged_link_is_refused_and_counted_as_a_failure(alice):
    client = Client()
    for _attempt in range(4):
        assert client.post("/my/sign-in/link/made-up-token/").status_code == 400

    # The fifth failure in a row locks, as a staff sign-in's does (django-axes's limit, shared).
    assert client.post("/my/sign-in/link/made-up-token/").status_code == 429
    assert client.get("/my/sign-in/link/made-up-token/").status_code == 429


def test_only_a_digest_of_the_link_is_stored(alice):
    ask_for_link(Client(), "alice@example.org")
    token = link_from_last_email().rstrip("/").rsplit("/", 1)[1]

    assert token not in SignInLink.objects.get().token_digest


def test_asking_for_links_is_throttled_per_address_known_or_not(alice):
    for email in ("alice@example.org", "nobody@example.org"):
        client = Client()
        statuses = [ask_for_link(client, email).status_code for _ in range(4)]
        assert statuses == [302, 302, 302, 429]
    assert len(mail.outbox) == 3


def test_a_resident_with_a_password_signs_in_with_their_email_or_reference(resident):
    for identifier in ("alice@example.org", "ralice01"):
        client = Client()
        response = client.post("/my/sign-in/password/", {"identifier": identifier, "password": RESIDENT_PASSWORD})
        assert response.status_code == 302
        assert client.session[SESSION_KEY] == resident.pk


def test_a_wrong_password_says_the_same_as_an_unknown_account(resident):
    wrong = Client().post("/my/sign-in/password/", {"identifier": "alice@example.org", "password": "wrong-one"})
    unknown = Client().post("/my/sign-in/password/", {"identifier": "who@example.org", "password": "wrong-one"})

    assert wrong.status_code == unknown.status_code == 200
    assert "do not match" in wrong.content.decode()
    assert "do not match" in unknown.content.decode()


def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while(resident):
    client = Client()
    for _attempt in range(5):
        client.post("/my/sign-in/password/", {"identifier": "alice@example.org", "password": "wrong-one"})

    response = client.post("/my/sign-in/password/", {"identifier": "alice@example.org", "password": RESIDENT_PASSWORD})

    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_a_resident_sets_a_password_after_signing_in_with_a_link(resident_client, resident):
    response = resident_client.post("/my/password/", {"password": "a long new passphrase"})

    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.password
    assert AuditEvent.objects.filter(object_type="portal.residentaccount", action=AuditAction.UPDATE).exists()


def test_a_weak_password_is_refused_with_a_message(resident_client):
    response = resident_client.post("/my/password/", {"password": "short"})

    assert response.status_code == 200
    assert "too short" in response.content.decode()


def test_sign_in_does_not_redirect_outside_the_portal(resident):
    response = Client().post(
        "/my/sign-in/password/",
        {"identifier": "alice@example.org", "password": RESIDENT_PASSWORD, "next": "https://evil.example/"},
    )

    assert response["Location"] == "/my/"


def test_signing_out_ends_the_session(resident_client):
    resident_client.post("/my/sign-out/")

    assert resident_client.get("/my/record/").status_code == 302


def invite(person_id: int, username: str) -> str:
    out = StringIO()
    call_command("portal_invite", str(person_id), "--by", username, stdout=out)
    return out.getvalue().splitlines()[1]


def test_staff_issue_an_invitation_code_and_it_is_audited_as_theirs(officer):
    person = PersonFactory(display_name="Nora Nofixed")

    code = invite(person.pk, officer.username)

    assert len(code) == 14
    event = AuditEvent.objects.get(object_type="portal.invitation")
    assert (event.actor, event.subject_person_id, event.action) == (officer, person.pk, AuditAction.CREATE)
    assert code not in Invitation.objects.get().code_digest


def test_a_resident_with_no_email_opens_an_account_with_an_invitation_code_and_a_password(officer):
    person = PersonFactory(display_name="Nora Nofixed")
    code = invite(person.pk, officer.username)
    client = Client()

    response = client.post("/my/invitation/", {"code": code.lower(), "email": "", "password": "a long new passphrase"})

    assert response.status_code == 302
    account = ResidentAccount.objects.get()
    assert (account.person, account.email, account.tied_by) == (person, "", ResidentAccount.TiedBy.INVITATION)
    assert account.reference in client.get("/my/").content.decode()
    credentials = {"identifier": account.reference, "password": "a long new passphrase"}
    again = Client().post("/my/sign-in/password/", credentials)
    assert again.status_code == 302


def test_an_invitation_code_works_once(officer):
    code = invite(PersonFactory().pk, officer.username)
    Client().post("/my/invitation/", {"code": code, "email": "", "password": "a long new passphrase"})

    response = Client().post("/my/invitation/", {"code": code, "email": "", "password": "a long new passphrase"})

    assert response.status_code == 200
    assert "not valid, has expired, or has been used" in response.content.decode()
    assert ResidentAccount.objects.count() == 1


def test_an_invitation_without_an_email_needs_a_password(officer):
    code = invite(PersonFactory().pk, officer.username)

    response = Client().post("/my/invitation/", {"code": code, "email": "", "password": ""})

    assert "you need a password" in response.content.decode()
    assert not ResidentAccount.objects.exists()


def test_the_invitation_command_refuses_an_unknown_person_or_staff_member(officer):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No person"):
        invite(999999, officer.username)
    with pytest.raises(CommandError, match="No active staff user"):
        invite(PersonFactory().pk, "nobody")
