"""Corrections (UK GDPR article 16): a resident flags a field of one of their records as wrong, in their own words;
the team that owns the record's source system corrects it or refuses, with a reply. Every step is audited, and the
change itself is audited against the request."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tellus.people.models import SourceRecord
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_event_record, audit_events_record

from .models import CorrectionRequest

CORRECTION_OBJECT_TYPE = "rights.correctionrequest"
RECORD_OBJECT_TYPE = "people.sourcerecord"
WORDS_MAX = 2000


class CorrectionError(Exception):
    """A correction cannot be asked for or decided as given; the message says why, in plain words."""


def _shown(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


@transaction.atomic
def correction_ask(*, actor: Actor, person_id: int, record_id: int, field: str, words: str) -> CorrectionRequest:
    """The person asks for a field of one of their own records to be corrected. Raises CorrectionError."""
    record = SourceRecord.objects.select_related("source_system").filter(pk=record_id, person_id=person_id).first()
    if record is None:
        raise CorrectionError("Choose one of your records.")
    if field not in CorrectionRequest.Field.values:
        raise CorrectionError("Choose which detail is wrong.")
    words = words.strip()
    if not words:
        raise CorrectionError("Tell us what is wrong and what it should be.")
    if len(words) > WORDS_MAX:
        raise CorrectionError(f"Use {WORDS_MAX} characters or fewer.")
    request = CorrectionRequest.objects.create(
        person_id=person_id,
        record=record,
        field=field,
        value_shown=_shown(getattr(record, field))[:500],
        words=words,
        owning_team=record.source_system.owning_team,
        asked_by_label=actor.label,
    )
    audit_event_record(
        actor=actor,
        purpose=Purpose.ADMINISTRATION,
        action=AuditAction.CREATE,
        object_type=CORRECTION_OBJECT_TYPE,
        object_id=request.pk,
        subject_person_id=person_id,
        context={"record": record.pk, "field": field, "owning_team": request.owning_team},
    )
    return request


def corrections_of_person(person_id: int) -> QuerySet[CorrectionRequest]:
    """The person's own requests, newest first (for the person themself)."""
    return (
        CorrectionRequest.objects.filter(person_id=person_id)
        .select_related("record__source_system")
        .order_by("-asked_at", "-id")
    )


def correction_teams() -> list[str]:
    return list(
        CorrectionRequest.objects.filter(status=CorrectionRequest.Status.OPEN)
        .order_by("owning_team")
        .values_list("owning_team", flat=True)
        .distinct()
    )


@transaction.atomic
def corrections_open_for_staff(*, actor: Actor, purpose: Purpose | str, team: str = "") -> list[CorrectionRequest]:
    """Open requests, oldest first, for one team (or all); each person listed is audited as shown in a list."""
    requests = CorrectionRequest.objects.filter(status=CorrectionRequest.Status.OPEN).select_related(
        "person", "record__source_system"
    )
    if team:
        requests = requests.filter(owning_team=team)
    found = list(requests)
    audit_events_record(
        actor=actor,
        purpose=purpose,
        entries=[
            AuditEntry(
                action=AuditAction.LISTED,
                object_type=CORRECTION_OBJECT_TYPE,
                object_id=str(r.pk),
                subject_person_id=r.person_id,
                context={"team": team},
            )
            for r in found
        ],
    )
    return found


@transaction.atomic
def correction_get_for_staff(*, actor: Actor, purpose: Purpose | str, request_id: int) -> CorrectionRequest:
    """One request with the record's value now, audited as a view. Raises CorrectionRequest.DoesNotExist."""
    request = CorrectionRequest.objects.select_related("person", "record__source_system").get(pk=request_id)
    audit_event_record(
        actor=actor,
        purpose=purpose,
        action=AuditAction.VIEW,
        object_type=CORRECTION_OBJECT_TYPE,
        object_id=request.pk,
        subject_person_id=request.person_id,
    )
    return request


def _parsed(field: str, value: str) -> Any:
    value = value.strip()
    if field == CorrectionRequest.Field.DATE_OF_BIRTH:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise CorrectionError("Give the date of birth as YYYY-MM-DD.") from None
    max_length = getattr(SourceRecord._meta.get_field(field), "max_length", None) or 500
    if len(value) > max_length:
        raise CorrectionError(f"The corrected value must be {max_length} characters or fewer.")
    return value


@transaction.atomic
def correction_decide(
    *,
    actor: Actor,
    purpose: Purpose | str,
    request_id: int,
    outcome: str,
    reply: str,
    new_value: str = "",
) -> CorrectionRequest:
    """Correct the record (with the new value) or refuse, with a reply the resident reads. The change to the record
    is audited as an UPDATE of it naming the request. Raises CorrectionError, CorrectionRequest.DoesNotExist."""
    request = CorrectionRequest.objects.select_for_update().get(pk=request_id)
    if request.status != CorrectionRequest.Status.OPEN:
        raise CorrectionError("This request has already been decided.")
    reply = reply.strip()
    if not reply:
        raise CorrectionError("Write a reply to the resident.")
    if outcome == CorrectionRequest.Status.CORRECTED:
        value = _parsed(request.field, new_value)
        if value in ("", None):
            raise CorrectionError("Give the corrected value.")
        record = SourceRecord.objects.select_for_update().get(pk=request.record_id)
        before = getattr(record, request.field)
        setattr(record, request.field, value)
        record.updated_at = timezone.now()
        record.save(update_fields=[request.field, "updated_at"])
        audit_event_record(
            actor=actor,
            purpose=purpose,
            action=AuditAction.UPDATE,
            object_type=RECORD_OBJECT_TYPE,
            object_id=record.pk,
            subject_person_id=request.person_id,
            changes={request.field: [_shown(before), _shown(value)]},
            context={"correction_request": request.pk},
        )
    elif outcome != CorrectionRequest.Status.REFUSED:
        raise CorrectionError("Choose whether the record was corrected or not.")
    request.status = outcome
    request.reply = reply
    request.decided_at = timezone.now()
    request.decided_by_label = actor.label
    request.save(update_fields=["status", "reply", "decided_at", "decided_by_label"])
    audit_event_record(
        actor=actor,
        purpose=purpose,
        action=AuditAction.UPDATE,
        object_type=CORRECTION_OBJECT_TYPE,
        object_id=request.pk,
        subject_person_id=request.person_id,
        changes={"status": [CorrectionRequest.Status.OPEN, outcome]},
    )
    return request


def correction_rows(person_id: int) -> list[dict[str, object]]:
    """The person's correction requests for their subject access copy."""
    return [
        {
            "record": f"{r.record.source_system.title} {r.record.source_key}",
            "field": r.field,
            "your_words": r.words,
            "asked_at": r.asked_at,
            "status": r.status,
            "reply": r.reply,
            "decided_at": r.decided_at,
        }
        for r in corrections_of_person(person_id)
    ]
