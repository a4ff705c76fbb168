"""Batch settings are undone afterwards, and a batch inside another leaves the outer one's settings alone."""

from __future__ import annotations

import datetime as dt
import gc
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from tellus.common.batch import (
    big_sqlite_cache,
    bulk_insert,
    datetime_adapter,
    fewer_garbage_collections,
    insert_returning_ids,
    sqlite_disposable_writes,
)
from tellus.people.models import Person


def test_the_collector_runs_less_often_during_a_batch_and_as_before_after_it() -> None:
    before = gc.get_threshold()
    with fewer_garbage_collections():
        during = gc.get_threshold()
        with fewer_garbage_collections():
            assert gc.get_threshold() == during
        assert gc.get_threshold() == during  # the inner batch did not undo the outer one's arrangement
    assert during[0] >= 100_000 > before[0]
    assert gc.get_threshold() == before


@pytest.mark.django_db
def test_sqlite_gets_a_big_page_cache_for_the_batch_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite setting")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        with big_sqlite_cache():
            cursor.execute("PRAGMA cache_size")
            assert cursor.fetchone()[0] == -262144
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before


@pytest.mark.django_db(transaction=True)
def test_a_disposable_build_skips_waiting_for_the_disk_only_while_it_runs() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite setting")

    def pragmas() -> tuple[int, int, int]:
        with connection.cursor() as cursor:
            found = []
            for pragma in ("cache_size", "synchronous", "temp_store"):
                cursor.execute(f"PRAGMA {pragma}")
                found.append(int(cursor.fetchone()[0]))
        return found[0], found[1], found[2]

    before = pragmas()
    with sqlite_disposable_writes():
        assert pragmas() == (-262144, 0, 2)  # 256 MB of cache, synchronous OFF, temporary tables in memory
    assert pragmas() == before
    assert before[1] != 0


@pytest.mark.django_db
def test_inside_a_transaction_a_disposable_build_changes_only_what_sqlite_allows_there() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite setting")
    with connection.cursor() as cursor, sqlite_disposable_writes():
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == -262144


@pytest.mark.django_db
def test_rows_inserted_in_many_statements_come_back_with_their_ids_in_the_order_given() -> None:
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    names = [f"Person {n:04d}" for n in range(700, 0, -1)]  # more rows than one statement takes, in falling order

    ids = insert_returning_ids(
        Person, ("display_name", "created_at", "updated_at"), [(name, stamp, stamp) for name in names]
    )

    assert len(ids) == len(set(ids)) == 700
    assert dict(Person.objects.filter(pk__in=ids).values_list("pk", "display_name")) == dict(
        zip(ids, names, strict=True)
    )


@pytest.mark.django_db
def test_the_quick_datetime_adapter_writes_what_djangos_own_adapter_writes() -> None:
    adapt = datetime_adapter()
    for value in (
        dt.datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/London")),  # the night the clocks go forward
        dt.datetime(2026, 7, 1, 23, 59, 59, 123456, tzinfo=ZoneInfo("Pacific/Auckland")),
        timezone.now(),
    ):
        assert adapt(value) == connection.ops.adapt_datetimefield_value(value)
    assert adapt(None) is None


@pytest.mark.django_db
def test_the_quick_datetime_adapter_refuses_a_datetime_without_a_zone_on_sqlite() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("Django's own adapter is used elsewhere")
    with pytest.raises(ValueError, match="no time zone"):
        datetime_adapter()(dt.datetime(2026, 1, 1, 9, 0))


@pytest.mark.django_db
def test_bulk_insert_stores_what_bulk_create_stores_and_gives_each_instance_its_id() -> None:
    from tellus.people.models import Property

    made = [
        Property(reference=f"B{n}", address_line_1=f"{n} Quick Street", postcode="TL1 1AA", latitude=51.5 + n / 1000)
        for n in range(3)
    ]
    compared = Property.objects.bulk_create(
        [Property(reference=f"C{n}", address_line_1=f"{n} Quick Street", postcode="TL1 1AA", latitude=51.5 + n / 1000)][
            0
        ]
        for n in range(3)
    )

    inserted = bulk_insert(made)

    assert [p.pk for p in inserted] == sorted(p.pk for p in inserted) and all(p.pk for p in inserted)
    fields = [f.attname for f in Property._meta.concrete_fields if not f.primary_key and f.attname != "reference"]
    for ours, theirs in zip(inserted, compared, strict=True):
        stored = Property.objects.values(*fields).get(pk=ours.pk)
        assert stored == Property.objects.values(*fields).get(pk=theirs.pk)
    assert not inserted[0]._state.adding
