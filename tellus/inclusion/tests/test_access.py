"""Who sees what: every role, and the outsider with none, against every view of needs, adjustments and routes,
in the console and on the API. Needs open only for casework or a privacy review, after a reason is given."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from tellus.inclusion.views import REASONS_SESSION_KEY
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.roles import ROLE_PURPOSES
from tellus.privacy.tests.helpers import signed_in

pytestmark = pytest.mark.django_db

ROLES = [
    "officer",
    "caseworker",
    "manager",
    "analyst",
    "privacy_officer",
    "administrator",
    "fraud_investigator",
    "outsider",
]
PURPOSE = {
    "officer": Purpose.ENQUIRY,
    "caseworker": Purpose.CASEWORK,
    "manager": Purpose.SERVICE_MANAGEMENT,
    "analyst": Purpose.ANALYSIS,
    "privacy_officer": Purpose.PRIVACY_REVIEW,
    "administrator": Purpose.ADMINISTRATION,
    "fraud_investigator": Purpose.FRAUD_INVESTIGATION,
    "outsider": None,
}
SEES_NEEDS = {"caseworker", "privacy_officer"}
SEES_ADJUSTMENTS = {"officer", "caseworker", "manager", "privacy_officer", "fraud_investigator"}
SEES_ROUTES = {"officer", "caseworker", "privacy_officer"}
RECORDS = {"caseworker"}


def _client(request, role: str) -> Client:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(role)
    return signed_in(Client(), user, purpose=PURPOSE[role])


def _with_reason(client: Client, key: str) -> Client:
    session = client.session
    session[REASONS_SESSION_KEY] = {key: ["Reviewing her support plan", time.time()]}
    session.save()
    return client


def test_the_roles_here_are_every_role_with_the_outsider():
    assert len(ROLES) == len(ROLE_PURPOSES) + 1


@pytest.mark.parametrize("role", ROLES)
def test_the_needs_page_opens_only_for_casework_or_privacy_review_after_a_reason(request, role, person_with_need):
    client = _with_reason(_client(request, role), str(person_with_need.pk))
    response = client.get(f"/inclusion/people/{person_with_need.pk}/needs/")
    if role in SEES_NEEDS:
        assert response.status_code == 200
        assert b"Dementia or cognitive impairment" in response.content
    else:
        assert response.status_code == 403
        assert b"Dementia" not in response.content


@pytest.mark.parametrize("role", ROLES)
def test_without_a_reason_the_needs_page_asks_for_one_first(request, role, person_with_need):
    client = _client(request, role)
    response = client.get(f"/inclusion/people/{person_with_need.pk}/needs/")
    if role in SEES_NEEDS:
        assert response.status_code == 302 and response["Location"].endswith("/reason/")
        assert not AuditEvent.objects.filter(object_type="inclusion.supportneed", action=AuditAction.VIEW).exists()
        asked = client.get(response["Location"])
        assert b"Why do you need to see" in asked.content
        assert client.post(response["Location"], {"reason": "short"}).status_code == 400
        given = client.post(response["Location"], {"reason": "Reviewing her support plan"})
        assert given.status_code == 302
        assert b"Dementia" in client.get(given["Location"]).content
        entry = AuditEvent.objects.get(object_type="inclusion.supportneed", action=AuditAction.VIEW)
        assert entry.context["reason"] == "Reviewing her support plan"
    else:
        assert response.status_code == 403


def test_a_caseworker_handling_an_enquiry_does_not_see_needs(caseworker, person_with_need):
    client = _with_reason(signed_in(Client(), caseworker, purpose=Purpose.ENQUIRY), str(person_with_need.pk))
    assert client.get(f"/inclusion/people/{person_with_need.pk}/needs/").status_code == 403
    assert client.get(f"/inclusion/people/{person_with_need.pk}/reason/").status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_the_support_page_shows_adjustments_never_the_need(request, role, person_with_need):
    response = _client(request, role).get(f"/inclusion/people/{person_with_need.pk}/")
    if role in SEES_ADJUSTMENTS:
        assert response.status_code == 200
        assert b"Speak to their advocate first" in response.content
        assert b"Dementia" not in response.content
        assert (b"Where a letter goes" in response.content) == (role in SEES_ROUTES)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["needs/new/", "adjustments/new/", "representatives/new/", "route/", "address/"])
def test_only_a_caseworker_records_needs_adjustments_representatives_and_routes(request, role, page, person_with_need):
    client = _with_reason(_client(request, role), str(person_with_need.pk))
    response = client.get(f"/inclusion/people/{person_with_need.pk}/{page}")
    assert response.status_code == (200 if role in RECORDS else 403)


@pytest.mark.parametrize("role", ROLES)
def test_only_a_caseworker_opens_or_ends_a_need_or_declares_local_connection(request, role, person_with_need):
    from tellus.inclusion.models import SupportNeed

    need = SupportNeed.objects.get(person=person_with_need)
    client = _with_reason(_client(request, role), str(person_with_need.pk))
    base = f"/inclusion/people/{person_with_need.pk}"
    assert client.get(f"{base}/needs/{need.pk}/").status_code == (200 if role in RECORDS else 403)
    assert client.get(f"{base}/local-connection/").status_code == (200 if role in RECORDS else 403)
    if role not in RECORDS:
        refused = client.post(f"{base}/needs/{need.pk}/", {"action": "end", "review_on": "2030-01-01"})
        assert refused.status_code == 403 and b"Dementia" not in refused.content
        need.refresh_from_db()
        assert need.ended_at is None  # nothing written


@pytest.mark.parametrize("role", ROLES)
def test_the_console_person_page_and_contact_form_show_adjustments_never_the_need(request, role, person_with_need):
    client = _client(request, role)
    for url in (f"/console/people/{person_with_need.pk}/", f"/demand/contacts/new/?person={person_with_need.pk}"):
        response = client.get(url)
        text = response.content.decode()
        assert "Dementia" not in text
        if role in SEES_ADJUSTMENTS and response.status_code == 200:
            assert "Speak to their advocate first" in text
        else:
            assert "Speak to their advocate first" not in text
    if role in SEES_ADJUSTMENTS:  # everyone who finds people reaches the person page and sees what to do
        assert client.get(f"/console/people/{person_with_need.pk}/").status_code == 200
    if role == "outsider":
        assert client.get(f"/console/people/{person_with_need.pk}/").status_code in (302, 403)


@pytest.mark.parametrize("role", ROLES)
def test_the_review_list_and_the_joined_up_list_are_for_caseworkers(request, role):
    client = _client(request, role)
    assert client.get("/inclusion/review/").status_code == (200 if role in RECORDS else 403)
    assert client.get("/inclusion/joined-up/").status_code == (200 if role in RECORDS else 403)


@pytest.mark.parametrize("path", ["/inclusion/people/1/", "/inclusion/people/1/needs/", "/inclusion/review/"])
def test_someone_not_signed_in_is_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login/" in response["Location"]


# The API


@pytest.mark.parametrize("role", ROLES)
def test_the_api_gives_adjustments_to_those_who_find_people(request, role, person_with_need):
    response = _client(request, role).get(f"/api/v1/people/{person_with_need.pk}/adjustments")
    if role in SEES_ADJUSTMENTS:
        assert response.status_code == 200
        assert response.json()["adjustments"] == ["Large print", "Speak to their advocate first"]
        assert "Dementia" not in response.content.decode()
    else:
        assert response.status_code == 403
        assert set(response.json()) >= {"detail"}


@pytest.mark.parametrize("role", ROLES)
def test_the_api_gives_needs_only_for_casework_or_privacy_review_with_a_reason(request, role, person_with_need):
    client = _client(request, role)
    url = f"/api/v1/people/{person_with_need.pk}/needs"
    response = client.get(url, headers={"X-Tellus-Reason": "Reviewing her support plan"})
    if role in SEES_NEEDS:
        assert response.status_code == 200
        assert response.json()["needs"][0]["need"] == "dementia"
        assert response.json()["needs"][0]["driver"] == "health"
        without = client.get(url)
        assert without.status_code == 400 and "X-Tellus-Reason" in without.json()["detail"]
    else:
        assert response.status_code == 403
        assert "dementia" not in response.content.decode()


def test_the_api_refuses_needs_to_a_caseworker_handling_an_enquiry(caseworker, person_with_need):
    client = signed_in(Client(), caseworker, purpose=None)
    response = client.get(
        f"/api/v1/people/{person_with_need.pk}/needs",
        headers={"X-Tellus-Reason": "Reviewing her support plan", "X-Tellus-Purpose": "enquiry"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_the_api_says_where_a_letter_goes_to_those_who_see_routes(request, role, person_with_need):
    response = _client(request, role).get(f"/api/v1/people/{person_with_need.pk}/letter-route")
    if role in SEES_ROUTES:
        assert response.status_code == 200 and response.json()["kind"] == "unknown"
    else:
        assert response.status_code == 403


FINDS_PEOPLE = {
    "officer",
    "caseworker",
    "manager",
    "privacy_officer",
    "fraud_investigator",
}  # "find people": the match itself


@pytest.fixture
def matched(monkeypatch, person_with_need):  # type: ignore[no-untyped-def]
    """The real-time match finds Edith Marsh (and someone with no adjustments); the model itself is linkage's
    to test, the candidates' adjustments are ours."""
    from tellus.linkage import api as linkage_api
    from tellus.linkage.matching import MatchCandidate
    from tellus.people.tests.factories import PersonFactory

    other = PersonFactory(display_name="Edith Marshall")

    def match_person(details, *, actor, purpose, limit):  # type: ignore[no-untyped-def]
        return [
            MatchCandidate(person_with_need.pk, "Edith Marsh", None, 0.97, 9.1, 1, "Council tax"),
            MatchCandidate(other.pk, "Edith Marshall", None, 0.2, -1.0, 2, "Council tax"),
        ]

    monkeypatch.setattr(linkage_api, "match_person", match_person)
    return person_with_need, other


