"""Loading extracts from a council's source systems into source records.

A council sends a CSV file and a column mapping (TOML). Good rows are committed in chunks; bad rows go to a
rejects file with their row number and the reason, and nothing about a bad row is written. Loading the same
file twice changes nothing; a changed row updates its record and keeps the earlier state as a version.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from tellus.common.text import (
    collapse_spaces,
    normalise_email,
    normalise_name,
    normalise_phone,
    normalise_postcode,
)
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from .models import ImportRun, Property, SourceRecord, SourceRecordVersion, SourceSystem

Progress = Callable[[int, int], None]
CHUNK_SIZE = 2000

TARGET_FIELDS = (
    "source_key",
    "first_name",
    "last_name",
    "full_name",
    "date_of_birth",
    "address",
    "postcode",
    "property_reference",
    "email",
    "phone",
    "valid_from",
    "valid_to",
)
DATE_FIELDS = ("date_of_birth", "valid_from", "valid_to")
# The normalised fields a source record carries; compared to decide whether a row changed, and versioned.
RECORD_FIELDS = (
    "first_name",
    "last_name",
    "name_normalised",
    "date_of_birth",
    "address",
    "postcode",
    "property_id",
    "email",
    "phone",
    "valid_from",
    "valid_to",
)


class ExtractError(Exception):
    """The whole file cannot be loaded: unreadable, no header, or a mapping that does not fit it."""


class MappingError(ExtractError):
    """The column mapping is malformed."""


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of an extract feeds which field of a source record, and how to read the file."""

    columns: dict[str, tuple[str, ...]]
    encoding: str = "utf-8"
    delimiter: str = ","
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)

    def source_columns(self) -> set[str]:
        return {column for columns in self.columns.values() for column in columns}

    def fingerprint(self) -> str:
        return json.dumps(
            [sorted(self.columns.items()), self.date_formats], sort_keys=True, separators=(",", ":")
        )


def load_mapping(path: Path) -> ColumnMapping:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise MappingError(f"mapping file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"cannot read mapping file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"mapping file {path} is not valid TOML: {exc}") from exc
    return mapping_from_dict(data, origin=str(path))


def mapping_from_dict(data: dict[str, Any], *, origin: str = "mapping") -> ColumnMapping:
    unknown_sections = set(data) - {"file", "columns"}
    if unknown_sections:
        raise MappingError(f"{origin}: unknown section(s) {', '.join(sorted(unknown_sections))}; use [file] and [columns]")
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, dict) or not raw_columns:
        raise MappingError(f"{origin}: a [columns] section is required")
    unknown = set(raw_columns) - set(TARGET_FIELDS)
    if unknown:
        raise MappingError(
            f"{origin}: unknown field(s) {', '.join(sorted(unknown))}; known fields: {', '.join(TARGET_FIELDS)}"
        )
    columns: dict[str, tuple[str, ...]] = {}
    for target, value in raw_columns.items():
        if isinstance(value, str) and value:
            columns[target] = (value,)
        elif isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
            columns[target] = tuple(value)
        else:
            raise MappingError(f"{origin}: [columns] {target} must be a column name or a list of column names")
    if "source_key" not in columns:
        raise MappingError(f"{origin}: [columns] must name the source_key column")
    file_section = data.get("file", {})
    if not isinstance(file_section, dict):
        raise MappingError(f"{origin}: [file] must be a table")
    encoding = file_section.get("encoding", "utf-8")
    delimiter = file_section.get("delimiter", ",")
    date_formats = file_section.get("date_formats", ["%Y-%m-%d"])
    try:
        "".encode(encoding)
    except (LookupError, TypeError) as exc:
        raise MappingError(f"{origin}: unknown encoding {encoding!r}") from exc
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise MappingError(f"{origin}: delimiter must be a single character")
    if isinstance(date_formats, str):
        date_formats = [date_formats]
    if not isinstance(date_formats, list) or not date_formats or not all(isinstance(f, str) for f in date_formats):
        raise MappingError(f"{origin}: date_formats must be a list of strftime formats such as \"%d/%m/%Y\"")
    return ColumnMapping(columns=columns, encoding=encoding, delimiter=delimiter, date_formats=tuple(date_formats))


