"""The staff forms: recording a need with its adjustments, a representative (UI over the people services), a route
and no fixed address; bad input is a form error with a 400, and nothing half-written."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from tellus.inclusion.models import Adjustment, CorrespondenceRoute, SupportNeed
from tellus.inclusion.views import REASONS_SESSION_KEY
from tellus.people.models import Representative
from tellus.people.tests.factories import PersonFactory
from tellus.privacy.models import Purpose

pytestmark = pytest.mark.django_db


def _caseworker(sign_in, caseworker, person):  # type: ignore[no-untyped-def]
    client = sign_in(caseworker, purpose=Purpose.CASEWORK)
    session = client.session
    session[REASONS_SESSION_KEY] = {str(person.pk): ["Recording what she told us", time.time()]}
    session.save()
    return client


def test_a_caseworker_records_a_need_with_its_adjustments(sign_in, caseworker):
    person = PersonFactory()
    client = _caseworker(sign_in, caseworker, person)
    review = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
    response = client.post(
        f"/inclusion/people/{person.pk}/needs/new/",
        {"need": "not_fluent_in_english", "language": "Arabic", "permanence": "temporary", "review_on": review,
         "source": "person", "lawful_basis": "explicit_consent", "consent_given_on": timezone.localdate().isoformat(),
         "adjustments": ["interpreter"], "adjustment_detail": "Arabic"},
    )  # fmt: skip
    assert response.status_code == 302
    need = SupportNeed.objects.get(person=person)
    assert (need.driver, need.language, need.recorded_by_label) == ("capability", "Arabic", "caseworker")
    assert [a.words() for a in Adjustment.objects.filter(person=person)] == ["Interpreter: Arabic"]


def test_a_need_with_missing_or_wrong_answers_is_a_400_and_writes_nothing(sign_in, caseworker):
    person = PersonFactory()
    client = _caseworker(sign_in, caseworker, person)
    response = client.post(
        f"/inclusion/people/{person.pk}/needs/new/",
        {"need": "not_fluent_in_english", "permanence": "temporary", "review_on": "2020-01-01",
         "source": "person", "lawful_basis": "explicit_consent"},
    )  # fmt: skip
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text and "The review date must be in the future" in text
    bad_date = client.post(f"/inclusion/people/{person.pk}/needs/new/", {"review_on": "tomorrow-ish"})
    assert bad_date.status_code == 400
    assert not SupportNeed.objects.exists()


def test_a_caseworker_records_and_ends_a_representative(sign_in, caseworker):
    person = PersonFactory()
    client = _caseworker(sign_in, caseworker, person)
    response = client.post(
        f"/inclusion/people/{person.pk}/representatives/new/",
        {"name": "Ann Advocate", "relationship": "care_act_advocate", "can_view": "on", "can_act": "on",
         "receives_correspondence": "on", "address": "Advocacy Hub", "starts_on": "2026-01-01"},
    )  # fmt: skip
    assert response.status_code == 302
    rep = Representative.objects.get(person=person)
    assert rep.scope_words() == "view, act, receive correspondence"
    page = client.get(f"/inclusion/people/{person.pk}/").content.decode()
    assert "Ann Advocate" in page and "To Ann Advocate" in page
    ended = client.post(f"/inclusion/people/{person.pk}/representatives/{rep.pk}/end/",
                        {"ends_on": "2025-12-01", "reason": "Wrong"})  # fmt: skip
    assert ended.status_code == 400  # before it started: the service refuses, the form says why
    ended = client.post(f"/inclusion/people/{person.pk}/representatives/{rep.pk}/end/",
                        {"ends_on": "2026-02-01", "reason": "No longer needed"})  # fmt: skip
    assert ended.status_code == 302
    rep.refresh_from_db()
    assert rep.ends_on == dt.date(2026, 2, 1)


def test_a_caseworker_records_no_fixed_address_and_a_route(sign_in, caseworker):
    person = PersonFactory()
    client = _caseworker(sign_in, caseworker, person)
    assert client.post(f"/inclusion/people/{person.pk}/address/", {"no_fixed_address": "yes"}).status_code == 302
    person.refresh_from_db()
    assert person.no_fixed_address
    assert client.post(f"/inclusion/people/{person.pk}/route/", {"method": "collect"}).status_code == 400
    assert not CorrespondenceRoute.objects.exists()
    done = client.post(f"/inclusion/people/{person.pk}/route/", {"method": "collect", "office": "Civic Centre"})
    assert done.status_code == 302
    assert "Hold for collection at Civic Centre" in client.get(f"/inclusion/people/{person.pk}/").content.decode()
