"""Request ids are Tellus's own; a client's X-Request-ID is kept beside it, cleaned, never instead of it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tellus.common.request_context import client_request_id, current_client_request_id, request_id_scope
from tellus.people.tests.factories import PersonFactory
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.tests.helpers import signed_in


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("trace-3f2a9c", "trace-3f2a9c"),
        ("  0f8fad5b-d9cb-469f-a165-70867728950e ", "0f8fad5b-d9cb-469f-a165-70867728950e"),
        ("a" * 250, "a" * 100),
        ('=HYPERLINK("http://evil")', ""),
        ("<script>", ""),
        ("id with spaces", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_a_clients_request_id_is_kept_only_when_it_looks_like_one_and_cut_to_100_characters(sent, kept):
    assert client_request_id(sent) == kept


def test_the_client_id_is_only_set_inside_its_request():
    with request_id_scope("req-1", "theirs"):
        assert current_client_request_id() == "theirs"
    assert current_client_request_id() == ""


@pytest.mark.django_db
def test_tellus_makes_its_own_request_id_even_when_the_client_sends_one_and_keeps_the_clients_beside_it(
    client, officer
):
    alice = PersonFactory(display_name="Alice Example")
    client = signed_in(client, officer, purpose=Purpose.ENQUIRY)

    response = client.get(reverse("console:person", args=[alice.pk]), headers={"X-Request-ID": "proxy-chosen-id-1"})

    ours = response["X-Request-ID"]
    assert ours.startswith("req-") and ours != "proxy-chosen-id-1"
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="people.person")
    assert event.request_id == ours
    assert event.client_request_id == "proxy-chosen-id-1"
    assert not AuditEvent.objects.filter(request_id="proxy-chosen-id-1").exists()


@pytest.mark.django_db
def test_two_requests_sending_the_same_client_id_get_different_ids(client, officer):
    client = signed_in(client, officer, purpose=Purpose.ENQUIRY)

    first = client.get(reverse("console:search"), headers={"X-Request-ID": "same-id-every-time"})
    second = client.get(reverse("console:search"), headers={"X-Request-ID": "same-id-every-time"})

    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_the_audit_page_shows_the_clients_id_beside_tellus_own(client, officer, privacy_officer):
    alice = PersonFactory(display_name="Alice Example")
    signed_in(client, officer, purpose=Purpose.ENQUIRY).get(
        reverse("console:person", args=[alice.pk]), headers={"X-Request-ID": "proxy-chosen-id-1"}
    )

    html = signed_in(client, privacy_officer, purpose=Purpose.PRIVACY_REVIEW).get(
        reverse("console:person_audit", args=[alice.pk])
    )

    assert "Client\N{RIGHT SINGLE QUOTATION MARK}s id: <code>proxy-chosen-id-1</code>" in html.content.decode()
