"""Reads for capacities: the facts the rules need, the people a refresh must look at, and the audited
"Who are we dealing with?" view of one person for staff."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Prefetch, Q
from django.utils import timezone

from tellus.linkage.models import PersonMerge, RecordSplit
from tellus.people.models import Occupancy, Person, SourceRecord
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, audit_event_record

from .models import (
    CAPACITY_MEANINGS,
    PERSON_CAPACITY_OBJECT_TYPE,
    Capacity,
    PersonCapacity,
    RefreshRun,
    RightsAndResponsibilities,
)
from .rules import OCCUPANCY, Fact, PersonFacts

SERVICES_USED_WINDOW_DAYS = 365


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


# --- The "Who are we dealing with?" panel -------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceItem:
    system_title: str
    source_key: str
    record_id: int


@dataclass(frozen=True)
class CapacityPeriod:
    """One derived capacity as staff see it: when, why (the rule) and on what evidence."""

    capacity: str
    label: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    rule: str
    service_code: str
    service_name: str
    property_label: str
    evidence: list[EvidenceItem]

    def is_current(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or self.valid_to >= on)


@dataclass(frozen=True)
class CurrentCapacity:
    capacity: str
    label: str
    meaning: str
    since: dt.date | None
    periods: list[CapacityPeriod]


@dataclass(frozen=True)
class RightsText:
    capacity: str
    label: str
    service_name: str
    may: list[str]
    must: list[str]


@dataclass(frozen=True)
class ServiceUse:
    code: str
    name: str
    last_seen: dt.date | None
    considerations: list[tuple[str, str]]


@dataclass(frozen=True)
class DealingWith:
    """Everything the panel shows about one person, already read and audited."""

    person: Person
    on: dt.date
    current: list[CurrentCapacity] = field(default_factory=list)
    history: list[CapacityPeriod] = field(default_factory=list)
    services_used: list[ServiceUse] = field(default_factory=list)
    rights: list[RightsText] = field(default_factory=list)


def _period(row: PersonCapacity, service_names: dict[str, str]) -> CapacityPeriod:
    return CapacityPeriod(
        capacity=row.capacity,
        label=str(Capacity(row.capacity).label),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        rule=row.rule,
        service_code=row.service_code,
        service_name=service_names.get(row.service_code, row.service_code),
        property_label=row.property.one_line() if row.property else "",
        evidence=[
            EvidenceItem(system_title=r.source_system.title, source_key=r.source_key, record_id=r.pk)
            for r in row.evidence.all()
        ],
    )


def _current(periods: list[CapacityPeriod], on: dt.date) -> list[CurrentCapacity]:
    by_capacity: dict[str, list[CapacityPeriod]] = defaultdict(list)
    for period in periods:
        if period.is_current(on):
            by_capacity[period.capacity].append(period)
    return [
        CurrentCapacity(
            capacity=capacity.value,
            label=str(capacity.label),
            meaning=str(CAPACITY_MEANINGS[capacity]),
            since=None if any(p.valid_from is None for p in held) else min(p.valid_from for p in held if p.valid_from),
            periods=held,
        )
        for capacity in Capacity
        if (held := by_capacity.get(capacity.value))
    ]


def _services_used(periods: list[CapacityPeriod], on: dt.date) -> list[ServiceUse]:
    from tellus.catalogue.models import Service

    window_start = on - dt.timedelta(days=SERVICES_USED_WINDOW_DAYS)
    last_seen: dict[str, dt.date | None] = {}
    for p in periods:
        overlaps = (p.valid_to is None or p.valid_to >= window_start) and (p.valid_from is None or p.valid_from <= on)
        if p.service_code and overlaps:
            seen = min(p.valid_to or on, on)
            last_seen[p.service_code] = max(seen, last_seen.get(p.service_code) or seen)
    services = Service.objects.filter(code__in=last_seen).prefetch_related("community_considerations")
    return [
        ServiceUse(
            code=s.code,
            name=s.name,
            last_seen=last_seen[s.code],
            considerations=[(c.title, c.text) for c in s.community_considerations.all()],
        )
        for s in services.order_by("name")
    ]


def _rights(current: list[CurrentCapacity], services: list[ServiceUse]) -> list[RightsText]:
    capacities = [c.capacity for c in current]
    codes = [s.code for s in services]
    texts = RightsAndResponsibilities.objects.filter(
        Q(service__isnull=True) | Q(service__code__in=codes), capacity__in=capacities
    ).select_related("service")
    order = {value: index for index, value in enumerate(Capacity.values)}
    return [
        RightsText(
            capacity=t.capacity,
            label=str(Capacity(t.capacity).label),
            service_name=t.service.name if t.service else "",
            may=list(t.may),
            must=list(t.must),
        )
        for t in sorted(texts, key=lambda t: (order[t.capacity], t.service.name if t.service else ""))
    ]


def person_dealing_with(
    *, actor: Actor, purpose: Purpose | str, person_id: int, on: dt.date | None = None
) -> DealingWith:
    """Who the council is dealing with: the person's current capacities with evidence, their capacities over
    time, the services they used in the last 12 months, and the rights and responsibilities that apply.

    Writes one VIEW entry in the same transaction. Raises Person.DoesNotExist (writing nothing) for no person."""
    from tellus.catalogue.models import Service

    on = on or timezone.localdate()
    evidence = SourceRecord.objects.select_related("source_system").order_by("source_system__name", "source_key")
    with transaction.atomic():
        person = Person.objects.get(pk=person_id)
        rows = list(
            PersonCapacity.objects.filter(person=person)
            .select_related("property")
            .prefetch_related(Prefetch("evidence", queryset=evidence))
            .order_by("valid_from", "capacity", "id")
        )
        codes = {row.service_code for row in rows if row.service_code}
        names = dict(Service.objects.filter(code__in=codes).values_list("code", "name"))
        history = [_period(row, names) for row in rows]
        current = _current(history, on)
        services = _services_used(history, on)
        rights = _rights(current, services)
        audit_event_record(
            actor=actor,
            purpose=purpose,
            action=AuditAction.VIEW,
            object_type=PERSON_CAPACITY_OBJECT_TYPE,
            object_id=person.pk,
            subject_person_id=person.pk,
            context={"capacities": [c.capacity for c in current], "on": on.isoformat()},
        )
    return DealingWith(person=person, on=on, current=current, history=history, services_used=services, rights=rights)
