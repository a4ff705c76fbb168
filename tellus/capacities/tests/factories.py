"""Facts for capacity tests: people with records in the demo council's kinds of source system."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tellus.people.models import Occupancy, Person, Property, SourceRecord, SourceSystem
from tellus.people.tests.factories import PersonFactory, PropertyFactory, SourceRecordFactory, SourceSystemFactory

SYSTEMS = {
    "rates": SourceSystem.Kind.RATES,
    "electoral": SourceSystem.Kind.ELECTORAL_ROLL,
    "library": SourceSystem.Kind.LIBRARY,
    "animals": SourceSystem.Kind.ANIMAL_REGISTRATION,
    "crm": SourceSystem.Kind.CRM,
    "housing": SourceSystem.Kind.HOUSING,
}


def system(name: str) -> SourceSystem:
    return SourceSystemFactory(name=name, kind=SYSTEMS[name], address_is_residence=name in {"electoral", "housing"})


def add_record(
    person: Person | None,
    name: str,
    *,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    prop: Property | None = None,
    is_organisation: bool = False,
    **raw: Any,
) -> SourceRecord:
    return SourceRecordFactory(
        person=person,
        source_system=system(name),
        valid_from=valid_from,
        valid_to=valid_to,
        property=prop,
        is_organisation=is_organisation,
        raw=raw,
    )


def add_home(person: Person, record: SourceRecord, *, date_to: dt.date | None = None) -> Occupancy:
    assert record.property is not None
    return Occupancy.objects.create(
        person=person, property=record.property, date_from=record.valid_from, date_to=date_to, source_record=record
    )


def a_person(**kwargs: Any) -> Person:
    return PersonFactory(**kwargs)


def a_property(**kwargs: Any) -> Property:
    return PropertyFactory(**kwargs)
