"""Everything the council holds about one person, as plain rows, and the zip a subject access request is answered
with: JSON and a CSV per kind of row, plus a summary to read in a browser. Plain functions over rows; the service in
services.py audits and records the export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string

from tellus.capacities.models import CAPACITY_MEANINGS, PersonCapacity
from tellus.demand.models import Contact, Need, NeedEvent
from tellus.people.audit_trail import audit_events_about_person
from tellus.people.models import Occupancy, Person, SourceRecord, SourceRecordVersion
from tellus.privacy.models import AuditEvent

from .consents import consent_rows
from .corrections import correction_rows

SECTIONS = (
    "source_records",
    "earlier_versions",
    "addresses",
    "capacities",
    "contacts",
    "needs",
    "need_events",
    "consents",
    "corrections",
    "audit_entries",
)

# Sections from apps above this one (the portal's resident accounts), passed down as functions of the person's id so
# that this app imports none of them. Registered in those apps' AppConfig.ready().
EXTRA_SECTIONS: dict[str, Callable[[int], list[dict[str, Any]]]] = {}


@dataclass
class SubjectData:
    person: dict[str, Any]
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    withheld: dict[str, int] = field(default_factory=dict)  # exemption -> how many audit entries

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.sections.items()}


def _audit_rows(person_id: int) -> tuple[list[dict[str, Any]], dict[str, int]]:
    exemptions: dict[str, str] = settings.TELLUS_PORTAL_EXEMPT_PURPOSES
    rows: list[dict[str, Any]] = []
    withheld: dict[str, int] = {}
    events = audit_events_about_person(person_id).select_related("actor").order_by("occurred_at", "id")
    for event in events.iterator(chunk_size=2000):
        if event.purpose in exemptions:
            withheld[exemptions[event.purpose]] = withheld.get(exemptions[event.purpose], 0) + 1
            continue
        rows.append(_audit_row(event))
    return rows, withheld


def _audit_row(event: AuditEvent) -> dict[str, Any]:
    staff = event.actor_id is not None
    show_name = settings.TELLUS_PORTAL_SHOW_OFFICER_NAMES
    return {
        "occurred_at": event.occurred_at,
        "by": (event.actor_label if show_name else "member of staff") if staff else event.actor_label,
        "team": event.actor.team if event.actor is not None else "",
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "purpose": event.purpose,
        "changes": event.changes,
    }


def subject_data(person_id: int) -> SubjectData:
    """Every row about the person. Raises Person.DoesNotExist for no such person."""
    person = Person.objects.get(pk=person_id)
    records = SourceRecord.objects.filter(person=person).select_related("source_system").order_by("id")
    needs = Need.objects.filter(person=person).select_related("service").order_by("opened_at", "id")
    audit, withheld = _audit_rows(person.pk)
    sections = {
        "source_records": [
            {
                "system": r.source_system.title,
                "owning_team": r.source_system.owning_team,
                "reference": r.source_key,
                "first_name": r.first_name,
                "last_name": r.last_name,
                "date_of_birth": r.date_of_birth,
                "address": r.address,
                "postcode": r.postcode,
                "email": r.email,
                "phone": r.phone,
                "valid_from": r.valid_from,
                "valid_to": r.valid_to,
                "as_received": r.raw,
            }
            for r in records
        ],
        "earlier_versions": [
            {"reference": v.record.source_key, "as_received": v.raw, "until": v.superseded_at}
            for v in SourceRecordVersion.objects.filter(record__person=person).select_related("record")
        ],
        "addresses": [
            {"address": o.property.one_line(), "from": o.date_from, "to": o.date_to}
            for o in Occupancy.objects.filter(person=person).select_related("property").order_by("date_from")
        ],
        "capacities": [
            {
                "capacity": c.capacity,
                "meaning": str(CAPACITY_MEANINGS.get(c.capacity, "")),
                "from": c.valid_from,
                "to": c.valid_to,
                "service": c.service_code,
            }
            for c in PersonCapacity.objects.filter(person=person).order_by("valid_from", "id")
        ],
        "contacts": [
            {
                "occurred_at": c.occurred_at,
                "channel": c.channel,
                "your_words": c.words,
                "capacity": c.capacity,
                "service": c.service.name if c.service else "",
                "need": c.need.summary,
                "handed_to": c.handed_off_to,
            }
            for c in Contact.objects.filter(person=person).select_related("service", "need").order_by("occurred_at")
        ],
        "needs": [
            {
                "summary": n.summary,
                "service": n.service.name if n.service else "",
                "status": n.status,
                "opened_at": n.opened_at,
                "met_at": n.met_at,
                "closed_at": n.closed_at,
                "held_by": n.holder_team,
            }
            for n in needs
        ],
        "need_events": [
            {
                "need": e.need.summary,
                "kind": e.kind,
                "occurred_at": e.occurred_at,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "to_team": e.to_team,
                "note": e.note,
            }
            for e in NeedEvent.objects.filter(need__person=person).select_related("need").order_by("occurred_at")
        ],
        "consents": consent_rows(person.pk),
        "corrections": correction_rows(person.pk),
        "audit_entries": audit,
    }
    for name, rows_for in EXTRA_SECTIONS.items():
        sections[name] = rows_for(person.pk)
    about = {"name": person.display_name, "date_of_birth": person.date_of_birth, "council_id": person.pk}
    return SubjectData(person=about, sections=sections, withheld=withheld)


def _cell(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def subject_zip(data: SubjectData, *, produced_at: dt.datetime) -> bytes:
    buffer = io.BytesIO()
    document = {"person": data.person, "produced_at": produced_at, "withheld": data.withheld, **data.sections}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("your-data.json", json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1))
        for name in data.sections:
            archive.writestr(f"csv/{name}.csv", _csv(data.sections[name]))
        summary = render_to_string(
            "rights/sar_summary.html", {"data": data, "produced_at": produced_at, "counts": data.counts()}
        )
        archive.writestr("summary.html", summary)
    return buffer.getvalue()
