"""Merging, undoing and splitting: no record or child row is ever lost or left pointing nowhere."""

from __future__ import annotations

import datetime as dt

import pytest

from tellus.linkage.models import CandidatePair, PersonMerge
from tellus.linkage.services import (
    LinkageError,
    pair_decide,
    person_merge_undo,
    persons_merge,
    record_split,
)
from tellus.people.models import Occupancy, Person, SourceRecord
from tellus.people.tests.factories import PersonFactory, PropertyFactory, SourceRecordFactory
from tellus.privacy.models import AuditEvent, Purpose
from tellus.privacy.services import Actor

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")


def person_with_records(name: str, count: int, **record_fields) -> Person:  # type: ignore[no-untyped-def]
    person = PersonFactory(display_name=name)
    first, _, last = name.partition(" ")
    for _ in range(count):
        SourceRecordFactory(person=person, first_name=first, last_name=last, **record_fields)
    return person


def merge(survivor: Person, absorbed: Person) -> PersonMerge:
    return persons_merge(
        survivor=survivor, absorbed=absorbed, actor=ACTOR, purpose=Purpose.CASEWORK, reason=PersonMerge.Reason.STAFF
    )


def test_merging_moves_every_record_and_child_row_to_the_survivor() -> None:
    survivor = person_with_records("Ann Lee", 2)
    absorbed = person_with_records("Annie Lee", 1)
    home = PropertyFactory()
    occupancy = Occupancy.objects.create(person=absorbed, property=home)

    result = merge(survivor, absorbed)

    assert SourceRecord.objects.filter(person=survivor).count() == 3
    occupancy.refresh_from_db()
    assert occupancy.person == survivor
    absorbed.refresh_from_db()
    assert absorbed.merged_into == survivor
    assert set(result.moved) == {"people.sourcerecord", "people.occupancy"}
    assert AuditEvent.objects.filter(subject_person_id=absorbed.pk, changes__has_key="merged_into_id").exists()


def test_undoing_a_merge_puts_back_exactly_the_rows_it_moved() -> None:
    survivor = person_with_records("Ann Lee", 2)
    absorbed = person_with_records("Annie Lee", 1)
    moved_record = absorbed.source_records.get()
    result = merge(survivor, absorbed)
    later_record = SourceRecordFactory(person=survivor)

    person_merge_undo(merge=result, actor=ACTOR, purpose=Purpose.CASEWORK)

    moved_record.refresh_from_db()
    later_record.refresh_from_db()
    absorbed.refresh_from_db()
    assert moved_record.person == absorbed
    assert later_record.person == survivor
    assert absorbed.merged_into is None
    assert absorbed.display_name == "Annie Lee"
    result.refresh_from_db()
    assert result.undone_at is not None


def test_an_undone_merge_leaves_a_decision_that_keeps_the_two_apart() -> None:
    survivor = person_with_records("Ann Lee", 1)
    absorbed = person_with_records("Ann Lee", 1)
    person_merge_undo(merge=merge(survivor, absorbed), actor=ACTOR, purpose=Purpose.CASEWORK)

    pair = CandidatePair.objects.get()
    assert pair.status == CandidatePair.Status.REJECTED


def test_a_merge_cannot_be_undone_twice_or_out_of_order() -> None:
    first, second, third = (person_with_records(f"P{i} Lee", 1) for i in range(3))
    earlier = merge(second, first)
    merge(third, second)

    with pytest.raises(LinkageError, match="undo merge"):
        person_merge_undo(merge=earlier, actor=ACTOR, purpose=Purpose.CASEWORK)
    later = PersonMerge.objects.get(absorbed=second)
    person_merge_undo(merge=later, actor=ACTOR, purpose=Purpose.CASEWORK)
    person_merge_undo(merge=earlier, actor=ACTOR, purpose=Purpose.CASEWORK)
    with pytest.raises(LinkageError, match="already undone"):
        person_merge_undo(merge=earlier, actor=ACTOR, purpose=Purpose.CASEWORK)
    assert all(p.source_records.count() == 1 for p in (first, second, third))


def test_a_person_cannot_be_merged_with_themselves_or_after_being_merged_away() -> None:
    one, two, three = (person_with_records(f"P{i} Lee", 1) for i in range(3))
    with pytest.raises(LinkageError):
        merge(one, one)
    merge(one, two)
    with pytest.raises(LinkageError, match="was merged into"):
        merge(three, two)


def test_splitting_a_record_gives_it_a_person_of_its_own_and_keeps_it_apart() -> None:
    person = person_with_records("Ann Lee", 2)
    wrong = SourceRecordFactory(person=person, first_name="Bob", last_name="Stone", date_of_birth=dt.date(1950, 1, 1))

    split = record_split(record=wrong, actor=ACTOR, purpose=Purpose.CASEWORK)

    wrong.refresh_from_db()
    assert wrong.person == split.to_person
    assert split.to_person.display_name == "Bob Stone"
    assert person.source_records.count() == 2
    assert CandidatePair.objects.filter(status=CandidatePair.Status.REJECTED).count() == 2


def test_a_lone_record_cannot_be_split_off() -> None:
    person = person_with_records("Ann Lee", 1)
    with pytest.raises(LinkageError, match="only record"):
        record_split(record=person.source_records.get(), actor=ACTOR, purpose=Purpose.CASEWORK)


def test_confirming_a_review_pair_merges_the_two_people() -> None:
    left, right = person_with_records("Ann Lee", 2), person_with_records("Ann Lee", 1)
    a, b = left.source_records.first(), right.source_records.get()
    assert a is not None
    pair = CandidatePair.objects.create(
        record_l_id=min(a.pk, b.pk),
        record_r_id=max(a.pk, b.pk),
        status=CandidatePair.Status.REVIEW,
        match_probability=0.7,
    )

    pair_decide(pair=pair, decision=CandidatePair.Status.CONFIRMED, actor=ACTOR, purpose=Purpose.CASEWORK)

    b.refresh_from_db()
    assert b.person == left
    assert PersonMerge.objects.get().reason == PersonMerge.Reason.STAFF


def test_rejecting_a_review_pair_records_the_decision_and_merges_nothing() -> None:
    left, right = person_with_records("Ann Lee", 1), person_with_records("Ann Lee", 1)
    a, b = left.source_records.get(), right.source_records.get()
    pair = CandidatePair.objects.create(record_l=a, record_r=b, status=CandidatePair.Status.REVIEW)

    pair_decide(pair=pair, decision=CandidatePair.Status.REJECTED, actor=ACTOR, purpose=Purpose.CASEWORK, note="twins")

    pair.refresh_from_db()
    assert (pair.status, pair.decision_note) == (CandidatePair.Status.REJECTED, "twins")
    assert PersonMerge.objects.count() == 0
