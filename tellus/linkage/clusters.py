"""Turning clusters of source records into people: new clusters get a person in bulk, clusters that span
people already known are merged (undoably), and nothing staff have kept apart is joined."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tellus.people.models import Occupancy, Person, SourceRecord, SourceSystem
from tellus.people.services import RESIDENTIAL_PROPERTY_KINDS
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from .models import PersonMerge
from .services import person_refresh_summary, persons_merge, summary_of_records

CHUNK = 1000
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
WRITE_BATCH = 5000


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


@transaction.atomic
def _apply_chunk(
    clusters: list[Sequence[int]], *, actor: Actor, stats: ApplyStats, cannot_link: set[tuple[int, int]]
) -> None:
    ids = [record_id for cluster in clusters for record_id in cluster]
    # Only the fields needed (not the raw source row, decoded for nothing), and the few source systems from memory.
    systems = {system.pk: system for system in SourceSystem.objects.all()}
    records = {}
    for record in SourceRecord.objects.filter(pk__in=ids).select_related("property", "person").only(*_RECORD_FIELDS):
        record.source_system = systems[record.source_system_id]
        records[record.pk] = record
    new_people: list[tuple[Person, list[SourceRecord]]] = []
    to_assign: list[tuple[SourceRecord, Person]] = []
    to_merge: list[tuple[Person, Person]] = []
    for cluster in clusters:
        members = [records[i] for i in cluster if i in records]
        people = Counter(r.person_id for r in members if r.person_id is not None)
        if not people:
            new_people.append((_new_person(members), members))
            continue
        # The person already holding most of the cluster's records survives; the others merge into them.
        survivor_id = sorted(people, key=lambda pid: (-people[pid], pid))[0]
        survivor = next(r.person for r in members if r.person_id == survivor_id)
        assert survivor is not None
        while survivor.merged_into_id:  # follow a chain of earlier merges to the live person
            survivor = Person.objects.get(pk=survivor.merged_into_id)
        to_assign.extend((r, survivor) for r in members if r.person_id is None)
        for other_id in people:
            if other_id != survivor_id:
                other = next(r.person for r in members if r.person_id == other_id)
                assert other is not None
                to_merge.append((survivor, other))
    _create_people(new_people, actor=actor, stats=stats)
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


def _new_person(members: list[SourceRecord]) -> Person:
    summary = summary_of_records(members)
    first = members[0]
    now = timezone.now()
    return Person(
        display_name=summary.display_name or f"({first.source_system.name} {first.source_key})",
        date_of_birth=summary.date_of_birth,
        date_of_death=summary.date_of_death,
        created_at=now,
        updated_at=now,
    )


def _occupancy(record: SourceRecord, person: Person) -> Occupancy | None:
    if (
        record.source_system.address_is_residence
        and record.property is not None
        and record.property.kind in RESIDENTIAL_PROPERTY_KINDS
    ):
        return Occupancy(
            person=person,
            property=record.property,
            date_from=record.valid_from,
            date_to=record.valid_to,
            source_record=record,
        )
    return None


def _create_people(new_people: list[tuple[Person, list[SourceRecord]]], *, actor: Actor, stats: ApplyStats) -> None:
    if not new_people:
        return
    created = Person.objects.bulk_create([person for person, _ in new_people])
    entries: list[AuditEntry] = []
    records: list[SourceRecord] = []
    occupancies: list[Occupancy] = []
    for person, (_, members) in zip(created, new_people, strict=True):
        entries.append(AuditEntry(AuditAction.CREATE, "people.person", str(person.pk), subject_person_id=person.pk))
        for record in members:
            record.person = person
            records.append(record)
            entries.append(
                AuditEntry(
                    AuditAction.UPDATE,
                    "people.sourcerecord",
                    str(record.pk),
                    subject_person_id=person.pk,
                    changes={"person_id": [None, person.pk]},
                )
            )
            occupancy = _occupancy(record, person)
            if occupancy:
                occupancies.append(occupancy)
    _set_person_ids(records)
    _insert_occupancies(occupancies)
    audit_events_record(actor=actor, purpose=Purpose.DATA_IMPORT, entries=entries)
    stats.people_created += len(created)
    stats.records_assigned += len(records)


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
                "people.sourcerecord",
                str(record.pk),
                subject_person_id=person.pk,
                changes={"person_id": [None, person.pk]},
            )
        )
        occupancy = _occupancy(record, person)
        if occupancy:
            occupancies.append(occupancy)
    _set_person_ids([r for r, _ in pairs])
    _insert_occupancies(occupancies)
    for person in {p.pk: p for _, p in pairs}.values():
        person_refresh_summary(person)
    audit_events_record(actor=actor, purpose=Purpose.DATA_IMPORT, entries=entries)
    stats.records_assigned += len(pairs)


def _set_person_ids(records: list[SourceRecord]) -> None:
    """One prepared UPDATE run for every record (executemany): far quicker than one ORM update per person, and
    than bulk_update's CASE expression, on SQLite and PostgreSQL alike. Runs inside the caller's transaction."""
    rows = []
    for record in records:
        assert record.person_id is not None
        rows.append((record.person_id, record.pk))
    if not rows:
        return
    connection = transaction.get_connection()
    table = connection.ops.quote_name(SourceRecord._meta.db_table)
    person = connection.ops.quote_name(SourceRecord._meta.get_field("person").column)
    key = connection.ops.quote_name(SourceRecord._meta.pk.column)
    sql = f"UPDATE {table} SET {person} = %s WHERE {key} = %s"  # noqa: S608 (quoted identifiers, values bound)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), WRITE_BATCH):
            cursor.executemany(sql, rows[start : start + WRITE_BATCH])


def _insert_occupancies(occupancies: list[Occupancy]) -> None:
    """New occupancies with one prepared INSERT (executemany); nothing needs their ids back."""
    if not occupancies:
        return
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    columns = ["person_id", "property_id", "date_from", "date_to", "source_record_id"]
    table = quote(Occupancy._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 (quoted identifiers)
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    rows = [
        (
            o.person_id,
            o.property_id,
            connection.ops.adapt_datefield_value(o.date_from),
            connection.ops.adapt_datefield_value(o.date_to),
            o.source_record_id,
        )
        for o in occupancies
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), WRITE_BATCH):
            cursor.executemany(sql, rows[start : start + WRITE_BATCH])


def _kept_apart(first: Person, second: Person, cannot_link: set[tuple[int, int]]) -> bool:
    left = list(first.source_records.values_list("pk", flat=True))
    right = list(second.source_records.values_list("pk", flat=True))
    return any((min(a, b), max(a, b)) in cannot_link for a in left for b in right)
