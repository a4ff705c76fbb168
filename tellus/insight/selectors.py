"""Reads for the demand pages: aggregates computed in the database (one GROUP BY per chart family), returned as
small DataFrames for `analytics.py`. Nothing here returns a contact or a need, only counts: the pages show no
individual.

Weeks are Monday-to-Sunday weeks in UTC, and dates in the filters are UTC days, so SQLite and PostgreSQL bucket
alike. The week is computed with each database's own date functions: Django's TruncWeek calls back into Python
for every row on SQLite, which costs seconds at a million contacts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db import NotSupportedError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BigIntegerField, CharField, Count, Func, Max, Min, Q, QuerySet
from django.db.models.sql.compiler import SQLCompiler

from tellus.catalogue.models import Service
from tellus.demand.models import Contact, DemandType, Need, NeedStatus

from .analytics import CUBE_COLUMNS, DAY, HOUR, WEEK, empty_cube

UTC = dt.UTC


class WeekStart(Func):
    """The Monday (UTC) of the week a datetime falls in, as ISO 'YYYY-MM-DD' text."""

    output_field = CharField()
    arity = 1

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Any:
        raise NotSupportedError(f"WeekStart is written for SQLite and PostgreSQL, not {connection.vendor}")

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        # 'weekday 0' moves forward to the Sunday ending the week (or stays on it); six days back is its Monday.
        return super().as_sql(compiler, connection, template="date(%(expressions)s, 'weekday 0', '-6 days')")

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        template = "to_char(date_trunc('week', %(expressions)s AT TIME ZONE 'UTC'), 'YYYY-MM-DD')"
        return super().as_sql(compiler, connection, template=template)


class EndToEndBin(Func):
    """End-to-end seconds rounded down to the hour under two days, to the day under 60 days, else to the week: a
    few hundred distinct values per service, so percentiles come from a small GROUP BY, not every need. Written
    with literal numbers, not parameters, so SQLite matches it to the index on the same expression."""

    output_field = BigIntegerField()
    arity = 1
    template = (
        f"(CASE WHEN %(expressions)s < {2 * DAY} THEN %(expressions)s / {HOUR} * {HOUR} "
        f"WHEN %(expressions)s < {60 * DAY} THEN %(expressions)s / {DAY} * {DAY} "
        f"ELSE %(expressions)s / {WEEK} * {WEEK} END)"
    )


def end_to_end_bin() -> EndToEndBin:
    return EndToEndBin("end_to_end_seconds")


@dataclass(frozen=True)
class DemandFilters:
    """What the person asked to see: contacts on or after `start` and on or before `end` (UTC days), of one
    service and one channel, or all."""

    start: dt.date | None = None
    end: dt.date | None = None
    service_id: int | None = None
    channel: str = ""

    def _range(self, field: str) -> Q:
        condition = Q()
        if self.start is not None:
            condition &= Q(**{f"{field}__gte": dt.datetime.combine(self.start, dt.time(), tzinfo=UTC)})
        if self.end is not None:
            after = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=UTC)
            condition &= Q(**{f"{field}__lt": after})
        return condition

    def contacts(self) -> Q:
        condition = self._range("occurred_at")
        if self.service_id is not None:
            condition &= Q(service_id=self.service_id)
        if self.channel:
            condition &= Q(channel=self.channel)
        return condition

    def met_needs(self) -> Q:
        """Needs met in the period; a need has no channel of its own, so the channel filter does not apply."""
        condition = Q(status=NeedStatus.MET) & self._range("met_at")
        if self.service_id is not None:
            condition &= Q(service_id=self.service_id)
        return condition


def _frame(queryset: QuerySet[Any, Any], columns: list[str]) -> pd.DataFrame:
    """The aggregate's rows, read straight from the cursor: they are plain numbers and codes, and Django's per-row
    converters cost a tenth of a second over the tens of thousands of rows a year's cube can have."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return pd.DataFrame.from_records(rows, columns=columns)


def contact_cube_queryset(filters: DemandFilters) -> QuerySet[Any, Any]:
    return (
        Contact.objects.filter(filters.contacts())
        .annotate(week=WeekStart("occurred_at"))
        .values("week", "service_id", "channel")
        .annotate(
            contacts=Count("id"),
            failure=Count("id", filter=Q(demand_type=DemandType.FAILURE)),
            first_contacts=Count("id", filter=Q(is_first_contact_for_need=True)),
            resolved_first=Count("id", filter=Q(is_first_contact_for_need=True, resolved_at_first_point=True)),
        )
        .order_by()
    )


