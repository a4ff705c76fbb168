"""The portal and console pages of Tell us once: resident reporting without JavaScript, staff on someone's behalf,
the dead-letter list, and subscriber management; bad input answered as form errors, never a half-written record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tellus.once.models import ChangeReport, Delivery, EventType, Subscriber
from tellus.once.services import change_confirm, change_report
from tellus.people.models import Person, Representative
from tellus.portal.tests.conftest import signed_in_client
from tellus.portal.tests.factories import ResidentAccountFactory
from tellus.privacy.models import AuditEvent, Purpose
from tellus.privacy.tests.helpers import signed_in

from .conftest import self_reporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob_client(town: dict[str, Any]) -> Client:
    return signed_in_client(ResidentAccountFactory(person=town["bob"], email="bob@example.org", reference="RBOB0001"))


@pytest.fixture
def alice_client(town: dict[str, Any]) -> Client:
    return signed_in_client(ResidentAccountFactory(person=town["alice"], email="alice@example.org", reference="RAL001"))


def test_a_resident_reports_a_death_previews_chooses_and_sees_each_services_status(
    town: dict[str, Any], bob_client: Client
) -> None:
    form = bob_client.get("/my/tell-us/death/")
    assert form.status_code == 200 and b"sorry for your loss" in form.content and b"Alice Example" in form.content
    response = bob_client.post(
        "/my/tell-us/death/", {"about": town["alice"].pk, "relationship": "next_of_kin", "date_of_death": "2026-01-03"}
    )
    report = ChangeReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/my/tell-us/changes/{report.pk}/check/"
    check = bob_client.get(response["Location"])
    assert b"Electoral roll" in check.content and b"Library system" in check.content
    assert b"Date of death" in check.content and b"2026-01-03" in check.content
    done = bob_client.post(response["Location"], {"share": [town["electoral"].pk]}, follow=True)
    assert done.status_code == 200
    assert b"Electoral roll" in done.content and b"Waiting to be sent" in done.content
    assert b"Library system" not in done.content.split(b"<table")[1]  # not chosen, so not told
    assert Person.objects.get(pk=town["alice"].pk).correspondence_stopped_at is not None
    assert Representative.objects.get(person=town["alice"]).relationship == "next_of_kin"


def test_a_resident_cannot_report_for_someone_they_do_not_act_for(town: dict[str, Any], alice_client: Client) -> None:
    stranger = Person.objects.create(display_name="Carol Stranger")
    response = alice_client.post(
        "/my/tell-us/address/",
        {"about": stranger.pk, "new_address": "22 Mill Lane", "new_postcode": "TL2 2BB", "effective_on": "2026-01-05"},
    )
    assert response.status_code == 403 and b"cannot report this change" in response.content
    assert not ChangeReport.objects.exists()


def test_a_future_death_date_is_a_form_error(town: dict[str, Any], bob_client: Client) -> None:
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = bob_client.post(
        "/my/tell-us/death/", {"about": town["alice"].pk, "relationship": "next_of_kin", "date_of_death": future}
    )
    assert response.status_code == 400 and b"today or in the past" in response.content
    assert b"There is a problem" in response.content and not ChangeReport.objects.exists()


def test_an_address_that_cannot_be_found_is_a_form_error(town: dict[str, Any], alice_client: Client) -> None:
    response = alice_client.post(
        "/my/tell-us/address/",
        {
            "about": town["alice"].pk,
            "new_address": "9 Nowhere",
            "new_postcode": "TL9 9ZZ",
            "effective_on": "2026-01-05",
        },
    )
    assert response.status_code == 400 and b"could not find that address" in response.content
    assert not ChangeReport.objects.exists()


def test_a_resident_cannot_see_someone_elses_change(town: dict[str, Any], bob_client: Client) -> None:
    report = change_report(
        person=town["alice"],
        event_type=EventType.CONTACT,
        data={"email": "a@example.org"},
        reporter=self_reporter(town["alice"]),
        purpose=Purpose.ADMINISTRATION,
    )
    assert bob_client.get(f"/my/tell-us/changes/{report.pk}/").status_code == 404
    assert bob_client.get(f"/my/tell-us/changes/{report.pk}/check/").status_code == 404


def test_staff_report_on_someones_behalf_recorded_with_who_told_them(
    town: dict[str, Any], officer: Any, client: Client
) -> None:
    staff = signed_in(client, officer, purpose=Purpose.ENQUIRY)
    response = staff.post(
        f"/console/people/{town['alice'].pk}/changes/death/",
        {"reporter_name": "Dan Executor", "reporter_relationship": "executor", "date_of_death": "2026-01-03"},
    )
    report = ChangeReport.objects.get()
    assert response.status_code == 302
    assert (report.reported_by, report.reporter_name, report.reporter_relationship, report.reporter_label) == (
        "staff",
        "Dan Executor",
        "executor",
        officer.username,
    )
    staff.post(f"/console/changes/{report.pk}/check/", {"share": [town["electoral"].pk, town["partner"].pk]})
    page = staff.get(f"/console/people/{town['alice'].pk}/changes/")
    assert b"Dan Executor" in page.content and b"No letters are sent" in page.content
    rep = Representative.objects.get(person=town["alice"])
    assert rep.relationship == "executor" and rep.can_act and rep.receives_correspondence
    assert AuditEvent.objects.filter(object_type="once.change", action="view", actor=officer).exists()


def test_the_outsider_sees_no_tell_us_once_page(town: dict[str, Any], outsider: Any, client: Client) -> None:
    staff = signed_in(client, outsider, purpose=None)
    for url in (
        f"/console/people/{town['alice'].pk}/changes/",
        f"/console/people/{town['alice'].pk}/changes/death/",
        "/console/deliveries/failed/",
        "/console/subscribers/",
        "/console/subscribers/new/",
    ):
        assert staff.get(url).status_code == 403, url


def test_staff_see_the_dead_letter_list_and_retry(town: dict[str, Any], caseworker: Any, client: Client) -> None:
    Subscriber.objects.filter(pk=town["partner"].pk).update(url="http://127.0.0.1:9/hook")  # nothing listens
    report = change_report(
        person=town["alice"],
        event_type=EventType.CONTACT,
        data={"email": "a@example.org"},
        reporter=self_reporter(town["alice"]),
        purpose=Purpose.ADMINISTRATION,
    )
    change_confirm(
        report_id=report.pk,
        agreed={town["partner"].pk},
        reporter=self_reporter(town["alice"]),
        purpose=Purpose.ADMINISTRATION,
    )
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(attempts=99)
    Delivery.objects.filter(pk=delivery.pk).update(status="failed", dead_lettered_at=timezone.now())
    staff = signed_in(client, caseworker, purpose=Purpose.CASEWORK)
    page = staff.get("/console/deliveries/failed/")
    assert page.status_code == 200 and b"Library system" in page.content and b"Alice Example" in page.content
    assert staff.post(f"/console/deliveries/{delivery.pk}/retry/").status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.dead_lettered_at is None


def test_an_administrator_adds_a_subscriber_and_sees_its_secret_once(
    administrator: Any, client: Client, settings: Any
) -> None:
    settings.TELLUS_ONCE_ALLOW_HTTP = False
    staff = signed_in(client, administrator, purpose=Purpose.ADMINISTRATION)
    data = {
        "code": "dvla",
        "name": "Partner",
        "kind": "webhook",
        "url": "https://partner.example/hook",
        "purpose": "Needs to know",
        "event_types": ["death"],
        "entitled_fields": ["name", "date_of_death"],
        "is_active": "on",
    }
    shown = staff.post("/console/subscribers/new/", data)
    secret = Subscriber.objects.get().secret
    assert shown.status_code == 200 and secret.encode() in shown.content
    listing = staff.get("/console/subscribers/")
    assert secret.encode() not in listing.content
    edit = staff.get(f"/console/subscribers/{Subscriber.objects.get().pk}/")
    assert secret.encode() not in edit.content


def test_a_subscriber_url_that_is_not_http_is_a_form_error(administrator: Any, client: Client, settings: Any) -> None:
    settings.TELLUS_ONCE_ALLOW_HTTP = False
    staff = signed_in(client, administrator, purpose=Purpose.ADMINISTRATION)
    data = {
        "code": "bad",
        "name": "Bad",
        "kind": "webhook",
        "url": "ftp://partner.example/hook",
        "purpose": "x",
        "event_types": ["death"],
        "entitled_fields": ["name"],
    }
    response = staff.post("/console/subscribers/new/", data)
    assert response.status_code == 400 and b"must start with https://" in response.content
    assert not Subscriber.objects.exists()
