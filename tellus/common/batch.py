"""Settings for the few long batch writes (the demo build, a year of contacts, a full resolve), each undone after."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
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
