from __future__ import annotations

import datetime as dt

import pytest

from tellus.people.models import Person
from tellus.people.selectors import person_get_for_staff, person_search
from tellus.people.tests.factories import PersonFactory, SourceRecordFactory, SourceSystemFactory
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.services import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(officer):  # type: ignore[no-untyped-def]
    return Actor.for_user(officer)


def search(actor: Actor, query: str = "", date_of_birth: dt.date | None = None, page: int | str | None = 1):
    return person_search(actor=actor, purpose=Purpose.ENQUIRY, query=query, date_of_birth=date_of_birth, page=page)


def found(results) -> list[Person]:  # type: ignore[no-untyped-def]
    assert [match.person for match in results.matches] == list(results.page)
    return list(results.page)


def person_with_record(display_name: str = "Alice Example", **record) -> Person:  # type: ignore[no-untyped-def]
    person = PersonFactory(display_name=display_name)
    first, _, last = display_name.partition(" ")
    SourceRecordFactory(person=person, **{"first_name": first, "last_name": last, **record})
    return person


# Search: what matches


def test_a_search_by_name_finds_the_person(actor):
    alice = person_with_record("Alice Example")
    person_with_record("Bob Other")

    assert found(search(actor, "alice example")) == [alice]


def test_a_search_by_part_of_a_name_ignores_case_and_accents(actor):
    zoe = person_with_record("Zoë Ångström")
    person_with_record("Bob Other")

    assert found(search(actor, "ZOE")) == [zoe]
    assert found(search(actor, "angst")) == [zoe]
    assert found(search(actor, "Zoë")) == [zoe]


def test_a_search_by_date_of_birth_finds_only_people_born_that_day(actor):
    born_1980 = person_with_record("Alice Example", date_of_birth=dt.date(1980, 5, 17))
    person_with_record("Alice Other", date_of_birth=dt.date(1981, 5, 17))

    assert found(search(actor, date_of_birth=dt.date(1980, 5, 17))) == [born_1980]


def test_a_name_and_a_date_of_birth_must_both_match(actor):
    person_with_record("Alice Example", date_of_birth=dt.date(1980, 5, 17))
    alice_1990 = person_with_record("Alice Younger", date_of_birth=dt.date(1990, 1, 2))
    person_with_record("Bob Example", date_of_birth=dt.date(1990, 1, 2))

    assert found(search(actor, "alice", date_of_birth=dt.date(1990, 1, 2))) == [alice_1990]


def test_a_search_by_address_words_finds_the_person(actor):
    on_station_road = person_with_record("Alice Example", address="14 Station Road, Tellham")
    person_with_record("Bob Other", address="3 Mill Lane, Tellham")

    assert found(search(actor, "station rd")) == []
    assert found(search(actor, "14 station road")) == [on_station_road]
    assert found(search(actor, "Station Road, Tellham")) == [on_station_road]


def test_a_search_by_postcode_fragment_ignores_spaces(actor):
    in_tl1 = person_with_record("Alice Example", postcode="TL1 1AA")
    person_with_record("Bob Other", postcode="TL2 9ZZ")

    assert found(search(actor, "tl11")) == [in_tl1]
    assert found(search(actor, "TL11AA")) == [in_tl1]
    assert found(search(actor, "tl1 1aa")) == [in_tl1]
    assert found(search(actor, "1aa")) == [in_tl1]


def test_every_word_must_match_the_same_record(actor):
    alice = PersonFactory(display_name="Alice Example")
    SourceRecordFactory(person=alice, first_name="Alice", last_name="Example", postcode="TL1 1AA")
    SourceRecordFactory(person=alice, first_name="Alice", last_name="Example", postcode="TL9 9ZZ")
    person_with_record("Bob Example", postcode="TL1 1AA")

    assert found(search(actor, "alice tl11aa")) == [alice]
    assert found(search(actor, "alice tl22")) == []


def test_numbers_in_a_query_do_not_match_every_name(actor):
    person_with_record("Alice Example", address="1 Station Road", postcode="TL1 1AA")

    assert found(search(actor, "77")) == []