@dataclass
class ImportSummary:
    """What one import did, for the command's closing lines and the import history."""

    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    unknown_property_references: int = 0
    rejects_path: Path | None = None
    run_id: int | None = None
    reasons: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Reject:
    row_number: int
    reason: str
    values: Sequence[str]


@dataclass(frozen=True)
class ParsedRow:
    row_number: int
    source_key: str
    raw: dict[str, str]
    row_hash: str
    fields: dict[str, Any]
    property_reference: str


class RowError(ValueError):
    """Why one row cannot be loaded; `category` groups reasons in the summary."""

    def __init__(self, category: str, message: str) -> None:
        super().__init__(message)
        self.category = category


_SURROGATE = re.compile("[\udc80-\udcff]")
_HUMAN_FORMAT = {"%d": "DD", "%m": "MM", "%Y": "YYYY", "%y": "YY", "%b": "Mon", "%B": "Month"}


def _human_date_format(fmt: str) -> str:
    for code, text in _HUMAN_FORMAT.items():
        fmt = fmt.replace(code, text)
    return fmt


def _max_length(name: str) -> int:
    return int(SourceRecord._meta.get_field(name).max_length or 0)  # type: ignore[union-attr]


class RowParser:
    """Turns one CSV row into the fields of a source record, or says exactly why it cannot."""

    def __init__(self, mapping: ColumnMapping, header: list[str]) -> None:
        self.mapping = mapping
        self.header = header
        self.index = {name: i for i, name in enumerate(header)}
        self.today = timezone.localdate()
        self.salt = mapping.fingerprint()

    def value(self, row: Sequence[str], target: str) -> str:
        columns = self.mapping.columns.get(target, ())
        parts = [collapse_spaces(row[self.index[column]]) for column in columns]
        return ", ".join(part for part in parts if part)

    def parse(self, row_number: int, row: Sequence[str]) -> ParsedRow:
        if len(row) != len(self.header):
            raise RowError("wrong number of fields", f"row has {len(row)} fields but the header has {len(self.header)}")
        for name, value in zip(self.header, row, strict=True):
            if _SURROGATE.search(value):
                raise RowError(
                    "wrong encoding",
                    f"column {name!r} is not valid {self.mapping.encoding} text; "
                    "re-save the file in that encoding or set [file] encoding in the mapping"
                )
        source_key = self.value(row, "source_key")
        if not source_key:
            raise RowError("missing source key", f"missing source key (column {self.mapping.columns['source_key'][0]!r})")
        first, last = self.names(row)
        fields: dict[str, Any] = {
            "first_name": first,
            "last_name": last,
            "name_normalised": normalise_name(f"{first} {last}"),
            "address": self.value(row, "address"),
            "postcode": normalise_postcode(self.value(row, "postcode")),
            "email": normalise_email(self.value(row, "email")),
            "phone": normalise_phone(self.value(row, "phone")),
        }
        for target in DATE_FIELDS:
            fields[target] = self.date(row, target)
        self.check(fields, source_key)
        raw = dict(zip(self.header, row, strict=True))
        digest = hashlib.sha256(
            (json.dumps(raw, sort_keys=True, ensure_ascii=False) + self.salt).encode("utf-8")
        ).hexdigest()
        return ParsedRow(
            row_number=row_number,
            source_key=source_key,
            raw=raw,
            row_hash=digest,
            fields=fields,
            property_reference=self.value(row, "property_reference"),
        )

    def names(self, row: Sequence[str]) -> tuple[str, str]:
        first, last = self.value(row, "first_name"), self.value(row, "last_name")
        if not (first or last) and "full_name" in self.mapping.columns:
            first, last = split_full_name(self.value(row, "full_name"))
        return tidy_case(first), tidy_case(last)

    def date(self, row: Sequence[str], target: str) -> dt.date | None:
        text = self.value(row, target)
        if not text:
            return None
        for fmt in self.mapping.date_formats:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        expected = " or ".join(_human_date_format(f) for f in self.mapping.date_formats)
        column = self.mapping.columns[target][0]
        raise RowError("unparseable date", f"unparseable {target.replace('_', ' ')} {text!r} in column {column!r}; expected {expected}")

    def check(self, fields: dict[str, Any], source_key: str) -> None:
        if len(source_key) > _max_length("source_key"):
            raise RowError("value too long", f"source key is longer than {_max_length('source_key')} characters")
        for name in ("first_name", "last_name", "name_normalised", "address", "postcode", "email", "phone"):
            if len(fields[name]) > _max_length(name):
                raise RowError("value too long", f"{name.replace('_', ' ')} is longer than {_max_length(name)} characters")
        dob = fields["date_of_birth"]
        if dob and dob > self.today:
            raise RowError("impossible date", f"date of birth {dob.isoformat()} is in the future")
        if dob and dob.year < 1880:
            raise RowError("impossible date", f"date of birth {dob.isoformat()} is before 1880")
        if fields["valid_from"] and fields["valid_to"] and fields["valid_to"] < fields["valid_from"]:
            raise RowError("impossible date", "valid to is earlier than valid from")


