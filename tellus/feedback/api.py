"""/api/v1/feedback: record and read complaints, compliments and comments, list overdue complaints and the themes,
and answer a post-transaction survey by its link's token. Reads of a person's feedback are audited."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Path, Router, Schema
from ninja.errors import HttpError

from tellus.catalogue.models import Service
from tellus.common.api_errors import documented_errors
from tellus.common.numbers import ApiId, StrictInt
from tellus.demand.models import Need
from tellus.people.models import Person
from tellus.privacy.purposes import PURPOSE_PARAMETER, purpose_of
from tellus.privacy.services import Actor

from .complaints import WORDS_LENGTH, complaints_overdue, due_date, feedback_record
from .models import COMMENT_LENGTH, Feedback
from .selectors import feedback_get_for_staff
from .surveys import SurveyError, survey_respond
from .themes import themes_with_counts

router = Router(tags=["feedback"])

Kind = Literal["complaint", "compliment", "comment"]
ChannelCode = Literal["phone", "counter", "email", "web", "app", "letter", "social"]
Answer = StrictInt | None


def _refused(error: ValidationError) -> HttpError:
    return HttpError(400, " ".join(error.messages))


class FeedbackIn(Schema):
    kind: Kind
    channel: ChannelCode
    words: str = Field(..., min_length=1, max_length=WORDS_LENGTH, description="What the person said, verbatim.")
    person_id: ApiId | None = None
    need_id: ApiId | None = None
    service_code: str = Field("", max_length=60)
    wants_updates: bool = False


class FeedbackOut(Schema):
    id: int
    kind: str
    channel: str
    words: str
    person_id: int | None
    need_id: int | None
    service_code: str | None
    received_at: dt.datetime
    wants_updates: bool
    status: str
    stage: int
    next_step_due: dt.date | None


def _out(feedback: Feedback) -> FeedbackOut:
    return FeedbackOut(
        id=feedback.pk,
        kind=feedback.kind,
        channel=feedback.channel,
        words=feedback.words,
        person_id=feedback.person_id,
        need_id=feedback.need_id,
        service_code=feedback.service.code if feedback.service else None,
        received_at=feedback.received_at,
        wants_updates=feedback.wants_updates,
        status=feedback.status,
        stage=feedback.stage,
        next_step_due=due_date(feedback),
    )


@router.post(
    "",
    response={201: FeedbackOut, **documented_errors(400, 404)},
    openapi_extra={"parameters": [PURPOSE_PARAMETER]},
    summary="Record a complaint, compliment or comment from any channel (a complaint starts its clock; audited)",
)
def feedback_create(request: HttpRequest, payload: FeedbackIn) -> tuple[int, FeedbackOut]:
    if not request.user.has_perm("feedback.add_feedback"):
        raise PermissionDenied("Your role does not allow recording feedback.")
    purpose = purpose_of(request)
    person = need = service = None
    if payload.person_id is not None and (person := Person.objects.filter(pk=payload.person_id).first()) is None:
        raise Http404("There is no person with that number.")
    if payload.need_id is not None and (need := Need.objects.filter(pk=payload.need_id).first()) is None:
        raise Http404("There is no need with that number.")
    if payload.service_code and (service := Service.objects.filter(code=payload.service_code).first()) is None:
        raise Http404("There is no service with that code.")
    try:
        feedback = feedback_record(
            actor=Actor.for_user(request.user), purpose=purpose, kind=payload.kind, channel=payload.channel,
            words=payload.words, person=person, need=need, service=service, wants_updates=payload.wants_updates,
        )  # fmt: skip
    except ValidationError as error:
        raise _refused(error) from error
    return 201, _out(feedback)


class OverdueOut(Schema):
    id: int
    service_code: str | None
    stage: int
    status: str
    received_at: dt.datetime
    next_step_due: dt.date | None


@router.get(
    "/complaints/overdue",
    response={200: list[OverdueOut], **documented_errors()},
    summary="Complaints past a due date of the complaint clock, most overdue first (no names)",
)
def overdue(request: HttpRequest) -> list[OverdueOut]:
    if not request.user.has_perm("feedback.view_feedback"):
        raise PermissionDenied("Your role does not allow reading complaints.")
    return [
        OverdueOut(
            id=c.pk, service_code=c.service.code if c.service else None, stage=c.stage, status=c.status,
            received_at=c.received_at, next_step_due=due_date(c),
        )
        for c in complaints_overdue()[:1000]
    ]  # fmt: skip


class ThemeOut(Schema):
    id: int
    label: str
    keywords: list[str]
    texts: int


@router.get(
    "/themes",
    response={200: list[ThemeOut], **documented_errors()},
    summary="The themes in what people wrote, with how many texts carry each (aggregates only)",
)
def themes(request: HttpRequest) -> list[ThemeOut]:
    if not request.user.has_perm("feedback.view_listening_analysis"):
        raise PermissionDenied("Your role does not allow seeing themes.")
    return [
        ThemeOut(id=t.pk, label=t.label, keywords=[str(k) for k in t.keywords], texts=t.texts)  # type: ignore[attr-defined]
        for t in themes_with_counts()
    ]


class SurveyIn(Schema):
    satisfaction: Answer = Field(None, ge=1, le=5)
    trust: Answer = Field(None, ge=1, le=5)
    effectiveness: Answer = Field(None, ge=1, le=5)
    ease: Answer = Field(None, ge=1, le=5)
    efficiency: Answer = Field(None, ge=1, le=5)
    equity: Answer = Field(None, ge=1, le=5)
    employee: Answer = Field(None, ge=1, le=5)
    comment: str = Field("", max_length=COMMENT_LENGTH)
    wants_updates: bool = False


class SurveyTokenIn(Schema):
    token: str = Field(..., min_length=1, max_length=100)


class SurveyOut(Schema):
    id: int
    responded_at: dt.datetime


@router.post(
    "/surveys/{token}",
    auth=None,
    response={201: SurveyOut, **documented_errors(400, 404, 410)},
    summary="Answer a post-transaction survey by its link's token; each token answers once (no session needed)",
)
def survey_answer(request: HttpRequest, path: Path[SurveyTokenIn], payload: SurveyIn) -> tuple[int, SurveyOut]:
    answers = payload.model_dump(exclude={"comment", "wants_updates"})
    try:
        response = survey_respond(
            token=path.token, answers=answers, comment=payload.comment, wants_updates=payload.wants_updates
        )
    except SurveyError as error:
        raise HttpError(error.status, str(error)) from error
    except ValidationError as error:
        raise _refused(error) from error
    return 201, SurveyOut(id=response.pk, responded_at=response.responded_at)


class FeedbackIdIn(Schema):
    feedback_id: ApiId


@router.get(
    "/{feedback_id}",
    response={200: FeedbackOut, **documented_errors(400, 404)},
    openapi_extra={"parameters": [PURPOSE_PARAMETER]},
    summary="One complaint, compliment or comment (audited)",
)
def feedback_read(request: HttpRequest, path: Path[FeedbackIdIn]) -> FeedbackOut:
    if not request.user.has_perm("feedback.view_feedback"):
        raise PermissionDenied("Your role does not allow reading feedback.")
    try:
        feedback = feedback_get_for_staff(
            actor=Actor.for_user(request.user), purpose=purpose_of(request), feedback_id=path.feedback_id
        )
    except Feedback.DoesNotExist:
        raise Http404("There is no feedback with that number.") from None
    return _out(feedback)
