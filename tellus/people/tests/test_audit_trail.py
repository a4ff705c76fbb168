from __future__ import annotations

import pytest
from django.db import transaction

from tellus.people.audit_trail import audit_events_for_person
from tellus.people.models import Person
from tellus.people.tests.factories import PersonFactory, SourceRecordFactory
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.services import Actor, audit_event_record

pytestmark = pytest.mark.django_db


def record_event(*, object_type: str, object_id: object = "", subject_person_id: int | None = None) -> AuditEvent:
    with transaction.atomic():
        return audit_event_record(
            actor=Actor.system("test"),
            purpose=Purpose.CASEWORK,
            action=AuditAction.UPDATE,
            object_type=object_type,
            object_id=object_id,
            subject_person_id=subject_person_id,
        )


def listed_ids(log) -> list[int]:  # type: ignore[no-untyped-def]
    return [event.pk for event in log.page]


def test_the_audit_log_holds_every_entry_about_the_person_and_no_others(privacy_officer):
    alice = PersonFactory(display_name="Alice Example")
    bob = PersonFactory(display_name="Bob Other")
    alices_record = SourceRecordFactory(person=alice)
    bobs_record = SourceRecordFactory(person=bob)
    about_alice = [
        record_event(object_type="demand.contact", object_id="77", subject_person_id=alice.pk),
        record_event(object_type="people.person", object_id=alice.pk),
        record_event(object_type="people.sourcerecord", object_id=alices_record.pk),
    ]
    record_event(object_type="demand.contact", object_id="78", subject_person_id=bob.pk)
    record_event(object_type="people.person", object_id=bob.pk)
    record_event(object_type="people.sourcerecord", object_id=bobs_record.pk)
    # An entry about some other kind of object that happens to share Alice's number is not about Alice.
    record_event(object_type="demand.contact", object_id=alice.pk)

    log = audit_events_for_person(actor=Actor.for_user(privacy_officer), person_id=alice.pk)

    assert sorted(listed_ids(log)) == sorted(event.pk for event in about_alice)
    assert log.person == alice
    assert log.total == 3


def test_a_source_record_entry_is_only_included_when_the_record_is_the_persons(privacy_officer):
    alice = PersonFactory()
    bobs_record = SourceRecordFactory(person=PersonFactory(), pk=alice.pk)
    record_event(object_type="people.sourcerecord", object_id=bobs_record.pk)

    log = audit_events_for_person(actor=Actor.for_user(privacy_officer), person_id=alice.pk)

    assert listed_ids(log) == []


def test_the_audit_log_is_newest_first(privacy_officer):
    alice = PersonFactory()
    older = record_event(object_type="people.person", object_id=alice.pk)
    newer = record_event(object_type="people.person", object_id=alice.pk)

    log = audit_events_for_person(actor=Actor.for_user(privacy_officer), person_id=alice.pk)

    assert listed_ids(log) == [newer.pk, older.pk]


def test_reading_the_audit_log_is_recorded_as_a_privacy_review_of_the_person(privacy_officer):
    alice = PersonFactory()

    audit_events_for_person(actor=Actor.for_user(privacy_officer), person_id=alice.pk)

    [event] = AuditEvent.objects.all()
    assert event.action == AuditAction.VIEW
    assert event.purpose == Purpose.PRIVACY_REVIEW
    assert event.actor == privacy_officer
    assert event.subject_person_id == alice.pk
    assert event.object_type == "privacy.auditevent"
    assert event.context == {"page": 1, "result_count": 0}


def test_a_later_reading_of_the_audit_log_lists_the_earlier_one(privacy_officer):
    alice = PersonFactory()
    actor = Actor.for_user(privacy_officer)

    audit_events_for_person(actor=actor, person_id=alice.pk)
    log = audit_events_for_person(actor=actor, person_id=alice.pk)

    [earlier] = log.page
    assert earlier.purpose == Purpose.PRIVACY_REVIEW


def test_the_audit_log_is_paginated(privacy_officer, settings):
    settings.TELLUS_SEARCH_PAGE_SIZE = 2
    alice = PersonFactory()
    events = [record_event(object_type="people.person", object_id=alice.pk) for _ in range(5)]

    log = audit_events_for_person(actor=Actor.for_user(privacy_officer), person_id=alice.pk, page=3)

    assert log.page.number == 3
    assert listed_ids(log) == [events[0].pk]
    assert log.total == 5


def test_reading_the_audit_log_of_a_missing_person_raises_and_writes_nothing(privacy_officer):
    with pytest.raises(Person.DoesNotExist):
        audit_events_for_person(actor=Actor.for_user(privacy_officer), person_id=424242)

    assert not AuditEvent.objects.exists()


def test_the_audit_log_reads_in_the_same_few_queries_however_long_it_is(
    privacy_officer, settings, django_assert_max_num_queries
):
    settings.TELLUS_SEARCH_PAGE_SIZE = 50
    alice = PersonFactory()
    records = SourceRecordFactory.create_batch(10, person=alice)
    for record in records:
        record_event(object_type="people.sourcerecord", object_id=record.pk)
        record_event(object_type="people.person", object_id=alice.pk, subject_person_id=alice.pk)

    # the person, who was merged into them, the count, the page of entries, the audit insert, and a savepoint pair
    with django_assert_max_num_queries(7):
        log = audit_events_for_person(actor=Actor.for_user(privacy_officer), person_id=alice.pk)
        labels = [(event.actor_label, event.get_action_display()) for event in log.page]

    assert len(labels) == 20
