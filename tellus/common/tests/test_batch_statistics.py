"""Fresh planner statistics after a bulk write (PostgreSQL): without them one console search took 26 s."""

from __future__ import annotations

import pytest
from django.db import connection

from tellus.common.batch import planner_statistics_refresh

pytestmark = pytest.mark.django_db


def _analysed(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples >= 0 FROM pg_class WHERE relname = %s", [table])
        return bool(cursor.fetchone()[0])


def test_statistics_are_refreshed_on_postgresql_and_sqlite_is_left_alone(django_user_model):
    django_user_model.objects.create_user(username="someone")
    planner_statistics_refresh(["privacy_user"])  # on SQLite: does nothing, and does not fail
    if connection.vendor != "postgresql":
        return
    # reltuples is -1 on PostgreSQL 14+ until the table is first analysed (or vacuumed).
    assert _analysed("privacy_user")
