"""Needs drivers for aggregate analysis only (give-and-take distributions): which FCA FG21/1 drivers each person's
needs fall under over a period. No specific need, no detail: the driver is the coarsest grouping the needs register
keeps, and the pages built on it suppress small groups. Never shown against a person."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection

from django.db.models import Q
from django.utils import timezone

from .models import Driver, SupportNeed


def drivers_by_person(person_ids: Collection[int], starts_on: dt.date, ends_on: dt.date) -> dict[int, set[str]]:
    """Each person's needs drivers (labels, e.g. "Health") for needs recorded by the end of the period and not
    ended before it began. People with no such need are left out."""
    tz = timezone.get_current_timezone()
    began = dt.datetime.combine(starts_on, dt.time.min, tzinfo=tz)
    ended = dt.datetime.combine(ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    wanted = set(person_ids)
    drivers: dict[int, set[str]] = defaultdict(set)
    held = SupportNeed.objects.filter(recorded_at__lt=ended).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=began))
    for person_id, driver in held.values_list("person_id", "driver").distinct().iterator():
        if person_id in wanted:
            drivers[person_id].add(str(Driver(driver).label))
    return dict(drivers)
