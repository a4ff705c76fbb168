"""/api/v1/people/{id}/adjustments, /needs and /letter-route. Audited with the stated purpose; needs only for
casework or a privacy review and with a reason for access in the X-Tellus-Reason header."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Path, Router, Schema
from ninja.errors import HttpError

from tellus.common.api_errors import documented_errors
from tellus.common.numbers import ApiId
from tellus.people.models import Person
from tellus.privacy.purposes import PURPOSE_PARAMETER, purpose_of
from tellus.privacy.services import Actor

from .selectors import ReasonNeeded, adjustments_for_staff, letter_route_for_staff, needs_for_staff

router = Router(tags=["inclusion"])

REASON_HEADER = "X-Tellus-Reason"
REASON_PARAMETER = {
    "name": REASON_HEADER,
    "in": "header",
    "required": True,
    "description": "Why you need to see this person's needs, in a sentence; written on the audit entry.",
    "schema": {"type": "string", "minLength": 10, "maxLength": 500},
}


class PersonIdIn(Schema):
    person_id: ApiId


class AdjustmentsOut(Schema):
    person_id: int
    adjustments: list[str]


class AdjustmentOut(Schema):
    kind: str
    words: str
    ended_at: dt.datetime | None


class NeedOut(Schema):
    id: int
    driver: str
    need: str
    need_label: str
    language: str
    permanence: str
    review_on: dt.date
    source: str
    lawful_basis: str
    recorded_by: str
    recorded_at: dt.datetime
    ended_at: dt.datetime | None
    adjustments: list[AdjustmentOut]


class NeedsOut(Schema):
    person_id: int
    needs: list[NeedOut]


class LetterRouteOut(Schema):
    person_id: int
    kind: str
    description: str
    recipient: str
    address: str
    email: str
    phone: str
    representative_id: int | None


def _exists(person_id: int) -> None:
    if not Person.objects.filter(pk=person_id).exists():
        raise Http404("There is no person with that number.")


@router.get(
    "/{person_id}/adjustments",
    response={200: AdjustmentsOut, **documented_errors(400, 404)},
    openapi_extra={"parameters": [PURPOSE_PARAMETER]},
    summary="The adjustments to make for a person, without the needs behind them (audited)",
)
def person_adjustments(request: HttpRequest, path: Path[PersonIdIn]) -> AdjustmentsOut:
    if not request.user.has_perms(("people.view_person", "inclusion.view_adjustment")):
        raise PermissionDenied("Your role does not allow seeing a person's adjustments.")
    purpose = purpose_of(request)
    _exists(path.person_id)
    found = adjustments_for_staff(actor=Actor.for_user(request.user), purpose=purpose, person_ids=[path.person_id])
    return AdjustmentsOut(person_id=path.person_id, adjustments=found.get(path.person_id, []))


@router.get(
    "/{person_id}/needs",
    response={200: NeedsOut, **documented_errors(400, 404)},
    openapi_extra={"parameters": [PURPOSE_PARAMETER, REASON_PARAMETER]},
    summary="A person's support needs (FCA drivers), for casework or a privacy review, with a reason (audited)",
)
def person_needs(request: HttpRequest, path: Path[PersonIdIn]) -> NeedsOut:
    if not request.user.has_perms(("people.view_person", "inclusion.view_supportneed")):
        raise PermissionDenied("Your role does not allow seeing a person's needs.")
    purpose = purpose_of(request)
    _exists(path.person_id)
    try:
        needs = needs_for_staff(
            actor=Actor.for_user(request.user),
            purpose=purpose,
            person_id=path.person_id,
            reason=request.headers.get(REASON_HEADER, ""),
        )
    except ReasonNeeded:
        raise HttpError(
            400, f"Send the reason you need to see this person's needs in the {REASON_HEADER} header."
        ) from None
    return NeedsOut(
        person_id=path.person_id,
        needs=[
            NeedOut(
                id=need.pk,
                driver=need.driver,
                need=need.need,
                need_label=str(need.get_need_display()),
                language=need.language,
                permanence=need.permanence,
                review_on=need.review_on,
                source=need.source,
                lawful_basis=need.lawful_basis,
                recorded_by=need.recorded_by_label,
                recorded_at=need.recorded_at,
                ended_at=need.ended_at,
                adjustments=[
                    AdjustmentOut(kind=item.kind, words=item.words(), ended_at=item.ended_at)
                    for item in need.adjustments.all()
                ],
            )
            for need in needs
        ],
    )


@router.get(
    "/{person_id}/letter-route",
    response={200: LetterRouteOut, **documented_errors(400, 404)},
    openapi_extra={"parameters": [PURPOSE_PARAMETER]},
    summary="Where a letter for this person goes today: nowhere, a representative, an office, care of, home (audited)",
)
def person_letter_route(request: HttpRequest, path: Path[PersonIdIn]) -> LetterRouteOut:
    if not request.user.has_perms(("people.view_person", "inclusion.view_correspondenceroute")):
        raise PermissionDenied("Your role does not allow seeing how a person is reached.")
    purpose = purpose_of(request)
    _exists(path.person_id)
    route = letter_route_for_staff(actor=Actor.for_user(request.user), purpose=purpose, person_id=path.person_id)
    return LetterRouteOut(
        person_id=path.person_id,
        kind=route.kind,
        description=str(route.description),
        recipient=route.recipient,
        address=route.address,
        email=route.email,
        phone=route.phone,
        representative_id=route.representative_id,
    )
