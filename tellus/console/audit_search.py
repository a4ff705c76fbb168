"""The audit log as a privacy officer searches it: filtered by person, member of staff, action, purpose and date,
in plain words ("split a record off", "viewed a person"), a page at a time or all of it as CSV.

Reading the log is itself a privacy review and is recorded: one VIEW entry on the audit log for each page or export,
saying which filters were used.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tellus.privacy.models import AUDIT_LOG_OBJECT_TYPE, AuditAction, AuditEvent, Purpose
from tellus.privacy.services import Actor, audit_event_record

# What an entry's object is, in words.
OBJECTS = {
    "people.person": "a person",
    "people.sourcerecord": "a source record",
    "people.occupancy": "an address history entry",
    "people.property": "a property",
    "people.sourcesystem": "a source system",
    "linkage.candidatepair": "a pair of records in the review queue",
    "capacities.personcapacity": "a person's capacities",
    "privacy.auditevent": "the audit log",
    "privacy.user": "a staff account",
    "demand.contact": "a contact",
    "demand.need": "a need",
}
ACTIONS = {
    AuditAction.VIEW: "viewed",
    AuditAction.SEARCH: "searched for",
    AuditAction.LISTED: "was shown in search results:",
    AuditAction.CREATE: "created",
    AuditAction.UPDATE: "changed",
    AuditAction.DELETE: "deleted",
}
# Actions staff filter by: the plain ones, and merges and splits, which are changes recognised by their context.
FILTER_ACTIONS = {
    "viewed": "Viewed a person or their records",
    "listed": "Shown in search results",
    "searched": "Searched for people",
    "changed": "Created or changed something",
    "split": "Split a record off, or undid a split",
    "merge": "Merged people, or undid a merge",
    "sign_in": "Signed in, failed or was locked out",
}


def describe(event: AuditEvent) -> str:
    """One entry in plain words, merges and splits named as such."""
    context = event.context or {}
    changes = event.changes or {}
    if "split_undone" in context:
        return "undid a split: a record went back to the person it was split from"
    if "split" in context and event.object_type == "people.sourcerecord":
        return "split a record off a person"
    if "merge_undone" in context:
        return "undid a merge of two people"
    if "merge" in context and "merged_into_id" in changes:
        return "merged a person into another"
    if "merge" in context and "absorbed" in changes:
        return "merged another person into this one"
    if "shown_on_page_of" in context:
        return f"viewed a person (shown on the page of person {context['shown_on_page_of']}, as {context.get('as')})"
    what = OBJECTS.get(event.object_type, event.object_type.split(".")[-1])
    if event.action == AuditAction.LISTED:
        return "a person was shown in search results"
    if event.action == AuditAction.SEARCH:
        read = context.get("read_as") or ([context["query"]] if context.get("query") else [])
        return "searched for people" + (f" ({'; '.join(str(r) for r in read)})" if read else "")
    verb = ACTIONS.get(AuditAction(event.action), event.get_action_display().lower()) if event.action in ACTIONS else ""
    if not verb:
        return str(event.get_action_display()).lower()
    return f"{verb} {what}"


@dataclass(frozen=True)
class AuditFilters:
    person: int | None = None
    staff: str = ""
    action: str = ""
    purpose: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def as_context(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.__dict__.items() if v}


def _filtered(filters: AuditFilters) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor").order_by("-occurred_at", "-id")
    if filters.person is not None:
        events = events.filter(subject_person_id=filters.person)
    if filters.staff:
        events = events.filter(actor_label=filters.staff)
    if filters.purpose:
        events = events.filter(purpose=filters.purpose)
    if filters.date_from:
        start = timezone.make_aware(dt.datetime.combine(filters.date_from, dt.time.min))
        events = events.filter(occurred_at__gte=start)
    if filters.date_to:
        end = timezone.make_aware(dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min))
        events = events.filter(occurred_at__lt=end)
    action = filters.action
    if action == "viewed":
        events = events.filter(action=AuditAction.VIEW, object_type="people.person")
    elif action == "listed":
        events = events.filter(action=AuditAction.LISTED)
    elif action == "searched":
        events = events.filter(action=AuditAction.SEARCH)
    elif action == "changed":
        events = events.filter(action__in=[AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE])
    elif action == "split":
        events = events.filter(object_type="people.sourcerecord", action=AuditAction.UPDATE).filter(
            context__has_any_keys=["split", "split_undone"]
        )
    elif action == "merge":
        events = events.filter(object_type="people.person", action=AuditAction.UPDATE).filter(
            context__has_any_keys=["merge", "merge_undone"]
        )
    elif action == "sign_in":
        events = events.filter(action__in=[AuditAction.SIGN_IN, AuditAction.SIGN_IN_FAILED, AuditAction.LOCKED_OUT])
    return events


def _record_reading(actor: Actor, filters: AuditFilters, *, how: str, count: int) -> None:
    audit_event_record(
        actor=actor,
        purpose=Purpose.PRIVACY_REVIEW,
        action=AuditAction.VIEW,
        object_type=AUDIT_LOG_OBJECT_TYPE,
        object_id="",
        subject_person_id=filters.person,
        context={"filters": filters.as_context(), "as": how, "result_count": count},
    )


def audit_search(
    *, actor: Actor, filters: AuditFilters, page: int | str | None = 1, page_size: int = 50
) -> Page[AuditEvent]:
    with transaction.atomic():
        paginator = Paginator(_filtered(filters), page_size)
        shown = paginator.get_page(page)
        events = list(shown.object_list)
        _record_reading(actor, filters, how="page", count=paginator.count)
    return Page(events, shown.number, paginator)


CSV_COLUMNS = ["when", "member of staff", "what they did", "person", "purpose", "request id"]


def audit_csv(*, actor: Actor, filters: AuditFilters) -> Iterator[str]:
    """Every entry the filters find, as CSV text in chunks (written as it is read, so a large export streams)."""
    with transaction.atomic():
        _record_reading(actor, filters, how="csv export", count=_filtered(filters).count())
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for event in _filtered(filters).iterator(chunk_size=2000):
        writer.writerow(
            [
                timezone.localtime(event.occurred_at).isoformat(timespec="seconds"),
                event.actor_label,
                describe(event),
                event.subject_person_id or "",
                event.get_purpose_display(),
                event.request_id,
            ]
        )
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
