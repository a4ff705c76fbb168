"""Consents: giving and withdrawing (each one step, audited), what a person has consented to, and the audited staff
read behind the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from tellus.people.models import Person
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, audit_event_record

from .models import ConsentBy, ConsentPurpose, ConsentRecord

CONSENT_OBJECT_TYPE = "rights.consentrecord"


class ConsentError(Exception):
    """A consent cannot be given or withdrawn as asked (already given, nothing to withdraw, unknown purpose)."""


def _purpose(code: str) -> ConsentPurpose:
    try:
        return ConsentPurpose.objects.get(code=code, is_active=True)
    except ConsentPurpose.DoesNotExist:
        raise ConsentError(f"There is no consent purpose {code!r}.") from None


@transaction.atomic
def consent_give(*, actor: Actor, person_id: int, purpose_code: str, by: ConsentBy) -> ConsentRecord:
    """Record a consent given now, to the purpose's current notice. Raises Person.DoesNotExist, ConsentError."""
    person = Person.objects.get(pk=person_id)
    purpose = _purpose(purpose_code)
    record = ConsentRecord(
        person=person,
        purpose=purpose,
        lawful_basis=purpose.lawful_basis,
        notice_version=purpose.notice_version,
        given_by=by,
        given_by_label=actor.label,
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise ConsentError("That consent is already given.") from None
    audit_event_record(
        actor=actor,
        purpose=Purpose.ADMINISTRATION,
        action=AuditAction.CREATE,
        object_type=CONSENT_OBJECT_TYPE,
        object_id=record.pk,
        subject_person_id=person.pk,
        context={"consent_purpose": purpose.code, "notice_version": record.notice_version, "by": by},
    )
    return record


@transaction.atomic
def consent_withdraw(*, actor: Actor, person_id: int, purpose_code: str, by: ConsentBy) -> ConsentRecord:
    """Withdraw the current consent to a purpose, now. Raises ConsentError when none is given."""
    record = (
        ConsentRecord.objects.select_for_update()
        .filter(person_id=person_id, purpose__code=purpose_code, withdrawn_at__isnull=True)
        .first()
    )
    if record is None:
        raise ConsentError("There is no consent to withdraw.")
    record.withdrawn_at = timezone.now()
    record.withdrawn_by = by
    record.withdrawn_by_label = actor.label
    record.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_by_label"])
    audit_event_record(
        actor=actor,
        purpose=Purpose.ADMINISTRATION,
        action=AuditAction.UPDATE,
        object_type=CONSENT_OBJECT_TYPE,
        object_id=record.pk,
        subject_person_id=person_id,
        changes={"withdrawn_at": [None, record.withdrawn_at.isoformat()]},
        context={"consent_purpose": purpose_code, "by": by},
    )
    return record


@dataclass(frozen=True)
class ConsentChoice:
    purpose: ConsentPurpose
    current: ConsentRecord | None

    @property
    def on_older_notice(self) -> bool:
        return self.current is not None and self.current.notice_version != self.purpose.notice_version


def consent_choices(person_id: int) -> list[ConsentChoice]:
    """Each active purpose and the person's current consent to it, if any (for the person themself)."""
    current = {r.purpose_id: r for r in ConsentRecord.objects.filter(person_id=person_id, withdrawn_at__isnull=True)}
    return [ConsentChoice(purpose=p, current=current.get(p.pk)) for p in ConsentPurpose.objects.filter(is_active=True)]


def consent_history(person_id: int) -> list[ConsentRecord]:
    return list(ConsentRecord.objects.filter(person_id=person_id).select_related("purpose"))


@transaction.atomic
def consents_for_staff(*, actor: Actor, purpose: Purpose | str, person_id: int) -> list[ConsentRecord]:
    """Every consent record of a person, newest first, for a member of staff: audited as a view of them."""
    person = Person.objects.get(pk=person_id)
    records = consent_history(person.pk)
    audit_event_record(
        actor=actor,
        purpose=purpose,
        action=AuditAction.VIEW,
        object_type=CONSENT_OBJECT_TYPE,
        subject_person_id=person.pk,
        context={"records": len(records)},
    )
    return records


def consent_rows(person_id: int) -> list[dict[str, object]]:
    """The person's consent records for their subject access copy."""
    return [
        {
            "purpose": r.purpose.title,
            "dpv_purpose": r.purpose.dpv_purpose,
            "lawful_basis": r.lawful_basis,
            "notice_version": r.notice_version,
            "given_at": r.given_at,
            "given_by": r.given_by,
            "withdrawn_at": r.withdrawn_at,
            "withdrawn_by": r.withdrawn_by,
        }
        for r in consent_history(person_id)
    ]
