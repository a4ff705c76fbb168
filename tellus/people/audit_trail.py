"""Reads of the audit log about one person. Reading it is itself a read of personal data, so it is audited too."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from tellus.privacy.models import AUDIT_LOG_OBJECT_TYPE, AuditAction, AuditEvent, Purpose
from tellus.privacy.services import Actor, audit_event_record

from .models import PERSON_OBJECT_TYPE, SOURCE_RECORD_OBJECT_TYPE, Person, SourceRecord
from .selectors import people_merged_into


@dataclass(frozen=True)
class PersonAuditLog:
    person: Person
    page: Page[AuditEvent]

    @property
    def total(self) -> int:
        return self.page.paginator.count


def audit_events_about_person(person_id: int) -> QuerySet[AuditEvent]:
    """Every entry about a person: naming them as its subject, or about them or one of their source records.

    People merged into this person count as this person: what was seen of them before the merge is part of this
    person's trail. Once a merge is undone, the absorbed person's entries are theirs alone again."""
    people = people_merged_into(person_id)
    record_ids = SourceRecord.objects.filter(person_id=person_id).annotate(id_text=Cast("id", output_field=CharField()))
    return AuditEvent.objects.filter(
        Q(subject_person_id__in=people)
        | Q(object_type=PERSON_OBJECT_TYPE, object_id__in=[str(pk) for pk in people])
        | Q(object_type=SOURCE_RECORD_OBJECT_TYPE, object_id__in=record_ids.values("id_text"))
    ).order_by("-occurred_at", "-id")


def audit_events_for_person(
    *, actor: Actor, person_id: int, page: int | str | None = 1, page_size: int | None = None
) -> PersonAuditLog:
    """A page of the audit entries about a person, newest first, for a privacy officer.

    The purpose is always a privacy review: it is the only reason to read someone's audit trail. The read is
    recorded as a VIEW entry with the person as subject, so it shows up in their own trail next time.
    Raises Person.DoesNotExist (and writes nothing) when there is no such person.
    """
    with transaction.atomic():
        person = Person.objects.get(pk=person_id)
        paginator = Paginator(audit_events_about_person(person.pk), page_size or settings.TELLUS_SEARCH_PAGE_SIZE)
        shown = paginator.get_page(page)
        events = list(shown.object_list)
        audit_event_record(
            actor=actor,
            purpose=Purpose.PRIVACY_REVIEW,
            action=AuditAction.VIEW,
            object_type=AUDIT_LOG_OBJECT_TYPE,
            subject_person_id=person.pk,
            context={"page": shown.number, "result_count": paginator.count},
        )
    return PersonAuditLog(person=person, page=Page(events, shown.number, paginator))