def test_percent_and_underscore_in_a_query_are_taken_literally(actor):
    person_with_record("Alice Example")

    assert found(search(actor, "%")) == []
    assert found(search(actor, "_")) == []


def test_a_person_with_several_matching_records_is_listed_once(actor):
    alice = PersonFactory(display_name="Alice Example")
    SourceRecordFactory.create_batch(3, person=alice)

    results = search(actor, "alice")

    assert found(results) == [alice]
    assert results.total == 1


def test_records_not_yet_linked_to_a_person_are_not_results(actor):
    SourceRecordFactory(person=None)

    assert found(search(actor, "alice")) == []


def test_results_are_ordered_by_name_then_id(actor):
    zed = person_with_record("Zed Example")
    first_alice = person_with_record("Alice Example")
    second_alice = person_with_record("Alice Example")

    assert found(search(actor, "example")) == [first_alice, second_alice, zed]


def test_each_result_carries_the_persons_addresses_and_systems(actor):
    alice = PersonFactory(display_name="Alice Example")
    rates = SourceSystemFactory(name="rates", title="Council tax")
    library = SourceSystemFactory(name="library", title="Libraries")
    SourceRecordFactory(person=alice, source_system=rates, address="1 Station Road")
    SourceRecordFactory(person=alice, source_system=library, address="1 Station Road")
    SourceRecordFactory(person=alice, source_system=library, address="9 Mill Lane")

    [match] = search(actor, "alice").matches

    assert match.addresses == ["1 Station Road", "9 Mill Lane"]
    assert match.source_titles == ["Libraries", "Council tax"]


# Search: pages


def test_results_are_paginated_with_the_configured_page_size(actor, settings):
    settings.TELLUS_SEARCH_PAGE_SIZE = 2
    people = [person_with_record(f"Alice Example{n}") for n in range(5)]

    first = search(actor, "alice")
    third = search(actor, "alice", page=3)

    assert found(first) == people[:2]
    assert found(third) == people[4:]
    assert first.total == 5
    assert first.page.paginator.num_pages == 3


def test_a_page_past_the_end_shows_the_last_page(actor, settings):
    settings.TELLUS_SEARCH_PAGE_SIZE = 2
    people = [person_with_record(f"Alice Example{n}") for n in range(3)]

    results = search(actor, "alice", page=99)

    assert results.page.number == 2
    assert found(results) == people[2:]


def test_a_page_that_is_not_a_number_shows_the_first_page(actor):
    alice = person_with_record("Alice Example")

    results = search(actor, "alice", page="third")

    assert results.page.number == 1
    assert found(results) == [alice]


# Search: what it records


def test_a_search_writes_one_search_entry_with_the_query_page_and_count(actor, officer, settings):
    settings.TELLUS_SEARCH_PAGE_SIZE = 2
    for n in range(3):
        person_with_record(f"Alice Example{n}")

    person_search(actor=actor, purpose=Purpose.CASEWORK, query="alice", date_of_birth=dt.date(1980, 5, 17), page=2)

    [event] = AuditEvent.objects.filter(action=AuditAction.SEARCH)
    assert event.actor == officer
    assert event.actor_label == "officer"
    assert event.purpose == Purpose.CASEWORK
    assert event.object_type == "people.person"
    assert event.subject_person_id is None
    assert event.context == {"query": "alice", "date_of_birth": "1980-05-17", "page": 2, "result_count": 3}


def test_a_search_writes_a_listed_entry_for_each_person_on_the_page_only(actor, settings):
    settings.TELLUS_SEARCH_PAGE_SIZE = 2
    people = [person_with_record(f"Alice Example{n}") for n in range(3)]

    search(actor, "alice", page=1)

    listed = AuditEvent.objects.filter(action=AuditAction.LISTED).order_by("subject_person_id")
    assert [event.subject_person_id for event in listed] == [people[0].pk, people[1].pk]
    assert [event.object_id for event in listed] == [str(people[0].pk), str(people[1].pk)]
    assert {event.object_type for event in listed} == {"people.person"}
    assert {event.purpose for event in listed} == {Purpose.ENQUIRY}


