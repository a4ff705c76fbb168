"""The feedback pages: the resident's survey (no JavaScript, no account), the public page, and staff pages that
refuse anyone without the capability."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tellus.feedback import complaints as loop
from tellus.feedback.models import SurveyInvitation, SurveyResponse
from tellus.privacy.models import AuditEvent, Purpose
from tellus.privacy.tests.helpers import signed_in

from .factories import OFFICER, met_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_path(django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        met_need()
    return re.search(r"/feedback/survey/[^/\s]+/", mail.outbox[-1].body).group(0)


def test_the_survey_page_asks_the_seven_questions_as_plain_radios_and_records_the_opening(survey_path):
    response = Client().get(survey_path)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('type="radio"') == 7 * 5 and "<script" not in page
    assert "I was treated fairly." in page and "Strongly agree" in page
    assert SurveyInvitation.objects.get().opened_at is not None


def test_answering_by_form_post_saves_once_and_a_second_post_is_told_it_was_used(survey_path):
    client = Client()
    answered = client.post(survey_path, {"satisfaction": "5", "ease": "2", "comment": "Good", "wants_updates": "on"})
    again = client.post(survey_path, {"satisfaction": "1"})

    assert answered.status_code == 200 and "Thank you" in answered.content.decode()
    assert again.status_code == 410 and "already been answered" in again.content.decode()
    saved = SurveyResponse.objects.get()
    assert (saved.satisfaction, saved.ease, saved.wants_updates) == (5, 2, True)


def test_a_forged_link_gets_a_plain_page_not_an_error(survey_path):
    response = Client().get("/feedback/survey/made-up-token/")
    assert response.status_code == 404 and "not right" in response.content.decode()


def test_an_answer_off_the_scale_shows_the_error_beside_the_question_and_saves_nothing(survey_path):
    response = Client().post(survey_path, {"trust": "9", "comment": "x"})

    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in page and "Choose one of the five answers" in page
    assert not SurveyResponse.objects.exists()


def test_html_in_a_comment_is_kept_as_the_characters_typed(survey_path):
    Client().post(survey_path, {"comment": '<script>alert("x")</script><b>bold</b>', "satisfaction": "3"})
    assert SurveyResponse.objects.get().comment == '<script>alert("x")</script><b>bold</b>'


def test_an_over_long_comment_is_refused_with_its_limit(survey_path):
    response = Client().post(survey_path, {"comment": "y" * 2001})
    assert response.status_code == 400 and "2000 characters" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_an_officer_records_a_complaint_and_a_caseworker_works_it(officer, caseworker):
    need = met_need()
    officer_client = signed_in(Client(), officer, purpose=Purpose.ENQUIRY)
    recorded = officer_client.post(reverse("feedback:new"), {
        "kind": "complaint", "channel": "phone", "service": "", "person": "", "need": str(need.pk),
        "words": "Nobody came", "wants_updates": "on",
    })  # fmt: skip
    assert recorded.status_code == 302
    complaint = need_complaint = loop.complaints_open().get()
    assert need_complaint.person == need.person

    staff = signed_in(Client(), caseworker, purpose=Purpose.CASEWORK)
    page = staff.get(reverse("feedback:complaint", args=[complaint.pk]))
    assert page.status_code == 200 and need.person.display_name in page.content.decode()
    assert AuditEvent.objects.filter(action="view", object_type="feedback.feedback", actor=caseworker).exists()
    ok = staff.post(reverse("feedback:complaint_step", args=[complaint.pk, "acknowledge"]))
    bad = staff.post(reverse("feedback:complaint_step", args=[complaint.pk, "extend"]), {"days": "٣", "reason": "x"})
    assert ok.status_code == 302 and bad.status_code == 400
    assert "digits 0 to 9" in bad.content.decode()


def test_a_bad_person_number_is_shown_on_the_form(officer):
    client = signed_in(Client(), officer, purpose=Purpose.ENQUIRY)
    response = client.post(reverse("feedback:new"), {
        "kind": "comment", "channel": "phone", "person": "99999", "need": "", "words": "Hello",
    })  # fmt: skip
    assert response.status_code == 400 and "no person with that number" in response.content.decode()


@pytest.mark.parametrize("name", ["feedback:new", "feedback:complaints", "feedback:themes"])
def test_the_outsider_sees_no_staff_page(outsider, name):
    client = signed_in(Client(), outsider, purpose=None)
    assert client.get(reverse(name)).status_code == 403


def test_the_complaints_list_names_no_one_and_can_show_only_overdue(caseworker):
    complaint = loop.feedback_record(
        actor=OFFICER, purpose="casework", kind="complaint", channel="email", words="Late", person=met_need().person
    )
    client = signed_in(Client(), caseworker, purpose=Purpose.CASEWORK)
    page = client.get(reverse("feedback:complaints")).content.decode()
    assert f"Complaint {complaint.pk}" in page and complaint.person.display_name not in page
    assert "No complaint is overdue" in client.get(reverse("feedback:complaints") + "?show=overdue").content.decode()
