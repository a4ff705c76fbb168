"""An estate's record ("Estate of the late Mary Brown") points at the person who died, when one person matches.

An estate is an organisation: it is never linked into a person. But the person's page shows it, as her estate.
"""

from __future__ import annotations

from django.db import transaction

from tellus.common.organisations import estate_of
from tellus.common.text import normalise_name
from tellus.people.models import SOURCE_RECORD_OBJECT_TYPE, Person, SourceRecord
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record


def _live(person_id: int, merged_into: dict[int, int]) -> int:
    """The person a merged person's records now belong to."""
    seen = set()
    while person_id in merged_into and person_id not in seen:
        seen.add(person_id)
        person_id = merged_into[person_id]
    return person_id


def estates_point_at_the_deceased(*, actor: Actor) -> int:
    """Point each estate record without a person at the person it names, when exactly one person has a record of
    that name (preferring one at the estate's postcode, then one recorded as dead). Audited; returns how many
    estates were pointed."""
    estates = [
        (record, name)
        for record in SourceRecord.objects.filter(is_organisation=True, estate_of__isnull=True)
        if (name := estate_of(record.display_name())) is not None
    ]
    if not estates:
        return 0
    wanted = {normalise_name(name) for _, name in estates}
    candidates = list(
        SourceRecord.objects.filter(
            is_organisation=False, name_normalised__in=wanted, person__isnull=False
        ).values_list("name_normalised", "person_id", "postcode", "date_of_death")
    )
    merged_into = dict(Person.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into_id"))
    entries: list[AuditEntry] = []
    pointed: list[SourceRecord] = []
    for record, name in estates:
        found = [
            (_live(person_id, merged_into), postcode, died)
            for normalised, person_id, postcode, died in candidates
            if normalised == normalise_name(name)
        ]
        people = {person for person, _, _ in found}
        for narrower in (
            {person for person, postcode, _ in found if record.postcode and postcode == record.postcode},
            {person for person, _, died in found if died},
        ):
            if len(people) > 1 and len(narrower) == 1:
                people = narrower
        if len(people) != 1:
            continue
        person_id = people.pop()
        record.estate_of_id = person_id
        pointed.append(record)
        entries.append(
            AuditEntry(
                action=AuditAction.UPDATE,
                object_type=SOURCE_RECORD_OBJECT_TYPE,
                object_id=str(record.pk),
                subject_person_id=person_id,
                changes={"estate_of": [None, person_id]},
                context={"reason": f"estate of {name}"},
            )
        )
    with transaction.atomic():
        SourceRecord.objects.bulk_update(pointed, ["estate_of"], batch_size=500)
        if entries:
            audit_events_record(actor=actor, purpose=Purpose.DATA_IMPORT, entries=entries)
    return len(pointed)
