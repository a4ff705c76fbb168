"""Every write to the inclusion rows: keyword-only, atomic, validated before saving, and audited in the same
transaction. Representatives and "no fixed address" are people's rows, written through `people.services`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from tellus.common.text import normalise_email, normalise_phone
from tellus.people.models import Person, Representative
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, audit_event_record

from .models import (
    ADJUSTMENT_OBJECT_TYPE,
    DRIVER_OF,
    LOCAL_CONNECTION_OBJECT_TYPE,
    ROUTE_OBJECT_TYPE,
    SUPPORT_NEED_OBJECT_TYPE,
    Adjustment,
    AdjustmentKind,
    CorrespondenceRoute,
    LocalConnection,
    RouteMethod,
    SpecificNeed,
    SupportNeed,
)

LOCAL_CONNECTION_LASTS = dt.timedelta(days=365)


@transaction.atomic
def support_need_record(
    *,
    person: Person,
    need: SpecificNeed | str,
    permanence: SupportNeed.Permanence | str,
    review_on: dt.date,
    source: SupportNeed.Source | str,
    lawful_basis: SupportNeed.LawfulBasis | str,
    actor: Actor,
    purpose: Purpose | str,
    detail: str = "",
    language: str = "",
    consent_given_on: dt.date | None = None,
    adjustments: Iterable[tuple[str, str]] = (),
) -> SupportNeed:
    """Record a need and the adjustments it calls for ((kind, detail) pairs). A ValidationError, and nothing
    written, for anything wrong."""
    record = SupportNeed(
        person=person,
        need=need,
        driver=DRIVER_OF.get(str(need), ""),
        detail=detail.strip(),
        language=language.strip(),
        permanence=permanence,
        review_on=review_on,
        source=source,
        lawful_basis=lawful_basis,
        consent_given_on=consent_given_on,
        recorded_by=actor.user,
        recorded_by_label=actor.label,
    )
    record.full_clean()
    record.save()
    audit_event_record(
        actor=actor,
        purpose=purpose,
        action=AuditAction.CREATE,
        object_type=SUPPORT_NEED_OBJECT_TYPE,
        object_id=record.pk,
        subject_person_id=person.pk,
        changes={
            "need": [None, record.need],
            "permanence": [None, record.permanence],
            "review_on": [None, review_on.isoformat()],
            "source": [None, record.source],
            "lawful_basis": [None, record.lawful_basis],
        },
    )
    for kind, words in adjustments:
        adjustment_record(person=person, kind=kind, detail=words, support_need=record, actor=actor, purpose=purpose)
    return record


@transaction.atomic
def support_need_review(
    *, support_need: SupportNeed, review_on: dt.date, actor: Actor, purpose: Purpose | str
) -> SupportNeed:
    """The person confirmed the need still stands: set the next review date."""
    before = support_need.review_on
    support_need.review_on = review_on
    support_need.reviewed_at = timezone.now()
    support_need.full_clean()
    support_need.save(update_fields=["review_on", "reviewed_at"])
    audit_event_record(
        actor=actor,
        purpose=purpose,
        action=AuditAction.UPDATE,
        object_type=SUPPORT_NEED_OBJECT_TYPE,
        object_id=support_need.pk,
        subject_person_id=support_need.person_id,
        changes={"review_on": [before.isoformat(), review_on.isoformat()]},
    )
    return support_need


@transaction.atomic
def support_need_end(*, support_need: SupportNeed, reason: str, actor: Actor, purpose: Purpose | str) -> SupportNeed:
    """The need no longer applies: end it and the adjustments recorded with it (both kept, for the history)."""
    if support_need.ended_at is not None:
        return support_need
    now = timezone.now()
    support_need.ended_at = now
    support_need.ended_reason = reason.strip()
    support_need.save(update_fields=["ended_at", "ended_reason"])
    audit_event_record(
        actor=actor,
        purpose=purpose,
        action=AuditAction.UPDATE,
        object_type=SUPPORT_NEED_OBJECT_TYPE,
        object_id=support_need.pk,
        subject_person_id=support_need.person_id,
        changes={"ended": [False, True], "reason": [None, support_need.ended_reason]},
    )
    for adjustment in support_need.adjustments.filter(ended_at__isnull=True):
        adjustment_end(adjustment=adjustment, actor=actor, purpose=purpose)
    return support_need


@transaction.atomic
def adjustment_record(
    *,
    person: Person,
    kind: AdjustmentKind | str,
    actor: Actor,
    purpose: Purpose | str,
    detail: str = "",
    support_need: SupportNeed | None = None,
) -> Adjustment:
    adjustment = Adjustment(
        person=person, kind=kind, detail=detail.strip(), support_need=support_need, recorded_by_label=actor.label
    )
    adjustment.full_clean()
    adjustment.save()
    audit_event_record(
        actor=actor,
        purpose=purpose,
        action=AuditAction.CREATE,
        object_type=ADJUSTMENT_OBJECT_TYPE,
        object_id=adjustment.pk,
        subject_person_id=person.pk,
        changes={"adjustment": [None, adjustment.words()]},
    )
    return adjustment


@transaction.atomic
def adjustment_end(*, adjustment: Adjustment, actor: Actor, purpose: Purpose | str) -> Adjustment:
    if adjustment.ended_at is not None:
        return adjustment
    adjustment.ended_at = timezone.now()
    adjustment.save(update_fields=["ended_at"])
    audit_event_record(
        actor=actor,
        purpose=purpose,
        action=AuditAction.UPDATE,
        object_type=ADJUSTMENT_OBJECT_TYPE,
        object_id=adjustment.pk,
        subject_person_id=adjustment.person_id,
        changes={"ended": [False, True]},
    )
    return adjustment


@transaction.atomic
def correspondence_route_set(
    *,
    person: Person,
    method: RouteMethod | str,
    actor: Actor,
    purpose: Purpose | str,
    office: str = "",
    care_of_name: str = "",
    care_of_address: str = "",
    email: str = "",
    phone: str = "",
    representative: Representative | None = None,
) -> CorrespondenceRoute:
    """Make this the way to reach the person from now on; the route it replaces is ended, not deleted."""
    now = timezone.now()
    previous = CorrespondenceRoute.objects.select_for_update().filter(person=person, ended_at__isnull=True).first()
    if previous is not None:
        previous.ended_at = now
        previous.save(update_fields=["ended_at"])
    route = CorrespondenceRoute(
        person=person,
        method=method,
        office=office.strip(),
        care_of_name=care_of_name.strip(),
        care_of_address=care_of_address.strip(),
        email=normalise_email(email) if email.strip() else "",
        phone=normalise_phone(phone) if phone.strip() else "",
        representative=representative,
        recorded_by_label=actor.label,
        recorded_at=now,
    )
    route.full_clean()
    route.save()
    audit_event_record(
        actor=actor,
        purpose=purpose,
        action=AuditAction.CREATE,
        object_type=ROUTE_OBJECT_TYPE,
        object_id=route.pk,
        subject_person_id=person.pk,
        changes={"method": [previous.method if previous else None, route.method]},
    )
    return route


@transaction.atomic
def local_connection_declare(
    *, person: Person, place: str, declared_on: dt.date, actor: Actor, purpose: Purpose | str, ward: str = ""
) -> LocalConnection:
    """Record a declaration of local connection for the electoral register; it lasts 12 months."""
    declaration = LocalConnection(
        person=person,
        place=place.strip(),
        ward=ward.strip(),
        declared_on=declared_on,
        expires_on=declared_on + LOCAL_CONNECTION_LASTS,
        recorded_by_label=actor.label,
    )
    declaration.full_clean()
    declaration.save()
    audit_event_record(
        actor=actor,
        purpose=purpose,
        action=AuditAction.CREATE,
        object_type=LOCAL_CONNECTION_OBJECT_TYPE,
        object_id=declaration.pk,
        subject_person_id=person.pk,
        changes={"place": [None, declaration.place], "declared_on": [None, declared_on.isoformat()]},
    )
    return declaration
