"""Who needs to know: for a person and a kind of change, the services it concerns, the fields each would be sent and
why. A plain reading of the council's rules (EventRule) against the person's own records and capacities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from tellus.capacities.models import PersonCapacity
from tellus.people.models import Person, SourceRecord

from .models import COMMON_FIELDS, EVENT_FIELDS, EventRule, Subscriber


@dataclass(frozen=True)
class Proposal:
    subscriber: Subscriber
    fields: dict[str, Any]  # field name -> the value that would be sent
    reason: str


def event_field_names(event_type: str) -> list[str]:
    return [*COMMON_FIELDS, *EVENT_FIELDS[event_type]]


def payload_for(subscriber: Subscriber, facts: dict[str, Any]) -> dict[str, Any]:
    """Only the fields the subscriber is entitled to, of those the change has (data minimisation)."""
    entitled = set(subscriber.entitled_fields)
    return {name: value for name, value in facts.items() if name in entitled}


def proposals(*, person: Person, event_type: str, facts: dict[str, Any]) -> list[Proposal]:
    held_in = set(SourceRecord.objects.filter(person=person).values_list("source_system_id", flat=True))
    uses = set(
        PersonCapacity.objects.filter(person=person, valid_to__isnull=True)
        .exclude(service_code="")
        .values_list("service_code", flat=True)
    )
    found = []
    for rule in EventRule.objects.filter(event_type=event_type, subscriber__is_active=True).select_related(
        "subscriber", "subscriber__source_system"
    ):
        subscriber = rule.subscriber
        if event_type not in subscriber.event_types:
            continue
        system = subscriber.source_system
        if system is not None and system.pk in held_in:
            reason = _("%(system)s holds a record about them.") % {"system": system.title}
        elif subscriber.service_code and subscriber.service_code in uses:
            reason = _("They use this service.")
        elif rule.always:
            reason = rule.reason or subscriber.purpose
        else:
            continue
        if rule.reason and not rule.always:
            reason = f"{reason} {rule.reason}"
        found.append(Proposal(subscriber=subscriber, fields=payload_for(subscriber, facts), reason=reason))
    return found
