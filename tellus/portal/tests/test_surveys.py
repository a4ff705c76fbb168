"""A signed-in resident sees the surveys waiting for them and answers one in the portal, once, without JavaScript;
nobody else's survey can be opened or answered."""

from __future__ import annotations

import pytest
from django.core import mail

from tellus.feedback.models import SurveyInvitation, SurveyResponse
from tellus.feedback.surveys import SurveyError, survey_respond
from tellus.feedback.tests.factories import met_need

from .conftest import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        need = met_need(person=alice, words="Bin missed")
    return SurveyInvitation.objects.get(need=need)


def test_the_home_page_and_the_list_show_the_survey_waiting(resident_client, waiting):
    home = resident_client.get("/my/").content.decode()
    listing = resident_client.get("/my/surveys/").content.decode()

    assert "1 survey is waiting for you" in home
    assert f'href="/my/surveys/{waiting.pk}/"' in listing and "<script" not in listing


def test_a_resident_answers_their_survey_once_and_the_emailed_link_then_says_so(resident_client, waiting):
    token = mail.outbox[-1].body.split("/feedback/survey/")[1].split("/")[0]

    page = resident_client.get(f"/my/surveys/{waiting.pk}/")
    assert page.status_code == 200 and b'name="satisfaction"' in page.content
    done = resident_client.post(f"/my/surveys/{waiting.pk}/", {"satisfaction": "4", "comment": "<b>Quick</b>"})

    assert done.status_code == 200 and b"Thank you" in done.content
    assert b"Back to your surveys" in done.content and b'href="/my/"' in done.content  # in the portal's frame
    response = SurveyResponse.objects.get(invitation=waiting)
    assert response.satisfaction == 4 and response.comment == "<b>Quick</b>"  # kept as typed, escaped when shown
    assert resident_client.get(f"/my/surveys/{waiting.pk}/").status_code == 410
    assert f"/my/surveys/{waiting.pk}/" not in resident_client.get("/my/surveys/").content.decode()
    with pytest.raises(SurveyError) as used:
        survey_respond(token=token, answers={"satisfaction": "1"})
    assert used.value.status == 410


def test_an_answer_off_the_scale_is_refused_beside_the_question_and_nothing_is_written(resident_client, waiting):
    page = resident_client.post(f"/my/surveys/{waiting.pk}/", {"satisfaction": "9"})

    assert page.status_code == 400 and b"error-summary" in page.content
    assert not SurveyResponse.objects.exists()


def test_sending_nothing_asks_for_an_answer_and_writes_nothing(resident_client, waiting):
    page = resident_client.post(f"/my/surveys/{waiting.pk}/", {"comment": "  "})

    assert page.status_code == 400 and b"Answer at least one question" in page.content
    assert not SurveyResponse.objects.exists()


def test_nobody_else_can_open_or_answer_a_residents_survey(other_resident, waiting):
    bob = signed_in_client(other_resident)

    assert bob.get(f"/my/surveys/{waiting.pk}/").status_code == 404
    assert bob.post(f"/my/surveys/{waiting.pk}/", {"satisfaction": "1"}).status_code == 404
    assert f"/my/surveys/{waiting.pk}/" not in bob.get("/my/surveys/").content.decode()
    assert not SurveyResponse.objects.exists()
    assert SurveyInvitation.objects.get(pk=waiting.pk).opened_at is None


def test_signed_out_the_surveys_page_asks_for_sign_in(client, waiting):
    response = client.get(f"/my/surveys/{waiting.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/my/sign-in/")
