"""Loading one source system's extract into source records, with history, rejects and audit."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tellus.common.names import PersonName, parse_given, parse_name
from tellus.common.organisations import OrganisationRules, OrganisationRulesError, load_rules
from tellus.common.text import (
    collapse_spaces,
    normalise_email,
    normalise_name,
    normalise_phone,
    normalise_postcode,
)
from tellus.people.models import (
    SOURCE_RECORD_OBJECT_TYPE,
    ImportRun,
    Property,
    SourceRecord,
    SourceRecordVersion,
    SourceSystem,
)
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
    file_sha256,
    open_text,
)
from .mapping import TARGET_FIELDS, ColumnMapping

DATE_FIELDS = ("date_of_birth", "valid_from", "valid_to", "date_of_death")
# A joint name's second and later people are records of their own, keyed by the row's key and their place.
JOINT_KEY = "{key}#{place}"


# The normalised fields a source record carries; compared to decide whether a row changed, and versioned.
RECORD_FIELDS = (
    "title",
    "first_name",
    "last_name",
    "name_normalised",
    "last_name_normalised",
    "date_of_birth",
    "address",
    "postcode",
    "property_id",
    "email",
    "phone",
    "valid_from",
    "valid_to",
    "date_of_death",
    "is_organisation",
)


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
    # Rows taken as organisations, by kind: "column" when the mapping's organisation column said so, else the
    # kind of the rule that matched the name ("company", "trust", "estate", ...).
    organisations: dict[str, int] = field(default_factory=dict)
    # Rows whose name held more than one person ("N & D Wilkinson"), and the extra records that made.
    joint_rows: int = 0
    joint_extra_records: int = 0


@dataclass(frozen=True)
class ParsedRow:
    row_number: int
    source_key: str
    raw: dict[str, str]
    row_hash: str
    fields: dict[str, Any]
    property_reference: str
    organisation_kind: str | None = None
    # 1 for a row's first (or only) person, 2, 3 ... for the others of a joint name.
    place: int = 1


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
        # Each target's alternatives as column positions, worked out once rather than for every value of every row.
        self.positions = {
            target: tuple(tuple(self.index[column] for column in columns) for columns in mapping.options(target))
            for target in TARGET_FIELDS
        }
        self.dates: dict[str, dt.date] = {}  # text -> date: an extract repeats its dates many times over
        try:
            self.rules: OrganisationRules = load_rules(getattr(settings, "TELLUS_ORGANISATION_RULES", "") or None)
        except OrganisationRulesError as exc:
            raise ExtractError(str(exc)) from exc

    def value(self, row: Sequence[str], target: str) -> str:
        for columns in self.positions[target]:
            parts = [collapse_spaces(row[position]) for position in columns]
            text = ", ".join(part for part in parts if part)
            if text:
                return text
        return ""

    def parse(self, row_number: int, row: Sequence[str]) -> list[ParsedRow]:
        """The records one row makes: one, or one per person of a joint name ("N & D Wilkinson")."""
        if len(row) != len(self.header):
            raise RowError("wrong number of fields", f"row has {len(row)} fields but the header has {len(self.header)}")
        for name, value in zip(self.header, row, strict=True):
            if SURROGATE.search(value):
                raise RowError(
                    "wrong encoding",
                    f"column {name!r} is not valid {self.mapping.encoding} text; "
                    "re-save the file in that encoding or set [file] encoding in the mapping",
                )
        source_key = self.value(row, "source_key")
        if not source_key:
            raise RowError(
                "missing source key", f"missing source key (column {self.mapping.columns['source_key'][0]!r})"
            )
        kind = self.organisation_kind(row)
        if kind:
            # "Tellham Bakery Ltd" is one name, not a given name and a family name.
            whole = self.whole_name(row)
            people = [PersonName(family=whole)] if "full_name" in self.mapping.columns else []
            if not people:
                given, family = tidy_case(self.value(row, "first_name")), tidy_case(self.value(row, "last_name"))
                people = [PersonName(given=given, family=family)]
        else:
            people = self.people(row) or [PersonName()]
        shared: dict[str, Any] = {
            "address": self.value(row, "address"),
            "postcode": normalise_postcode(self.value(row, "postcode")),
            "email": normalise_email(self.value(row, "email")),
            "phone": normalise_phone(self.value(row, "phone")),
            "is_organisation": bool(kind),
        }
        for target in DATE_FIELDS:
            shared[target] = self.date(row, target)
        raw = dict(zip(self.header, row, strict=True))
        digest = hashlib.sha256(
            (json.dumps(raw, sort_keys=True, ensure_ascii=False) + self.salt).encode("utf-8")
        ).hexdigest()
        parsed = []
        for place, person in enumerate(people, start=1):
            first, last = (person.given, person.family) if kind else (tidy_case(person.given), tidy_case(person.family))
            # Initials stay capitals: "N G", not "N g".
            fields = {
                "title": person.title,
                "first_name": first,
                "last_name": last,
                "name_normalised": normalise_name(f"{first} {last}"),
                "last_name_normalised": normalise_name(last),
                **shared,
            }
            key = source_key if place == 1 else JOINT_KEY.format(key=source_key, place=place)
            self.check(fields, key)
            parsed.append(
                ParsedRow(
                    row_number=row_number,
                    source_key=key,
                    raw=raw,
                    row_hash=digest,
                    fields=fields,
                    property_reference=self.value(row, "property_reference"),
                    organisation_kind=kind,
                    place=place,
                )
            )
        return parsed

    def whole_name(self, row: Sequence[str]) -> str:
        if "full_name" in self.mapping.columns:
            return self.value(row, "full_name")
        return " ".join(part for part in (self.value(row, "first_name"), self.value(row, "last_name")) if part)

    def people(self, row: Sequence[str]) -> list[PersonName]:
        """The people the row names: titles parsed out, initials kept, a joint name split into its people."""
        first, last = self.value(row, "first_name"), self.value(row, "last_name")
        if not (first or last) and "full_name" in self.mapping.columns:
            return parse_name(self.value(row, "full_name"))
        if not first and last and "full_name" not in self.mapping.columns and " " in last:
            # A whole name in the family-name column ("MR N G WILKINSON").
            return parse_name(last)
        return parse_given(first, last)

    def names(self, row: Sequence[str]) -> tuple[str, str]:
        """The first person's given and family names, tidied."""
        people = self.people(row)
        if not people:
            return "", ""
        return tidy_case(people[0].given), tidy_case(people[0].family)

    def organisation_kind(self, row: Sequence[str]) -> str | None:
        """The row's kind of organisation, or None for people: "column" when the mapping's organisation column marks
        it; without such a column, the kind of the rule its name matched (see organisation_rules.toml). The column,
        when mapped, decides alone: a council's own flag beats a guess from the name."""
        if "organisation" in self.mapping.columns:
            return "column" if self.value(row, "organisation").casefold() in self.mapping.organisation_values else None
        return self.rules.kind(self.whole_name(row))

    def date(self, row: Sequence[str], target: str) -> dt.date | None:
        text = self.value(row, target)
        if not text:
            return None
        known = self.dates.get(text)
        if known is not None:
            return known
        for fmt in self.mapping.date_formats:
            try:
                parsed = self.dates[text] = dt.datetime.strptime(text, fmt).date()
                return parsed
            except ValueError:
                continue
        expected = " or ".join(_human_date_format(f) for f in self.mapping.date_formats)
        column = self.mapping.columns[target][0]
        raise RowError(
            "unparseable date",
            f"unparseable {target.replace('_', ' ')} {text!r} in column {column!r}; expected {expected}",
        )

    def check(self, fields: dict[str, Any], source_key: str) -> None:
        if len(source_key) > _max_length("source_key"):
            raise RowError("value too long", f"source key is longer than {_max_length('source_key')} characters")
        for name in ("title", "first_name", "last_name", "name_normalised", "address", "postcode", "email", "phone"):
            if len(fields[name]) > _max_length(name):
                raise RowError(
                    "value too long", f"{name.replace('_', ' ')} is longer than {_max_length(name)} characters"
                )
        dob = fields["date_of_birth"]
        if dob and dob > self.today:
            raise RowError("impossible date", f"date of birth {dob.isoformat()} is in the future")
        if dob and dob.year < 1880:
            raise RowError("impossible date", f"date of birth {dob.isoformat()} is before 1880")
        dod = fields["date_of_death"]
        if dod and dod > self.today:
            raise RowError("impossible date", f"date of death {dod.isoformat()} is in the future")
        if dod and dob and dod < dob:
            raise RowError("impossible date", "date of death is earlier than date of birth")
        if fields["valid_from"] and fields["valid_to"] and fields["valid_to"] < fields["valid_from"]:
            raise RowError("impossible date", "valid to is earlier than valid from")


