"""Settings for the few long batch writes (the demo build, a year of contacts, a full resolve), each undone after."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models


@contextmanager
def big_sqlite_cache() -> Iterator[None]:
    """Random-order index inserts into SQLite thrash its default 2 MB page cache; give the batch 256 MB."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


@contextmanager
def sqlite_disposable_writes() -> Iterator[None]:
    """For building a database that is thrown away if the build fails (the demo town): a 256 MB page cache,
    temporary tables in memory, and no waiting for the disk at each commit (synchronous=OFF). A crash mid-build
    can corrupt only a build that `tellus demo` would start again anyway. Restored after; no-op on PostgreSQL."""
    if connection.vendor != "sqlite":
        yield
        return
    # SQLite refuses to change synchronous inside a transaction (a build inside a test's transaction keeps it).
    pragmas = (
        ("cache_size", "temp_store") if connection.in_atomic_block else ("cache_size", "synchronous", "temp_store")
    )
    with connection.cursor() as cursor:
        before = {}
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
            before[pragma] = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size = -262144")
        if "synchronous" in pragmas:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for pragma, value in before.items():
                cursor.execute(f"PRAGMA {pragma} = {value}")


@contextmanager
def fewer_garbage_collections() -> Iterator[None]:
    """A batch makes millions of objects that live until it ends, and Python's cyclic collector walks all of them
    again and again as they pile up. Objects made before are set aside and the collector runs far less often.
    Inside another such batch (a resolve within the demo build) it leaves the outer one's arrangement alone."""
    thresholds = gc.get_threshold()
    if thresholds[0] >= 100_000:
        yield
        return
    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def datetime_adapter() -> Callable[[dt.datetime | None], object]:
    """How to pass an aware datetime to `insert_returning_ids`. On SQLite, UTC text as Django writes it, made without
    Django's adapter, which converts zones through several calls per value and cost seconds over a few hundred
    thousand values; elsewhere Django's own adapter."""
    if connection.vendor != "sqlite":
        return connection.ops.adapt_datetimefield_value

    def adapt(value: dt.datetime | None) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"{value!r} has no time zone; Tellus stores aware datetimes only")
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")

    return adapt


def insert_returning_ids(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> list[int]:
    """Insert rows (values already adapted for the database, in `columns` order) with plain multi-row INSERTs and
    return the new ids in the order the rows were given.

    For tens of thousands of rows at once: `bulk_create` spends most of its time building and compiling model
    instances (decision 0008)."""
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(column) for column in columns)
    placeholders = f"({', '.join(['%s'] * len(columns))})"
    per_insert = 999 // len(columns)  # SQLite builds before 3.32 allow 999 parameters in one statement
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_insert):
            batch = rows[start : start + per_insert]
            params: list[Any] = [value for row in batch for value in row]
            values = ", ".join([placeholders] * len(batch))
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {values} RETURNING id", params)  # noqa: S608
            # Ids rise in the order the rows were given, whatever order RETURNING hands them back in.
            ids.extend(sorted(row[0] for row in cursor.fetchall()))
    return ids


def bulk_insert(objects: Sequence[models.Model]) -> list[models.Model]:
    """`bulk_create` for tens of thousands of new model instances of one model, without its per-value compiling
    (most of its time, decision 0008): each field's value is prepared as a save would prepare it (`pre_save`, then
    `get_db_prep_save`; datetimes with `datetime_adapter`) and written by `insert_returning_ids`. The instances get
    their ids. No signals are sent, as with `bulk_create`; fields with a database default are not supported."""
    if not objects:
        return []
    model = type(objects[0])
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    if any(field.db_default is not models.NOT_PROVIDED for field in fields):
        raise ValueError(f"{model.__name__} has a field with a database default; use bulk_create")
    adapt_datetime = datetime_adapter()

    def saver(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
        if isinstance(field, models.DateTimeField):
            return adapt_datetime
        return lambda value: field.get_db_prep_save(value, connection)

    preparers = [saver(field) for field in fields]
    rows = [
        [prepare(field.pre_save(instance, True)) for field, prepare in zip(fields, preparers, strict=True)]
        for instance in objects
    ]
    ids = insert_returning_ids(model, [field.column for field in fields], rows)
    for instance, pk in zip(objects, ids, strict=True):
        instance.pk = pk
        instance._state.adding = False
        instance._state.db = connection.alias
    return list(objects)


def planner_statistics_refresh(tables: Sequence[str] = ()) -> None:
    """ANALYZE after a bulk write, on PostgreSQL: its planner otherwise works from the statistics of the tables
    before the write until autovacuum gets round to them (never, where it is off), and with "8 people" where there
    are 18,000 it walks every person to find a surname (26 s for one search instead of 16 ms). `tables`: only those;
    none, every table. SQLite plans these queries from its indexes alone and is left as it is."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if tables:
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        else:
            cursor.execute("ANALYZE")
