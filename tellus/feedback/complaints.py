"""Complaints, compliments and comments, and the complaint's closed loop: received, acknowledged, investigated,
responded to, learning recorded. Each step is one atomic service that checks the step is allowed now, moves the
clock, writes the complaint's trail and the audit entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tellus.catalogue.models import Service
from tellus.demand.models import Channel, Need
from tellus.people.models import Person
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from .clock import add_working_days, clock
from .models import (
    FEEDBACK_OBJECT_TYPE,
    OPEN_COMPLAINT_STATUSES,
    ComplaintEvent,
    ComplaintStatus,
    Feedback,
    FeedbackKind,
)
from .text import clean_text

WORDS_LENGTH = 5000
NOTE_LENGTH = 5000


def _local_date(at: dt.datetime) -> dt.date:
    return timezone.localdate(at) if timezone.is_aware(at) else at.date()


def _audit(actor: Actor, purpose: Purpose | str, feedback: Feedback, action: AuditAction, **changes: Any) -> None:
    audit_events_record(
        actor=actor,
        purpose=purpose,
        entries=[
            AuditEntry(
                action=action,
                object_type=FEEDBACK_OBJECT_TYPE,
                object_id=str(feedback.pk),
                subject_person_id=feedback.person_id,
                changes={key: list(value) for key, value in changes.items()},
                context={"kind": feedback.kind, "stage": feedback.stage},
            )
        ],
    )


@transaction.atomic
def feedback_record(
    *,
    actor: Actor,
    purpose: Purpose | str,
    kind: FeedbackKind | str,
    channel: Channel | str,
    words: str,
    person: Person | None = None,
    need: Need | None = None,
    service: Service | None = None,
    wants_updates: bool = False,
    received_at: dt.datetime | None = None,
) -> Feedback:
    """Record a complaint, compliment or comment in the person's words. A complaint starts its clock: it must be
    acknowledged within the clock's working days of being received. Raises ValidationError, writing nothing."""
    if kind not in FeedbackKind.values:
        raise ValidationError({"kind": _("Choose complaint, compliment or comment.")})
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose the channel it came by.")})
    text = clean_text(words, limit=WORDS_LENGTH, field="words", required=True)
    if person is not None and person.merged_into_id:
        raise ValidationError({"person": _("This person was merged into another; record it against them.")})
    if need is not None and person is not None and need.person_id != person.pk:
        raise ValidationError({"need": _("That need belongs to someone else.")})
    if need is not None and service is None:
        service = need.service
    at = received_at or timezone.now()
    feedback = Feedback(
        kind=kind,
        person=person if person is not None else (need.person if need is not None else None),
        need=need,
        service=service,
        channel=channel,
        words=text,
        wants_updates=bool(wants_updates),
        received_at=at,
        recorded_by_label=actor.label,
    )
    if kind == FeedbackKind.COMPLAINT:
        feedback.status = ComplaintStatus.RECEIVED
        feedback.acknowledge_due = add_working_days(_local_date(at), clock().acknowledge_working_days)
    feedback.full_clean()
    feedback.save()
    ComplaintEvent.objects.create(feedback=feedback, step="received", occurred_at=at, actor_label=actor.label)
    _audit(actor, purpose, feedback, AuditAction.CREATE, kind=(None, feedback.kind), channel=(None, channel))
    return feedback


def _locked_complaint(feedback: Feedback) -> Feedback:
    locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if not locked.is_complaint:
        raise ValidationError({"__all__": _("Only a complaint has a closed loop.")})
    return locked


def _step(
    feedback: Feedback,
    *,
    actor: Actor,
    purpose: Purpose | str,
    step: str,
    allowed: tuple[str, ...],
    to_status: str,
    at: dt.datetime,
    note: str = "",
    **fields: Any,
) -> Feedback:
    locked = _locked_complaint(feedback)
    if locked.status not in allowed:
        raise ValidationError(
            {
                "__all__": _("This complaint is %(status)s: that step is not possible now.")
                % {"status": locked.get_status_display().lower()}
            }
        )
    before = {name: getattr(locked, name) for name in ("status", *fields)}
    locked.status = to_status
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    ComplaintEvent.objects.create(feedback=locked, step=step, occurred_at=at, note=note, actor_label=actor.label)
    changes = {
        name: (str(before[name]), str(getattr(locked, name)))
        for name in before
        if before[name] != getattr(locked, name)
    }
    _audit(actor, purpose, locked, AuditAction.UPDATE, **changes)
    return locked


@transaction.atomic
def complaint_acknowledge(
    *, feedback: Feedback, actor: Actor, purpose: Purpose | str, at: dt.datetime | None = None
) -> Feedback:
    """Acknowledge a complaint; the response is then due within the clock's working days."""
    at = at or timezone.now()
    days = clock().respond_working_days if feedback.stage == 1 else clock().stage2_respond_working_days
    return _step(
        feedback, actor=actor, purpose=purpose, step="acknowledged", allowed=(ComplaintStatus.RECEIVED,),
        to_status=ComplaintStatus.ACKNOWLEDGED, at=at, acknowledged_at=at,
        respond_due=add_working_days(_local_date(at), days),
    )  # fmt: skip


