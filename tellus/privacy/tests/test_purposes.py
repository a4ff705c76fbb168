"""The purpose of a request: allowed by role, never assumed, read in one place for the console and the API."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory

from tellus.people.tests.factories import PersonFactory
from tellus.privacy import roles
from tellus.privacy.models import AuditEvent, Purpose
from tellus.privacy.purposes import (
    PURPOSE_SESSION_KEY,
    PurposeNotStated,
    PurposeRefused,
    purpose_of,
    purposes_for,
)
from tellus.privacy.tests.helpers import signed_in

pytestmark = pytest.mark.django_db


def a_request(user, *, session_purpose: str | None = None, header: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"X-Tellus-Purpose": header} if header is not None else {}
    request = RequestFactory().get("/api/v1/anything", headers=headers)
    request.user = user
    request.session = SessionStore()
    if session_purpose is not None:
        request.session[PURPOSE_SESSION_KEY] = session_purpose
    return request


# Which purposes each role may state


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("officer", (Purpose.ENQUIRY,)),
        ("caseworker", (Purpose.ENQUIRY, Purpose.CASEWORK)),
        ("analyst", (Purpose.ANALYSIS,)),
        ("privacy_officer", (Purpose.PRIVACY_REVIEW,)),
        ("administrator", (Purpose.ADMINISTRATION,)),
        ("outsider", ()),
    ],
)
def test_each_role_may_state_only_the_purposes_in_the_permission_matrix(request, role, allowed):
    assert purposes_for(request.getfixturevalue(role)) == allowed


def test_the_matrix_gives_every_role_a_purpose_and_no_role_the_purpose_of_loading_extracts():
    assert set(roles.ROLE_PURPOSES) == set(roles.ROLES)
    assert all(roles.ROLE_PURPOSES.values())
    assert not any(Purpose.DATA_IMPORT in purposes for purposes in roles.ROLE_PURPOSES.values())


def test_someone_with_two_roles_may_state_the_purposes_of_either(officer):
    officer.groups.add(Group.objects.get(name=roles.PRIVACY_OFFICER))
    officer.refresh_from_db()

    assert purposes_for(officer) == (Purpose.ENQUIRY, Purpose.PRIVACY_REVIEW)


def test_a_superuser_may_state_any_staff_purpose_but_not_loading_extracts(django_user_model):
    root = django_user_model.objects.create_superuser("root", password="correct-horse-battery")

    assert Purpose.PRIVACY_REVIEW in purposes_for(root)
    assert Purpose.DATA_IMPORT not in purposes_for(root)


def test_an_inactive_or_anonymous_user_may_state_none(officer):
    from django.contrib.auth.models import AnonymousUser

    officer.is_active = False
    assert purposes_for(officer) == ()
    assert purposes_for(AnonymousUser()) == ()


# purpose_of: the one place that reads it


def test_with_nothing_stated_there_is_no_purpose_not_even_a_default(officer):
    with pytest.raises(PurposeNotStated):
        purpose_of(a_request(officer))


def test_the_purpose_stated_in_the_session_is_the_requests(caseworker):
    assert purpose_of(a_request(caseworker, session_purpose="casework")) == Purpose.CASEWORK


def test_the_header_is_the_requests_purpose_and_wins_over_the_session(caseworker):
    assert purpose_of(a_request(caseworker, session_purpose="casework", header="enquiry")) == Purpose.ENQUIRY


@pytest.mark.parametrize(("header", "status"), [("privacy_review", 403), ("casework", 403), ("nosy", 400), ("", 400)])
def test_a_header_the_role_may_not_state_is_refused_never_replaced(officer, header, status):
    with pytest.raises(PurposeRefused) as refused:
        purpose_of(a_request(officer, session_purpose="enquiry", header=header))

    assert refused.value.status == status
    assert "enquiry" in str(refused.value)  # says what the role does allow


def test_a_purpose_the_role_no_longer_allows_is_forgotten_and_must_be_stated_again(caseworker):
    request = a_request(caseworker, session_purpose="casework")
    caseworker.groups.set([Group.objects.get(name=roles.FRONT_LINE_OFFICER)])
    request.user = type(caseworker).objects.get(pk=caseworker.pk)  # the next request reads the roles afresh

    with pytest.raises(PurposeNotStated):
        purpose_of(request)
    assert PURPOSE_SESSION_KEY not in request.session


def test_a_page_with_one_reason_to_exist_needs_that_purpose(caseworker):
    caseworker.groups.add(Group.objects.get(name=roles.PRIVACY_OFFICER))
    request = a_request(type(caseworker).objects.get(pk=caseworker.pk), session_purpose="casework")

    with pytest.raises(PurposeNotStated) as not_stated:
        purpose_of(request, needed=Purpose.PRIVACY_REVIEW)

    assert not_stated.value.needed == Purpose.PRIVACY_REVIEW


# The API takes the same purposes, in X-Tellus-Purpose


@pytest.fixture
def alice():  # type: ignore[no-untyped-def]
    return PersonFactory(display_name="Alice Example")


MATCH = "/api/v1/people/match"


def capacities(person) -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/people/{person.pk}/capacities"


def test_the_api_refuses_a_purpose_the_role_may_not_state_with_a_json_403_and_reads_no_one(sign_in, officer, alice):
    client = sign_in(officer, purpose=Purpose.ENQUIRY)  # a purpose in the session does not excuse a forbidden header

    read = client.get(capacities(alice), headers={"X-Tellus-Purpose": "privacy_review"})
    match = client.post(
        MATCH, {"name": "Alice Example"}, content_type="application/json", headers={"X-Tellus-Purpose": "casework"}
    )

    for response in (read, match):
        assert response.status_code == 403
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert "Your role does not allow the purpose" in response.json()["detail"]
    assert not AuditEvent.objects.exists()


def test_the_api_refuses_a_forbidden_purpose_even_where_it_reads_no_one(sign_in, officer):
    response = sign_in(officer, purpose=None).get("/api/v1/services", headers={"X-Tellus-Purpose": "privacy_review"})

    assert response.status_code == 403
    assert "privacy_review" in response.json()["detail"]


def test_the_api_answers_a_person_endpoint_without_a_purpose_with_a_json_400(sign_in, officer, alice):
    client = sign_in(officer, purpose=None)

    response = client.get(capacities(alice))

    assert response.status_code == 400
    assert response.json() == {
        "detail": "State the purpose of this request in the X-Tellus-Purpose header (one your role allows: "
        "enquiry), or state it in the console first.",
        "errors": [],
    }
    assert not AuditEvent.objects.exists()


def test_endpoints_that_read_no_one_need_no_purpose(sign_in, officer):
    assert sign_in(officer, purpose=None).get("/api/v1/services").status_code == 200


def test_without_the_header_the_api_uses_the_purpose_stated_in_the_console_session(client, caseworker, alice):
    client = signed_in(client, caseworker, purpose=None)
    client.post("/console/purpose/", {"purpose": "casework"})

    response = client.get(capacities(alice))

    assert response.status_code == 200
    [event] = AuditEvent.objects.filter(subject_person_id=alice.pk)
    assert event.purpose == Purpose.CASEWORK


def test_the_header_wins_over_the_session_on_the_api(sign_in, caseworker, alice):
    client = sign_in(caseworker, purpose=Purpose.CASEWORK)

    client.get(capacities(alice), headers={"X-Tellus-Purpose": "enquiry"})

    [event] = AuditEvent.objects.filter(subject_person_id=alice.pk)
    assert event.purpose == Purpose.ENQUIRY


def test_the_api_never_states_a_purpose_for_the_session(client, caseworker, alice):
    client = signed_in(Client(), caseworker, purpose=None)

    client.get(capacities(alice), headers={"X-Tellus-Purpose": "casework"})

    assert PURPOSE_SESSION_KEY not in client.session
