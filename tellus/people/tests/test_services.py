"""Writes to people that linkage asks for: households rebuilt from current occupancies, and a person's summary
taken from their records."""

from __future__ import annotations

import datetime as dt

import pytest

from tellus.people.models import Household, Occupancy, Property, SourceRecord
from tellus.people.services import PersonSummary, households_rebuild, summary_of_records
from tellus.people.tests.factories import PersonFactory, PropertyFactory

pytestmark = pytest.mark.django_db


def test_households_form_at_dwellings_but_never_at_shelters() -> None:
    home = PropertyFactory(kind=Property.Kind.DWELLING)
    shelter = PropertyFactory(kind=Property.Kind.SHARED)
    a, b, c = (PersonFactory() for _ in range(3))
    Occupancy.objects.create(person=a, property=home)
    Occupancy.objects.create(person=b, property=home)
    Occupancy.objects.create(person=c, property=shelter)
    Occupancy.objects.create(person=c, property=home, date_to=dt.date(2001, 1, 1))

    assert households_rebuild() == 1

    household = Household.objects.get()
    assert set(household.members.all()) == {a, b}


def test_rebuilding_households_keeps_each_home_s_household_and_only_its_current_members() -> None:
    home = PropertyFactory(kind=Property.Kind.DWELLING)
    stays, leaves = PersonFactory(), PersonFactory()
    Occupancy.objects.create(person=stays, property=home)
    moving = Occupancy.objects.create(person=leaves, property=home)
    households_rebuild()
    household = Household.objects.get()
    moving.date_to = dt.date(2001, 1, 1)
    moving.save()

    assert households_rebuild() == 1

    assert Household.objects.get() == household
    assert set(household.members.all()) == {stays}


def test_a_summary_takes_the_commonest_name_and_birth_the_first_seen_on_a_tie_and_the_latest_death() -> None:
    def record(first: str, born: dt.date | None = None, died: dt.date | None = None) -> SourceRecord:
        return SourceRecord(first_name=first, last_name="Jones", date_of_birth=born, date_of_death=died)

    liz, beth = dt.date(1950, 1, 2), dt.date(1950, 2, 1)
    records = [
        record("Liz", liz),
        record("Beth", beth, dt.date(2020, 1, 1)),
        record("Beth", beth),
        record("Liz", liz, dt.date(2021, 5, 5)),
        record(""),
    ]

    assert summary_of_records(records) == PersonSummary("Liz Jones", liz, dt.date(2021, 5, 5))
    assert summary_of_records([record("Al", dt.date(1990, 1, 1), dt.date(1980, 1, 1))]).date_of_death is None
    assert summary_of_records([SourceRecord()]) == PersonSummary(None, None, None)