@transaction.atomic
def complaint_investigate(
    *, feedback: Feedback, actor: Actor, purpose: Purpose | str, note: str = "", at: dt.datetime | None = None
) -> Feedback:
    return _step(
        feedback, actor=actor, purpose=purpose, step="investigating", allowed=(ComplaintStatus.ACKNOWLEDGED,),
        to_status=ComplaintStatus.INVESTIGATING, at=at or timezone.now(),
        note=clean_text(note, limit=NOTE_LENGTH, field="note"),
    )  # fmt: skip


@transaction.atomic
def complaint_extend(
    *, feedback: Feedback, actor: Actor, purpose: Purpose | str, days: int, reason: str, at: dt.datetime | None = None
) -> Feedback:
    """Extend the time to respond, once per stage, by up to the clock's maximum, with a reason."""
    reason = clean_text(reason, limit=500, field="reason")
    limit = clock().extension_max_working_days
    if not reason:
        raise ValidationError({"reason": _("Say why the response needs more time.")})
    if not isinstance(days, int) or not 1 <= days <= limit:
        raise ValidationError({"days": _("Extend by 1 to %(limit)s working days.") % {"limit": limit}})
    locked = _locked_complaint(feedback)
    if locked.extension_days:
        raise ValidationError({"days": _("This complaint has already been extended once at this stage.")})
    return _step(
        locked, actor=actor, purpose=purpose, step="extended",
        allowed=(ComplaintStatus.ACKNOWLEDGED, ComplaintStatus.INVESTIGATING), to_status=locked.status,
        at=at or timezone.now(), note=reason, extension_days=days, extension_reason=reason,
        respond_due=add_working_days(locked.respond_due, days) if locked.respond_due else None,
    )  # fmt: skip


@transaction.atomic
def complaint_respond(
    *, feedback: Feedback, actor: Actor, purpose: Purpose | str, response: str, at: dt.datetime | None = None
) -> Feedback:
    text = clean_text(response, limit=NOTE_LENGTH, field="response")
    if not text:
        raise ValidationError({"response": _("Write the response sent to the person.")})
    at = at or timezone.now()
    return _step(
        feedback, actor=actor, purpose=purpose, step="responded",
        allowed=(ComplaintStatus.ACKNOWLEDGED, ComplaintStatus.INVESTIGATING), to_status=ComplaintStatus.RESPONDED,
        at=at, note=text, responded_at=at, response=text,
    )  # fmt: skip


@transaction.atomic
def complaint_record_learning(
    *, feedback: Feedback, actor: Actor, purpose: Purpose | str, learning: str, at: dt.datetime | None = None
) -> Feedback:
    text = clean_text(learning, limit=NOTE_LENGTH, field="learning")
    if not text:
        raise ValidationError({"learning": _("Write what the council learnt, or will change, from this complaint.")})
    return _step(
        feedback, actor=actor, purpose=purpose, step="learning_recorded", allowed=(ComplaintStatus.RESPONDED,),
        to_status=ComplaintStatus.LEARNING_RECORDED, at=at or timezone.now(), note=text, learning=text,
    )  # fmt: skip


@transaction.atomic
def complaint_escalate(
    *, feedback: Feedback, actor: Actor, purpose: Purpose | str, reason: str, at: dt.datetime | None = None
) -> Feedback:
    """The person is not satisfied with the stage 1 response: stage 2 starts, received again, with a new clock
    and its own extension."""
    text = clean_text(reason, limit=NOTE_LENGTH, field="reason")
    if not text:
        raise ValidationError({"reason": _("Say why the person asked for stage 2.")})
    locked = _locked_complaint(feedback)
    if locked.stage != 1:
        raise ValidationError({"__all__": _("This complaint is already at stage 2, the last stage.")})
    at = at or timezone.now()
    return _step(
        locked, actor=actor, purpose=purpose, step="escalated",
        allowed=(ComplaintStatus.RESPONDED, ComplaintStatus.LEARNING_RECORDED), to_status=ComplaintStatus.RECEIVED,
        at=at, note=text, stage=2, escalated_at=at, acknowledged_at=None, respond_due=None, extension_days=0,
        extension_reason="", responded_at=None,
        acknowledge_due=add_working_days(_local_date(at), clock().acknowledge_working_days),
    )  # fmt: skip


def complaints_overdue(*, today: dt.date | None = None) -> QuerySet[Feedback]:
    """Complaints past a due date: not acknowledged in time, or not responded to in time."""
    today = today or timezone.localdate()
    return (
        Feedback.objects.filter(kind=FeedbackKind.COMPLAINT)
        .filter(
            Q(status=ComplaintStatus.RECEIVED, acknowledge_due__lt=today)
            | Q(status__in=[ComplaintStatus.ACKNOWLEDGED, ComplaintStatus.INVESTIGATING], respond_due__lt=today)
        )
        .select_related("service")
        .order_by("respond_due", "acknowledge_due", "id")
    )


def complaints_open() -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(kind=FeedbackKind.COMPLAINT, status__in=OPEN_COMPLAINT_STATUSES)
        .select_related("service")
        .order_by("acknowledge_due", "respond_due", "id")
    )


def due_date(feedback: Feedback) -> dt.date | None:
    """The date the complaint's next step is due."""
    if feedback.status == ComplaintStatus.RECEIVED:
        return feedback.acknowledge_due
    if feedback.status in (ComplaintStatus.ACKNOWLEDGED, ComplaintStatus.INVESTIGATING):
        return feedback.respond_due
    return None