@pytest.mark.parametrize("role", ROLES)
def test_the_api_match_carries_adjustments_never_the_need_to_those_who_find_people(request, role, matched):
    person, other = matched
    response = _client(request, role).post(
        "/api/v1/people/match", {"name": "Edith Marsh"}, content_type="application/json"
    )
    if role not in FINDS_PEOPLE:
        assert response.status_code == 403
        assert "Edith" not in response.content.decode() and "advocate" not in response.content.decode()
        return
    assert response.status_code == 200
    candidates = {c["person_id"]: c for c in response.json()}
    assert candidates[person.pk]["adjustments"] == ["Large print", "Speak to their advocate first"]
    assert candidates[other.pk]["adjustments"] == []
    assert "dementia" not in response.content.decode().lower()
    entry = AuditEvent.objects.get(object_type="inclusion.adjustment", action=AuditAction.VIEW)
    assert entry.subject_person_id == person.pk and entry.purpose == PURPOSE[role]


def test_every_role_that_finds_people_sees_adjustments():
    assert FINDS_PEOPLE <= SEES_ADJUSTMENTS  # else the match would show people without what to do for them


@pytest.mark.parametrize("role", ROLES)
def test_the_match_adjustments_are_given_only_to_a_role_that_shows_them(request, role, person_with_need):
    from tellus.inclusion.selectors import adjustments_for_match
    from tellus.privacy.services import Actor

    user = request.getfixturevalue(role)
    found = adjustments_for_match(
        user=user, actor=Actor.for_user(user), purpose=PURPOSE[role] or Purpose.ENQUIRY,
        person_ids=[person_with_need.pk],
    )  # fmt: skip
    assert found == ({person_with_need.pk: ["Large print", "Speak to their advocate first"]}
                     if role in SEES_ADJUSTMENTS else {})  # fmt: skip


def test_someone_not_signed_in_gets_nothing_from_the_api(client, person_with_need):
    for path in ("adjustments", "needs", "letter-route"):
        response = client.get(f"/api/v1/people/{person_with_need.pk}/{path}")
        assert response.status_code == 401 and "Edith" not in response.content.decode()
    match = client.post("/api/v1/people/match", {"name": "Edith Marsh"}, content_type="application/json")
    assert match.status_code == 401


def test_the_api_answers_404_for_nobody_and_400_for_a_number_it_cannot_read(caseworker):
    client = signed_in(Client(), caseworker, purpose=Purpose.CASEWORK)
    assert client.get("/api/v1/people/999999/adjustments").status_code == 404
    assert client.get("/api/v1/people/x1/adjustments").status_code in (400, 404, 422)
