"""The audited "Who are we dealing with?" view of one person for staff: their capacities with evidence, the services
they used, and the rights and responsibilities that apply. It joins capacities to the catalogue, so it sits here,
above both."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from tellus.capacities.models import CAPACITY_MEANINGS, PERSON_CAPACITY_OBJECT_TYPE, Capacity, PersonCapacity
from tellus.people.models import Person, SourceRecord
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, audit_event_record

from .models import RightsAndResponsibilities, Service

SERVICES_USED_WINDOW_DAYS = 365


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
