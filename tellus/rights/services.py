"""Subject access: registering a request (with its due date) and producing the copy, audited."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tellus.people.models import Person
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, audit_event_record

from .models import SubjectAccessRequest
from .sar import subject_data, subject_zip

SAR_OBJECT_TYPE = "rights.subjectaccessrequest"


def one_month_after(day: dt.date) -> dt.date:
    """The same day next month, or that month's last day when it has no such day (31 January -> 28/29 February),
    as the ICO counts a month for subject access."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def subject_access_register(
    *, actor: Actor, person_id: int, channel: str, received_on: dt.date | None = None
) -> SubjectAccessRequest:
    """Record a request. Raises Person.DoesNotExist for no such person."""
    person = Person.objects.get(pk=person_id)
    received = received_on or timezone.localdate()
    request = SubjectAccessRequest(
        person=person,
        channel=channel,
        received_on=received,
        due_on=one_month_after(received),
        registered_by_label=actor.label,
    )
    request.full_clean()
    request.save()
    audit_event_record(
        actor=actor,
        purpose=Purpose.PRIVACY_REVIEW,
        action=AuditAction.CREATE,
        object_type=SAR_OBJECT_TYPE,
        object_id=request.pk,
        subject_person_id=person.pk,
        context={"channel": channel, "due_on": request.due_on.isoformat()},
    )
    return request


@dataclass(frozen=True)
class ProducedCopy:
    request: SubjectAccessRequest
    content: bytes

    @property
    def filename(self) -> str:
        return f"council-data-{self.request.person_id}-{self.request.produced_at:%Y-%m-%d}.zip"


@transaction.atomic
def subject_access_produce(*, actor: Actor, request_id: int) -> ProducedCopy:
    """Make the zip for a request, keep its digest, and audit the export as a view of everything about the person."""
    request = SubjectAccessRequest.objects.select_for_update().get(pk=request_id)
    now = timezone.now()
    data = subject_data(request.person_id)
    content = subject_zip(data, produced_at=now)
    request.produced_at = now
    request.produced_by_label = actor.label
    request.export_sha256 = hashlib.sha256(content).hexdigest()
    request.save(update_fields=["produced_at", "produced_by_label", "export_sha256"])
    audit_event_record(
        actor=actor,
        purpose=Purpose.PRIVACY_REVIEW,
        action=AuditAction.VIEW,
        object_type=SAR_OBJECT_TYPE,
        object_id=request.pk,
        subject_person_id=request.person_id,
        context={"export": "zip", "rows": data.counts(), "sha256": request.export_sha256},
    )
    return ProducedCopy(request=request, content=content)
