"""Writes to people, source systems and source records. Each write is atomic and audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_event_record, audit_events_record

from .models import Occupancy, Person, SourceRecord, SourceSystem

RESIDENTIAL_PROPERTY_KINDS = ("dwelling", "shared", "pseudo")


@transaction.atomic
def source_system_create(
    *,
    name: str,
    title: str,
    kind: SourceSystem.Kind | str,
    owning_team: str,
    address_is_residence: bool = False,
    description: str = "",
    actor: Actor | None = None,
) -> SourceSystem:
    system = SourceSystem(
        name=name,
        title=title,
        kind=kind,
        owning_team=owning_team,
        address_is_residence=address_is_residence,
        description=description,
    )
    system.full_clean()
    system.save()
    audit_event_record(
        actor=actor or Actor.system("tellus"),
        purpose=Purpose.ADMINISTRATION,
        action=AuditAction.CREATE,
        object_type="people.sourcesystem",
        object_id=system.pk,
        changes={"name": [None, name], "kind": [None, str(kind)]},
    )
    return system


def persons_create_for_unlinked_records(*, actor: Actor, chunk_size: int = 2000) -> int:
    """Give every source record that has no person one of its own (organisations never get one).

    Until record linkage has run this is the honest view: each record is somebody, and nobody has yet shown
    that two records are the same somebody. Linkage later merges these people; nothing here is lost."""
    created = 0
    while True:
        done = _persons_create_chunk(actor=actor, chunk_size=chunk_size)
        created += done
        if done < chunk_size:
            return created


@transaction.atomic
def _persons_create_chunk(*, actor: Actor, chunk_size: int) -> int:
    records = list(
        SourceRecord.objects.filter(person__isnull=True, is_organisation=False)
        .select_related("source_system", "property")
        .order_by("id")[:chunk_size]
    )
    if not records:
        return 0
    now = timezone.now()
    people = Person.objects.bulk_create(
        [
            Person(
                display_name=record.display_name() or f"({record.source_system.name} {record.source_key})",
                date_of_birth=record.date_of_birth,
                date_of_death=record.date_of_death,
                created_at=now,
                updated_at=now,
            )
            for record in records
        ]
    )
    occupancies = []
    entries = []
    for record, person in zip(records, people, strict=True):
        record.person = person
        entries.append(AuditEntry(AuditAction.CREATE, "people.person", str(person.pk), subject_person_id=person.pk))
        entries.append(
            AuditEntry(
                AuditAction.UPDATE,
                "people.sourcerecord",
                str(record.pk),
                subject_person_id=person.pk,
                changes={"person_id": [None, person.pk]},
            )
        )
        if (
            record.source_system.address_is_residence
            and record.property is not None
            and record.property.kind in RESIDENTIAL_PROPERTY_KINDS
        ):
            occupancies.append(
                Occupancy(
                    person=person,
                    property=record.property,
                    date_from=record.valid_from,
                    date_to=record.valid_to,
                    source_record=record,
                )
            )
    for record in records:  # one small UPDATE each: far quicker than bulk_update's CASE on SQLite
        SourceRecord.objects.filter(pk=record.pk).update(person_id=record.person_id)
    Occupancy.objects.bulk_create(occupancies)
    audit_events_record(actor=actor, purpose=Purpose.DATA_IMPORT, entries=entries)
    return len(records)
