"""The needs table's SQLite expression indexes come back after a migration rebuilds the table without them."""

from __future__ import annotations

import pytest
from django.db import connection

from tellus.insight.indexes import SQLITE_NEED_INDEXES, sqlite_need_indexes_ensure

pytestmark = pytest.mark.django_db


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'demand_need'")
        return {row[0] for row in cursor.fetchall()}


def test_after_migrate_every_expression_index_of_the_needs_table_is_there():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's expression indexes")
    assert set(SQLITE_NEED_INDEXES) <= _indexes()


def test_an_index_a_table_rebuild_dropped_is_made_again():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's expression indexes")
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX insight_need_service_e2e_idx")
    assert "insight_need_service_e2e_idx" not in _indexes()

    sqlite_need_indexes_ensure(using="default")

    assert set(SQLITE_NEED_INDEXES) <= _indexes()
