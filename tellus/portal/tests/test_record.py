"""A signed-in resident reads what the council holds about them, in plain words; reading it is not a staff read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tellus.capacities.models import Capacity, PersonCapacity
from tellus.demand.models import Channel
from tellus.demand.services import contact_log
from tellus.demand.tests.factories import ServiceFactory
from tellus.people.tests.factories import SourceRecordFactory, SourceSystemFactory
from tellus.privacy.models import AuditEvent
from tellus.privacy.services import Actor

pytestmark = pytest.mark.django_db


def test_the_record_says_what_each_system_knows_in_plain_words(resident_client, alice):
    rates = SourceSystemFactory(name="rates", title="Council tax", kind="rates", owning_team="Revenues")
    SourceRecordFactory(
        person=alice, source_system=rates, source_key="CT-7", address="1 Station Road, Tellham", phone="01234 567890"
    )

    page = resident_client.get("/my/record/").content.decode()

    assert "The library knows you as Alice Example." in page
    assert "The rates team knows you as Alice Example." in page
    assert "The team that looks after it is Revenues." in page
    assert "1 Station Road, Tellham" in page
    assert "01234 567890" in page
    assert "CT-7" in page


def test_the_record_shows_current_capacities_with_what_they_mean(resident_client, alice):
    PersonCapacity.objects.create(person=alice, capacity=Capacity.ELECTOR, valid_from=dt.date(2020, 1, 1), rule="r")
    PersonCapacity.objects.create(
        person=alice,
        capacity=Capacity.RATEPAYER,
        valid_from=dt.date(2010, 1, 1),
        valid_to=dt.date(2012, 1, 1),
        rule="r",
    )

    page = resident_client.get("/my/record/").content.decode()

    assert "Elector" in page
    assert "Someone who is on the electoral roll" in page
    assert "Since 1 January 2020." in page
    assert "ratepayer" not in page  # ended long ago


def test_the_record_shows_open_requests_and_contacts_in_the_residents_words_with_status(resident_client, alice):
    with_service = ServiceFactory(name="Bins")
    contact_log(
        actor=Actor.system("test"),
        purpose="enquiry",
        channel=Channel.PHONE,
        words="My green bin was missed again on Tuesday",
        person=alice,
        service=with_service,
        need_summary="Green bin collected",
        demand_type="failure",
        failure_cause="not_done",
        handed_off_to="Street cleansing",
    )

    page = resident_client.get("/my/record/").content.decode()

    assert "My green bin was missed again on Tuesday" in page
    assert "Green bin collected" in page
    assert "Street cleansing" in page
    assert "<td>Open</td>" in page


def test_reading_my_record_writes_no_staff_audit_entry(resident_client):
    before = AuditEvent.objects.count()

    resident_client.get("/my/record/")
    resident_client.get("/my/")

    assert AuditEvent.objects.count() == before


def test_someone_not_signed_in_is_sent_to_sign_in():
    response = Client().get("/my/record/")

    assert response.status_code == 302
    assert response["Location"] == "/my/sign-in/?next=%2Fmy%2Frecord%2F"
