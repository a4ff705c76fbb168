"""The demo town's app and web reports are Open311 requests: a client pointed at a demo sees a live feed of
requests with statuses, public notes and updates, and never an internal note."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from tellus.catalogue.models import ServiceAttribute
from tellus.demand.models import Contact, NeedEvent, NoteVisibility
from tellus.demand.services import contact_log, need_handoff, need_transition
from tellus.demand.tests.factories import ServiceFactory
from tellus.open311.demo import demo_requests_create
from tellus.open311.models import ServiceRequest, ServiceRequestUpdate
from tellus.people.tests.factories import PersonFactory, PropertyFactory
from tellus.privacy.services import Actor

from .conftest import parse_xml

ACTOR = Actor.system("tellus demo")


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_a_demo_town_serves_its_app_and_web_reports_as_requests_with_only_public_notes(var_dir: Path) -> None:
    call_command("demo", "--people", "300", "--no-serve", stdout=io.StringIO())
    anonymous = Client()

    requests = json.loads(anonymous.get("/open311/v2/requests.json").content)
    updates = json.loads(anonymous.get("/open311/v2/servicerequestupdates.json").content)

    assert len(requests) > 50
    assert {r["status"] for r in requests} == {"open", "closed"}
    reported = ServiceRequest.objects.select_related("contact", "service")
    assert all(r.service.open311_enabled and r.contact.channel in ("app", "web") for r in reported)
    assert all(r.contact.source_reference == r.service_request_id for r in reported)
    assert (
        not Contact.objects.filter(  # every first app or web report about a reportable service is a request
            is_first_contact_for_need=True, channel__in=["app", "web"], service__open311_enabled=True
        )
        .exclude(open311_request__isnull=False)
        .exists()
    )
    public = set(NeedEvent.objects.filter(note_visibility=NoteVisibility.PUBLIC).values_list("note", flat=True))
    internal = set(
        NeedEvent.objects.filter(note_visibility=NoteVisibility.INTERNAL)
        .exclude(note="")
        .values_list("note", flat=True)
    )
    notes = [r["status_notes"] for r in requests if r["status_notes"]]
    assert notes and set(notes) <= public
    assert any(u["description"] in public for u in updates)
    assert {u["status"] for u in updates} >= {"in_progress", "fixed"}
    assert internal, "the demo has internal notes too, so this test shows they stay inside"
    for path in ("requests.json", "requests.xml", "servicerequestupdates.json", "servicerequestupdates.xml"):
        body = anonymous.get(f"/open311/v2/{path}").content.decode()
        assert not [note for note in internal if note in body], path
    assert parse_xml(anonymous.get("/open311/v2/requests.xml").content).find("request/status_notes") is not None
    assert ServiceRequestUpdate.objects.exists()  # the reporters' later comments, sent by their client


def _small_year() -> None:
    bins = ServiceFactory(code="household-waste", responsible_team="Waste and recycling", open311_enabled=True)
    ServiceAttribute.objects.create(
        service=bins, code="bin_type", datatype="singlevaluelist", required=True, order=1, description="Which bin?",
        values=[{"key": "general", "name": "General"}, {"key": "recycling", "name": "Recycling"}],
    )  # fmt: skip
    ServiceAttribute.objects.create(
        service=bins, code="collection_day", datatype="datetime", required=True, order=2, description="When?"
    )
    rates = ServiceFactory(code="rates", responsible_team="Revenues", open311_enabled=False)
    for number in range(5):
        PropertyFactory(reference=f"P{number}", latitude=52.2 + number / 1000, longitude=-1.03)
    person = PersonFactory()
    for number in range(30):
        contact = contact_log(
            actor=ACTOR, purpose="data_import", channel=("app", "web", "phone")[number % 3], words=f"Report {number}",
            person=person if number % 2 else None, service=rates if number % 5 == 0 else bins, demand_type="value",
        )  # fmt: skip
        need_handoff(need=contact.need, to_team="Crews", actor=ACTOR, purpose="data_import")
        if number % 4:
            need_transition(need=contact.need, to_status="met", actor=ACTOR, purpose="data_import")
        if number % 3 == 0:  # the reporter comes back through the app
            contact_log(actor=ACTOR, purpose="data_import", channel="app", words="Any news?", person=contact.person,
                        service=contact.service, need=contact.need)  # fmt: skip


def _feed() -> list[tuple[Any, ...]]:
    requests = ServiceRequest.objects.order_by("contact_id")
    rows: list[tuple[Any, ...]] = [
        (r.contact_id, r.client.name, r.lat, r.long, r.address_string, r.attributes, r.requested_datetime)
        for r in requests
    ]
    rows += [(u.contact_id, u.status, u.description) for u in ServiceRequestUpdate.objects.order_by("contact_id")]
    rows += list(NeedEvent.objects.order_by("pk").values_list("pk", "note", "note_visibility"))
    return rows


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_feed_and_only_reportable_app_and_web_reports_become_requests() -> None:
    _small_year()
    feeds = []
    for seed in (7, 7, 8):
        with transaction.atomic():
            made = demo_requests_create(seed=seed, actor=ACTOR)
            feeds.append(_feed())
            transaction.set_rollback(True)

    assert feeds[0] == feeds[1] and feeds[0] != feeds[2]
    assert made.requests == 16  # the 20 app and web reports, less the 4 about rates (0, 10, 15, 25)
    assert made.updates > 0 and made.public_notes > 0


@pytest.mark.django_db
def test_a_second_run_leaves_requests_already_made_alone() -> None:
    _small_year()
    first = demo_requests_create(seed=1, actor=ACTOR)

    again = demo_requests_create(seed=1, actor=ACTOR)

    assert first.requests > 0 and again.requests == 0
    assert ServiceRequest.objects.count() == first.requests
