"""Reads for capacities: the facts the rules need and the people a refresh must look at. (The audited "Who are we
dealing with?" view of one person, which joins capacities to the services they evidence, is in
tellus.catalogue.dealing_with.)"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Max, Q

from tellus.linkage.models import PersonMerge, RecordSplit
from tellus.people.models import Occupancy, Person, SourceRecord

from .models import (
    RefreshRun,
)
from .rules import OCCUPANCY, Fact, PersonFacts

_RECORD_VALUES = (
    "pk",
    "person_id",
    "raw",
    "source_system__kind",
    "source_system__name",
    "valid_from",
    "valid_to",
    "date_of_birth",
    "property_id",
    "property__kind",
    "property__ward",
)


def _record_row(values: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {f"raw.{key}": value for key, value in (values["raw"] or {}).items()}
    row.update(
        {
            "record.kind": values["source_system__kind"],
            "record.system": values["source_system__name"],
            "record.valid_from": values["valid_from"],
            "record.valid_to": values["valid_to"],
            "record.date_of_birth": values["date_of_birth"],
            "property.kind": values["property__kind"] or "",
            "property.ward": values["property__ward"] or "",
        }
    )
    return row


def capacity_facts(person_ids: Iterable[int]) -> list[PersonFacts]:
    """Each living-record person's facts as plain rows for the rules. Organisations' records are left out, as are
    people merged into someone else: their records have moved to the survivor.

    Read as plain values, not model instances: a full refresh reads every record and occupancy in the town."""
    ids = list(person_ids)
    people = list(
        Person.objects.filter(pk__in=ids, merged_into__isnull=True)
        .order_by("id")
        .values_list("pk", "date_of_birth", "date_of_death")
    )
    facts: dict[int, list[Fact]] = defaultdict(list)
    record_rows: dict[int, dict[str, Any]] = {}
    records = SourceRecord.objects.filter(person_id__in=ids, is_organisation=False).order_by("id")
    for values in records.values(*_RECORD_VALUES):
        row = _record_row(values)
        record_rows[values["pk"]] = row
        facts[values["person_id"]].append(
            Fact(
                source=values["source_system__kind"],
                row=row,
                record_ids=(values["pk"],),
                property_id=values["property_id"],
            )
        )
    occupancies = list(
        Occupancy.objects.filter(person_id__in=ids)
        .order_by("id")
        .values(
            "pk",
            "person_id",
            "date_from",
            "date_to",
            "property_id",
            "property__kind",
            "property__ward",
            "source_record_id",
            "source_record__is_organisation",
        )
    )
    # An occupancy's record is normally the same person's; fetch any that are not (after a split, say).
    missing = {
        o["source_record_id"] for o in occupancies if o["source_record_id"] and o["source_record_id"] not in record_rows
    }
    for values in SourceRecord.objects.filter(pk__in=missing).values(*_RECORD_VALUES):
        record_rows[values["pk"]] = _record_row(values)
    for occupancy in occupancies:
        if occupancy["source_record__is_organisation"]:
            continue
        record_id = occupancy["source_record_id"]
        row = dict(record_rows.get(record_id, {})) if record_id else {}
        row.update(
            {
                "occupancy.date_from": occupancy["date_from"],
                "occupancy.date_to": occupancy["date_to"],
                "property.kind": occupancy["property__kind"],
                "property.ward": occupancy["property__ward"],
            }
        )
        facts[occupancy["person_id"]].append(
            Fact(
                source=OCCUPANCY,
                row=row,
                record_ids=(record_id,) if record_id else (),
                occupancy_id=occupancy["pk"],
                property_id=occupancy["property_id"],
            )
        )
    return [
        PersonFacts(person_id=pk, date_of_birth=born, date_of_death=died, facts=tuple(facts[pk]))
        for pk, born, died in people
    ]


def last_completed_refresh() -> RefreshRun | None:
    return RefreshRun.objects.filter(status=RefreshRun.Status.COMPLETED).order_by("-started_at", "-id").first()


def highest_occupancy_id() -> int:
    return Occupancy.objects.aggregate(top=Max("id"))["top"] or 0


def people_changed_since(run: RefreshRun) -> set[int]:
    """People whose records, occupancies, merges or splits changed after `run` started, and those it never saw.

    Occupancies carry no timestamp, so new ones are found by id: they are only ever added."""
    since = run.started_at
    changed: set[int] = set(
        Person.objects.filter(Q(created_at__gte=since) | Q(updated_at__gte=since)).values_list("pk", flat=True)
    )
    changed.update(
        SourceRecord.objects.filter(
            Q(updated_at__gte=since) | Q(imported_at__gte=since), person__isnull=False
        ).values_list("person_id", flat=True)
    )
    changed.update(Occupancy.objects.filter(pk__gt=run.last_occupancy_id).values_list("person_id", flat=True))
    for survivor, absorbed in PersonMerge.objects.filter(
        Q(created_at__gte=since) | Q(undone_at__gte=since)
    ).values_list("survivor_id", "absorbed_id"):
        changed.update((survivor, absorbed))
    for before, after in RecordSplit.objects.filter(created_at__gte=since).values_list(
        "from_person_id", "to_person_id"
    ):
        changed.update((before, after))
    return changed


def all_person_ids() -> set[int]:
    """Everyone who is or was somebody: tombstones too, so that capacities left on them are cleared."""
    ids = set(Person.objects.values_list("pk", flat=True))
    return ids
