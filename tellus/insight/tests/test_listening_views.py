"""The listening dashboard: scores with intervals, small groups suppressed, response rates, CSV, and the comments
behind a score for those allowed, each one audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tellus.demand.models import Need
from tellus.demand.tests.factories import ServiceFactory
from tellus.feedback.models import SurveyInvitation, SurveyResponse
from tellus.people.tests.factories import PersonFactory
from tellus.privacy.models import AuditEvent, Purpose
from tellus.privacy.tests.helpers import signed_in

pytestmark = pytest.mark.django_db
URL = "/insight/listening/"


def _answers(service, ward: str, scores: list[int], comment: str = "", offered_extra: int = 0) -> None:
    now = timezone.now() - dt.timedelta(days=3)
    person = PersonFactory()
    for i, score in enumerate([*scores, *[None] * offered_extra]):
        need = Need.objects.create(
            person=person, service=service, summary="x", status="met", opened_at=now, met_at=now, end_to_end_seconds=0
        )
        invitation = SurveyInvitation.objects.create(
            need=need, person=person, service=service, channel="phone", ward=ward, capacity="resident",
            route="email", token_digest=f"{service.pk}-{ward}-{i}", offered_at=now,
            opened_at=now if score else None, responded_at=now if score else None,
        )  # fmt: skip
        if score:
            SurveyResponse.objects.create(
                invitation=invitation, satisfaction=score, responded_at=now, service=service, channel="phone",
                ward=ward, capacity="resident", comment=comment,
            )  # fmt: skip


@pytest.fixture
def answered():
    bins, parks, tiny = ServiceFactory(name="Bins"), ServiceFactory(name="Parks"), ServiceFactory(name="Tiny")
    agreeing = [5, 5, 4, 4, 4, 5, 4, 4, 5, 5, 4, 4, 5, 4, 5, 4]
    _answers(bins, "North", [*agreeing, 2, 1, 3, 2], comment="<b>Great</b> crew", offered_extra=12)
    _answers(parks, "South", [2, 2, 1, 4, 5, 1, 2, 3, 2, 1, 2, 2], offered_extra=3)
    _answers(tiny, "East", [5, 5, 5])  # three responses: suppressed, and so is the next smallest (Parks)
    return bins, parks, tiny


def test_the_dashboard_shows_scores_with_intervals_and_hides_small_groups(analyst, answered):
    page = signed_in(Client(), analyst, purpose=Purpose.ANALYSIS).get(URL).content.decode()

    assert "Driver scores by service" in page and "Response rate by ward" in page
    assert "80.0 (58.4\N{EN DASH}91.9)" in page  # Bins: 16 of 20 agree, with Wilson's interval
    assert "Suppressed" in page and "12.5 (" not in page  # Parks (3 of 12) is hidden to protect Tiny
    assert "<svg" in page and "Comments from" not in page  # an analyst may not read comments


def test_the_csv_of_a_panel_is_its_table(analyst, answered):
    response = signed_in(Client(), analyst, purpose=Purpose.ANALYSIS).get(URL, {"format": "csv", "table": "rates_ward"})

    lines = response.content.decode().splitlines()
    assert response.status_code == 200 and lines[0].startswith("Ward,Offered,Opened,Responded")
    assert any(line.startswith("North,32,20,20,62.5") for line in lines)


def test_surveys_offered_by_each_route_are_counted_with_their_response_rate(analyst, answered):
    SurveyInvitation.objects.filter(service=answered[1]).update(route="sms")  # Parks: 15 offered by text
    client = signed_in(Client(), analyst, purpose=Purpose.ANALYSIS)

    page = client.get(URL).content.decode()
    lines = client.get(URL, {"format": "csv", "table": "rates_route"}).content.decode().splitlines()

    assert "Response rate by how the survey was sent" in page
    assert lines[0].startswith("How the survey was sent,Offered,Opened,Responded")
    assert any(line.startswith("Text message,15,12,12,80.0") for line in lines)
    assert any(line.startswith("Email,35,23,23,65.7") for line in lines)


def test_the_outsider_and_the_officer_see_nothing(outsider, officer):
    assert signed_in(Client(), outsider, purpose=None).get(URL).status_code == 403
    assert signed_in(Client(), officer, purpose=Purpose.ENQUIRY).get(URL).status_code == 403


def test_a_service_manager_reads_the_comments_behind_a_score_and_each_is_audited(django_user_model, answered):
    from django.contrib.auth.models import Group

    from tellus.privacy import roles

    manager = django_user_model.objects.create_user(username="manager", password="x")
    roles.sync_roles()
    manager.groups.add(Group.objects.get(name=roles.SERVICE_MANAGER))
    bins = answered[0]
    client = signed_in(Client(), manager, purpose=Purpose.SERVICE_MANAGEMENT)

    dashboard = client.get(URL).content.decode()
    response = client.get(reverse("insight:listening_comments"), {"group": "service", "value": str(bins.pk)})

    assert "Comments from Bins" in dashboard
    page = response.content.decode()
    assert response.status_code == 200 and "&lt;b&gt;Great&lt;/b&gt; crew" in page and "<b>Great" not in page
    views = AuditEvent.objects.filter(action="view", object_type="feedback.surveyresponse", actor=manager)
    assert views.count() == 20 and views.first().purpose == Purpose.SERVICE_MANAGEMENT


def test_the_comments_of_a_suppressed_group_are_refused(django_user_model, answered):
    from django.contrib.auth.models import Group

    from tellus.privacy import roles

    manager = django_user_model.objects.create_user(username="manager", password="x")
    roles.sync_roles()
    manager.groups.add(Group.objects.get(name=roles.SERVICE_MANAGER))
    client = signed_in(Client(), manager, purpose=Purpose.SERVICE_MANAGEMENT)

    tiny = answered[2]
    refused = client.get(reverse("insight:listening_comments"), {"group": "service", "value": str(tiny.pk)})
    junk = client.get(reverse("insight:listening_comments"), {"group": "shoe", "value": "1"})

    assert refused.status_code == 400 and junk.status_code == 400
    assert not AuditEvent.objects.filter(object_type="feedback.surveyresponse").exists()


def test_the_dashboard_with_no_survey_answered_says_so(analyst):
    response = signed_in(Client(), analyst, purpose=Purpose.ANALYSIS).get(URL)
    assert response.status_code == 200 and "No survey has been answered yet." in response.content.decode()


def test_an_end_date_before_the_start_date_shows_only_the_error(analyst, answered):
    response = signed_in(Client(), analyst, purpose=Purpose.ANALYSIS).get(
        URL, {"start": "2025-03-20", "end": "2025-03-01"}
    )
    page = response.content.decode()

    assert response.status_code == 400
    assert "The end date must be the same as or after the start date." in page
    assert "<table" not in page and "<svg" not in page and "No survey has been answered yet." not in page