def split_full_name(text: str) -> tuple[str, str]:
    """'SMITH, John' and 'John Smith' both give ('John', 'SMITH') / ('John', 'Smith'); a single word is a family
    name; a title is dropped ('Mr N Wilkinson' gives ('N', 'Wilkinson')); of a joint name, the first person."""
    people = parse_name(collapse_spaces(text))
    return (people[0].given, people[0].family) if people else ("", "")


def tidy_case(text: str) -> str:
    """Names sent in capitals ('SMITH') read better as 'Smith'; mixed case is left as the person wrote it."""
    if text.isupper() and len(text) > 1:
        return " ".join("-".join(part.capitalize() for part in word.split("-")) for word in text.split(" "))
    return text


@dataclass
class _Reading:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    total: int


def _read(handle: TextIO, path: Path, mapping: ColumnMapping) -> _Reading:
    reader = csv.reader(handle, delimiter=mapping.delimiter)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise ExtractError(f"{path} is empty: expected a header row") from exc
    except (csv.Error, UnicodeError) as exc:
        raise ExtractError(f"cannot read the header of {path}: {exc}") from exc
    header = [name.strip().lstrip("\ufeff") for name in header]
    if any(SURROGATE.search(name) for name in header):
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

    return _Reading(header=header, rows=rows(), total=max(count_lines(path) - 1, 0))


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
    handle = open_text(path, mapping.encoding)
    with handle:
        reading = _read(handle, path, mapping)
        parser = RowParser(mapping, reading.header)
        if rejects_path.exists():
            rejects_path.unlink()  # a rejects file from an earlier run would mislead
        run = ImportRun.objects.create(
            source_system=source_system, file_name=str(path), file_sha256=file_sha256(path), actor_label=actor.label
        )
        summary = ImportSummary(run_id=run.pk)
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
            people = parser.parse(row_number, row)
        except RowError as exc:
            reject(row_number, exc.category, str(exc), row)
            continue
        repeated = next((parsed for parsed in people if parsed.source_key in first_seen), None)
        if repeated is not None:
            reject(
                row_number,
                "duplicate source key",
                f"duplicate source key {repeated.source_key!r} (first on row {first_seen[repeated.source_key]})",
                row,
            )
            continue
        for parsed in people:
            first_seen[parsed.source_key] = row_number
        chunk.extend(people)
        kind = people[0].organisation_kind
        if kind:
            summary.organisations[kind] = summary.organisations.get(kind, 0) + 1
        if len(people) > 1:
            summary.joint_rows += 1
            summary.joint_extra_records += len(people) - 1
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


