"""/api/v1/people/{id}/capacities: in which capacities the council deals with a person. Audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Path, Router, Schema

from tellus.common.api_errors import documented_errors
from tellus.common.numbers import ApiId
from tellus.people.models import Person
from tellus.privacy.purposes import PURPOSE_PARAMETER, purpose_of
from tellus.privacy.services import Actor

from .dealing_with import person_dealing_with

router = Router(tags=["capacities"])

NEEDED = ("people.view_person", "capacities.view_personcapacity")


class PersonIdIn(Schema):
    person_id: ApiId


class EvidenceOut(Schema):
    system: str
    source_key: str
    record_id: int


class PeriodOut(Schema):
    capacity: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    rule: str
    service_code: str
    property: str
    evidence: list[EvidenceOut]


class CurrentOut(Schema):
    capacity: str
    meaning: str
    since: dt.date | None


class ServiceUsedOut(Schema):
    code: str
    name: str
    last_seen: dt.date | None


class CapacityRightsOut(Schema):
    capacity: str
    service: str
    may: list[str]
    must: list[str]


class PersonCapacitiesOut(Schema):
    person_id: int
    display_name: str
    as_of: dt.date
    current: list[CurrentOut]
    history: list[PeriodOut]
    services_used_last_12_months: list[ServiceUsedOut]
    rights_and_responsibilities: list[CapacityRightsOut]


@router.get(
    "/{person_id}/capacities",
    response={200: PersonCapacitiesOut, **documented_errors(400, 404)},
    openapi_extra={"parameters": [PURPOSE_PARAMETER]},
    summary="Who are we dealing with: a person's capacities, evidence, services used and rights (audited)",
)
def person_capacities(request: HttpRequest, path: Path[PersonIdIn]) -> PersonCapacitiesOut:
    if not request.user.has_perms(NEEDED):
        raise PermissionDenied("Your role does not allow seeing a person's capacities.")
    purpose = purpose_of(request)
    try:
        view = person_dealing_with(actor=Actor.for_user(request.user), purpose=purpose, person_id=path.person_id)
    except Person.DoesNotExist:
        raise Http404("There is no person with that number.") from None
    return PersonCapacitiesOut(
        person_id=view.person.pk,
        display_name=view.person.display_name,
        as_of=view.on,
        current=[CurrentOut(capacity=c.capacity, meaning=c.meaning, since=c.since) for c in view.current],
        history=[
            PeriodOut(
                capacity=p.capacity,
                valid_from=p.valid_from,
                valid_to=p.valid_to,
                rule=p.rule,
                service_code=p.service_code,
                property=p.property_label,
                evidence=[
                    EvidenceOut(system=e.system_title, source_key=e.source_key, record_id=e.record_id)
                    for e in p.evidence
                ],
            )
            for p in view.history
        ],
        services_used_last_12_months=[
            ServiceUsedOut(code=s.code, name=s.name, last_seen=s.last_seen) for s in view.services_used
        ],
        rights_and_responsibilities=[
            CapacityRightsOut(capacity=r.capacity, service=r.service_name, may=r.may, must=r.must) for r in view.rights
        ],
    )
