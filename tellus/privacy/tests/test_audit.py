"""The audit log is append-only: the application refuses to change it, and PostgreSQL refuses too."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from tellus.common.request_context import request_id_scope
from tellus.privacy.models import AuditAction, AuditEvent, AuditLogIsAppendOnly, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_event_record, audit_events_record

pytestmark = pytest.mark.django_db


def record_one(actor: Actor | None = None) -> AuditEvent:
    with transaction.atomic():
        return audit_event_record(
            actor=actor or Actor.system("tests"),
            purpose=Purpose.CASEWORK,
            action=AuditAction.VIEW,
            object_type="people.person",
            object_id=7,
            subject_person_id=7,
            changes={"display_name": ["A", "B"]},
        )


def test_an_entry_records_actor_action_object_purpose_time_request_and_changes(officer) -> None:  # type: ignore[no-untyped-def]
    with request_id_scope("req-abc123456"):
        event = record_one(Actor.for_user(officer))

    event.refresh_from_db()
    assert (event.actor, event.actor_label) == (officer, "officer")
    assert (event.action, event.object_type, event.object_id) == ("view", "people.person", "7")
    assert event.purpose == "casework"
    assert event.request_id == "req-abc123456"
    assert event.changes == {"display_name": ["A", "B"]}
    assert event.occurred_at is not None
    assert event.client_request_id == ""


def test_one_entry_or_many_keep_the_clients_request_id_beside_tellus_own() -> None:
    with request_id_scope("req-ours", "their-id-42"):
        one = record_one()
        with transaction.atomic():
            audit_events_record(
                actor=Actor.system("tests"),
                purpose=Purpose.CASEWORK,
                entries=[AuditEntry(AuditAction.LISTED, "people.person", "8", subject_person_id=8)],
            )

    many = AuditEvent.objects.get(action=AuditAction.LISTED)
    for event in (AuditEvent.objects.get(pk=one.pk), many):
        assert (event.request_id, event.client_request_id) == ("req-ours", "their-id-42")


def test_the_application_cannot_change_an_entry() -> None:
    event = record_one()
    event.purpose = Purpose.ANALYSIS

    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(purpose=Purpose.ANALYSIS)
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.bulk_update([event], ["purpose"])
    assert AuditEvent.objects.get(pk=event.pk).purpose == Purpose.CASEWORK


def test_the_application_cannot_delete_an_entry() -> None:
    event = record_one()

    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_entries_cannot_be_written_outside_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_event_record(
            actor=Actor.system("tests"), purpose=Purpose.CASEWORK, action=AuditAction.VIEW, object_type="x"
        )


def test_an_entry_is_rolled_back_with_the_change_it_describes() -> None:
    with pytest.raises(ValueError), transaction.atomic():
        record_one()
        raise ValueError("the change failed")

    assert AuditEvent.objects.count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database-level guard is PostgreSQL's")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE privacy_auditevent SET purpose = 'analysis' WHERE id = %s",
        "DELETE FROM privacy_auditevent WHERE id = %s",
    ],
)
def test_postgresql_itself_refuses_to_change_or_delete_an_entry(sql: str) -> None:
    event = record_one()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])

    assert AuditEvent.objects.get(pk=event.pk).purpose == Purpose.CASEWORK