def _row_state(row: ParsedRow, property_id: int | None) -> dict[str, Any]:
    """What `_record_state` gives for the record a new row makes."""
    values = {**row.fields, "property_id": property_id}
    return {name: _jsonable(values[name]) for name in RECORD_FIELDS}


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


# Every column a new record is written with: its identity, payload and normalised fields, and when and by which
# run it was imported. `person` stays empty until linkage.
_INSERT_COLUMNS = ("source_system_id", "source_key", "raw", "row_hash", *RECORD_FIELDS, "imported_at", "updated_at",
                   "import_run_id", "person_id")  # fmt: skip


def _records_insert(
    rows: list[tuple[ParsedRow, int | None]], *, source_system: SourceSystem, run: ImportRun, now: dt.datetime
) -> list[int]:
    """Insert new records with one executemany and return their ids in the order given.

    `bulk_create` builds a model instance and compiles every value of every row, which was most of an import's
    time; here each value is adapted once by its field and the ids are read back by the (system, key) key."""
    if not rows:
        return []
    ops = connection.ops
    raw_field = SourceRecord._meta.get_field("raw")
    stamp = ops.adapt_datetimefield_value(now)

    # Dates need the backend's adapter; the other normalised fields are strings, booleans and ids already.
    adapters = [ops.adapt_datefield_value if name in DATE_FIELDS else None for name in RECORD_FIELDS]
    values = []
    for row, property_id in rows:
        state = {**row.fields, "property_id": property_id}
        fields = (
            adapt(state[name]) if adapt else state[name] for name, adapt in zip(RECORD_FIELDS, adapters, strict=True)
        )
        raw = raw_field.get_db_prep_save(row.raw, connection)
        values.append((source_system.pk, row.source_key, raw, row.row_hash, *fields, stamp, stamp, run.pk, None))
    table = ops.quote_name(SourceRecord._meta.db_table)
    names = ", ".join(ops.quote_name(column) for column in _INSERT_COLUMNS)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(_INSERT_COLUMNS))})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
    keys = [row.source_key for row, _ in rows]
    ids = dict(
        SourceRecord.objects.filter(source_system=source_system, source_key__in=keys).values_list("source_key", "pk")
    )
    return [ids[key] for key in keys]


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
    to_create: list[tuple[ParsedRow, int | None]] = []
    to_update: list[SourceRecord] = []
    versions: list[SourceRecordVersion] = []
    entries: list[AuditEntry] = []
    for row in chunk:
        property_id = properties.get(row.property_reference) if row.property_reference else None
        if row.property_reference and property_id is None:
            summary.unknown_property_references += 1
        record = existing.get(row.source_key)
        if record is None:
            to_create.append((row, property_id))
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
                object_type=SOURCE_RECORD_OBJECT_TYPE,
                object_id=str(record.pk),
                subject_person_id=record.person_id,
                changes=changes,
                context={"import_run": run.pk},
            )
        )
        to_update.append(record)
    created = _records_insert(to_create, source_system=source_system, run=run, now=now)
    for (row, property_id), pk in zip(to_create, created, strict=True):
        state = _row_state(row, property_id)
        entries.append(
            AuditEntry(
                action=AuditAction.CREATE,
                object_type=SOURCE_RECORD_OBJECT_TYPE,
                object_id=str(pk),
                changes={name: [None, value] for name, value in state.items() if value not in ("", None)},
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
