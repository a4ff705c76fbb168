"""The aggregate queries: they bucket weeks alike on both databases, and on SQLite each is one pass over the
covering index made for it (tellus/demand/migrations/0003_insight_indexes.py), with no sort."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from tellus.insight import selectors

from .conftest import need_with_contacts

pytestmark = pytest.mark.django_db
EVERYTHING = selectors.DemandFilters()


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (selectors.contact_cube_queryset, "insight_contact_week_idx"),
        (selectors.weekly_demand_queryset, "insight_contact_week_idx"),
        (selectors.failure_causes_queryset, "insight_contact_cause_idx"),
        (selectors.end_to_end_by_service_queryset, "insight_need_service_e2e_idx"),
        (selectors.end_to_end_cohort_queryset, "insight_need_cohort_idx"),
    ],
)
def test_each_unfiltered_aggregate_reads_only_its_covering_index_on_sqlite(queryset: Any, index: str):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL aggregates by hashing; the expression indexes are SQLite's")
    sql, params = queryset(EVERYTHING).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert f"COVERING INDEX {index}" in plan
    assert "TEMP B-TREE" not in plan


def test_weeks_start_on_monday_in_utc_and_dates_filter_whole_utc_days(bins: Any):
    sunday_late = dt.datetime(2025, 3, 9, 23, 59, 59, tzinfo=dt.UTC)
    need_with_contacts(service=bins, opened_at=sunday_late)
    need_with_contacts(service=bins, opened_at=sunday_late + dt.timedelta(seconds=2))
    weeks = selectors.weekly_demand(EVERYTHING)
    assert sorted(weeks["week"].astype(str)) == ["2025-03-03", "2025-03-10"]
    only_sunday = selectors.DemandFilters(start=dt.date(2025, 3, 9), end=dt.date(2025, 3, 9))
    assert selectors.weekly_demand(only_sunday)["contacts"].sum() == 1


def test_end_to_end_bins_round_down_to_the_hour_then_the_day_then_the_week(bins: Any):
    opened = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
    for after in (dt.timedelta(minutes=90), dt.timedelta(days=3, hours=5), dt.timedelta(days=70, hours=1)):
        need_with_contacts(service=bins, opened_at=opened, met_after=after)
    bins_frame = selectors.end_to_end_service_bins(EVERYTHING)
    assert sorted(bins_frame["seconds"]) == [3600, 3 * 86400, 10 * 7 * 86400]
