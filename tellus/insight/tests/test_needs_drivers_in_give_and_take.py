"""Give-and-take distributions group households by the FCA needs drivers of their members' needs, which insight
joins from Inclusion (the two apps share a floor and never import each other)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from django.utils import timezone

from tellus.inclusion.models import SpecificNeed, SupportNeed
from tellus.ledger import selectors
from tellus.ledger.distributions import by_group
from tellus.ledger.tests.conftest import town_make

pytestmark = pytest.mark.django_db


def need_held(person, need: str, *, recorded: dt.date, ended: dt.date | None = None) -> SupportNeed:  # type: ignore[no-untyped-def]
    tz = timezone.get_current_timezone()
    return SupportNeed.objects.create(
        person=person,
        need=need,
        driver={SpecificNeed.DEMENTIA: "health", SpecificNeed.BEREAVEMENT: "life_events"}[need],
        permanence=SupportNeed.Permanence.PERMANENT,
        review_on=recorded + dt.timedelta(days=365),
        source=SupportNeed.Source.PERSON,
        lawful_basis=SupportNeed.LawfulBasis.EXPLICIT_CONSENT,
        consent_given_on=recorded,
        recorded_by_label="test",
        recorded_at=dt.datetime.combine(recorded, dt.time(12), tzinfo=tz),
        ended_at=None if ended is None else dt.datetime.combine(ended, dt.time(12), tzinfo=tz),
    )


def test_a_household_is_grouped_under_each_driver_of_its_members_needs_held_in_the_year():
    town = town_make()  # the year runs from 1 July 2025 to 30 June 2026
    need_held(town.ana, SpecificNeed.DEMENTIA, recorded=dt.date(2024, 1, 5))
    need_held(town.ben, SpecificNeed.BEREAVEMENT, recorded=dt.date(2026, 2, 1))

    frame = selectors.distribution_frame(town.year).set_index("household_id")

    assert frame.loc[town.home.pk, "needs_driver"] == ["Health", "Life events"]
    assert frame.loc[town.flat.pk, "needs_driver"] == [selectors.NO_NEEDS_RECORDED]


def test_needs_ended_before_the_year_or_recorded_after_it_do_not_count():
    town = town_make()
    need_held(town.ana, SpecificNeed.DEMENTIA, recorded=dt.date(2023, 1, 5), ended=dt.date(2025, 6, 1))
    need_held(town.ben, SpecificNeed.BEREAVEMENT, recorded=dt.date(2026, 8, 1))

    frame = selectors.distribution_frame(town.year).set_index("household_id")

    assert frame.loc[town.home.pk, "needs_driver"] == [selectors.NO_NEEDS_RECORDED]


def test_without_a_source_of_needs_drivers_the_distribution_says_they_are_not_known(monkeypatch):
    town = town_make()
    monkeypatch.setattr(selectors, "_needs_drivers_source", [])

    frame = selectors.distribution_frame(town.year)

    assert set(frame["needs_driver"].map(tuple)) == {(selectors.NEEDS_NOT_KNOWN,)}


def test_a_household_with_needs_under_two_drivers_counts_in_both_groups():
    frame = pd.DataFrame(
        [
            {
                "household_id": 1,
                "needs_driver": ["Health", "Life events"],
                "contributed": Decimal(10),
                "received": Decimal(30),
            },
            {"household_id": 2, "needs_driver": ["Health"], "contributed": Decimal(20), "received": Decimal(10)},
        ]
    )

    rows = {row.group: row for row in by_group(frame, "needs_driver", suppress_below=1)}

    assert rows["Health"].households == 2 and rows["Life events"].households == 1
    assert rows["Health"].received_mean == Decimal("20.00")