def contact_cube(filters: DemandFilters) -> pd.DataFrame:
    """Contacts per week, service and channel, with how many were failure demand, first contacts about a need, and
    resolved at that first contact: at most weeks x services x channels rows, whatever the contact count."""
    frame = _frame(contact_cube_queryset(filters), CUBE_COLUMNS)
    return empty_cube() if frame.empty else frame


def weekly_demand_queryset(filters: DemandFilters) -> QuerySet[Any, Any]:
    return (
        Contact.objects.filter(filters.contacts())
        .annotate(week=WeekStart("occurred_at"))
        .values("week")
        .annotate(contacts=Count("id"), failure=Count("id", filter=Q(demand_type=DemandType.FAILURE)))
        .order_by()
    )


def weekly_demand(filters: DemandFilters) -> pd.DataFrame:
    """Contacts and failure demand per week: all the capability chart of failure share needs."""
    return _frame(weekly_demand_queryset(filters), ["week", "contacts", "failure"])


def failure_causes_queryset(filters: DemandFilters) -> QuerySet[Any, Any]:
    return (
        Contact.objects.filter(filters.contacts(), demand_type=DemandType.FAILURE)
        .values("failure_cause", "service_id")
        .annotate(contacts=Count("id"))
        .order_by()
    )


def failure_cause_counts(filters: DemandFilters) -> pd.DataFrame:
    """Failure-demand contacts per cause and service."""
    return _frame(failure_causes_queryset(filters), ["failure_cause", "service_id", "contacts"])


def end_to_end_by_service_queryset(filters: DemandFilters) -> QuerySet[Any, Any]:
    return (
        Need.objects.filter(filters.met_needs())
        .annotate(seconds=end_to_end_bin())
        .values("service_id", "seconds")
        .annotate(needs=Count("id"))
        .order_by()
    )


def end_to_end_service_bins(filters: DemandFilters) -> pd.DataFrame:
    """Needs met per service and end-to-end bin (see `end_to_end_bin`)."""
    return _frame(end_to_end_by_service_queryset(filters), ["service_id", "seconds", "needs"])


class WholeHours(Func):
    """Seconds as whole hours (integer division on both databases; NULL stays NULL)."""

    output_field = BigIntegerField()
    arity = 1
    template = f"(%(expressions)s / {HOUR})"


def end_to_end_cohort_queryset(filters: DemandFilters) -> QuerySet[Any, Any]:
    """Needs opened in the filters' dates (of the service chosen) per week of opening and whole hours to met (NULL
    while still open); needs closed for another reason are never met and are left out."""
    condition = filters._range("opened_at") & ~Q(status=NeedStatus.CLOSED_OTHER)
    if filters.service_id is not None:
        condition &= Q(service_id=filters.service_id)
    return (
        Need.objects.filter(condition)
        .annotate(week=WeekStart("opened_at"), hours=WholeHours("end_to_end_seconds"))
        .values("week", "hours")
        .annotate(needs=Count("id"))
        .order_by()
    )


def end_to_end_cohort_bins(filters: DemandFilters) -> pd.DataFrame:
    """Needs per week of opening and whole hours to met (None while open): what the weekly cohort median needs."""
    return _frame(end_to_end_cohort_queryset(filters), ["week", "hours", "needs"])


@dataclass(frozen=True)
class Period:
    """The days a weekly chart can speak for: from the later of the filter's start and the first contact recorded
    to the earlier of the filter's end and the last contact recorded (None where nothing is recorded), and today,
    whose week is still running. Weeks that reach outside it are part weeks."""

    first: dt.date | None
    last: dt.date | None
    today: dt.date


def _day(value: dt.datetime | None) -> dt.date | None:
    return None if value is None else value.astimezone(UTC).date()


def recorded_period(filters: DemandFilters, field: str = "occurred_at", model: Any = Contact) -> Period:
    """The period the records cover within the filters' dates: the first and last `field` of `model` in range, by
    one MIN/MAX over its date index. Services and channels are not applied: the council's records began and end on
    the same days for every one of them, and a quiet service's first contact on a Thursday does not make its first
    week short."""
    span = model.objects.filter(filters._range(field)).aggregate(first=Min(field), last=Max(field))
    return Period(first=_day(span["first"]), last=_day(span["last"]), today=dt.datetime.now(UTC).date())


def service_names() -> dict[int, str]:
    return dict(Service.objects.order_by("name").values_list("pk", "name"))
