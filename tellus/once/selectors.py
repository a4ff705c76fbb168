"""Reads of Tell us once. Residents read their own reports (the portal passes the person their account is tied
to); staff reads of a person's reports or of the dead-letter list are audited with a purpose."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Prefetch, QuerySet

from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_event_record, audit_events_record

from .models import (
    CHANGE_OBJECT_TYPE,
    DELIVERY_OBJECT_TYPE,
    ChangeReport,
    Delivery,
    ShareChoice,
    Subscriber,
    field_label,
)


@dataclass(frozen=True)
class ChoiceView:
    choice: ShareChoice
    fields: list[tuple[str, Any]]  # (label, value)


def _reports(person_ids: list[int]) -> QuerySet[ChangeReport]:
    return (
        ChangeReport.objects.filter(person_id__in=person_ids)
        .select_related("person")
        .prefetch_related(
            Prefetch("deliveries", queryset=Delivery.objects.select_related("subscriber")),
            Prefetch("choices", queryset=ShareChoice.objects.select_related("subscriber")),
        )
    )


def reports_by_reporter(*, reporter_label: str) -> list[ChangeReport]:
    """What one portal account has reported, about themself or anyone else, newest first."""
    return list(
        ChangeReport.objects.filter(reporter_label=reporter_label)
        .select_related("person")
        .prefetch_related(Prefetch("deliveries", queryset=Delivery.objects.select_related("subscriber")))
    )


def report_for_reporter(*, report_id: int, reporter_label: str) -> ChangeReport | None:
    return (
        ChangeReport.objects.filter(pk=report_id, reporter_label=reporter_label)
        .select_related("person")
        .prefetch_related(
            Prefetch("deliveries", queryset=Delivery.objects.select_related("subscriber")),
            Prefetch("choices", queryset=ShareChoice.objects.select_related("subscriber")),
        )
        .first()
    )


def preview(report: ChangeReport) -> list[ChoiceView]:
    """Each service with exactly the fields, and their values, that would be shared."""
    from .services import facts_of

    facts = facts_of(report)
    return [
        ChoiceView(choice=c, fields=[(field_label(name), facts.get(name)) for name in c.fields])
        for c in report.choices.all()
    ]


@transaction.atomic
def reports_for_staff(*, actor: Actor, purpose: Purpose | str, person_id: int) -> list[ChangeReport]:
    """Every change reported about a person with its deliveries, for staff: one VIEW entry."""
    reports = list(_reports([person_id]))
    audit_event_record(
        actor=actor,
        purpose=purpose,
        action=AuditAction.VIEW,
        object_type=CHANGE_OBJECT_TYPE,
        subject_person_id=person_id,
        context={"reports": len(reports)},
    )
    return reports


@transaction.atomic
def report_for_staff(*, actor: Actor, purpose: Purpose | str, report_id: int) -> ChangeReport:
    report = ChangeReport.objects.select_related("person").get(pk=report_id)
    audit_event_record(
        actor=actor,
        purpose=purpose,
        action=AuditAction.VIEW,
        object_type=CHANGE_OBJECT_TYPE,
        object_id=report.pk,
        subject_person_id=report.person_id,
    )
    return report


@transaction.atomic
def dead_letters_for_staff(*, actor: Actor, purpose: Purpose | str, limit: int = 200) -> list[Delivery]:
    """Deliveries that gave up, newest first; each person listed gets a LISTED entry."""
    rows = list(
        Delivery.objects.filter(dead_lettered_at__isnull=False)
        .select_related("subscriber", "report", "report__person")
        .order_by("-dead_lettered_at")[:limit]
    )
    audit_events_record(
        actor=actor,
        purpose=purpose,
        entries=(
            AuditEntry(
                action=AuditAction.LISTED,
                object_type=DELIVERY_OBJECT_TYPE,
                object_id=str(d.pk),
                subject_person_id=d.report.person_id,
                context={"list": "dead letters"},
            )
            for d in rows
        ),
    )
    return rows


def delivery_counts() -> dict[str, int]:
    """How many deliveries are in each state (no personal data)."""
    counts = {row["status"]: row["n"] for row in Delivery.objects.values("status").annotate(n=Count("id"))}
    counts["dead_lettered"] = Delivery.objects.filter(dead_lettered_at__isnull=False).count()
    return counts


def subscribers() -> list[Subscriber]:
    return list(Subscriber.objects.select_related("source_system").prefetch_related("rules"))


def share_choice_rows(person_id: int) -> list[dict[str, Any]]:
    """For a subject access copy: every choice made about sharing this person's change (consent-shaped)."""
    return [
        {
            "change": c.report.get_event_type_display(),
            "service": c.subscriber.name,
            "fields": ", ".join(c.fields),
            "purpose": c.purpose,
            "agreed": c.agreed,
            "notice_version": c.notice_version,
            "chosen_at": c.chosen_at,
            "chosen_by": c.chosen_by,
            "chosen_by_label": c.chosen_by_label,
        }
        for c in ShareChoice.objects.filter(report__person_id=person_id).select_related("report", "subscriber")
    ]


def delivery_rows(person_id: int) -> list[dict[str, Any]]:
    return [
        {
            "change": d.report.get_event_type_display(),
            "service": d.subscriber.name,
            "status": d.status,
            "fields_sent": ", ".join(sorted(d.payload.get("data", {}))),
            "created_at": d.created_at,
            "sent_at": d.sent_at,
            "received_at": d.received_at,
            "actioned_at": d.actioned_at,
        }
        for d in Delivery.objects.filter(report__person_id=person_id).select_related("report", "subscriber")
    ]


def people_reporter_may_name(*, reporter_person_id: int, event_type: str) -> list[tuple[int, str]]:
    """The people a resident may report this change for: themself (not for a death), those they act for, and for a
    death those they represent in any way or share a household with. Names only: the resident sees nothing more."""
    import datetime as dt

    from django.db.models import Q

    from tellus.people.models import Person, Representative

    from .models import EventType
    from .services import may_report_for

    today = dt.date.today()
    candidates: set[int] = set()
    if event_type != EventType.DEATH:
        candidates.add(reporter_person_id)
    represented = Representative.objects.filter(
        representative_person_id=reporter_person_id, starts_on__lte=today
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    candidates |= set(represented.values_list("person_id", flat=True))
    if event_type == EventType.DEATH:
        candidates |= set(
            Person.objects.filter(households__members__pk=reporter_person_id)
            .exclude(pk=reporter_person_id)
            .values_list("pk", flat=True)
        )
    people = Person.objects.filter(pk__in=candidates, merged_into__isnull=True).order_by("display_name")
    return [
        (p.pk, p.display_name)
        for p in people
        if may_report_for(reporter_person_id=reporter_person_id, person_id=p.pk, event_type=event_type)
    ]