def split_full_name(text: str) -> tuple[str, str]:
    """'SMITH, John' and 'John Smith' both give ('John', 'Smith'); a single word is a family name."""
    text = collapse_spaces(text)
    if "," in text:
        last, _, first = text.partition(",")
        return first.strip(), last.strip()
    if " " in text:
        first, _, last = text.rpartition(" ")
        return first, last
    return "", text


def tidy_case(text: str) -> str:
    """Names sent in capitals ('SMITH') read better as 'Smith'; mixed case is left as the person wrote it."""
    if text.isupper() and len(text) > 1:
        return "-".join(part.capitalize() for part in text.title().split("-"))
    return text


@dataclass
class _Reading:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    total: int


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _open_text(path: Path, encoding: str) -> TextIO:
    try:
        return open(path, encoding=encoding, errors="surrogateescape", newline="")
    except FileNotFoundError as exc:
        raise ExtractError(f"file not found: {path}") from exc
    except IsADirectoryError as exc:
        raise ExtractError(f"{path} is a directory, not a CSV file") from exc
    except OSError as exc:
        raise ExtractError(f"cannot read {path}: {exc.strerror}") from exc


def _count_lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))


def _read(handle: TextIO, path: Path, mapping: ColumnMapping) -> _Reading:
    reader = csv.reader(handle, delimiter=mapping.delimiter)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise ExtractError(f"{path} is empty: expected a header row") from exc
    except (csv.Error, UnicodeError) as exc:
        raise ExtractError(f"cannot read the header of {path}: {exc}") from exc
    header = [name.strip().lstrip("\ufeff") for name in header]
    if any(_SURROGATE.search(name) for name in header):
        raise ExtractError(f"the header of {path} is not valid {mapping.encoding}; set [file] encoding in the mapping")
    missing = sorted(mapping.source_columns() - set(header))
    if missing:
        raise ExtractError(
            f"column(s) {', '.join(missing)} named in the mapping are not in {path.name}'s header "
            f"(it has: {', '.join(header)})"
        )
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise ExtractError(f"{path.name}'s header repeats column(s) {', '.join(duplicates)}")

    def rows() -> Iterator[tuple[int, list[str]]]:
        row_number = 1
        while True:
            row_number += 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield row_number, ["\x00csv-error", str(exc)]
                continue
            if row:
                yield row_number, row

    return _Reading(header=header, rows=rows(), total=max(_count_lines(path) - 1, 0))


class RejectsWriter:
    """Writes refused rows, with their row number and reason, to a CSV beside the extract."""

    def __init__(self, path: Path, header: list[str], encoding: str) -> None:
        self.path = path
        self.header = header
        self.encoding = encoding
        self.handle: TextIO | None = None
        self.writer: Any = None
        self.count = 0

    def write(self, reject: Reject) -> None:
        if self.handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = open(self.path, "w", encoding=self.encoding, errors="surrogateescape", newline="")
            self.writer = csv.writer(self.handle)
            self.writer.writerow(["row_number", "reason", *self.header])
        self.writer.writerow([reject.row_number, reject.reason, *reject.values])
        self.count += 1

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


