"""/api/v1/people/{id}/consents: a person's consent records, for staff. Audited with the stated purpose."""

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

from .consents import consents_for_staff

router = Router(tags=["consents"])

NEEDED = ("people.view_person", "rights.view_consentrecord")


class PersonIdIn(Schema):
    person_id: ApiId


class ConsentOut(Schema):
    id: int
    purpose: str
    purpose_title: str
    dpv_purpose: str
    lawful_basis: str
    notice_version: str
    given_at: dt.datetime
    given_by: str
    given_by_label: str
    withdrawn_at: dt.datetime | None
    withdrawn_by: str
    withdrawn_by_label: str
    state: str


class PersonConsentsOut(Schema):
    person_id: int
    consents: list[ConsentOut]


@router.get(
    "/{person_id}/consents",
    response={200: PersonConsentsOut, **documented_errors(400, 404)},
    openapi_extra={"parameters": [PURPOSE_PARAMETER]},
    summary="A person's consents (DPV / ISO/IEC 27560 fields), given and withdrawn, newest first (audited)",
)
def person_consents(request: HttpRequest, path: Path[PersonIdIn]) -> PersonConsentsOut:
    if not request.user.has_perms(NEEDED):
        raise PermissionDenied("Your role does not allow seeing a person's consents.")
    purpose = purpose_of(request)
    try:
        records = consents_for_staff(actor=Actor.for_user(request.user), purpose=purpose, person_id=path.person_id)
    except Person.DoesNotExist:
        raise Http404("There is no person with that number.") from None
    return PersonConsentsOut(
        person_id=path.person_id,
        consents=[
            ConsentOut(
                id=r.pk,
                purpose=r.purpose.code,
                purpose_title=r.purpose.title,
                dpv_purpose=r.purpose.dpv_purpose,
                lawful_basis=r.lawful_basis,
                notice_version=r.notice_version,
                given_at=r.given_at,
                given_by=r.given_by,
                given_by_label=r.given_by_label,
                withdrawn_at=r.withdrawn_at,
                withdrawn_by=r.withdrawn_by,
                withdrawn_by_label=r.withdrawn_by_label,
                state="given" if r.is_current else "withdrawn",
            )
            for r in records
        ],
    )
