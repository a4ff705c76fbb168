"""The equity dashboard and `tellus equity`: for those with the analyse-equity capability only; aggregates, with
each flag linking to its evidence."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from tellus.demand.tests.factories import ServiceFactory
from tellus.feedback.models import SurveyInvitation, SurveyResponse
from tellus.inclusion.models import SpecificNeed
from tellus.inclusion.tests.conftest import record_need
from tellus.people.tests.factories import PersonFactory
from tellus.privacy.models import Purpose

from .conftest import need_with_contacts

pytestmark = pytest.mark.django_db
CHASES = ((dt.timedelta(days=1), "progress_chasing"), (dt.timedelta(days=2), "not_done"))


@pytest.fixture
def town(db):  # type: ignore[no-untyped-def]
    """60 people; the 12 with no fixed address wait ten times as long, chase twice and answer none of their
    surveys; everyone else answers two in three and is satisfied."""
    service = ServiceFactory()
    start = timezone.now() - dt.timedelta(days=100)
    for i in range(60):
        person = PersonFactory(no_fixed_address=i < 12)
        hard = i < 12
        for j in range(3):
            need = need_with_contacts(
                service=service, opened_at=start + dt.timedelta(days=j * 7, hours=i),
                met_after=dt.timedelta(days=(20 if hard else 2) + (i % 3)),
                repeats=CHASES if hard else (),
            )  # fmt: skip
            need.contacts.update(person=person)
            need.person = person
            need.save(update_fields=["person"])
            answered = not hard and (i + j) % 3 != 0
            invitation = SurveyInvitation.objects.create(
                need=need, person=person, capacity="resident", route="email", token_digest=f"{need.pk:064d}",
                offered_at=need.met_at, opened_at=need.met_at if answered else None,
                responded_at=need.met_at if answered else None,
            )  # fmt: skip
            if answered:
                SurveyResponse.objects.create(invitation=invitation, satisfaction=4, responded_at=need.met_at)
        if i >= 12 and i % 3 == 0:  # 16 people with money worries, served like everyone else
            record_need(person, SpecificNeed.LOW_INCOME, adjustments=[], permanence="temporary")
    return service


@pytest.mark.parametrize(
    ("role", "purpose", "status"),
    [
        ("manager", Purpose.SERVICE_MANAGEMENT, 200),
        ("analyst", Purpose.ANALYSIS, 200),
        ("officer", Purpose.ENQUIRY, 403),
        ("caseworker", Purpose.CASEWORK, 403),
        ("privacy_officer", Purpose.PRIVACY_REVIEW, 403),
        ("administrator", Purpose.ADMINISTRATION, 403),
        ("outsider", None, 403),
    ],
)
def test_the_dashboard_is_for_managers_and_analysts(request, sign_in, town, role, purpose, status):
    user = request.getfixturevalue("service_manager" if role == "manager" else role)
    client = sign_in(user, purpose=purpose)
    assert client.get("/insight/equity/").status_code == status
    assert client.get("/insight/equity/no_fixed_address/yes/").status_code == status


def test_the_dashboard_flags_the_group_and_links_to_its_evidence(sign_in, analyst, town):
    page = sign_in(analyst, purpose=Purpose.ANALYSIS).get("/insight/equity/").content.decode()
    assert 'href="/insight/equity/no_fixed_address/yes/"' in page
    assert "No fixed address: underserved" in page and "No fixed address: unheard" in page
    assert "Survey response rate" in page and "Satisfaction" in page and "95% CI" in page
    evidence = sign_in(analyst, purpose=Purpose.ANALYSIS).get("/insight/equity/no_fixed_address/yes/")
    text = evidence.content.decode()
    assert "12 people made" in text and "Median end-to-end time" in text and "95% interval" in text
    assert "Survey response rate" in text and "Satisfaction" in text and "Contacts per person" in text
    assert "Flagged: underserved, unheard" in text
    assert sign_in(analyst, purpose=Purpose.ANALYSIS).get("/insight/equity/ward/nowhere/").status_code == 404


def test_the_command_prints_the_same_table_and_flags_as_json(town):
    out = io.StringIO()
    call_command("equity", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert {"dimension": "no_fixed_address", "group": "yes", "label": "No fixed address", "flag": "underserved",
            "measures": data["flags"][0]["measures"], "evidence": "/insight/equity/no_fixed_address/yes/"} in data[
        "flags"
    ]  # fmt: skip
    unheard = next(f for f in data["flags"] if f["flag"] == "unheard")
    assert unheard == {"dimension": "no_fixed_address", "group": "yes", "label": "No fixed address", "flag": "unheard",
                       "measures": ["response_rate", "contacts_per_person"],
                       "evidence": "/insight/equity/no_fixed_address/yes/"}  # fmt: skip
    nfa = next(g for g in data["groups"] if g["dimension"] == "no_fixed_address")
    assert nfa["measures"]["response_rate"]["group"] == 0.0
    assert nfa["measures"]["response_rate"]["everyone_else"] == pytest.approx(2 / 3, abs=0.01)
    assert nfa["measures"]["satisfaction"]["group"] is None  # none answered
    resilience = next(g for g in data["groups"] if g["group"] == "resilience")
    assert resilience["suppressed"] is None and resilience["flags"] == []
    assert resilience["measures"]["satisfaction"]["group"] == 1.0
    assert not resilience["measures"]["response_rate"]["worse"]
    text = io.StringIO()
    call_command("equity", stdout=text)
    assert "No fixed address (no_fixed_address): underserved" in text.getvalue()
    assert (
        "No fixed address (no_fixed_address): unheard on response_rate, contacts_per_person "
        "(evidence: /insight/equity/no_fixed_address/yes/)"
    ) in text.getvalue()
    assert "95% CI" in text.getvalue()
