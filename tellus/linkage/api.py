"""/api/v1/people/match: real-time matching at the front door. Audited.

Each candidate carries the adjustments to make for them (large print, interpreter: Arabic) when the caller's role
shows adjustments. Adjustments belong to `inclusion`, which stands above linkage, so linkage cannot import it:
inclusion connects a function here when it starts (`match_adjustments_connect`), as feedback does with demand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field, model_validator

from tellus.common.api_errors import documented_errors
from tellus.common.numbers import StrictInt
from tellus.privacy.purposes import PURPOSE_PARAMETER, purpose_of
from tellus.privacy.services import Actor

from .matching import MatchDetails, MatchError, match_person

router = Router(tags=["people"])

# (user, actor, purpose, person_ids) -> {person_id: [adjustment words]}; audited by whoever provides it.
AdjustmentsProvider = Callable[..., dict[int, list[str]]]
_adjustments_providers: list[AdjustmentsProvider] = []


def match_adjustments_connect(provider: AdjustmentsProvider) -> None:
    """Call `provider(user=…, actor=…, purpose=…, person_ids=…)` for the candidates of every match; what it
    returns is each candidate's `adjustments`."""
    if provider not in _adjustments_providers:
        _adjustments_providers.append(provider)


def _adjustments(**kwargs: Any) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for provider in _adjustments_providers:
        for person_id, words in provider(**kwargs).items():
            found.setdefault(person_id, []).extend(words)
    return found


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
    limit: StrictInt = Field(10, ge=1, le=50)

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
    adjustments: list[str] = Field(
        default_factory=list,
        description=(
            "What to do differently for this person (large print, interpreter: Arabic, call do not write), never "
            "the need behind it; empty when there are none or the caller's role does not show adjustments."
        ),
    )


@router.post(
    "/match",
    response={200: list[CandidateOut], **documented_errors(400)},
    openapi_extra={"parameters": [PURPOSE_PARAMETER]},
    summary="Who is this? Candidate people for the details given, most likely first, with reasons (audited)",
)
def match(request: HttpRequest, payload: MatchIn) -> list[CandidateOut]:
    if not request.user.has_perm("people.view_person"):
        raise PermissionDenied("Your role does not allow finding people.")
    purpose = purpose_of(request)
    details = MatchDetails(**payload.model_dump(exclude={"limit"}))
    actor = Actor.for_user(request.user)
    try:
        found = match_person(details, actor=actor, purpose=purpose, limit=payload.limit)
    except MatchError as exc:
        raise HttpError(400, str(exc)) from exc
    adjustments = _adjustments(user=request.user, actor=actor, purpose=purpose, person_ids=[c.person_id for c in found])
    return [
        CandidateOut(
            person_id=c.person_id,
            display_name=c.display_name,
            date_of_birth=c.date_of_birth,
            probability=round(c.probability, 6),
            match_weight=round(c.match_weight, 3),
            best_record_system=c.source_system,
            reasons=[ReasonOut(**reason) for reason in c.reasons],
            adjustments=adjustments.get(c.person_id, []),
        )
        for c in found
    ]
