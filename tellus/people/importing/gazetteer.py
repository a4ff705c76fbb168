"""Loading the property gazetteer: one row per property with a stable reference such as a UPRN."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from tellus.common.text import collapse_spaces, normalise_postcode
from tellus.people.models import PROPERTY_OBJECT_TYPE, Property
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from .csvfiles import (
    CHUNK_SIZE,
    SURROGATE,
    ExtractError,
    Progress,
    Reject,
    RejectsWriter,
    RowError,
    count_lines,
    default_rejects_path,
    open_text,
)

GAZETTEER_COLUMNS = (
    "reference",
    "kind",
    "address_line_1",
    "address_line_2",
    "locality",
    "postcode",
    "ward",
    "latitude",
    "longitude",
)


PROPERTY_FIELDS = GAZETTEER_COLUMNS[1:]


@dataclass
class PropertyImportSummary:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejects_path: Path | None = None


def _parse_property(row: dict[str, str]) -> dict[str, Any]:
    reference = collapse_spaces(row["reference"])
    if not reference:
        raise RowError("missing reference", "missing property reference")
    kind = (row["kind"] or Property.Kind.DWELLING).strip().lower()
    if kind not in Property.Kind.values:
        raise RowError("unknown kind", f"unknown kind {kind!r}; expected one of {', '.join(Property.Kind.values)}")
    if not collapse_spaces(row["address_line_1"]):
        raise RowError("missing address", "missing address_line_1")
    values: dict[str, Any] = {"reference": reference, "kind": kind}
    for name in ("address_line_1", "address_line_2", "locality", "ward"):
        values[name] = collapse_spaces(row[name])
    values["postcode"] = normalise_postcode(row["postcode"]) if row["postcode"].strip() else ""
    for name, limit in (("latitude", 90.0), ("longitude", 180.0)):
        text = row[name].strip()
        try:
            number = float(text) if text else None
        except ValueError as exc:
            raise RowError("bad coordinate", f"{name} {text!r} is not a number") from exc
        if number is not None and not -limit <= number <= limit:
            raise RowError("bad coordinate", f"{name} {number} is out of range")
        values[name] = number
    for name in ("address_line_1", "address_line_2", "locality", "ward", "postcode", "reference"):
        limit_chars = int(Property._meta.get_field(name).max_length or 0)  # type: ignore[union-attr]
        if len(values[name]) > limit_chars:
            raise RowError("value too long", f"{name} is longer than {limit_chars} characters")
    return values


def import_properties(
    *, path: Path, actor: Actor, rejects_path: Path | None = None, progress: Progress | None = None
) -> PropertyImportSummary:
    """Load a property gazetteer (one row per property, with GAZETTEER_COLUMNS) and upsert by reference."""
    path = Path(path)
    rejects_path = Path(rejects_path) if rejects_path else default_rejects_path(path)
    summary = PropertyImportSummary()
    handle = open_text(path, "utf-8")
    with handle:
        reader = csv.reader(handle)
        header = [name.strip().lstrip("\ufeff") for name in next(reader, [])]
        missing = [name for name in GAZETTEER_COLUMNS if name not in header]
        if missing:
            raise ExtractError(f"{path.name} lacks gazetteer column(s) {', '.join(missing)}")
        if rejects_path.exists():
            rejects_path.unlink()
        rejects = RejectsWriter(rejects_path, header, "utf-8")
        total = max(count_lines(path) - 1, 0)
        seen: dict[str, int] = {}
        good: list[dict[str, Any]] = []
        try:
            for row_number, row in enumerate(reader, start=2):
                if not row:
                    continue
                summary.rows_read += 1
                try:
                    if len(row) != len(header):
                        raise RowError("wrong number of fields", f"row has {len(row)} fields, header {len(header)}")
                    if any(SURROGATE.search(value) for value in row):
                        raise RowError("wrong encoding", "not valid UTF-8 text")
                    values = _parse_property(dict(zip(header, row, strict=True)))
                    if values["reference"] in seen:
                        raise RowError(
                            "duplicate reference",
                            f"duplicate reference {values['reference']!r} (first on row {seen[values['reference']]})",
                        )
                except RowError as exc:
                    rejects.write(Reject(row_number, str(exc), row))
                    continue
                seen[values["reference"]] = row_number
                good.append(values)
                if len(good) >= CHUNK_SIZE:
                    _write_properties(good, actor, summary)
                    good = []
                if progress:
                    progress(summary.rows_read, max(total, summary.rows_read))
            if good:
                _write_properties(good, actor, summary)
        finally:
            rejects.close()
    summary.rejected = rejects.count
    summary.rejects_path = rejects_path if rejects.count else None
    return summary


@transaction.atomic
def _write_properties(rows: list[dict[str, Any]], actor: Actor, summary: PropertyImportSummary) -> None:
    existing = {p.reference: p for p in Property.objects.filter(reference__in=[r["reference"] for r in rows])}
    to_create, to_update = [], []
    entries: list[AuditEntry] = []
    for values in rows:
        current = existing.get(values["reference"])
        if current is None:
            to_create.append(Property(**values))
            continue
        changes = {
            name: [getattr(current, name), values[name]]
            for name in PROPERTY_FIELDS
            if getattr(current, name) != values[name]
        }
        if not changes:
            summary.unchanged += 1
            continue
        for name in PROPERTY_FIELDS:
            setattr(current, name, values[name])
        to_update.append(current)
        entries.append(AuditEntry(AuditAction.UPDATE, PROPERTY_OBJECT_TYPE, str(current.pk), changes=changes))
    created = Property.objects.bulk_create(to_create)
    entries.extend(AuditEntry(AuditAction.CREATE, PROPERTY_OBJECT_TYPE, str(p.pk)) for p in created)
    if to_update:
        Property.objects.bulk_update(to_update, list(PROPERTY_FIELDS), batch_size=500)
    audit_events_record(actor=actor, purpose=Purpose.DATA_IMPORT, entries=entries)
    summary.created += len(created)
    summary.updated += len(to_update)
