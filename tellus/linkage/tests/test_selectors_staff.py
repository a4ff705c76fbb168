"""Reads of linkage results for staff: evidence tables from stored comparisons, the queue, and audit entries."""

from __future__ import annotations

import math

import pytest

from tellus.linkage.models import CandidatePair, PersonMerge
from tellus.linkage.selectors_staff import (
    comparison_rows,
    next_pair_in_queue,
    pair_evidence,
    pair_get_for_review,
    person_page_for_staff,
    review_queue,
    weight_words,
)
from tellus.linkage.services import person_merge_undo, persons_merge
from tellus.people.audit_trail import audit_events_about_person
from tellus.people.models import Person
from tellus.people.tests.factories import PersonFactory, SourceRecordFactory
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.services import Actor, audit_event_record

ACTOR = Actor.system("tests")


def person_with_records(name: str, count: int = 1) -> Person:
    person = PersonFactory(display_name=name)
    for _n in range(count):
        SourceRecordFactory(person=person)
    return person


def pair(status: CandidatePair.Status = CandidatePair.Status.REVIEW, probability: float = 0.8) -> CandidatePair:
    left, right = sorted((SourceRecordFactory(person=PersonFactory()) for _n in range(2)), key=lambda r: r.pk)
    return CandidatePair.objects.create(
        record_l=left, record_r=right, status=status, match_probability=probability, match_weight=1.0
    )


# Evidence tables (no database)


def test_each_comparison_becomes_a_row_with_its_level_and_weight() -> None:
    [row] = comparison_rows(
        [{"comparison": "First name", "level": "Exact match", "bayes_factor": 12.3, "weight": 3.62}]
    )

    assert row.comparison == "First name"
    assert row.level == "Exact match"
    assert row.signed_weight == "+3.62"
    assert row.meaning == "evidence for"
    assert row.direction == "for"
    assert row.likelihood == "12.3 times as likely if they are one person"


def test_a_missing_weight_is_worked_out_from_the_bayes_factor_and_the_other_way_round() -> None:
    from_factor, from_weight = comparison_rows([{"bayes_factor": 0.125}, {"weight": 2}])

    assert from_factor.weight == pytest.approx(-3)
    assert from_factor.signed_weight == "\N{MINUS SIGN}3.00"
    assert from_factor.likelihood == "8.0 times as likely if they are two people"
    assert from_weight.bayes_factor == pytest.approx(4)


@pytest.mark.parametrize(
    "stored", [None, "text", {"comparison": "x"}, [None, 3, "x"], [{"weight": "nan"}], [{"weight": math.inf}]]
)
def test_stored_comparisons_of_any_shape_never_break_the_table(stored) -> None:  # type: ignore[no-untyped-def]
    rows = comparison_rows(stored)

    assert all(row.weight is None for row in rows)
    assert all(row.meaning == "Not recorded" for row in rows)


@pytest.mark.parametrize(
    ("weight", "words"),
    [
        (8, "strong evidence for"),
        (3, "evidence for"),
        (1, "weak evidence for"),
        (0.2, "little or no evidence either way"),
        (-0.2, "little or no evidence either way"),
        (-1, "weak evidence against"),
        (-3, "evidence against"),
        (-8, "strong evidence against"),
    ],
)
def test_weights_are_put_in_words(weight: float, words: str) -> None:
    assert weight_words(weight) == words


def test_the_starting_point_is_what_the_comparisons_do_not_explain() -> None:
    stored = CandidatePair(
        match_weight=4.0, match_probability=0.94, comparisons=[{"weight": 6.0}, {"weight": -1.0}], status="review"
    )

    evidence = pair_evidence(stored)

    assert evidence.prior_weight == pytest.approx(-1.0)
    assert evidence.percent == "94.0%"


def test_there_is_no_starting_point_when_a_weight_is_missing() -> None:
    stored = CandidatePair(match_weight=4.0, comparisons=[{"weight": 6.0}, {"level": "x"}], status="review")

    assert pair_evidence(stored).prior_weight is None
    assert pair_evidence(stored).percent == "Not recorded"


