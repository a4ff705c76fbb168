"""Test data for feedback: a met need with its first contact, through demand's own services."""

from __future__ import annotations

from typing import Any

from tellus.demand.models import Need
from tellus.demand.services import contact_log
from tellus.demand.tests.factories import ServiceFactory
from tellus.people.tests.factories import PersonFactory, SourceRecordFactory
from tellus.privacy.services import Actor

OFFICER = Actor.system("officer-tests")


def met_need(
    *, person: Any = None, email: str = "ada@example.org", service: Any = None, words: str = "Bin missed"
) -> Need:
    """A need met at the first contact; meeting it offers the survey."""
    if person is None:
        person = PersonFactory()
        SourceRecordFactory(person=person, email=email, phone="" if email else "07700900123")
    contact = contact_log(
        actor=OFFICER, purpose="casework", channel="phone", words=words, person=person,
        service=service or ServiceFactory(), demand_type="value", resolved_at_first_point=True,
        capacity="resident",
    )  # fmt: skip
    return contact.need
