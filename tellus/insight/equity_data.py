"""The equity dashboard's inputs, read from the database as small frames for `equity.py`: people's groups, their
contacts per capacity, their met needs' end-to-end times and the surveys they were offered and answered (from
Listening's `feedback.equity_selectors`: inclusion and feedback share a floor, so they meet here, above both).
Only aggregates leave `equity.py`; nothing here is shown to anyone as it is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from django.db.models import Count, Q
from django.utils import timezone

from tellus.demand.models import Contact, DemandType, NeedStatus
from tellus.feedback.equity_selectors import survey_outcomes_by_person
from tellus.inclusion.models import Driver, SpecificNeed, SupportNeed
from tellus.people.models import Occupancy, Person

from .equity import CONTACT_COLUMNS, DRIVERS, FEEDBACK_COLUMNS, NEED_COLUMNS, PEOPLE_COLUMNS, age_band


@dataclass(frozen=True)
class EquityFrames:
    people: pd.DataFrame
    contacts: pd.DataFrame
    needs: pd.DataFrame
    feedback: pd.DataFrame
    start: dt.date
    end: dt.date


def _people(today: dt.date) -> pd.DataFrame:
    living = Person.objects.filter(merged_into__isnull=True).values_list("pk", "date_of_birth", "no_fixed_address")
    frame = pd.DataFrame.from_records(list(living), columns=["person_id", "date_of_birth", "no_fixed_address"])
    ages = [
        None if born is None else today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        for born in frame["date_of_birth"]
    ]
    frame["age_band"] = [age_band(age) for age in ages]
    occupancies = (
        Occupancy.objects.filter(Q(date_to__isnull=True) | Q(date_to__gte=today))
        .exclude(property__ward="")
        .order_by("person_id", "date_from", "id")
        .values_list("person_id", "property__ward")
    )
    wards = dict(occupancies)  # the latest current occupancy's ward wins
    frame["ward"] = frame["person_id"].map(wards)
    current = SupportNeed.objects.filter(ended_at__isnull=True).values_list("person_id", "driver", "need", "language")
    needs = pd.DataFrame.from_records(list(current), columns=["person_id", "driver", "need", "language"])
    for driver in DRIVERS:
        frame[driver] = frame["person_id"].isin(set(needs.loc[needs["driver"] == Driver(driver), "person_id"]))
    nfa = set(needs.loc[needs["need"] == SpecificNeed.NO_FIXED_ADDRESS, "person_id"])
    frame["no_fixed_address"] = frame["no_fixed_address"].astype(bool) | frame["person_id"].isin(nfa)
    spoken = needs[(needs["need"] == SpecificNeed.NOT_FLUENT_IN_ENGLISH) & (needs["language"] != "")]
    languages = dict(zip(spoken["person_id"], spoken["language"].str.strip().str.title(), strict=True))
    frame["language"] = frame["person_id"].map(languages)
    return frame[PEOPLE_COLUMNS]


def equity_frames(*, days: int = 365, now: dt.datetime | None = None) -> EquityFrames:
    """Contacts in the last `days` days, needs met and surveys offered in them, with the groups of everyone
    living."""
    end = now or timezone.now()
    start = end - dt.timedelta(days=days)
    contacts = (
        Contact.objects.filter(person__isnull=False, occurred_at__gte=start, occurred_at__lt=end)
        .values("person_id", "capacity")
        .annotate(
            contacts=Count("id"),
            failure=Count("id", filter=Q(demand_type=DemandType.FAILURE)),
            first_contacts=Count("id", filter=Q(is_first_contact_for_need=True)),
            resolved_first=Count("id", filter=Q(is_first_contact_for_need=True, resolved_at_first_point=True)),
        )
        .order_by()
        .values_list(*CONTACT_COLUMNS)
    )
    needs = Contact.objects.filter(
        person__isnull=False,
        is_first_contact_for_need=True,
        need__status=NeedStatus.MET,
        need__met_at__gte=start,
        need__met_at__lt=end,
    ).values_list("person_id", "capacity", "need__end_to_end_seconds")
    return EquityFrames(
        people=_people(timezone.localdate()),
        contacts=pd.DataFrame.from_records(list(contacts), columns=CONTACT_COLUMNS),
        needs=pd.DataFrame.from_records(list(needs), columns=NEED_COLUMNS),
        feedback=pd.DataFrame.from_records(survey_outcomes_by_person(start=start, end=end), columns=FEEDBACK_COLUMNS),
        start=start.date(),
        end=end.date(),
    )
