"""Reads of contacts and needs for staff. Each one that shows a person's data writes its audit entry in the same
transaction as the read."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet

from tellus.catalogue.models import CommunityConsideration, Service
from tellus.people.models import Person
from tellus.people.selectors import PERSON_OBJECT_TYPE, person_live
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from .models import OPEN_STATUSES, Contact, Need, NeedEvent
from .services import CONTACT_OBJECT_TYPE, NEED_OBJECT_TYPE

PERSON_PAGE_CONTACTS = 10


@dataclass(frozen=True)
class PersonDemand:
    """What a person has asked of the council: their open needs and their latest contacts, newest first."""

    person: Person
    open_needs: list[Need] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    contact_count: int = 0
    failure_count: int = 0


@dataclass(frozen=True)
class NeedView:
    need: Need
    contacts: list[Contact] = field(default_factory=list)
    events: list[NeedEvent] = field(default_factory=list)


@dataclass(frozen=True)
class ContactFormPerson:
    """The person a contact is being logged for, and their open needs to link a repeat contact to."""

    person: Person
    open_needs: list[Need] = field(default_factory=list)


def _contacts_for_display() -> QuerySet[Contact]:
    return Contact.objects.select_related("service", "need", "recorded_by")


def _open_needs(person_id: int) -> list[Need]:
    return list(
        Need.objects.filter(person_id=person_id, status__in=OPEN_STATUSES)
        .select_related("service")
        .order_by("-opened_at")
    )


def _live_person(person_id: int) -> Person:
    """A merged person's contacts and needs moved to the person they were merged into; read that one."""
    return person_live(Person.objects.get(pk=person_id))


def person_demand_for_staff(
    *, actor: Actor, purpose: Purpose | str, person_id: int, limit: int = PERSON_PAGE_CONTACTS
) -> PersonDemand:
    """A person's open needs and latest `limit` contacts, for the person page. Writes one VIEW entry for their
    contacts and needs. Raises Person.DoesNotExist (and writes nothing) when there is no such person."""
    with transaction.atomic():
        person = Person.objects.get(pk=person_id)
        contacts = Contact.objects.filter(person=person)
        recent = list(_contacts_for_display().filter(person=person).order_by("-occurred_at", "-id")[:limit])
        demand = PersonDemand(
            person=person,
            open_needs=_open_needs(person.pk),
            contacts=recent,
            contact_count=contacts.count(),
            failure_count=contacts.filter(demand_type="failure").count(),
        )
        audit_events_record(
            actor=actor,
            purpose=purpose,
            entries=[
                AuditEntry(
                    action=AuditAction.VIEW,
                    object_type=CONTACT_OBJECT_TYPE,
                    subject_person_id=person.pk,
                    context={"shown": [c.pk for c in recent], "open_needs": [n.pk for n in demand.open_needs]},
                )
            ],
        )
    return demand


def need_get_for_staff(*, actor: Actor, purpose: Purpose | str, need_id: int) -> NeedView:
    """A need with every contact about it and its history. Writes one VIEW entry. Raises Need.DoesNotExist."""
    with transaction.atomic():
        need = Need.objects.select_related("person", "service", "assignee").get(pk=need_id)
        view = NeedView(
            need=need,
            contacts=list(_contacts_for_display().filter(need=need).order_by("occurred_at", "id")),
            events=list(need.events.select_related("actor", "contact").order_by("occurred_at", "id")),
        )
        audit_events_record(
            actor=actor,
            purpose=purpose,
            entries=[
                AuditEntry(
                    action=AuditAction.VIEW,
                    object_type=NEED_OBJECT_TYPE,
                    object_id=str(need.pk),
                    subject_person_id=need.person_id,
                )
            ],
        )
    return view


def contact_form_person(*, actor: Actor, purpose: Purpose | str, person_id: int) -> ContactFormPerson:
    """The person a contact is logged for (the one they were merged into, if they were) and their open needs.
    Writes one VIEW entry. Raises Person.DoesNotExist."""
    with transaction.atomic():
        person = _live_person(person_id)
        found = ContactFormPerson(person=person, open_needs=_open_needs(person.pk))
        audit_events_record(
            actor=actor,
            purpose=purpose,
            entries=[
                AuditEntry(
                    action=AuditAction.VIEW,
                    object_type=PERSON_OBJECT_TYPE,
                    object_id=str(person.pk),
                    subject_person_id=person.pk,
                    context={"for": "logging a contact", "open_needs": [n.pk for n in found.open_needs]},
                )
            ],
        )
    return found


def services_for_contacts() -> QuerySet[Service]:
    """The services a contact can be about, by group and name (the catalogue holds no personal data)."""
    return Service.objects.order_by("group", "name")


def considerations_for_service(service: Service | None) -> list[CommunityConsideration]:
    if service is None:
        return []
    return list(CommunityConsideration.objects.filter(service=service).order_by("order", "title"))