def default_rejects_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejects.csv")


def import_extract(
    *,
    source_system: SourceSystem,
    path: Path,
    mapping: ColumnMapping,
    actor: Actor,
    rejects_path: Path | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    path = Path(path)
    rejects_path = Path(rejects_path) if rejects_path else default_rejects_path(path)
    handle = _open_text(path, mapping.encoding)
    with handle:
        reading = _read(handle, path, mapping)
        if rejects_path.exists():
            rejects_path.unlink()  # a rejects file from an earlier run would mislead
        run = ImportRun.objects.create(
            source_system=source_system, file_name=str(path), file_sha256=file_sha256(path), actor_label=actor.label
        )
        summary = ImportSummary(run_id=run.pk)
        parser = RowParser(mapping, reading.header)
        rejects = RejectsWriter(rejects_path, reading.header, mapping.encoding)
        try:
            _import_rows(reading, parser, rejects, source_system, run, actor, summary, progress)
        except BaseException:
            run.status = ImportRun.Status.FAILED
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "finished_at"])
            raise
        finally:
            rejects.close()
    summary.rejected = rejects.count
    summary.rejects_path = rejects_path if rejects.count else None
    run.rows_read = summary.rows_read
    run.created, run.updated, run.unchanged, run.rejected = (
        summary.created,
        summary.updated,
        summary.unchanged,
        summary.rejected,
    )
    run.rejects_file = str(summary.rejects_path or "")
    run.status = ImportRun.Status.COMPLETED_WITH_REJECTS if rejects.count else ImportRun.Status.COMPLETED
    run.finished_at = timezone.now()
    run.save()
    return summary


def _import_rows(
    reading: _Reading,
    parser: RowParser,
    rejects: RejectsWriter,
    source_system: SourceSystem,
    run: ImportRun,
    actor: Actor,
    summary: ImportSummary,
    progress: Progress | None,
) -> None:
    first_seen: dict[str, int] = {}
    chunk: list[ParsedRow] = []

    def reject(row_number: int, category: str, reason: str, values: Sequence[str]) -> None:
        rejects.write(Reject(row_number, reason, values))
        summary.reasons[category] = summary.reasons.get(category, 0) + 1

    for row_number, row in reading.rows:
        summary.rows_read += 1
        if row and row[0] == "\x00csv-error":
            reject(row_number, "malformed CSV", f"malformed CSV: {row[1]}", [])
            continue
        try:
            parsed = parser.parse(row_number, row)
        except RowError as exc:
            reject(row_number, exc.category, str(exc), row)
            continue
        if parsed.source_key in first_seen:
            reject(
                row_number,
                "duplicate source key",
                f"duplicate source key {parsed.source_key!r} (first on row {first_seen[parsed.source_key]})",
                row,
            )
            continue
        first_seen[parsed.source_key] = row_number
        chunk.append(parsed)
        if len(chunk) >= CHUNK_SIZE:
            _write_chunk(chunk, source_system, run, actor, summary)
            chunk = []
        if progress:
            progress(summary.rows_read, max(reading.total, summary.rows_read))
    if chunk:
        _write_chunk(chunk, source_system, run, actor, summary)
    if progress:
        progress(summary.rows_read, summary.rows_read)


def _record_state(record: SourceRecord) -> dict[str, Any]:
    return {name: _jsonable(getattr(record, name)) for name in RECORD_FIELDS}


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


