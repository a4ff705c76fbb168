"""The complaint clock counts working days: no weekends, no bank holidays."""

from __future__ import annotations

import datetime as dt

from tellus.feedback.clock import add_working_days, is_working_day, working_days_between


def test_five_working_days_from_a_wednesday_skip_the_weekend():
    assert add_working_days(dt.date(2026, 1, 7), 5) == dt.date(2026, 1, 14)


def test_bank_holidays_are_not_working_days():
    assert not is_working_day(dt.date(2026, 12, 25))
    # Thursday 24 December 2026 + 2 working days: Christmas (Fri), weekend, 28th (substitute Boxing Day) skipped.
    assert add_working_days(dt.date(2026, 12, 24), 2) == dt.date(2026, 12, 30)


def test_working_days_between_counts_back_when_the_end_is_earlier():
    assert working_days_between(dt.date(2026, 1, 5), dt.date(2026, 1, 12)) == 5
    assert working_days_between(dt.date(2026, 1, 12), dt.date(2026, 1, 5)) == -5
