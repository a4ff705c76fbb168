"""The covering index for the end-to-end capability chart's measure (decision 0070): needs per week of opening
and whole hours to met. On SQLite it is an index on the very expressions grouped by, with every column the query
reads, so the aggregate is one pass over it with no sort; the index for the old measure (needs per week of
meeting and end-to-end bin) is dropped. PostgreSQL aggregates by hashing and needs neither."""

from __future__ import annotations

from typing import Any

from django.db import migrations

COHORT = (
    "insight_need_cohort_idx",
    "demand_need (date(opened_at, 'weekday 0', '-6 days'), (end_to_end_seconds / 3600), status, service_id, "
    "opened_at, end_to_end_seconds)",
)
OLD = (
    "insight_need_week_e2e_idx",
    "demand_need (status, date(met_at, 'weekday 0', '-6 days'), (CASE WHEN end_to_end_seconds < 172800 THEN "
    "end_to_end_seconds / 3600 * 3600 WHEN end_to_end_seconds < 5184000 THEN end_to_end_seconds / 86400 * 86400 "
    "ELSE end_to_end_seconds / 604800 * 604800 END), met_at, end_to_end_seconds)",
)


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {COHORT[0]} ON {COHORT[1]}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {OLD[0]}")


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {COHORT[0]}")
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {OLD[0]} ON {OLD[1]}")


class Migration(migrations.Migration):
    dependencies = [("insight", "0001_initial"), ("demand", "0003_insight_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
