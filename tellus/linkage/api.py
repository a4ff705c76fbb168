"""/api/v1/people/match: real-time matching at the front door. Audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field, model_validator

from tellus.catalogue.dealing_with_api import request_purpose
from tellus.privacy.services import Actor

from .matching import MatchDetails, MatchError, match_person

router = Router(tags=["people"])


class MatchIn(Schema):
    """Any subset of what is known about the person; at least a surname, date of birth, postcode, email or phone."""

    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    name: str = Field("", max_length=300, description="A full name, used when first and last names are not given.")
    date_of_birth: dt.date | None = None
    address: str = Field("", max_length=500)
    postcode: str = Field("", max_length=12)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    limit: int = Field(10, ge=1, le=50)

    @model_validator(mode="after")
    def date_of_birth_is_possible(self) -> MatchIn:
        if self.date_of_birth and not dt.date(1880, 1, 1) <= self.date_of_birth <= dt.date.today():
            raise ValueError("date_of_birth must be between 1880-01-01 and today")
        return self


class ReasonOut(Schema):
    comparison: str
    level: str
    weight: float


class CandidateOut(Schema):
    person_id: int
    display_name: str
    date_of_birth: dt.date | None
    probability: float
    match_weight: float
    best_record_system: str
    reasons: list[ReasonOut]


@router.post(
    "/match",
    response=list[CandidateOut],
    summary="Who is this? Candidate people for the details given, most likely first, with reasons (audited)",
)
def match(request: HttpRequest, payload: MatchIn) -> list[CandidateOut]:
    if not request.user.has_perm("people.view_person"):
        raise PermissionDenied("Your role does not allow finding people.")
    purpose = request_purpose(request)
    details = MatchDetails(**payload.model_dump(exclude={"limit"}))
    try:
        found = match_person(details, actor=Actor.for_user(request.user), purpose=purpose, limit=payload.limit)
    except MatchError as exc:
        raise HttpError(400, str(exc)) from exc
    return [
        CandidateOut(
            person_id=c.person_id,
            display_name=c.display_name,
            date_of_birth=c.date_of_birth,
            probability=round(c.probability, 6),
            match_weight=round(c.match_weight, 3),
            best_record_system=c.source_system,
            reasons=[ReasonOut(**reason) for reason in c.reasons],
        )
        for c in found
    ]