@transaction.atomic
def _write_chunk(
    chunk: list[ParsedRow], source_system: SourceSystem, run: ImportRun, actor: Actor, summary: ImportSummary
) -> None:
    """One chunk of good rows: new records created, changed ones updated with a version kept, all audited."""
    now = timezone.now()
    existing = {
        record.source_key: record
        for record in SourceRecord.objects.filter(
            source_system=source_system, source_key__in=[row.source_key for row in chunk]
        )
    }
    references = {row.property_reference for row in chunk if row.property_reference}
    properties = dict(Property.objects.filter(reference__in=references).values_list("reference", "id"))
    to_create: list[SourceRecord] = []
    to_update: list[SourceRecord] = []
    versions: list[SourceRecordVersion] = []
    entries: list[AuditEntry] = []
    for row in chunk:
        property_id = properties.get(row.property_reference) if row.property_reference else None
        if row.property_reference and property_id is None:
            summary.unknown_property_references += 1
        record = existing.get(row.source_key)
        if record is None:
            to_create.append(
                SourceRecord(
                    source_system=source_system,
                    source_key=row.source_key,
                    raw=row.raw,
                    row_hash=row.row_hash,
                    property_id=property_id,
                    imported_at=now,
                    updated_at=now,
                    import_run=run,
                    **row.fields,
                )
            )
            continue
        if record.row_hash == row.row_hash:
            summary.unchanged += 1
            continue
        before = _record_state(record)
        versions.append(
            SourceRecordVersion(
                record=record,
                raw=record.raw,
                row_hash=record.row_hash,
                fields=before,
                recorded_at=record.updated_at,
                superseded_at=now,
                superseded_by_run=run,
            )
        )
        for name, value in row.fields.items():
            setattr(record, name, value)
        record.property_id = property_id
        record.raw, record.row_hash, record.updated_at, record.import_run = row.raw, row.row_hash, now, run
        after = _record_state(record)
        changes = {name: [before[name], after[name]] for name in RECORD_FIELDS if before[name] != after[name]}
        if not changes:
            changes = {"raw": ["(earlier payload kept as a version)", "(new payload)"]}
        entries.append(
            AuditEntry(
                action=AuditAction.UPDATE,
                object_type="people.sourcerecord",
                object_id=str(record.pk),
                subject_person_id=record.person_id,
                changes=changes,
                context={"import_run": run.pk},
            )
        )
        to_update.append(record)
    created = SourceRecord.objects.bulk_create(to_create)
    for record in created:
        entries.append(
            AuditEntry(
                action=AuditAction.CREATE,
                object_type="people.sourcerecord",
                object_id=str(record.pk),
                changes={name: [None, value] for name, value in _record_state(record).items() if value not in ("", None)},
                context={"import_run": run.pk},
            )
        )
    if to_update:
        SourceRecordVersion.objects.bulk_create(versions)
        SourceRecord.objects.bulk_update(
            to_update, [*RECORD_FIELDS, "raw", "row_hash", "updated_at", "import_run"], batch_size=500
        )
    audit_events_record(actor=actor, purpose=Purpose.DATA_IMPORT, entries=entries)
    summary.created += len(created)
    summary.updated += len(to_update)


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
    handle = _open_text(path, "utf-8")
    with handle:
        reader = csv.reader(handle)
        header = [name.strip().lstrip("\ufeff") for name in next(reader, [])]
        missing = [name for name in GAZETTEER_COLUMNS if name not in header]
        if missing:
            raise ExtractError(f"{path.name} lacks gazetteer column(s) {', '.join(missing)}")
        if rejects_path.exists():
            rejects_path.unlink()
        rejects = RejectsWriter(rejects_path, header, "utf-8")
        total = max(_count_lines(path) - 1, 0)
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
                    if any(_SURROGATE.search(value) for value in row):
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
            name: [getattr(current, name), values[name]] for name in PROPERTY_FIELDS if getattr(current, name) != values[name]
        }
        if not changes:
            summary.unchanged += 1
            continue
        for name in PROPERTY_FIELDS:
            setattr(current, name, values[name])
        to_update.append(current)
        entries.append(AuditEntry(AuditAction.UPDATE, "people.property", str(current.pk), changes=changes))
    created = Property.objects.bulk_create(to_create)
    entries.extend(AuditEntry(AuditAction.CREATE, "people.property", str(p.pk)) for p in created)
    if to_update:
        Property.objects.bulk_update(to_update, list(PROPERTY_FIELDS), batch_size=500)
    audit_events_record(actor=actor, purpose=Purpose.DATA_IMPORT, entries=entries)
    summary.created += len(created)
    summary.updated += len(to_update)
