"""Turning clusters of source records into people: new clusters get a person in bulk, clusters that span
people already known are merged (undoably), and nothing staff have kept apart is joined."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple, cast

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date

from tellus.people.models import (
    PERSON_OBJECT_TYPE,
    SOURCE_RECORD_OBJECT_TYPE,
    Person,
    Property,
    SourceRecord,
    SourceSystem,
)
from tellus.people.selectors import person_live
from tellus.people.services import (
    RESIDENTIAL_PROPERTY_KINDS,
    occupancies_insert,
    people_insert,
    person_refresh_summary,
    records_person_set,
    summary_of_records,
)
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from .models import PersonMerge
from .services import persons_merge

# Clusters per atomic chunk. Every commit writes each page the chunk touched to SQLite's write-ahead log and
# checkpoints it into the database; a cluster's records lie all over the records table, so small chunks rewrite the
# same pages again and again (186 commits of 1,000 clusters spent 13 s committing at 200,000 people).
CHUNK = 20_000
# Record ids per query: PostgreSQL takes at most 65,535 parameters in one statement, and some SQLite builds 32,766.
READ_BATCH = 10_000
# What making people needs of a record (its name, dates, key, property and person), not the raw row or the rest.
_RECORD_FIELDS = (
    "source_system_id",
    "source_key",
    "first_name",
    "last_name",
    "date_of_birth",
    "date_of_death",
    "valid_from",
    "valid_to",
    "property",
    "property__kind",
    "person",
    "person__merged_into",
    "person__display_name",
    "person__date_of_birth",
    "person__date_of_death",
)


@dataclass
class ApplyStats:
    people_created: int = 0
    records_assigned: int = 0
    merges: int = 0
    merges_refused: int = 0


def apply_clusters(
    clusters: Iterable[Sequence[int]], *, actor: Actor, cannot_link: set[tuple[int, int]] | None = None
) -> ApplyStats:
    """Make each cluster of record ids one person. Clusters are processed in chunks, each chunk atomic."""
    stats = ApplyStats()
    batch: list[Sequence[int]] = []
    for cluster in clusters:
        batch.append(cluster)
        if len(batch) >= CHUNK:
            _apply_chunk(batch, actor=actor, stats=stats, cannot_link=cannot_link or set())
            batch = []
    if batch:
        _apply_chunk(batch, actor=actor, stats=stats, cannot_link=cannot_link or set())
    return stats


class _Row(NamedTuple):
    """What making a new person needs of one source record, read as plain values (no model instance)."""

    pk: int
    source_system_id: int
    source_key: str
    first_name: str
    last_name: str
    date_of_birth: dt.date | None
    date_of_death: dt.date | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    property_id: int | None
    property_kind: str | None
    person_id: int | None

    def display_name(self) -> str:  # as SourceRecord.display_name
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@transaction.atomic
def _apply_chunk(
    clusters: list[Sequence[int]], *, actor: Actor, stats: ApplyStats, cannot_link: set[tuple[int, int]]
) -> None:
    """Clusters whose records have no person yet (all of them in a first resolve) become new people from plain
    rows; the few that touch people already known go through the model instances, assignments and merges."""
    ids = [record_id for cluster in clusters for record_id in cluster]
    systems = {system.pk: system for system in SourceSystem.objects.all()}
    rows = _plain_rows(ids)
    new_people: list[list[_Row]] = []
    known: list[Sequence[int]] = []
    for cluster in clusters:
        members = [rows[i] for i in cluster if i in rows]
        if not members:
            continue
        if all(r.person_id is None for r in members):
            new_people.append(members)
        else:
            known.append(cluster)
    _create_people(new_people, systems=systems, actor=actor, stats=stats)
    if known:
        _apply_known(known, systems=systems, actor=actor, stats=stats, cannot_link=cannot_link)


def _plain_rows(ids: list[int]) -> dict[int, _Row]:
    """The records' _Rows by id, read with plain SQL: the ORM's values_list spent a few microseconds a row building
    tuples and converting four dates through Django's converters, seconds over a full resolve's 400,000 records.
    Dates are converted as Django converts them (parse_date, which tries date.fromisoformat first)."""
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    record = SourceRecord._meta
    column = {field.attname: quote(field.column) for field in record.concrete_fields}
    key = quote(record.pk.column)
    kind = {field.attname: quote(field.column) for field in Property._meta.concrete_fields}["kind"]
    columns = ", ".join(
        f"p.{kind}" if name == "property_kind" else f"r.{key if name == 'pk' else column[name]}"
        for name in _Row._fields
    )
    sql = (
        f"SELECT {columns} FROM {quote(record.db_table)} r "  # noqa: S608 (quoted identifiers, values bound)
        f"LEFT OUTER JOIN {quote(Property._meta.db_table)} p "
        f"ON r.{column['property_id']} = p.{quote(Property._meta.pk.column)} "
        f"WHERE r.{key} IN "
    )

    def date(value: object) -> dt.date | None:
        return value if value is None or isinstance(value, dt.date) else parse_date(str(value))

    rows: dict[int, _Row] = {}
    with connection.cursor() as cursor:
        for some in _batches(ids):
            cursor.execute(sql + f"({', '.join(['%s'] * len(some))})", some)
            for pk, system, key, first, last, born, died, start, end, prop, kind, person in cursor.fetchall():
                rows[pk] = _Row(
                    pk, system, key, first, last, date(born), date(died), date(start), date(end), prop, kind, person
                )
    return rows


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), READ_BATCH):
        yield ids[start : start + READ_BATCH]


def _apply_known(
    clusters: list[Sequence[int]],
    *,
    systems: dict[int, SourceSystem],
    actor: Actor,
    stats: ApplyStats,
    cannot_link: set[tuple[int, int]],
) -> None:
    ids = [record_id for cluster in clusters for record_id in cluster]
    # Only the fields needed (not the raw source row, decoded for nothing), and the few source systems from memory.
    records = {}
    for some in _batches(ids):
        for record in (
            SourceRecord.objects.filter(pk__in=some).select_related("property", "person").only(*_RECORD_FIELDS)
        ):
            record.source_system = systems[record.source_system_id]
            records[record.pk] = record
    to_assign: list[tuple[SourceRecord, Person]] = []
    to_merge: list[tuple[Person, Person]] = []
    for cluster in clusters:
        members = [records[i] for i in cluster if i in records]
        people = Counter(r.person_id for r in members if r.person_id is not None)
        # The person already holding most of the cluster's records survives; the others merge into them.
        survivor_id = sorted(people, key=lambda pid: (-people[pid], pid))[0]
        survivor = next(r.person for r in members if r.person_id == survivor_id)
        assert survivor is not None
        survivor = person_live(survivor)  # follow a chain of earlier merges to the live person
        to_assign.extend((r, survivor) for r in members if r.person_id is None)
        for other_id in people:
            if other_id != survivor_id:
                other = next(r.person for r in members if r.person_id == other_id)
                assert other is not None
                to_merge.append((survivor, other))
    _assign(to_assign, actor=actor, stats=stats)
    for survivor, absorbed in to_merge:
        survivor.refresh_from_db()
        absorbed.refresh_from_db()
        if absorbed.merged_into_id or survivor.merged_into_id or survivor.pk == absorbed.pk:
            continue
        if _kept_apart(survivor, absorbed, cannot_link):
            stats.merges_refused += 1
            continue
        persons_merge(
            survivor=survivor,
            absorbed=absorbed,
            actor=actor,
            purpose=Purpose.DATA_IMPORT,
            reason=PersonMerge.Reason.LINKAGE,
        )
        stats.merges += 1


def _lives_there(system: SourceSystem, property_id: int | None, property_kind: str | None) -> bool:
    """Whether a record says its person lives at its property (an occupancy), not just pays or borrows there."""
    return system.address_is_residence and property_id is not None and property_kind in RESIDENTIAL_PROPERTY_KINDS


def _create_people(
    new_people: list[list[_Row]], *, systems: dict[int, SourceSystem], actor: Actor, stats: ApplyStats
) -> None:
    """One new person per cluster, their records assigned, occupancies made and everything audited (a CREATE per
    person, an UPDATE per record), with multi-row INSERTs and executemany: no model instance per row."""
    if not new_people:
        return
    people = []
    for members in new_people:
        summary = summary_of_records(cast("list[SourceRecord]", members))
        first = members[0]
        name = summary.display_name or f"({systems[first.source_system_id].name} {first.source_key})"
        people.append((name, summary.date_of_birth, summary.date_of_death))
    person_ids = people_insert(people, now=timezone.now())
    entries: list[AuditEntry] = []
    assignments: list[tuple[int, int]] = []
    occupancies: list[tuple[int, int | None, dt.date | None, dt.date | None, int]] = []
    for person_id, members in zip(person_ids, new_people, strict=True):
        entries.append(AuditEntry(AuditAction.CREATE, PERSON_OBJECT_TYPE, str(person_id), subject_person_id=person_id))
        for record in members:
            assignments.append((person_id, record.pk))
            entries.append(
                AuditEntry(
                    AuditAction.UPDATE,
                    SOURCE_RECORD_OBJECT_TYPE,
                    str(record.pk),
                    subject_person_id=person_id,
                    changes={"person_id": [None, person_id]},
                )
            )
            if _lives_there(systems[record.source_system_id], record.property_id, record.property_kind):
                occupancies.append((person_id, record.property_id, record.valid_from, record.valid_to, record.pk))
    records_person_set(assignments)
    occupancies_insert(occupancies)
    audit_events_record(actor=actor, purpose=Purpose.DATA_IMPORT, entries=entries)
    stats.people_created += len(person_ids)
    stats.records_assigned += len(assignments)


def _assign(pairs: list[tuple[SourceRecord, Person]], *, actor: Actor, stats: ApplyStats) -> None:
    if not pairs:
        return
    entries = []
    occupancies = []
    for record, person in pairs:
        record.person = person
        entries.append(
            AuditEntry(
                AuditAction.UPDATE,
                SOURCE_RECORD_OBJECT_TYPE,
                str(record.pk),
                subject_person_id=person.pk,
                changes={"person_id": [None, person.pk]},
            )
        )
        kind = record.property.kind if record.property is not None else None
        if _lives_there(record.source_system, record.property_id, kind):
            occupancies.append((person.pk, record.property_id, record.valid_from, record.valid_to, record.pk))
    records_person_set([(person.pk, record.pk) for record, person in pairs])
    occupancies_insert(occupancies)
    for person in {p.pk: p for _, p in pairs}.values():
        person_refresh_summary(person)
    audit_events_record(actor=actor, purpose=Purpose.DATA_IMPORT, entries=entries)
    stats.records_assigned += len(pairs)


def _kept_apart(first: Person, second: Person, cannot_link: set[tuple[int, int]]) -> bool:
    left = list(first.source_records.values_list("pk", flat=True))
    right = list(second.source_records.values_list("pk", flat=True))
    return any((min(a, b), max(a, b)) in cannot_link for a in left for b in right)
