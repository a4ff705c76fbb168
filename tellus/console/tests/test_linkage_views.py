"""The console's linkage pages: the review queue, deciding a pair, the evidence on a person's page, merging,
undoing a merge and splitting a record off."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.test import Client
from django.urls import reverse

from tellus.linkage.models import CandidatePair, PersonMerge, RecordSplit
from tellus.linkage.services import persons_merge
from tellus.people.models import Household, Person, SourceRecord
from tellus.people.tests.factories import PersonFactory, PropertyFactory, SourceRecordFactory, SourceSystemFactory
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.services import Actor
from tellus.privacy.tests.helpers import signed_in

pytestmark = pytest.mark.django_db

REVIEW = reverse("console:review")
COMPARISONS = [
    {"comparison": "First name", "level": "Exact match", "bayes_factor": 12.3, "weight": 3.62},
    {"comparison": "Date of birth", "level": "Exact match", "bayes_factor": 64.0, "weight": 6.0},
    {"comparison": "Postcode", "level": "All other comparisons", "bayes_factor": 0.25, "weight": -2.0},
]


def person_with_records(name: str, count: int = 1, **fields) -> Person:  # type: ignore[no-untyped-def]
    person = PersonFactory(display_name=name)
    first, _, last = name.partition(" ")
    for _n in range(count):
        SourceRecordFactory(person=person, first_name=first, last_name=last, **fields)
    return person


def pair_of(left: SourceRecord, right: SourceRecord, **fields) -> CandidatePair:  # type: ignore[no-untyped-def]
    low, high = sorted((left, right), key=lambda record: record.pk)
    values = {
        "status": CandidatePair.Status.REVIEW,
        "match_weight": 2.5,
        "match_probability": 0.85,
        "comparisons": COMPARISONS,
        **fields,
    }
    return CandidatePair.objects.create(record_l=low, record_r=high, **values)


def review_pair(probability: float | None = 0.85, **fields) -> CandidatePair:  # type: ignore[no-untyped-def]
    ann = person_with_records("Ann Lee", postcode="TL1 1AA")
    annie = person_with_records("Annie Lee", postcode="TL9 9ZZ")
    return pair_of(ann.source_records.get(), annie.source_records.get(), match_probability=probability, **fields)


def merge(survivor: Person, absorbed: Person) -> PersonMerge:
    return persons_merge(
        survivor=survivor,
        absorbed=absorbed,
        actor=Actor.system("tests"),
        purpose=Purpose.CASEWORK,
        reason=PersonMerge.Reason.STAFF,
    )


# Who may see what


@pytest.mark.parametrize("role", ["officer", "analyst", "outsider", "privacy_officer"])
def test_only_caseworkers_can_open_the_review_queue_or_a_pair(client, request, role):
    pair = review_pair()

    client = signed_in(client, request.getfixturevalue(role), purpose=None)

    assert client.get(REVIEW).status_code == 403
    assert client.get(reverse("console:review_pair", args=[pair.pk])).status_code == 403
    response = client.post(reverse("console:review_pair", args=[pair.pk]), {"decision": "confirmed"})
    assert response.status_code == 403
    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.REVIEW
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("role", ["officer", "analyst", "outsider"])
def test_only_caseworkers_can_merge_split_or_undo(client, request, role):
    ann = person_with_records("Ann Lee", 2)
    annie = person_with_records("Annie Lee")
    done = merge(person_with_records("Bea Lee"), person_with_records("Bee Lee"))
    client = signed_in(client, request.getfixturevalue(role), purpose=None)
    record = ann.source_records.first()
    assert record is not None

    responses = [
        client.get(reverse("console:person_merge", args=[ann.pk]), {"other": annie.pk}),
        client.post(reverse("console:person_merge", args=[ann.pk]), {"other": annie.pk}),
        client.get(reverse("console:record_split", args=[ann.pk, record.pk])),
        client.post(reverse("console:record_split", args=[ann.pk, record.pk]), {"reason": "Not her"}),
        client.post(reverse("console:merge_undo", args=[done.pk])),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403, 403, 403]
    assert ann.source_records.count() == 2
    annie.refresh_from_db()
    assert annie.merged_into is None
    done.refresh_from_db()
    assert done.undone_at is None


def test_an_officer_sees_no_linkage_evidence_and_no_merge_or_split_buttons(client, officer, caseworker):
    ann = person_with_records("Ann Lee", 2)
    first, second = ann.source_records.all()
    pair_of(first, second, status=CandidatePair.Status.AUTO_LINKED)

    html = (
        signed_in(client, officer, purpose=Purpose.ENQUIRY)
        .get(reverse("console:person", args=[ann.pk]))
        .content.decode()
    )
    judge = signed_in(Client(), caseworker, purpose=Purpose.CASEWORK).get(reverse("console:person", args=[ann.pk]))

    assert "Why these records are one person" not in html
    assert "Strong evidence for" not in html
    assert "Strong evidence for" in judge.content.decode()
    assert "Merge with another person" not in html
    assert "Split this record off" not in html
    assert "Review queue" not in html


@pytest.mark.parametrize("url", [REVIEW, "/console/review/1/", "/console/people/1/merge/"])
def test_anonymous_users_are_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_deciding_needs_the_forms_csrf_token(caseworker):
    pair = review_pair()
    client = Client(enforce_csrf_checks=True)
    client.force_login(caseworker)

    response = client.post(reverse("console:review_pair", args=[pair.pk]), {"decision": "confirmed"})

    assert response.status_code == 403
    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.REVIEW


# The queue


def test_an_empty_queue_says_so(client, caseworker):
    response = signed_in(client, caseworker, purpose=Purpose.CASEWORK).get(REVIEW)

    html = response.content.decode()
    assert response.status_code == 200
    assert "0 pairs waiting for review" in html
    assert "There are no pairs waiting for review." in html
    assert "<table" not in html


def test_the_queue_lists_pairs_waiting_for_review_most_probable_first(client, caseworker):
    likely = review_pair(0.9)
    unlikely = review_pair(0.6)
    not_sure = review_pair(0.8, status=CandidatePair.Status.NOT_SURE)
    review_pair(0.99, status=CandidatePair.Status.AUTO_LINKED)

    html = signed_in(client, caseworker, purpose=Purpose.CASEWORK).get(REVIEW).content.decode()

    assert "2 pairs waiting for review" in html
    assert html.index(f"Review pair {likely.pk}<") < html.index(f"Review pair {unlikely.pk}<")
    assert f"Review pair {not_sure.pk}<" not in html
    assert "90.0%" in html
    assert 'aria-current="page">Waiting for review (2)</a>' in html
    assert "Not sure (1)</a>" in html


def test_pairs_a_rule_held_back_show_why_and_their_score_and_come_after_the_models_own(client, caseworker):
    held = review_pair(1.0, held_because="same date of birth but different first names: treated as twins")
    unsure = review_pair(0.6)

    html = signed_in(client, caseworker, purpose=Purpose.CASEWORK).get(REVIEW).content.decode()

    assert html.index(f"Review pair {unsure.pk}<") < html.index(f"Review pair {held.pk}<")
    assert "treated as twins (would have been linked at 100.0%)" in html
    assert "Model unsure" in html
    page = (
        signed_in(client, caseworker, purpose=Purpose.CASEWORK)
        .get(reverse("console:review_pair", args=[held.pk]))
        .content.decode()
    )
    assert "The model alone would have linked these records at 100.0%" in page


def test_a_pair_a_changed_record_sent_to_review_shows_why_without_claiming_it_would_have_been_linked(
    client, caseworker
):
    reason = "record changed since it was linked and now only possibly matches its person"
    changed = review_pair(0.62, held_because=reason)

    html = signed_in(client, caseworker, purpose=Purpose.CASEWORK).get(REVIEW).content.decode()
    page = (
        signed_in(client, caseworker, purpose=Purpose.CASEWORK)
        .get(reverse("console:review_pair", args=[changed.pk]))
        .content.decode()
    )

    assert reason in html and "would have been linked" not in html
    assert f"{reason}." in page and "would have linked" not in page


def test_pairs_marked_not_sure_have_their_own_tab(client, caseworker):
    waiting = review_pair(0.9)
    not_sure = review_pair(0.8, status=CandidatePair.Status.NOT_SURE)

    html = signed_in(client, caseworker, purpose=Purpose.CASEWORK).get(REVIEW, {"status": "not_sure"}).content.decode()

    assert "1 pair marked not sure" in html
    assert f"Review pair {not_sure.pk}<" in html
    assert f"Review pair {waiting.pk}<" not in html
    assert 'aria-current="page">Not sure (1)</a>' in html


def test_the_queue_is_paginated(client, caseworker, settings):
    settings.TELLUS_SEARCH_PAGE_SIZE = 2
    for n in range(5):
        review_pair(0.5 + n / 100)

    html = signed_in(client, caseworker, purpose=Purpose.CASEWORK).get(REVIEW, {"page": "3"}).content.decode()

    assert "showing 5 to 5 of 5" in html
    assert '<nav class="pagination" aria-label="Pages of pairs">' in html


def test_listing_the_queue_records_each_person_shown(client, caseworker):
    pair = review_pair()

    signed_in(client, caseworker, purpose=Purpose.CASEWORK).get(REVIEW)

    listed = AuditEvent.objects.filter(action=AuditAction.LISTED, object_type="linkage.candidatepair")
    assert {event.subject_person_id for event in listed} == {pair.record_l.person_id, pair.record_r.person_id}
    assert {event.object_id for event in listed} == {str(pair.pk)}


def test_a_page_of_the_queue_takes_the_same_few_queries_however_many_pairs_it_shows(
    client, caseworker, settings, django_assert_max_num_queries
):
    settings.TELLUS_SEARCH_PAGE_SIZE = 20
    for n in range(20):
        review_pair(0.5 + n / 100)
    client = signed_in(client, caseworker, purpose=Purpose.CASEWORK)

    with django_assert_max_num_queries(13):  # one is the worklist count in the navigation
        response = client.get(REVIEW)

    assert response.content.decode().count("Review pair ") == 20


# One pair


def test_a_pair_shows_both_records_side_by_side_with_differences_in_words(client, caseworker):
    pair = review_pair()

    response = signed_in(client, caseworker, purpose=Purpose.CASEWORK).get(
        reverse("console:review_pair", args=[pair.pk])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<th scope=\"row\">First name</th>\s*<td>Ann</td>\s*<td>Annie</td>", html)
    assert re.search(r'compare__row--differs">\s*<th scope="row">Postcode</th>', html)
    assert re.search(r'<th scope="row">Last name</th>\s*<td>Lee</td>\s*<td>Lee</td>\s*<td>Same</td>', html)
    assert ">Different</strong>" in html
    assert "Fields that differ" in html


def test_a_pair_shows_each_comparisons_contribution_and_the_total(client, caseworker):
    pair = review_pair()

    html = (
        signed_in(client, caseworker, purpose=Purpose.CASEWORK)
        .get(reverse("console:review_pair", args=[pair.pk]))
        .content.decode()
    )

    assert re.search(r'<th scope="row">First name</th>\s*<td>Exact match</td>\s*<td[^>]*>\+3\.62</td>', html)
    assert "Evidence for" in html
    assert "Strong evidence for" in html
    assert "\N{MINUS SIGN}2.00" in html
    assert "Evidence against" in html
    assert "4.0 times as likely if they are two people" in html
    assert "Probability they are one person: 85.0%" in html
    assert "+2.50" in html
    # The starting point is what the comparisons do not explain: 2.5 - (3.62 + 6 - 2)
    assert "\N{MINUS SIGN}5.12" in html


def test_a_pair_with_odd_or_missing_evidence_still_renders(client, caseworker):
    pair = review_pair(
        None,
        comparisons=[{"comparison": "Email"}, "junk", {"level": "Close", "bayes_factor": "8"}, {"weight": "nan"}],
        match_weight=None,
    )

    response = signed_in(client, caseworker, purpose=Purpose.CASEWORK).get(
        reverse("console:review_pair", args=[pair.pk])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "+3.00" in html  # log2 of a Bayes factor of 8
    assert "Not recorded" in html
    assert "Starting point" not in html


def test_opening_a_pair_records_a_view_of_each_person(client, caseworker):
    pair = review_pair()

    signed_in(client, caseworker, purpose=Purpose.CASEWORK).get(reverse("console:review_pair", args=[pair.pk]))

    views = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="linkage.candidatepair")
    assert sorted(event.subject_person_id for event in views) == sorted(
        [pair.record_l.person_id, pair.record_r.person_id]
    )
    assert all(event.actor == caseworker and event.object_id == str(pair.pk) for event in views)


def test_a_missing_pair_is_a_page_not_found(client, caseworker):
    response = signed_in(client, caseworker, purpose=Purpose.CASEWORK).get(
        reverse("console:review_pair", args=[999999])
    )

    assert response.status_code == 404
    assert not AuditEvent.objects.exists()


def test_a_pair_page_takes_a_fixed_number_of_queries(client, caseworker, django_assert_max_num_queries):
    pair = review_pair()
    client = signed_in(client, caseworker, purpose=Purpose.CASEWORK)

    with django_assert_max_num_queries(11):  # one is the worklist count in the navigation
        client.get(reverse("console:review_pair", args=[pair.pk]))


# Deciding


def test_confirming_a_pair_joins_the_two_people_and_goes_to_the_next_pair(client, caseworker):
    pair = review_pair(0.9)
    following = review_pair(0.7)
    client = signed_in(client, caseworker, purpose=Purpose.CASEWORK)

    response = client.post(
        reverse("console:review_pair", args=[pair.pk]), {"decision": "confirmed", "note": "Same phone number"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("console:review_pair", args=[following.pk])
    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.CONFIRMED
    assert pair.decided_by == caseworker
    assert pair.decision_note == "Same phone number"
    pair.record_l.refresh_from_db()
    pair.record_r.refresh_from_db()
    assert pair.record_l.person_id == pair.record_r.person_id
    decision = AuditEvent.objects.get(object_type="linkage.candidatepair", action=AuditAction.UPDATE)
    assert decision.actor == caseworker
    assert decision.purpose == Purpose.CASEWORK
    assert decision.changes == {"status": ["review", "confirmed"]}
    assert decision.context == {"note": "Same phone number"}
    assert f"Pair {pair.pk} confirmed" in client.get(response["Location"]).content.decode()


def test_rejecting_a_pair_keeps_the_people_apart(client, caseworker):
    pair = review_pair()

    response = signed_in(client, caseworker, purpose=Purpose.CASEWORK).post(
        reverse("console:review_pair", args=[pair.pk]), {"decision": "rejected"}
    )

    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.REJECTED
    assert pair.record_l.person_id != pair.record_r.person_id
    assert response["Location"] == REVIEW
    assert AuditEvent.objects.filter(changes__status=["review", "rejected"]).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "rejected: linkage will keep these records apart" in page
    assert "There are no more pairs in this queue." in page


def test_not_sure_moves_a_pair_to_the_not_sure_tab(client, caseworker):
    pair = review_pair()

    signed_in(client, caseworker, purpose=Purpose.CASEWORK).post(
        reverse("console:review_pair", args=[pair.pk]), {"decision": "not_sure"}
    )

    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.NOT_SURE
    assert f"Review pair {pair.pk}<" in client.get(REVIEW, {"status": "not_sure"}).content.decode()
    assert f"Review pair {pair.pk}<" not in client.get(REVIEW).content.decode()


def test_deciding_a_pair_from_the_not_sure_tab_goes_to_the_next_not_sure_pair(client, caseworker):
    pair = review_pair(0.9, status=CandidatePair.Status.NOT_SURE)
    review_pair(0.95)
    following = review_pair(0.5, status=CandidatePair.Status.NOT_SURE)

    response = signed_in(client, caseworker, purpose=Purpose.CASEWORK).post(
        reverse("console:review_pair", args=[pair.pk]), {"decision": "rejected"}
    )

    assert response["Location"] == reverse("console:review_pair", args=[following.pk])


def test_a_decision_without_a_button_is_an_error_summary(client, caseworker):
    pair = review_pair()

    response = signed_in(client, caseworker, purpose=Purpose.CASEWORK).post(
        reverse("console:review_pair", args=[pair.pk]), {"note": "hmm"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert '<a href="#id_decision">Choose Confirm, Reject or Not sure.</a>' in html
    assert ">hmm</textarea>" in html
    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.REVIEW


def test_a_refused_decision_shows_the_reason_and_changes_nothing(client, caseworker):
    ann = person_with_records("Ann Lee", 2)
    first, second = ann.source_records.all()
    pair = pair_of(first, second)

    response = signed_in(client, caseworker, purpose=Purpose.CASEWORK).post(
        reverse("console:review_pair", args=[pair.pk]), {"decision": "rejected"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "split one off from the person page instead" in html
    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.REVIEW
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_a_pair_already_decided_shows_the_decision_and_takes_no_other(client, caseworker):
    pair = review_pair(status=CandidatePair.Status.REJECTED, decided_by=caseworker, decided_at=dt.datetime.now(dt.UTC))
    client = signed_in(client, caseworker, purpose=Purpose.CASEWORK)

    html = client.get(reverse("console:review_pair", args=[pair.pk])).content.decode()
    posted = client.post(reverse("console:review_pair", args=[pair.pk]), {"decision": "confirmed"}).content.decode()

    assert "Rejected by staff by caseworker" in html
    assert "Your decision" not in html
    assert "This pair has already been decided." in posted
    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.REJECTED


# The evidence on a person's page


def test_a_persons_page_explains_why_their_records_are_one_person(client, caseworker):
    ann = person_with_records("Ann Lee", 3)
    first, second, third = ann.source_records.all()
    pair_of(first, second, status=CandidatePair.Status.AUTO_LINKED)
    pair_of(
        second,
        third,
        status=CandidatePair.Status.CONFIRMED,
        decided_by=caseworker,
        decided_at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
    )
    pair_of(first, third, status=CandidatePair.Status.REJECTED)

    html = (
        signed_in(client, caseworker, purpose=Purpose.CASEWORK)
        .get(reverse("console:person", args=[ann.pk]))
        .content.decode()
    )

    assert "Why these records are one person" in html
    assert f"Records {first.source_key} and {second.source_key}" in html
    assert f"Records {second.source_key} and {third.source_key}" in html
    assert f"Records {first.source_key} and {third.source_key}" not in html
    assert "Joined by the model" in html
    assert "Joined by a staff decision: caseworker confirmed these are one person on 1 March 2024" in html
    assert "not joined to the others by the model" not in html


def test_records_joined_by_a_merge_are_said_to_be_so(client, caseworker):
    ann = person_with_records("Ann Lee", 2)
    first, second = ann.source_records.all()
    pair_of(first, second, status=CandidatePair.Status.AUTO_LINKED)
    annie = person_with_records("Annie Lee")
    moved = annie.source_records.get()
    merge(ann, annie)

    html = (
        signed_in(client, caseworker, purpose=Purpose.CASEWORK)
        .get(reverse("console:person", args=[ann.pk]))
        .content.decode()
    )

    assert "They were joined by a staff decision or a merge" in html
    assert f'<a class="link" href="#record-{moved.pk}">{moved.source_key}</a>' in html
    assert "Merge history" in html


def test_a_person_with_one_record_has_no_evidence_section(client, officer):
    ann = person_with_records("Ann Lee")

    html = (
        signed_in(client, officer, purpose=Purpose.ENQUIRY)
        .get(reverse("console:person", args=[ann.pk]))
        .content.decode()
    )

    assert "Why these records are one person" not in html


def test_the_person_page_shows_the_household(client, officer):
    home = PropertyFactory()
    ann, bob, _cat = (person_with_records(name) for name in ("Ann Lee", "Bob Lee", "Cat Other"))
    Household.objects.create(property=home).members.set([ann, bob])

    html = (
        signed_in(client, officer, purpose=Purpose.ENQUIRY)
        .get(reverse("console:person", args=[ann.pk]))
        .content.decode()
    )

    assert "Household" in html
    assert f'<a class="link" href="/console/people/{bob.pk}/">Bob Lee</a>' in html
    assert f'href="/console/people/{ann.pk}/">Ann Lee</a>' not in html
    assert "Cat Other" not in html


def test_everyone_the_person_page_shows_is_recorded_as_viewed_household_members_included(client, officer):
    ann, bob, cat = (person_with_records(name) for name in ("Ann Lee", "Bob Lee", "Cat Lee"))
    _stranger = person_with_records("Dan Other")
    Household.objects.create(property=PropertyFactory()).members.set([ann, bob, cat])
    annie = person_with_records("Annie Lee")
    merge(ann, annie)
    before = AuditEvent.objects.count()  # the merge wrote entries of its own; count from here

    html = signed_in(client, officer, purpose=Purpose.ENQUIRY).get(reverse("console:person", args=[ann.pk])).content
    text = html.decode()

    for shown in (bob, cat, annie):
        assert shown.display_name in text
    people_viewed = {
        event.subject_person_id: event
        for event in AuditEvent.objects.order_by("id")[before:]
        if event.action == AuditAction.VIEW and event.object_type == "people.person"
    }
    assert set(people_viewed) == {ann.pk, bob.pk, cat.pk, annie.pk}
    assert people_viewed[bob.pk].context == {"shown_on_page_of": ann.pk, "as": "household member"}
    assert people_viewed[cat.pk].context == {"shown_on_page_of": ann.pk, "as": "household member"}
    assert people_viewed[annie.pk].context == {"shown_on_page_of": ann.pk, "as": "merge history"}
    assert all(event.purpose == Purpose.ENQUIRY and event.actor == officer for event in people_viewed.values())


def test_a_merged_away_persons_page_records_the_person_it_now_points_to(client, caseworker):
    ann, annie = person_with_records("Ann Lee"), person_with_records("Annie Lee")
    merge(ann, annie)
    before = AuditEvent.objects.count()

    signed_in(client, caseworker, purpose=Purpose.CASEWORK).get(reverse("console:person", args=[annie.pk]))

    seen = AuditEvent.objects.order_by("id")[before:]
    assert {(e.subject_person_id, e.context.get("as")) for e in seen if e.object_type == "people.person"} == {
        (annie.pk, None),
        (ann.pk, "merged into"),
    }


def test_a_person_page_with_evidence_and_history_takes_a_fixed_number_of_queries(
    client, caseworker, django_assert_max_num_queries
):
    ann = person_with_records("Ann Lee", 6)
    records = list(ann.source_records.all())
    for left, right in itertools.pairwise(records):
        pair_of(left, right, status=CandidatePair.Status.AUTO_LINKED)
    for n in range(3):
        merge(ann, person_with_records(f"Other{n} Lee"))
    Household.objects.create(property=PropertyFactory()).members.set([ann, *(PersonFactory() for _n in range(4))])
    client = signed_in(client, caseworker, purpose=Purpose.CASEWORK)

    # 16 for the person, evidence and history, one to record everyone else the page shows, one for the roles behind
    # the stated purpose; the capacities and contacts panels add a fixed 12 of their own, the adjustments panel 1.
    with django_assert_max_num_queries(34):  # one is the two-factor check on each request, one the split history,
        # one the worklist count in the navigation
        response = client.get(reverse("console:person", args=[ann.pk]))

    assert response.content.decode().count('<table class="table evidence">') == 5


# Merging, undoing, splitting


def test_a_caseworker_chooses_a_person_by_number_and_sees_both_side_by_side(client, caseworker):
    ann = person_with_records("Ann Lee")
    annie = person_with_records("Annie Lee", address="9 Mill Lane")

    response = signed_in(client, caseworker, purpose=Purpose.CASEWORK).get(
        reverse("console:person_merge", args=[ann.pk]), {"other": annie.pk}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "9 Mill Lane" in html
    assert f"Merge person {annie.pk} into Ann Lee" in html
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="people.person")
    assert {event.subject_person_id for event in views} == {ann.pk, annie.pk}


def test_a_caseworker_can_search_for_the_person_to_merge(client, caseworker):
    ann = person_with_records("Ann Lee")
    annie = person_with_records("Annie Lee")

    html = (
        signed_in(client, caseworker, purpose=Purpose.CASEWORK)
        .get(reverse("console:person_merge", args=[ann.pk]), {"q": "lee"})
        .content.decode()
    )

    assert f'href="/console/people/{ann.pk}/merge/?other={annie.pk}">Choose Annie Lee</a>' in html
    assert "Choose Ann Lee<" not in html
    assert AuditEvent.objects.filter(action=AuditAction.SEARCH).count() == 1


@pytest.mark.parametrize("other", ["self", "999999", "abc", "\u0663", "+3"])
def test_choosing_a_person_who_cannot_be_merged_is_an_error(client, caseworker, other):
    ann = person_with_records("Ann Lee")
    value = str(ann.pk) if other == "self" else other

    response = signed_in(client, caseworker, purpose=Purpose.CASEWORK).get(
        reverse("console:person_merge", args=[ann.pk]), {"other": value}
    )

    html = response.content.decode()
    # A number that cannot be read (not written with the digits 0 to 9) is a 400; a person who cannot be merged
    # is explained on an ordinary page.
    assert response.status_code == (200 if other in {"self", "999999"} else 400)
    assert "There is a problem" in html
    assert '<a href="#id_other">' in html
    assert "Merge person" not in html


def test_merging_through_the_console_keeps_every_record(client, caseworker):
    ann = person_with_records("Ann Lee", 2)
    annie = person_with_records("Annie Lee", 2)
    all_records = set(SourceRecord.objects.values_list("pk", flat=True))

    response = signed_in(client, caseworker, purpose=Purpose.CASEWORK).post(
        reverse("console:person_merge", args=[ann.pk]), {"other": annie.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("console:person", args=[ann.pk])
    assert set(ann.source_records.values_list("pk", flat=True)) == all_records
    annie.refresh_from_db()
    assert annie.merged_into == ann
    done = PersonMerge.objects.get()
    assert done.reason == PersonMerge.Reason.STAFF
    assert done.actor_label == "caseworker"
    assert "was merged into this person" in client.get(response["Location"]).content.decode()


def test_merging_a_person_already_merged_away_shows_the_reason(client, caseworker):
    ann = person_with_records("Ann Lee")
    annie = person_with_records("Annie Lee")
    merge(person_with_records("Bea Lee"), annie)

    response = signed_in(client, caseworker, purpose=Purpose.CASEWORK).post(
        reverse("console:person_merge", args=[ann.pk]), {"other": annie.pk}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert f"Person {annie.pk} was merged into person" in html
    assert PersonMerge.objects.count() == 1


def test_undoing_a_merge_through_the_console_puts_every_record_back(client, caseworker):
    ann = person_with_records("Ann Lee", 2)
    annie = person_with_records("Annie Lee", 2)
    before = {person.pk: set(person.source_records.values_list("pk", flat=True)) for person in (ann, annie)}
    done = merge(ann, annie)
    client = signed_in(client, caseworker, purpose=Purpose.CASEWORK)
    assert "Undo this merge" in client.get(reverse("console:person", args=[ann.pk])).content.decode()

    response = client.post(reverse("console:merge_undo", args=[done.pk]), {"from": ann.pk})

    assert response["Location"] == reverse("console:person", args=[ann.pk])
    after = {person.pk: set(person.source_records.values_list("pk", flat=True)) for person in (ann, annie)}
    assert after == before
    done.refresh_from_db()
    assert done.undone_at is not None
    assert done.undone_by_label == "caseworker"
    page = client.get(response["Location"]).content.decode()
    assert f"Merge {done.pk} undone" in page
    assert "Yes, on" in page


def test_undoing_a_merge_that_a_later_merge_depends_on_says_which_to_undo_first(client, caseworker):
    ann, annie, bea = (person_with_records(name) for name in ("Ann Lee", "Annie Lee", "Bea Lee"))
    first = merge(ann, annie)
    later = merge(bea, ann)

    response = signed_in(client, caseworker, purpose=Purpose.CASEWORK).post(
        reverse("console:merge_undo", args=[first.pk]), {"from": ann.pk}
    )

    page = client.get(response["Location"]).content.decode()
    assert f"undo merge {later.pk} first" in page
    assert 'role="alert"' in page
    first.refresh_from_db()
    assert first.undone_at is None


def test_a_person_merged_away_shows_a_notice_linking_to_the_survivor(client, officer):
    ann, annie, bea = (person_with_records(name) for name in ("Ann Lee", "Annie Lee", "Bea Lee"))
    merge(ann, annie)
    merge(bea, ann)

    response = signed_in(client, officer, purpose=Purpose.ENQUIRY).get(reverse("console:person", args=[annie.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "This person was merged into someone else" in html
    bea.refresh_from_db()
    assert f'<a class="link" href="/console/people/{bea.pk}/">{bea.display_name}</a>' in html
    assert "Merge history" in html


def test_splitting_a_record_off_gives_it_a_person_of_its_own(client, caseworker):
    ann = person_with_records("Ann Lee", 2)
    record = ann.source_records.last()
    assert record is not None
    client = signed_in(client, caseworker, purpose=Purpose.CASEWORK)
    assert "Split this record off" in client.get(reverse("console:person", args=[ann.pk])).content.decode()

    response = client.post(reverse("console:record_split", args=[ann.pk, record.pk]), {"reason": "Her son"})

    assert response["Location"] == reverse("console:person", args=[ann.pk]) + "#splits-heading"
    record.refresh_from_db()
    assert record.person_id not in (None, ann.pk)
    assert ann.source_records.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert f'was split off. It now belongs to <a class="link" href="/console/people/{record.person_id}/">' in page
    assert "Split this record off" not in page
    assert AuditEvent.objects.filter(object_type="people.sourcerecord", action=AuditAction.UPDATE).count() == 1


def test_splitting_asks_first_and_changes_nothing_until_confirmed(client, caseworker):
    ann = person_with_records("Ann Lee", 2)
    record = ann.source_records.last()
    assert record is not None
    client = signed_in(client, caseworker, purpose=Purpose.CASEWORK)

    response = client.get(reverse("console:record_split", args=[ann.pk, record.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert f"Split record {record.source_key} off this person?" in html
    assert "Why does this record not belong to this person?" in html
    assert ann.source_records.count() == 2
    assert not RecordSplit.objects.exists()


def test_splitting_without_a_reason_is_refused_with_the_form_again(client, caseworker):
    ann = person_with_records("Ann Lee", 2)
    record = ann.source_records.last()
    assert record is not None
    client = signed_in(client, caseworker, purpose=Purpose.CASEWORK)

    response = client.post(reverse("console:record_split", args=[ann.pk, record.pk]), {"reason": "  "})

    assert response.status_code == 400
    assert "Say why this record does not belong to this person." in response.content.decode()
    assert ann.source_records.count() == 2
    assert not RecordSplit.objects.exists()


def test_a_split_is_in_both_peoples_history_with_its_reason_and_can_be_undone(client, caseworker):
    ann = person_with_records("Ann Lee", 2)
    record = ann.source_records.last()
    assert record is not None
    client = signed_in(client, caseworker, purpose=Purpose.CASEWORK)
    client.post(reverse("console:record_split", args=[ann.pk, record.pk]), {"reason": "Her son, born 2001"})
    split = RecordSplit.objects.get()
    assert split.reason == "Her son, born 2001"
    entry = AuditEvent.objects.get(object_type="people.sourcerecord", action=AuditAction.UPDATE)
    assert entry.context == {"split": split.pk, "reason": "Her son, born 2001"}

    for person_id in (ann.pk, split.to_person_id):
        html = client.get(reverse("console:person", args=[person_id])).content.decode()
        assert "Split history" in html and "Her son, born 2001" in html
    response = client.post(reverse("console:split_undo", args=[split.pk]))

    assert response["Location"] == reverse("console:person", args=[ann.pk])
    record.refresh_from_db()
    assert record.person_id == ann.pk
    split.refresh_from_db()
    assert split.undone_at is not None and split.undone_by_label == caseworker.get_username()
    assert Person.objects.get(pk=split.to_person_id).merged_into_id == ann.pk
    assert f"Split {split.pk} undone" in client.get(response["Location"]).content.decode()
    again = client.post(reverse("console:split_undo", args=[split.pk]))
    assert "This split was already undone." in client.get(again["Location"]).content.decode()


def test_a_split_refreshes_both_peoples_capacities_in_the_same_transaction(client, caseworker):
    from tellus.capacities.models import PersonCapacity
    from tellus.capacities.services import capacities_refresh
    from tellus.capacities.tests.factories import a_person, add_record

    ann = a_person()
    add_record(ann, "library", valid_from=dt.date(2020, 1, 1))
    rates = add_record(ann, "rates", valid_from=dt.date(2010, 4, 1), ratepayer_type="Individual")
    capacities_refresh(actor=Actor.system("test"))
    assert PersonCapacity.objects.filter(person=ann, capacity="ratepayer").exists()
    client = signed_in(client, caseworker, purpose=Purpose.CASEWORK)

    client.post(reverse("console:record_split", args=[ann.pk, rates.pk]), {"reason": "The landlord"})

    rates.refresh_from_db()
    assert not PersonCapacity.objects.filter(person=ann, capacity="ratepayer").exists()
    assert PersonCapacity.objects.filter(person_id=rates.person_id, capacity="ratepayer").exists()
    client.post(reverse("console:split_undo", args=[RecordSplit.objects.get().pk]))
    assert PersonCapacity.objects.filter(person=ann, capacity="ratepayer").count() == 1


def test_splitting_a_record_of_another_person_is_not_found(client, caseworker):
    ann = person_with_records("Ann Lee", 2)
    bob = person_with_records("Bob Lee", 2)
    record = bob.source_records.first()
    assert record is not None

    response = signed_in(client, caseworker, purpose=Purpose.CASEWORK).post(
        reverse("console:record_split", args=[ann.pk, record.pk])
    )

    assert response.status_code == 404
    assert bob.source_records.count() == 2


def test_merge_and_split_are_posts_only(client, caseworker):
    ann = person_with_records("Ann Lee", 2)
    record = ann.source_records.first()
    assert record is not None
    client = signed_in(client, caseworker, purpose=Purpose.CASEWORK)

    assert client.get(reverse("console:split_undo", args=[1])).status_code == 405
    assert client.get(reverse("console:merge_undo", args=[1])).status_code == 405


def test_the_review_queue_is_in_the_caseworkers_navigation(client, caseworker):
    SourceSystemFactory()

    html = signed_in(client, caseworker, purpose=Purpose.CASEWORK).get(reverse("console:search")).content.decode()

    assert '<a href="/console/review/" class="header__link">Review queue</a>' in html


def test_the_merge_page_takes_a_fixed_number_of_queries(client, caseworker, django_assert_max_num_queries):
    ann = person_with_records("Ann Lee", 5)
    annie = person_with_records("Annie Lee", 5)
    client = signed_in(client, caseworker, purpose=Purpose.CASEWORK)

    # session, user, two permission reads, the roles behind the stated purpose, the exists check, then per person:
    # read, records, audit, savepoints
    with django_assert_max_num_queries(20):  # one is the two-factor check on each request, one the worklist count
        response = client.get(reverse("console:person_merge", args=[ann.pk]), {"other": annie.pk})

    assert response.content.decode().count('class="compare__record"') == 10
