"""/api/v1/services: the service catalogue, and one service with its attributes and customer list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Path, Query, Router, Schema

from tellus.common.api_errors import documented_errors

from .models import Service
from .selectors import customer_list, service_get, services_list

router = Router(tags=["services"])

VIEW = "catalogue.view_service"


class ServiceListIn(Schema):
    group: str = ""
    q: str = ""


class ServiceCodeIn(Schema):
    code: str


class PublicnessOut(Schema):
    value: int
    funding: int
    ownership: int
    political_control: int


class ServiceSummaryOut(Schema):
    code: str
    name: str
    group: str
    description: str
    purpose: str
    funding_model: str
    state_authority: str
    value_publicness: int


class ServiceListOut(Schema):
    count: int
    services: list[ServiceSummaryOut]


class AttributeValueOut(Schema):
    key: str
    name: str


class AttributeOut(Schema):
    code: str
    variable: bool
    datatype: str
    required: bool
    order: int
    description: str
    datatype_description: str
    values: list[AttributeValueOut]


class Open311Out(Schema):
    enabled: bool
    type: str
    keywords: list[str]
    group: str
    metadata: bool
    attributes: list[AttributeOut]


class CustomerGroupOut(Schema):
    kind: str
    name: str
    description: str
    internal: bool
    segment: str
    people_now: int | None


class ConsiderationOut(Schema):
    title: str
    text: str


class ServiceRightsOut(Schema):
    capacity: str
    may: list[str]
    must: list[str]


class ServiceDetailOut(Schema):
    code: str
    name: str
    group: str
    description: str
    purpose: str
    what_matters: list[str]
    publicness: PublicnessOut
    funding_model: str
    state_authority: str
    eligible_capacities: list[str]
    unit_cost: Decimal | None
    unit: str
    responsible_team: str
    open311: Open311Out
    customer_list_as_of: dt.date
    customer_list: list[CustomerGroupOut]
    community_considerations: list[ConsiderationOut]
    rights_and_responsibilities: list[ServiceRightsOut]


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm(VIEW):
        raise PermissionDenied("Your role does not allow reading the service catalogue.")


def _summary(service: Service) -> ServiceSummaryOut:
    return ServiceSummaryOut(
        code=service.code,
        name=service.name,
        group=service.group,
        description=service.description,
        purpose=service.purpose,
        funding_model=service.funding_model,
        state_authority=service.state_authority,
        value_publicness=service.value_publicness,
    )


@router.get("", response={200: ServiceListOut, **documented_errors()}, summary="List the services in the catalogue")
def list_services(request: HttpRequest, filters: Query[ServiceListIn]) -> ServiceListOut:
    _require(request)
    services = [_summary(s) for s in services_list(group=filters.group, query=filters.q)]
    return ServiceListOut(count=len(services), services=services)


@router.get(
    "/{code}",
    response={200: ServiceDetailOut, **documented_errors(404)},
    summary="One service, with its Open311 definition and customer list",
)
def get_service(request: HttpRequest, path: Path[ServiceCodeIn]) -> ServiceDetailOut:
    _require(request)
    try:
        service = service_get(path.code)
    except Service.DoesNotExist:
        raise Http404(f"There is no service with code {path.code!r}.") from None
    listing = customer_list(service)
    attributes = [
        AttributeOut(
            code=a.code,
            variable=a.variable,
            datatype=a.datatype,
            required=a.required,
            order=a.order,
            description=a.description,
            datatype_description=a.datatype_description,
            values=[AttributeValueOut(key=str(v["key"]), name=str(v["name"])) for v in a.values],
        )
        for a in service.attributes.all()
    ]
    return ServiceDetailOut(
        code=service.code,
        name=service.name,
        group=service.group,
        description=service.description,
        purpose=service.purpose,
        what_matters=list(service.what_matters),
        publicness=PublicnessOut(
            value=service.value_publicness,
            funding=service.funding_publicness,
            ownership=service.ownership_publicness,
            political_control=service.political_control_publicness,
        ),
        funding_model=service.funding_model,
        state_authority=service.state_authority,
        eligible_capacities=list(service.eligible_capacities),
        unit_cost=service.unit_cost,
        unit=service.unit,
        responsible_team=service.responsible_team,
        open311=Open311Out(
            enabled=service.open311_enabled,
            type=service.open311_type,
            keywords=list(service.open311_keywords),
            group=service.open311_group,
            metadata=bool(attributes),
            attributes=attributes,
        ),
        customer_list_as_of=listing.on,
        customer_list=[
            CustomerGroupOut(
                kind=section.kind,
                name=item.group.name,
                description=item.group.description,
                internal=item.group.internal,
                segment=item.group.segment_description(),
                people_now=item.count,
            )
            for section in listing.sections
            for item in section.groups
        ],
        community_considerations=[
            ConsiderationOut(title=c.title, text=c.text) for c in service.community_considerations.all()
        ],
        rights_and_responsibilities=[
            ServiceRightsOut(capacity=r.capacity, may=list(r.may), must=list(r.must))
            for r in service.rights_and_responsibilities.all()
        ],
    )
