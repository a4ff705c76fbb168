"""The one output shape of each Open311 resource, as plain structures for render.py. Codes and ids are strings;
booleans are booleans; datetimes are W3C with an offset, in UTC."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from tellus.catalogue.models import Service
from tellus.demand.models import NeedEvent

from .models import ServiceRequest, ServiceRequestUpdate
from .statuses import OUTGOING, request_status


def w3c(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def service_dict(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.description,
        "metadata": any(a.variable for a in service.attributes.all()),
        "type": service.open311_type,
        "keywords": ", ".join(str(k) for k in service.open311_keywords or []),
        "group": service.open311_group or service.group,
    }


def definition_dict(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "attributes": [
            {
                "variable": attribute.variable,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": attribute.required,
                "datatype_description": attribute.datatype_description,
                "order": attribute.order,
                "description": attribute.description,
                **(
                    {"values": [{"key": str(v["key"]), "name": str(v["name"])} for v in attribute.values]}
                    if attribute.values
                    else {}
                ),
            }
            for attribute in service.attributes.all()
        ],
    }


def service_notice(request: ServiceRequest) -> str:
    return _("Passed to %(team)s.") % {"team": request.service.responsible_team}


def request_dict(request: ServiceRequest) -> dict[str, Any]:
    need = request.need
    assert need is not None
    return {
        "service_request_id": request.service_request_id,
        "status": request_status(need.status),
        "status_notes": getattr(request, "status_notes", None) or None,
        "service_name": request.service.name,
        "service_code": request.service.code,
        "description": request.contact.words if request.contact is not None else None,
        "agency_responsible": need.holder_team or None,
        "service_notice": service_notice(request),
        "requested_datetime": w3c(request.requested_datetime),
        "updated_datetime": w3c(need.updated_at),
        "expected_datetime": None,
        "address": request.address_string or None,
        "address_id": request.address_id or None,
        "zipcode": None,
        "lat": request.lat,
        "long": request.long,
        "media_url": request.media_url or None,
    }


def created_dict(request: ServiceRequest) -> dict[str, Any]:
    """The POST requests answer. account_id is left out: Tellus does not give clients its people's ids."""
    body: dict[str, Any] = {}
    if request.service.open311_type == Service.Open311Type.REALTIME:
        body["service_request_id"] = request.service_request_id
    elif request.service.open311_type == Service.Open311Type.BATCH:
        body["token"] = request.token
    body["service_notice"] = service_notice(request)
    return body


def token_dict(request: ServiceRequest) -> dict[str, Any]:
    return {"service_request_id": request.service_request_id, "token": request.token}


def council_update_dict(event: NeedEvent) -> dict[str, Any]:
    """One council update. Its description carries the event's note only when staff made the note public."""
    request: ServiceRequest = event.need.open311_request
    if event.kind == NeedEvent.Kind.HANDOFF:
        status = "in_progress"  # passing a need to another team is work on it, not a change of its status
        description = _("Passed to %(team)s.") % {"team": event.to_team}
        if event.public_note:
            description = f"{description} {event.public_note}"
        code = "handoff"
    else:
        status = OUTGOING[event.to_status]
        description = event.public_note
        code = event.to_status
    return {
        "update_id": f"e{event.pk}",
        "service_request_id": request.service_request_id,
        "status": status,
        "updated_datetime": w3c(event.occurred_at),
        "description": description,
        "media_url": "",
        "external_status_code": code,
    }


def posted_update_dict(update: ServiceRequestUpdate) -> dict[str, Any]:
    return {"update_id": f"u{update.pk}"}
