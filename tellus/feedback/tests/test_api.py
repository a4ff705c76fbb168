"""/api/v1/feedback: record and read feedback as staff, answer a survey by token, in the API's one error shape."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.test import Client

from tellus.feedback.models import Feedback, SurveyResponse
from tellus.privacy.models import AuditEvent, Purpose
from tellus.privacy.tests.helpers import signed_in

from .factories import met_need

pytestmark = pytest.mark.django_db
HEADERS = {"HTTP_X_TELLUS_PURPOSE": "casework"}


def _post(client: Client, path: str, body: dict) -> object:
    return client.post(path, json.dumps(body), content_type="application/json", **HEADERS)


def test_a_caseworker_records_a_complaint_and_reads_it_back_audited(caseworker):
    need = met_need()
    client = signed_in(Client(enforce_csrf_checks=False), caseworker, purpose=Purpose.CASEWORK)

    created = _post(client, "/api/v1/feedback", {"kind": "complaint", "channel": "email", "words": "Late",
                                                 "need_id": need.pk})  # fmt: skip
    body = json.loads(created.content)
    read = client.get(f"/api/v1/feedback/{body['id']}", **HEADERS)

    assert created.status_code == 201 and body["status"] == "received" and body["next_step_due"]
    assert read.status_code == 200 and json.loads(read.content)["person_id"] == need.person_id
    assert AuditEvent.objects.filter(action="view", object_type="feedback.feedback").count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "grumble", "channel": "email", "words": "x"},
        {"kind": "comment", "channel": "email", "words": ""},
        {"kind": "comment", "channel": "email", "words": "x" * 5001},
        {"kind": "comment", "channel": "email", "words": "x", "person_id": "٣"},
    ],
)
def test_bad_feedback_is_a_422_in_the_api_shape_and_writes_nothing(caseworker, body):
    client = signed_in(Client(), caseworker, purpose=Purpose.CASEWORK)
    response = _post(client, "/api/v1/feedback", body)
    assert response.status_code == 422 and "detail" in json.loads(response.content)
    assert not Feedback.objects.exists()


def test_an_unknown_need_is_a_404(caseworker):
    client = signed_in(Client(), caseworker, purpose=Purpose.CASEWORK)
    response = _post(client, "/api/v1/feedback", {"kind": "comment", "channel": "web", "words": "x", "need_id": 999})
    assert response.status_code == 404


def test_the_outsider_may_not_record_or_read(outsider):
    client = signed_in(Client(), outsider, purpose=None)
    assert _post(client, "/api/v1/feedback", {"kind": "comment", "channel": "web", "words": "x"}).status_code == 403
    assert client.get("/api/v1/feedback/complaints/overdue").status_code == 403


def test_a_survey_is_answered_once_by_token_without_signing_in(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        met_need()
    token = re.search(r"/feedback/survey/([^/\s]+)/", mail.outbox[-1].body).group(1)
    client = Client()

    off_scale = _post(client, f"/api/v1/feedback/surveys/{token}", {"ease": 6})
    first = _post(client, f"/api/v1/feedback/surveys/{token}", {"ease": 4, "comment": "<i>ok</i>"})
    again = _post(client, f"/api/v1/feedback/surveys/{token}", {"ease": 4})
    forged = _post(client, "/api/v1/feedback/surveys/forged", {"ease": 4})

    assert off_scale.status_code == 422
    assert first.status_code == 201 and SurveyResponse.objects.get().comment == "<i>ok</i>"
    assert again.status_code == 410 and "already been answered" in json.loads(again.content)["detail"]
    assert forged.status_code == 404
