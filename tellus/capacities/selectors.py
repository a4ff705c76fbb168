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

from .models import CAPACITY_MEANINGS, Capacity, PersonCapacity, RefreshRun, RightsAndResponsibilities
from .rules import OCCUPANCY, Fact, PersonFacts

DEALING_WITH_OBJECT_TYPE = "capacities.personcapacity"
SERVICES_USED_WINDOW_DAYS = 365


def _record_row(record: SourceRecord) -> dict[str, Any]:
    row: dict[str, Any] = {f"raw.{key}": value for key, value in (record.raw or {}).items()}
    row.update(
        {
            "record.kind": record.source_system.kind,
            "record.system": record.source_system.name,
            "record.valid_from": record.valid_from,
            "record.valid_to": record.valid_to,
            "record.date_of_birth": record.date_of_birth,
            "property.kind": record.property.kind if record.property else "",
            "property.ward": record.property.ward if record.property else "",
        }
    )
    return row


def _occupancy_row(occupancy: Occupancy) -> dict[str, Any]:
    row = _record_row(occupancy.source_record) if occupancy.source_record else {}
    row.update(
        {
            "occupancy.date_from": occupancy.date_from,
            "occupancy.date_to": occupancy.date_to,
            "property.kind": occupancy.property.kind,
            "property.ward": occupancy.property.ward,
        }
    )
    return row


def capacity_facts(person_ids: Iterable[int]) -> list[PersonFacts]:
    """Each living-record person's facts as plain rows for the rules. Organisations' records are left out, as are
    people merged into someone else: their records have moved to the survivor."""
    records = SourceRecord.objects.filter(is_organisation=False).select_related("source_system", "property")
    occupancies = Occupancy.objects.select_related(
        "property", "source_record__source_system", "source_record__property"
    ).order_by("id")
    people = (
        Person.objects.filter(pk__in=list(person_ids), merged_into__isnull=True)
        .prefetch_related(
            Prefetch("source_records", queryset=records.order_by("id")),
            Prefetch("occupancies", queryset=occupancies),
        )
        .order_by("id")
    )
    found = []
    for person in people:
        facts: list[Fact] = [
            Fact(
                source=record.source_system.kind,
                row=_record_row(record),
                record_ids=(record.pk,),
                property_id=record.property_id,
            )
            for record in person.source_records.all()
        ]
        facts.extend(
            Fact(
                source=OCCUPANCY,
                row=_occupancy_row(occupancy),
                record_ids=(occupancy.source_record_id,) if occupancy.source_record_id else (),
                occupancy_id=occupancy.pk,
                property_id=occupancy.property_id,
            )
            for occupancy in person.occupancies.all()
            if occupancy.source_record is None or not occupancy.source_record.is_organisation
        )
        found.append(
            PersonFacts(
                person_id=person.pk,
                date_of_birth=person.date_of_birth,
                date_of_death=person.date_of_death,
                facts=tuple(facts),
            )
        )
    return found


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
            object_type=DEALING_WITH_OBJECT_TYPE,
            object_id=person.pk,
            subject_person_id=person.pk,
            context={"capacities": [c.capacity for c in current], "on": on.isoformat()},
        )
    return DealingWith(person=person, on=on, current=current, history=history, services_used=services, rights=rights)
