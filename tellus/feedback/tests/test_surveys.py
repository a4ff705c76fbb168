"""The post-transaction survey: offered when a need is met, answered once by its link."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tellus.feedback.models import Route, SurveyInvitation, SurveyResponse
from tellus.feedback.surveys import SurveyError, survey_offer_for_need, survey_open, survey_respond
from tellus.privacy.models import AuditEvent

from .factories import OFFICER, met_need

pytestmark = pytest.mark.django_db


def _token_from_mail() -> str:
    body = mail.outbox[-1].body
    return body.split("/feedback/survey/")[1].split("/")[0]


def test_meeting_a_need_offers_the_survey_by_email_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        need = met_need()

    invitation = SurveyInvitation.objects.get(need=need)
    assert invitation.route == Route.EMAIL
    assert invitation.channel == "phone" and invitation.capacity == "resident"
    assert len(mail.outbox) == 1 and "/feedback/survey/" in mail.outbox[0].body
    assert survey_offer_for_need(need=need, actor=OFFICER) is None  # never twice for one need
    assert AuditEvent.objects.filter(object_type="feedback.surveyinvitation").count() == 1


def test_someone_without_email_is_offered_by_text_and_with_neither_by_letter():
    by_text = met_need(email="")
    assert SurveyInvitation.objects.get(need=by_text).route == Route.SMS


def test_the_link_records_opening_and_one_response(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        need = met_need()
    token = _token_from_mail()

    survey_open(token=token)
    response = survey_respond(token=token, answers={"satisfaction": "4", "equity": 5}, comment="Quick, thanks")

    invitation = SurveyInvitation.objects.get(need=need)
    assert invitation.opened_at is not None and invitation.responded_at is not None
    assert (response.satisfaction, response.equity, response.trust) == (4, 5, None)
    with pytest.raises(SurveyError) as used:
        survey_respond(token=token, answers={"satisfaction": "1"})
    assert used.value.status == 410
    assert SurveyResponse.objects.count() == 1


def test_a_forged_token_is_refused():
    met_need()
    with pytest.raises(SurveyError) as forged:
        survey_open(token="not-a-real-token")
    assert forged.value.status == 404


@pytest.mark.parametrize("answer", ["0", "6", "-1", "4.5", "٤", "five", 7])
def test_an_answer_off_the_scale_is_refused_and_nothing_is_written(answer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        need = met_need()
    token = _token_from_mail()

    with pytest.raises(ValidationError) as refused:
        survey_respond(token=token, answers={"ease": answer}, comment="fine")

    assert "ease" in refused.value.message_dict
    assert SurveyResponse.objects.count() == 0
    assert SurveyInvitation.objects.get(need=need).responded_at is None


def test_an_over_long_comment_is_refused_with_the_limit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        met_need()
    with pytest.raises(ValidationError) as refused:
        survey_respond(token=_token_from_mail(), answers={}, comment="x" * 2001)
    assert "2000" in refused.value.message_dict["comment"][0]
    assert SurveyResponse.objects.count() == 0


def test_an_empty_response_is_refused(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        met_need()
    with pytest.raises(ValidationError):
        survey_respond(token=_token_from_mail(), answers={}, comment="   ")
