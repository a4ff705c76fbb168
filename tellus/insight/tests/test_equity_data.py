"""The equity dashboard's survey figures: Listening's per-person selector counts surveys offered, answered, rated
and satisfied per person and capacity in the period, and `equity_frames` hands them to the table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tellus.demand.models import Need, NeedStatus
from tellus.demand.tests.factories import ServiceFactory
from tellus.feedback.equity_selectors import survey_outcomes_by_person
from tellus.feedback.models import SurveyInvitation, SurveyResponse
from tellus.insight.equity import FEEDBACK_COLUMNS
from tellus.insight.equity_data import equity_frames
from tellus.people.tests.factories import PersonFactory
from tellus.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db


def survey(
    person: Any, *, at: dt.datetime, capacity: str = "resident", answered: bool = False, satisfaction: int | None = None
) -> SurveyInvitation:
    """A survey offered for a met need, answered (with a satisfaction score or none) or not."""
    need = Need.objects.create(
        person=person,
        service=ServiceFactory(),
        summary="x",
        status=NeedStatus.MET,
        opened_at=at,
        met_at=at,
        end_to_end_seconds=0,
    )
    invitation = SurveyInvitation.objects.create(
        need=need, person=person, capacity=capacity, route="email", token_digest=f"{need.pk:064d}", offered_at=at,
        opened_at=at if answered else None, responded_at=at if answered else None,
    )  # fmt: skip
    if answered:
        SurveyResponse.objects.create(invitation=invitation, satisfaction=satisfaction, responded_at=at)
    return invitation


def test_the_selector_counts_surveys_answers_and_satisfaction_per_person_and_capacity():
    now = timezone.now()
    ada, bo = PersonFactory(), PersonFactory()
    survey(ada, at=now - dt.timedelta(days=3), answered=True, satisfaction=5)
    survey(ada, at=now - dt.timedelta(days=2), answered=True, satisfaction=2)
    survey(ada, at=now - dt.timedelta(days=1), answered=True, satisfaction=None)  # skipped the question
    survey(ada, at=now - dt.timedelta(days=1), capacity="client")
    survey(bo, at=now - dt.timedelta(days=1))
    survey(bo, at=now - dt.timedelta(days=400), answered=True, satisfaction=5)  # before the period
    before = AuditEvent.objects.count()

    rows = survey_outcomes_by_person(start=now - dt.timedelta(days=365), end=now)

    assert rows == [(ada.pk, "client", 1, 0, 0, 0), (ada.pk, "resident", 3, 3, 2, 1), (bo.pk, "resident", 1, 0, 0, 0)]
    assert AuditEvent.objects.count() == before  # counts for analysis, not a staff read of anyone


def test_the_selector_refuses_a_period_that_ends_before_it_starts():
    now = timezone.now()
    with pytest.raises(ValueError):
        survey_outcomes_by_person(start=now, end=now - dt.timedelta(days=1))


def test_equity_frames_carry_the_survey_figures():
    now = timezone.now()
    person = PersonFactory()
    survey(person, at=now - dt.timedelta(days=5), answered=True, satisfaction=4)
    frames = equity_frames(days=30)
    assert list(frames.feedback.columns) == FEEDBACK_COLUMNS
    assert frames.feedback.to_dict("records") == [
        {"person_id": person.pk, "capacity": "resident", "surveys": 1, "responses": 1, "rated": 1, "satisfied": 1}
    ]