# The queue and one pair


@pytest.mark.django_db
def test_the_queue_counts_both_tabs_and_lists_one() -> None:
    likely, unlikely = pair(probability=0.9), pair(probability=0.6)
    pair(CandidatePair.Status.NOT_SURE)
    pair(CandidatePair.Status.CONFIRMED)

    queue = review_queue(actor=ACTOR, purpose=Purpose.CASEWORK)

    assert list(queue.page) == [likely, unlikely]
    assert queue.counts == {"review": 2, "not_sure": 1}


@pytest.mark.django_db
def test_the_next_pair_is_the_most_probable_one_left() -> None:
    first, second = pair(probability=0.9), pair(probability=0.7)

    assert next_pair_in_queue(status=CandidatePair.Status.REVIEW) == first.pk
    assert next_pair_in_queue(status=CandidatePair.Status.REVIEW, after=first) == second.pk
    assert next_pair_in_queue(status=CandidatePair.Status.NOT_SURE) is None


@pytest.mark.django_db
def test_reviewing_a_pair_writes_one_view_per_person_inside_the_read() -> None:
    shown = pair()

    review = pair_get_for_review(actor=ACTOR, purpose=Purpose.CASEWORK, pair_id=shown.pk)

    events = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="linkage.candidatepair")
    assert {event.subject_person_id for event in events} == {review.left.person_id, review.right.person_id}
    assert all(event.purpose == Purpose.CASEWORK for event in events)


@pytest.mark.django_db
def test_a_pair_of_records_on_one_person_writes_one_view() -> None:
    person = person_with_records("Ann Lee", 2)
    left, right = person.source_records.order_by("pk")
    shown = CandidatePair.objects.create(record_l=left, record_r=right, status=CandidatePair.Status.REVIEW)

    review = pair_get_for_review(actor=ACTOR, purpose=Purpose.CASEWORK, pair_id=shown.pk)

    assert review.same_person
    assert AuditEvent.objects.filter(object_type="linkage.candidatepair").count() == 1


@pytest.mark.django_db
def test_a_missing_pair_writes_nothing() -> None:
    with pytest.raises(CandidatePair.DoesNotExist):
        pair_get_for_review(actor=ACTOR, purpose=Purpose.CASEWORK, pair_id=999999)

    assert not AuditEvent.objects.exists()


# A person's page


@pytest.mark.django_db
def test_a_merged_away_person_leads_to_where_their_records_are_now() -> None:
    ann, annie, bea = (person_with_records(name) for name in ("Ann Lee", "Annie Lee", "Bea Lee"))
    for survivor, absorbed in ((ann, annie), (bea, ann)):
        persons_merge(
            survivor=survivor, absorbed=absorbed, actor=ACTOR, purpose=Purpose.CASEWORK, reason=PersonMerge.Reason.STAFF
        )

    page = person_page_for_staff(actor=ACTOR, purpose=Purpose.CASEWORK, person_id=annie.pk)

    assert page.merged_into == bea
    assert [merge.survivor for merge in page.merges] == [ann]


# The audit trail follows merges


@pytest.mark.django_db
def test_a_persons_audit_trail_includes_people_merged_into_them_until_the_merge_is_undone() -> None:
    ann, annie = person_with_records("Ann Lee"), person_with_records("Annie Lee")
    seen = audit_event_record(
        actor=ACTOR, purpose=Purpose.ENQUIRY, action=AuditAction.VIEW, object_type="x", subject_person_id=annie.pk
    )
    assert seen not in audit_events_about_person(ann.pk)

    done = persons_merge(
        survivor=ann, absorbed=annie, actor=ACTOR, purpose=Purpose.CASEWORK, reason=PersonMerge.Reason.STAFF
    )
    assert seen in audit_events_about_person(ann.pk)

    person_merge_undo(merge=done, actor=ACTOR, purpose=Purpose.CASEWORK)
    assert seen not in audit_events_about_person(ann.pk)
    assert seen in audit_events_about_person(annie.pk)
