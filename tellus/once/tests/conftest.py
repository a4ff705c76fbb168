from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tellus.once.models import EventRule, EventType, ReportedBy, Subscriber
from tellus.once.services import Reporter, subscriber_create
from tellus.people.models import Household
from tellus.people.tests.factories import PersonFactory, PropertyFactory, SourceRecordFactory, SourceSystemFactory
from tellus.privacy.services import Actor

ADMIN = Actor.system("test-admin")


@pytest.fixture
def town(settings: Any) -> dict[str, Any]:
    """Alice, who borrows from the library, lives with Bob at 1 Station Road; an internal electoral roll service
    told of every death and move, and a partner library system told when it holds the person."""
    settings.TELLUS_ONCE_ALLOW_HTTP = True
    library = SourceSystemFactory(name="library", title="Tellham Libraries", kind="library", owning_team="Libraries")
    home = PropertyFactory(reference="100000001", address_line_1="1 Station Road", postcode="TL1 1AA")
    PropertyFactory(reference="100000002", address_line_1="22 Mill Lane", postcode="TL2 2BB")
    alice = PersonFactory(display_name="Alice Example", date_of_birth=dt.date(1950, 1, 2))
    bob = PersonFactory(display_name="Bob Example", date_of_birth=dt.date(1952, 3, 4))
    SourceRecordFactory(person=alice, source_system=library, source_key="LIB-1", email="alice@example.org")
    Household.objects.create(property=home).members.add(alice, bob)
    electoral, _ = subscriber_create(
        actor=ADMIN,
        code="electoral",
        name="Electoral roll",
        kind=Subscriber.Kind.INTERNAL,
        purpose="Keeps the register of electors right.",
        event_types=[EventType.DEATH, EventType.ADDRESS, EventType.NAME],
        entitled_fields=["person_reference", "name", "date_of_death", "new_address", "new_postcode", "new_name"],
    )
    partner, secret = subscriber_create(
        actor=ADMIN,
        code="libraries",
        name="Library system",
        kind=Subscriber.Kind.WEBHOOK,
        url="http://127.0.0.1:9/hook",
        purpose="Stops loans and reminders.",
        event_types=[EventType.DEATH, EventType.ADDRESS, EventType.CONTACT],
        entitled_fields=["person_reference", "name", "date_of_death", "new_address", "email"],
        source_system_id=library.pk,
    )
    EventRule.objects.create(event_type=EventType.DEATH, subscriber=electoral, always=True, reason="Removes them.")
    EventRule.objects.create(event_type=EventType.ADDRESS, subscriber=electoral, always=True, reason="Moves them.")
    for event in (EventType.DEATH, EventType.ADDRESS, EventType.CONTACT):
        EventRule.objects.create(event_type=event, subscriber=partner, always=False)
    return {
        "alice": alice,
        "bob": bob,
        "library": library,
        "electoral": electoral,
        "partner": partner,
        "secret": secret,
        "home": home,
    }


def self_reporter(person: Any) -> Reporter:
    return Reporter(
        by=ReportedBy.PERSON,
        actor=Actor.system(f"resident:R{person.pk}"),
        name=person.display_name,
        relationship="self",
        email="alice@example.org",
        account_person_id=person.pk,
    )


def next_of_kin(reporter: Any) -> Reporter:
    return Reporter(
        by=ReportedBy.REPRESENTATIVE,
        actor=Actor.system(f"resident:R{reporter.pk}"),
        name=reporter.display_name,
        relationship="next_of_kin",
        email="bob@example.org",
        account_person_id=reporter.pk,
    )