def test_a_search_with_no_results_still_writes_its_search_entry(actor):
    person_with_record("Alice Example")

    results = search(actor, "nobody")

    assert results.total == 0
    [event] = AuditEvent.objects.all()
    assert event.action == AuditAction.SEARCH
    assert event.context["result_count"] == 0


def test_an_empty_search_reads_nothing_and_writes_no_audit_entries(actor, django_assert_num_queries):
    person_with_record("Alice Example")

    with django_assert_num_queries(0):
        results = search(actor, "  , ")

    assert not results.searched
    assert list(results.page) == []
    assert not AuditEvent.objects.exists()


def test_a_search_reads_in_the_same_few_queries_however_many_people_it_shows(
    actor, settings, django_assert_max_num_queries
):
    settings.TELLUS_SEARCH_PAGE_SIZE = 20
    systems = SourceSystemFactory.create_batch(3)
    for n in range(20):
        person = PersonFactory(display_name=f"Alice Example{n}")
        for system in systems:
            SourceRecordFactory(person=person, source_system=system)

    # count, page of people, their records with systems, the audit insert, and a savepoint pair
    with django_assert_max_num_queries(6):
        results = search(actor, "alice")
        for match in results.matches:
            assert len(match.source_titles) == 3


@pytest.mark.django_db(transaction=True)
def test_a_search_outside_any_transaction_opens_its_own_for_the_audit_entries(officer):
    person_with_record("Alice Example")

    search(Actor.for_user(officer), "alice")

    assert AuditEvent.objects.filter(action=AuditAction.LISTED).count() == 1


# A person's page


def test_a_persons_page_shows_their_records_grouped_by_source_system(actor):
    alice = PersonFactory(display_name="Alice Example")
    rates = SourceSystemFactory(name="rates", title="Council tax")
    library = SourceSystemFactory(name="library", title="Libraries")
    rates_record = SourceRecordFactory(person=alice, source_system=rates, source_key="R1")
    library_b = SourceRecordFactory(person=alice, source_system=library, source_key="L2")
    library_a = SourceRecordFactory(person=alice, source_system=library, source_key="L1")
    SourceRecordFactory(person=PersonFactory(), source_system=rates)

    view = person_get_for_staff(actor=actor, purpose=Purpose.ENQUIRY, person_id=alice.pk)

    assert view.person == alice
    assert [(group.source_system, group.records) for group in view.groups] == [
        (library, [library_a, library_b]),
        (rates, [rates_record]),
    ]
    assert view.record_count == 3


def test_opening_a_persons_page_writes_one_view_entry(actor, officer):
    alice = person_with_record("Alice Example")

    person_get_for_staff(actor=actor, purpose=Purpose.CASEWORK, person_id=alice.pk)

    [event] = AuditEvent.objects.all()
    assert event.action == AuditAction.VIEW
    assert event.actor == officer
    assert event.purpose == Purpose.CASEWORK
    assert event.object_type == "people.person"
    assert event.object_id == str(alice.pk)
    assert event.subject_person_id == alice.pk


def test_opening_a_missing_person_raises_and_writes_nothing(actor):
    with pytest.raises(Person.DoesNotExist):
        person_get_for_staff(actor=actor, purpose=Purpose.ENQUIRY, person_id=123456)

    assert not AuditEvent.objects.exists()


def test_a_persons_page_reads_in_the_same_few_queries_however_many_records_they_have(
    actor, django_assert_max_num_queries
):
    alice = PersonFactory()
    for system in SourceSystemFactory.create_batch(4):
        SourceRecordFactory.create_batch(5, person=alice, source_system=system)

    # the person, their records with systems and properties, the audit insert, and a savepoint pair
    with django_assert_max_num_queries(5):
        view = person_get_for_staff(actor=actor, purpose=Purpose.ENQUIRY, person_id=alice.pk)
        titles = [record.source_system.title for group in view.groups for record in group.records]

    assert len(titles) == 20
