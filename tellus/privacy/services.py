"""Writing audit entries. Called inside the same transaction as the change or read they describe."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from tellus.common.request_context import current_request_id

from .models import AuditAction, AuditEvent, Purpose, User


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, or a named command run by the system."""

    user: User | None
    label: str

    @classmethod
    def for_user(cls, user: Any) -> Actor:
        return cls(user=user, label=user.get_username())

    @classmethod
    def system(cls, label: str) -> Actor:
        return cls(user=None, label=label)


@dataclass(frozen=True)
class AuditEntry:
    action: AuditAction
    object_type: str
    object_id: str = ""
    subject_person_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)


def audit_event_record(
    *,
    actor: Actor,
    purpose: Purpose | str,
    action: AuditAction,
    object_type: str,
    object_id: object = "",
    subject_person_id: int | None = None,
    changes: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
) -> AuditEvent:
    entry = AuditEntry(
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        subject_person_id=subject_person_id,
        changes=changes or {},
        context=context or {},
    )
    return audit_events_record(actor=actor, purpose=purpose, entries=[entry])[0]


def audit_events_record(*, actor: Actor, purpose: Purpose | str, entries: Iterable[AuditEntry]) -> list[AuditEvent]:
    """Write many entries at once with one timestamp and the current request id."""
    now = timezone.now()
    request_id = current_request_id()
    events = [
        AuditEvent(
            occurred_at=now,
            actor=actor.user,
            actor_label=actor.label,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            subject_person_id=entry.subject_person_id,
            purpose=Purpose(purpose),
            request_id=request_id,
            changes=entry.changes,
            context=entry.context,
        )
        for entry in entries
    ]
    if not events:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Audit entries must be written inside the transaction of the change they describe.")
    return AuditEvent.objects.bulk_create(events, batch_size=2000)
