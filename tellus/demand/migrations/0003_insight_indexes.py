"""Indexes for the demand analysis pages (tellus.insight), so their aggregates stay under a second at a million
contacts.

On SQLite they are indexes on expressions, the very expressions tellus/insight/selectors.py groups by (the Monday
of the UTC week, and the end-to-end bin), with every column the queries read, so each aggregate is one pass over a
covering index with no sort. PostgreSQL aggregates by hashing and needs only the failure-cause index. They are
made with SQL, not Meta.indexes: the models do not change, and the SQLite expressions have no portable form."""

from __future__ import annotations

from typing import Any

from django.db import migrations

WEEK = "date({column}, 'weekday 0', '-6 days')"
BIN = (
    "(CASE WHEN end_to_end_seconds < 172800 THEN end_to_end_seconds / 3600 * 3600 "
    "WHEN end_to_end_seconds < 5184000 THEN end_to_end_seconds / 86400 * 86400 "
    "ELSE end_to_end_seconds / 604800 * 604800 END)"
)
COMMON = {
    "insight_contact_cause_idx": "demand_contact (demand_type, failure_cause, service_id)",
}
SQLITE = {
    "insight_contact_week_idx": (
        f"demand_contact ({WEEK.format(column='occurred_at')}, service_id, channel, demand_type, "
        "is_first_contact_for_need, resolved_at_first_point, occurred_at)"
    ),
    "insight_need_service_e2e_idx": f"demand_need (status, service_id, {BIN}, end_to_end_seconds)",
    "insight_need_week_e2e_idx": (
        f"demand_need (status, {WEEK.format(column='met_at')}, {BIN}, met_at, end_to_end_seconds)"
    ),
}


def _indexes(vendor: str) -> dict[str, str]:
    return {**COMMON, **(SQLITE if vendor == "sqlite" else {})}


def create(apps: Any, schema_editor: Any) -> None:
    for name, target in _indexes(schema_editor.connection.vendor).items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop(apps: Any, schema_editor: Any) -> None:
    for name in _indexes(schema_editor.connection.vendor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("demand", "0002_fk_indexes_covered_by_composites")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
