"""A resident can never see another person's data, whatever they put in a URL; an outsider sees nothing; a resident's
session opens nothing a staff session would."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from django.urls import URLPattern

from tellus.people.selectors import person_get_for_staff
from tellus.portal import urls as portal_urls
from tellus.portal.tests.conftest import signed_in_client
from tellus.portal.tests.factories import RESIDENT_PASSWORD
from tellus.privacy.services import Actor

pytestmark = pytest.mark.django_db

# Every resident page that needs no secret in its path: each is tried as is and with the other person's ids.
PAGES = [
    f"/my/{pattern.pattern}"
    for pattern in portal_urls.urlpatterns
    if "<" not in str(pattern.pattern) and "oidc" not in str(pattern.pattern)
]


def test_the_list_of_pages_covers_every_portal_page_without_a_token() -> None:
    with_tokens = [
        str(p.pattern) for p in portal_urls.urlpatterns if isinstance(p, URLPattern) and "<" in str(p.pattern)
    ]
    assert with_tokens == [
        "sign-in/link/<str:token>/",
        "surveys/<int:invitation_id>/",
        "tell-us/changes/<int:report_id>/",
        "tell-us/changes/<int:report_id>/check/",
        "tell-us/<slug:event_type>/",
    ]  # each change page is tried with another resident's change below; a survey with another's in test_surveys.py
    assert "/my/record/" in PAGES
    assert "/my/looked/" in PAGES


@pytest.fixture
def bob_seen(other_resident, officer):  # type: ignore[no-untyped-def]
    """Bob's record has been looked at, so his trail has entries that must stay his."""
    person_get_for_staff(actor=Actor.for_user(officer), purpose="casework", person_id=other_resident.person_id)
    return other_resident


@pytest.mark.parametrize("page", PAGES)
def test_no_resident_page_shows_another_persons_data_whatever_ids_are_added(page, resident, bob_seen):
    client = signed_in_client(resident)
    bob = bob_seen.person
    tries = [
        page,
        f"{page}?person={bob.pk}",
        f"{page}?person_id={bob.pk}&account={bob_seen.pk}&id={bob.pk}",
        f"{page}{bob.pk}/",
    ]
    for url in tries:
        response = client.get(url)
        body = response.content.decode()
        assert "Bob" not in body, url
        assert "bob@example.org" not in body, url
        assert bob_seen.reference not in body, url


def test_a_resident_cannot_switch_account_by_posting_another_accounts_id(resident, bob_seen):
    client = signed_in_client(resident)
    client.post(
        "/my/password/", {"password": "a long new passphrase", "account": bob_seen.pk, "person": bob_seen.person_id}
    )

    bob_seen.refresh_from_db()
    resident.refresh_from_db()
    assert check_password("a long new passphrase", resident.password)
    assert check_password(RESIDENT_PASSWORD, bob_seen.password)


@pytest.mark.parametrize("page", ["/my/record/", "/my/looked/", "/my/password/"])
def test_an_outsider_sees_nothing_and_is_sent_to_sign_in(page, resident, bob_seen):
    response = Client().get(page)

    assert response.status_code == 302
    assert response["Location"].startswith("/my/sign-in/")


def test_a_session_with_a_made_up_account_id_sees_nothing(resident):
    client = Client()
    session = client.session
    session["portal_account_id"] = 999999
    session.save()

    assert client.get("/my/record/").status_code == 302


def test_a_residents_session_opens_no_staff_page_or_api(resident, bob_seen):
    client = signed_in_client(resident)
    bob_id = bob_seen.person_id

    for url in (f"/console/people/{bob_id}/", f"/console/people/{bob_id}/audit/", "/console/", "/demand/contacts/new/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/"), url
    api = client.get(f"/api/v1/people/{bob_id}/capacities")
    assert api.status_code == 401
    assert "Bob" not in api.content.decode()


def test_a_staff_session_is_not_a_resident_session(officer):
    client = Client()
    client.force_login(officer)

    assert client.get("/my/record/").status_code == 302


def test_a_resident_cannot_open_or_check_another_residents_change_of_circumstances(resident, bob_seen):
    from tellus.once.models import ReportedBy
    from tellus.once.services import Reporter, change_report
    from tellus.portal.services import resident_actor

    bob = bob_seen.person
    report = change_report(
        person=bob,
        event_type="contact",
        data={"email": "bob.new@example.org"},
        reporter=Reporter(
            by=ReportedBy.PERSON,
            actor=resident_actor(bob_seen),
            name="Bob",
            relationship="self",
            account_id=bob_seen.pk,
            account_person_id=bob.pk,
        ),
        purpose="administration",
    )
    client = signed_in_client(resident)
    for url in (f"/my/tell-us/changes/{report.pk}/", f"/my/tell-us/changes/{report.pk}/check/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "bob.new@example.org" not in response.content.decode(), url
    assert client.post(f"/my/tell-us/changes/{report.pk}/check/", {}).status_code in (400, 404)
