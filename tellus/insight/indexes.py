"""The SQLite expression indexes the demand analysis reads on the needs table, made again after every migrate.

They are made with SQL in migrations (demand 0003, insight 0002) because their expressions have no portable form,
so Django does not know them; and when a later migration makes SQLite rebuild the needs table (adding a column with
a constraint does), the rebuild keeps only the indexes Django knows. Without them the end-to-end charts sort every
need on each page view. After every migrate, this puts back any that a rebuild dropped."""

from __future__ import annotations

from typing import Any

from django.db import connections

BIN = (
    "(CASE WHEN end_to_end_seconds < 172800 THEN end_to_end_seconds / 3600 * 3600 "
    "WHEN end_to_end_seconds < 5184000 THEN end_to_end_seconds / 86400 * 86400 "
    "ELSE end_to_end_seconds / 604800 * 604800 END)"
)
SQLITE_NEED_INDEXES = {
    "insight_need_service_e2e_idx": f"demand_need (status, service_id, {BIN}, end_to_end_seconds)",
    "insight_need_cohort_idx": (
        "demand_need (date(opened_at, 'weekday 0', '-6 days'), (end_to_end_seconds / 3600), status, service_id, "
        "opened_at, end_to_end_seconds)"
    ),
}


def sqlite_need_indexes_ensure(*, using: str = "default", **kwargs: Any) -> None:
    """A post_migrate receiver: make any of the needs table's expression indexes that is missing (SQLite only)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        if "demand_need" not in connection.introspection.table_names(cursor):
            return
        for name, target in SQLITE_NEED_INDEXES.items():
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
