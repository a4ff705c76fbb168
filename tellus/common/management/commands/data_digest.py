"""`tellus data-digest`: each table's row count and a digest of its contents, to show two databases hold the same data.

Built for proving that a change of code leaves what it writes unchanged: build the demo town before and after with the
same seed and size, run this against each, and compare (`--json` gives one line a script can diff). The digest covers
every column of every table except what differs between two builds of the same code with the same seed (found by
building the demo twice and comparing every column):

- timestamps of when a row was written (`created_at`, `updated_at`, `started_at`, …, and the audit log's
  `occurred_at`; the list is VOLATILE_COLUMNS), and salted password hashes;
- "seconds" inside JSON columns (how long a run took), and the directories in file paths: the TELLUS_VAR_DIR prefix
  (written as `$TELLUS_VAR_DIR`) and the installed `tellus` package's (as `$TELLUS_PACKAGE`, for files shipped with
  the code such as the demo catalogue), so two builds in two directories, or from two checkouts, compare equal;
- django_session (sign-ins) and django_migrations (when each migration was applied, and which exist: a change that
  only moves code can add a state-only migration without writing any data).

Rows are read in primary-key order, so ids count: the same rows written in another order give another digest.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

import tellus

SKIPPED_TABLES = {"django_session", "django_migrations"}

# Columns set from the clock or a random salt when the row is written; `table.column`, or `*.column` for any table.
# (`occurred_at` only for the audit log: a contact's `occurred_at` is when the resident got in touch, not the clock.)
VOLATILE_COLUMNS = {
    "*.created_at",
    "*.updated_at",
    "*.started_at",
    "*.finished_at",
    "*.completed_at",
    "*.derived_at",
    "*.imported_at",
    "*.formed_at",
    "*.trained_at",
    "*.last_login",
    "*.date_joined",
    "privacy_auditevent.occurred_at",
    "privacy_user.password",
}
# Keys of JSON objects that hold a duration measured by the clock.
VOLATILE_JSON_KEYS = {"seconds"}


def _volatile(table: str, column: str, extra: set[str]) -> bool:
    names = VOLATILE_COLUMNS | extra
    return f"*.{column}" in names or f"{table}.{column}" in names


def table_digests(*, ignore: set[str] | None = None) -> dict[str, dict[str, Any]]:
    """{table: {"rows": n, "digest": sha256 hex, "ignored": [columns]}} for every table in the database."""
    extra = ignore or set()
    places = {
        str(Path(tellus.__file__).resolve().parent): "$TELLUS_PACKAGE",
        str(Path(settings.VAR_DIR).resolve()): "$TELLUS_VAR_DIR",
    }
    result: dict[str, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in SKIPPED_TABLES:
                continue
            description = connection.introspection.get_table_description(cursor, table)
            columns = [column.name for column in description]
            kept = [name for name in columns if not _volatile(table, name, extra)]
            primary = connection.introspection.get_primary_key_columns(cursor, table) or kept[:1]
            quote = connection.ops.quote_name
            order = ", ".join(quote(name) for name in primary)
            select = ", ".join(quote(name) for name in kept)
            cursor.execute(f"SELECT {select} FROM {quote(table)} ORDER BY {order}")  # noqa: S608 - names from the schema
            digest = hashlib.sha256()
            rows = 0
            for row in cursor.fetchall():
                digest.update(_row_text(row, places).encode())
                rows += 1
            result[table] = {"rows": rows, "digest": digest.hexdigest(), "ignored": sorted(set(columns) - set(kept))}
    return result


def _steady(value: Any, places: dict[str, str]) -> Any:
    """The value without what the clock or the build's directories put in it."""
    if isinstance(value, dict):
        return {key: _steady(item, places) for key, item in value.items() if key not in VOLATILE_JSON_KEYS}
    if isinstance(value, list):
        return [_steady(item, places) for item in value]
    if isinstance(value, str):
        for place, name in places.items():
            value = value.replace(place, name)
    return value


def _row_text(row: tuple[Any, ...], places: dict[str, str]) -> str:
    """One row as text that is the same on every backend for the same values (JSON text read back as data)."""
    values = []
    for value in row:
        if isinstance(value, str) and value[:1] in "{[":
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        value = _steady(value, places)
        if isinstance(value, dict | list):
            value = json.dumps(value, sort_keys=True, default=str)
        values.append(repr(value))
    return "\x1f".join(values) + "\x1e"


class Command(BaseCommand):
    help = "Print each table's row count and a digest of its contents (ignoring clock- and salt-set columns)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--ignore",
            action="append",
            default=[],
            metavar="TABLE.COLUMN",
            help="Leave another column out of the digest (`*.column` for every table); may be repeated.",
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object instead of a table.")

    def handle(self, *args: Any, **options: Any) -> None:
        digests = table_digests(ignore=set(options["ignore"]))
        if options["json"]:
            self.stdout.write(json.dumps(digests, sort_keys=True))
            return
        width = max((len(table) for table in digests), default=5)
        for table, figures in digests.items():
            ignored = f"  (ignoring {', '.join(figures['ignored'])})" if figures["ignored"] else ""
            self.stdout.write(f"{table:<{width}}  {figures['rows']:>9,}  {figures['digest'][:16]}{ignored}")
