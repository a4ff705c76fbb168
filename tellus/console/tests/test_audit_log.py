"""The privacy officer's audit log: filters, "everything this member of staff looked at", CSV, plain words."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from tellus.linkage.services import record_split
from tellus.people.tests.factories import PersonFactory, SourceRecordFactory
from tellus.privacy.models import AuditEvent, Purpose
from tellus.privacy.services import Actor
from tellus.privacy.tests.helpers import signed_in

pytestmark = pytest.mark.django_db
AUDIT = reverse("console:audit")


def _looked(client: Client, person_id: int) -> None:
    assert client.get(reverse("console:person", args=[person_id])).status_code == 200


@pytest.fixture
def history(officer, caseworker):  # type: ignore[no-untyped-def]
    ann, bob = PersonFactory(display_name="Ann Lee"), PersonFactory(display_name="Bob Lee")
    SourceRecordFactory(person=ann)
    record = SourceRecordFactory(person=ann)
    SourceRecordFactory(person=bob)
    _looked(signed_in(Client(), officer, purpose=Purpose.ENQUIRY), ann.pk)
    _looked(signed_in(Client(), caseworker, purpose=Purpose.CASEWORK), bob.pk)
    from django.db import transaction

    with transaction.atomic():
        record_split(record=record, actor=Actor.for_user(caseworker), purpose=Purpose.CASEWORK, reason="Her son")
    return {"ann": ann, "bob": bob}


def test_everything_one_member_of_staff_looked_at(client, privacy_officer, history):
    client = signed_in(client, privacy_officer, purpose=Purpose.PRIVACY_REVIEW)

    html = client.get(AUDIT, {"staff": "officer", "action": "viewed"}).content.decode()

    assert f"Person {history['ann'].pk}" in html
    assert f"Person {history['bob'].pk}" not in html
    assert "viewed a person" in html


def test_a_split_is_named_as_such_and_found_by_its_own_filter(client, privacy_officer, history):
    client = signed_in(client, privacy_officer, purpose=Purpose.PRIVACY_REVIEW)

    html = client.get(AUDIT, {"action": "split"}).content.decode()

    assert "split a record off a person" in html
    assert "1 entry" in html
    assert "people.sourcerecord" not in html and "Changed" not in html


def test_filters_by_person_purpose_and_date(client, privacy_officer, history):
    client = signed_in(client, privacy_officer, purpose=Purpose.PRIVACY_REVIEW)
    today = AuditEvent.objects.first().occurred_at.date().isoformat()  # type: ignore[union-attr]

    by_person = client.get(AUDIT, {"person": history["bob"].pk}).content.decode()
    by_purpose = client.get(AUDIT, {"purpose": "enquiry", "date_from": today, "date_to": today}).content.decode()
    none_before = client.get(AUDIT, {"date_to": "01/01/2000"}).content.decode()

    assert f"Person {history['ann'].pk}</a>" not in by_person
    assert "Casework" in by_person
    assert "Casework" not in by_purpose.split("<tbody>")[1]
    assert "0 entries" in none_before


def test_the_entries_export_as_csv_in_plain_words_and_the_export_is_recorded(client, privacy_officer, history):
    client = signed_in(client, privacy_officer, purpose=Purpose.PRIVACY_REVIEW)

    response = client.get(AUDIT, {"action": "split", "format": "csv"})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))  # type: ignore[attr-defined]
    assert response["Content-Type"] == "text/csv"
    assert rows[0] == ["when", "member of staff", "what they did", "person", "purpose", "request id"]
    assert [row[2] for row in rows[1:]] == ["split a record off a person"]
    reading = AuditEvent.objects.filter(object_type="privacy.auditevent", actor=privacy_officer).first()
    assert reading is not None and reading.context["as"] == "csv export"
    assert reading.context["filters"] == {"action": "split"}


def test_an_end_date_before_the_start_is_an_error_and_shows_no_entries(client, privacy_officer, history):
    client = signed_in(client, privacy_officer, purpose=Purpose.PRIVACY_REVIEW)

    response = client.get(AUDIT, {"date_from": "02/01/2026", "date_to": "01/01/2026"})

    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.content.decode()
    assert "<table" not in response.content.decode()


@pytest.mark.parametrize("role", ["officer", "caseworker", "analyst", "administrator", "outsider"])
def test_only_the_privacy_officer_reads_the_audit_log(client, request, role):
    client = signed_in(client, request.getfixturevalue(role), purpose=None)

    assert client.get(AUDIT).status_code == 403
    assert not AuditEvent.objects.filter(object_type="privacy.auditevent").exists()
