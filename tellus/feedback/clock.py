"""The complaint clock in working days: Monday to Friday, less the bank holidays of England and Wales. The
numbers of days come from settings.TELLUS_COMPLAINT_CLOCK (default: acknowledge within 5 working days, respond
within 10 of acknowledging, one extension of up to 10, stage 2 answered within 20)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

# England and Wales bank holidays (gov.uk/bank-holidays), so "working day" means what a council office means.
_HOLIDAYS = """
2025-01-01 2025-04-18 2025-04-21 2025-05-05 2025-05-26 2025-08-25 2025-12-25 2025-12-26
2026-01-01 2026-04-03 2026-04-06 2026-05-04 2026-05-25 2026-08-31 2026-12-25 2026-12-28
2027-01-01 2027-03-26 2027-03-29 2027-05-03 2027-05-31 2027-08-30 2027-12-27 2027-12-28
"""
BANK_HOLIDAYS = frozenset(dt.date.fromisoformat(day) for day in _HOLIDAYS.split())


@dataclass(frozen=True)
class Clock:
    acknowledge_working_days: int = 5
    respond_working_days: int = 10
    extension_max_working_days: int = 10
    stage2_respond_working_days: int = 20


def clock() -> Clock:
    return Clock(**getattr(settings, "TELLUS_COMPLAINT_CLOCK", {}))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in BANK_HOLIDAYS


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (the day itself does not count)."""
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is before `start`."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + dt.timedelta(days=n)))
