"""Staff reads of feedback. A read that shows a person (a complaint with its complainant, the comments behind a
score) writes its audit entry, with the purpose, in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from .models import FEEDBACK_OBJECT_TYPE, QUESTION_KEYS, RESPONSE_OBJECT_TYPE, Feedback, SurveyResponse, TextSource
from .themes import themes_of

GROUPS = ("service", "channel", "ward", "capacity")
COMMENTS_SHOWN = 200


@transaction.atomic
def feedback_get_for_staff(*, actor: Actor, purpose: Purpose | str, feedback_id: int) -> Feedback:
    """A complaint, compliment or comment with its person and trail; audited. Raises Feedback.DoesNotExist."""
    feedback = (
        Feedback.objects.select_related("person", "service", "need").prefetch_related("events").get(pk=feedback_id)
    )
    audit_events_record(
        actor=actor,
        purpose=purpose,
        entries=[
            AuditEntry(
                action=AuditAction.VIEW, object_type=FEEDBACK_OBJECT_TYPE, object_id=str(feedback.pk),
                subject_person_id=feedback.person_id,
            )
        ],
    )  # fmt: skip
    return feedback


@dataclass(frozen=True)
class Comment:
    id: int
    responded_on: dt.date
    score: int | None
    comment: str
    themes: list[str]


def _group_filter(group: str, value: str) -> Q:
    if group == "service":
        return Q(service__isnull=True) if value == "" else Q(service_id=int(value))
    return Q(**{group: value})


@transaction.atomic
def comments_for_staff(
    *,
    actor: Actor,
    purpose: Purpose | str,
    group: str,
    value: str,
    question: str,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> tuple[int, list[Comment]]:
    """The written comments behind one group's score (newest first, at most COMMENTS_SHOWN), and how many there
    are. Each comment shown is a staff read of what a person wrote: one audit entry each, naming the person."""
    if group not in GROUPS or question not in QUESTION_KEYS:
        raise ValueError("unknown group or question")
    queryset = SurveyResponse.objects.filter(_group_filter(group, value)).exclude(comment="")
    if start is not None:
        queryset = queryset.filter(responded_at__gte=start)
    if end is not None:
        queryset = queryset.filter(responded_at__lt=end)
    total = queryset.count()
    rows = list(
        queryset.order_by("-responded_at", "-id").values_list(
            "pk", "responded_at", question, "comment", "invitation__person_id"
        )[:COMMENTS_SHOWN]
    )
    themes = themes_of(TextSource.SURVEY, [row[0] for row in rows])
    audit_events_record(
        actor=actor,
        purpose=purpose,
        entries=[
            AuditEntry(
                action=AuditAction.VIEW, object_type=RESPONSE_OBJECT_TYPE, object_id=str(pk),
                subject_person_id=person_id,
                context={"drill_down": {"group": group, "value": value, "question": question}},
            )
            for pk, _at, _score, _comment, person_id in rows
        ],
    )  # fmt: skip
    return total, [Comment(pk, at.date(), score, comment, themes.get(pk, [])) for pk, at, score, comment, _p in rows]


def subject_access_sections() -> dict[str, Callable[[int], list[dict[str, Any]]]]:
    """A person's own complaints, compliments and comments (with each complaint's steps), the surveys offered to
    them with their answers, and the changes they were told of, as plain rows for their subject access copy
    (registered by an app above `rights`, which stands beside this one)."""
    from .models import ChangeNotice, ComplaintEvent, SurveyInvitation

    def feedback(person_id: int) -> list[dict[str, Any]]:
        fields = ("id", "kind", "channel", "words", "service__name", "received_at", "status", "stage",
                  "acknowledged_at", "respond_due", "extension_days", "extension_reason", "responded_at", "response",
                  "escalated_at", "wants_updates")  # fmt: skip
        return list(Feedback.objects.filter(person_id=person_id).order_by("received_at", "id").values(*fields))

    def complaint_steps(person_id: int) -> list[dict[str, Any]]:
        fields = ("feedback_id", "step", "occurred_at", "note", "actor_label")
        steps = ComplaintEvent.objects.filter(feedback__person_id=person_id).order_by(
            "feedback_id", "occurred_at", "id"
        )
        return list(steps.values(*fields))

    def surveys(person_id: int) -> list[dict[str, Any]]:
        rows = []
        invitations = (
            SurveyInvitation.objects.filter(person_id=person_id)
            .select_related("service", "response")
            .order_by("offered_at", "id")
        )
        for invitation in invitations:
            response = getattr(invitation, "response", None)
            row: dict[str, Any] = {
                "service": invitation.service.name if invitation.service else "",
                "route": invitation.route,
                "offered_at": invitation.offered_at,
                "opened_at": invitation.opened_at,
                "responded_at": invitation.responded_at,
            }
            for key in QUESTION_KEYS:
                row[key] = getattr(response, key, None) if response is not None else None
            row["comment"] = response.comment if response is not None else ""
            row["wants_updates"] = response.wants_updates if response is not None else False
            rows.append(row)
        return rows

    def changes_told(person_id: int) -> list[dict[str, Any]]:
        fields = ("change__you_said", "change__we_did", "route", "sent_at")
        return list(ChangeNotice.objects.filter(person_id=person_id).order_by("sent_at", "id").values(*fields))

    return {
        "complaints_compliments_comments": feedback,
        "complaint_steps": complaint_steps,
        "surveys": surveys,
        "you_said_we_did_notices": changes_told,
    }
