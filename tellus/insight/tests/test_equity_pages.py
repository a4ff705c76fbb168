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
from tellus.inclusion.models import SpecificNeed
from tellus.inclusion.tests.conftest import record_need
from tellus.people.tests.factories import PersonFactory
from tellus.privacy.models import Purpose

from .conftest import need_with_contacts

pytestmark = pytest.mark.django_db
CHASES = ((dt.timedelta(days=1), "progress_chasing"), (dt.timedelta(days=2), "not_done"))


@pytest.fixture
def town(db):  # type: ignore[no-untyped-def]
    """60 people; the 12 with no fixed address wait ten times as long and chase twice."""
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
    assert "No fixed address: underserved" in page
    evidence = sign_in(analyst, purpose=Purpose.ANALYSIS).get("/insight/equity/no_fixed_address/yes/")
    text = evidence.content.decode()
    assert "12 people made" in text and "Median end-to-end time" in text and "95% interval" in text
    assert sign_in(analyst, purpose=Purpose.ANALYSIS).get("/insight/equity/ward/nowhere/").status_code == 404


def test_the_command_prints_the_same_table_and_flags_as_json(town):
    out = io.StringIO()
    call_command("equity", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert {"dimension": "no_fixed_address", "group": "yes", "label": "No fixed address", "flag": "underserved",
            "measures": data["flags"][0]["measures"]} in data["flags"]  # fmt: skip
    resilience = next(g for g in data["groups"] if g["group"] == "resilience")
    assert resilience["suppressed"] is None and resilience["flags"] == []
    text = io.StringIO()
    call_command("equity", stdout=text)
    assert "No fixed address (no_fixed_address): underserved" in text.getvalue()
