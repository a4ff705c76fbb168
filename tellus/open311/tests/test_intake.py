"""An Open311 report becomes a contact in channel "app" and a need, on the person it describes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tellus.catalogue.models import Service
from tellus.demand.models import Channel, Contact, DemandType, NeedStatus
from tellus.demo.build import Reporter, demo_build
from tellus.linkage.models import CandidatePair
from tellus.linkage.resolution import REVIEW_ONLY_SOURCES, resolve
from tellus.linkage.selectors_staff import review_queue
from tellus.linkage.services import pair_decide
from tellus.open311.keys import api_client_create
from tellus.open311.models import ServiceRequest
from tellus.open311.services import SOURCE_SYSTEM
from tellus.people.models import Person, SourceRecord
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.services import Actor

from .conftest import report

pytestmark = pytest.mark.django_db


def created_request(response: Any) -> ServiceRequest:
    assert response.status_code == 201, response.content
    return ServiceRequest.objects.get(pk=json.loads(response.content)[0]["service_request_id"])


def test_a_report_from_someone_new_makes_a_person_with_an_open311_source_record(post: Any, bins: Service) -> None:
    request = created_request(post("requests", report()))

    contact = Contact.objects.get()
    assert contact.channel == Channel.APP and contact.source_reference == request.service_request_id
    assert contact.words == "The green bin was not emptied on Tuesday." and contact.demand_type == DemandType.VALUE
    assert contact.need == request.need and request.need.status == NeedStatus.OPEN  # type: ignore[union-attr]
    assert request.need.holder_team == "Waste services"  # type: ignore[union-attr]
    record = SourceRecord.objects.get(source_system__name="open311")
    assert record.person == contact.person and record.email == "nadia@example.org"
    assert contact.person is not None and contact.person.display_name == "Nadia Quartermaine"
    assert request.attributes == {"bin_type": "general", "extras": ["bags", "glass"]}
    created = AuditEvent.objects.filter(action=AuditAction.CREATE, subject_person_id=contact.person_id)
    assert {e.object_type for e in created} >= {"people.person", "people.sourcerecord", "demand.contact"}


def test_a_report_that_names_no_one_is_an_anonymous_contact(post: Any, potholes: Service) -> None:
    anonymous = report(service_code="pothole", first_name=None, last_name=None, email=None, phone=None)
    anonymous.pop("attribute[bin_type]"), anonymous.pop("attribute[extras][]")

    created_request(post("requests", anonymous))

    assert Contact.objects.get().person is None
    assert not Person.objects.exists()


def test_fixmystreet_attributes_the_service_does_not_define_are_kept_and_its_title_is_the_summary(
    post: Any, bins: Service
) -> None:
    request = created_request(
        post("requests", report(**{"attribute[title]": "Bin missed again", "attribute[report_url]": "https://x/1"}))
    )

    assert request.extra_attributes == {"title": "Bin missed again", "report_url": "https://x/1"}
    assert request.need.summary == "Bin missed again"  # type: ignore[union-attr]


@pytest.fixture
def town(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    demo_build(people=160, seed=7, reporter=Reporter(io.StringIO()))


@pytest.fixture
def known(town: None) -> tuple[str, Service, SourceRecord]:
    """A client's key, a service it may report to, and a record (with an email) of someone the town knows."""
    _, key = api_client_create(name="fms", actor=Actor.system("tests"))
    service = Service.objects.order_by("code").first()
    assert service is not None
    Service.objects.filter(pk=service.pk).update(open311_enabled=True, open311_type="realtime")
    service.attributes.all().delete()
    record = SourceRecord.objects.filter(
        is_organisation=False, source_system__name="electoral", email__gt="", person__merged_into__isnull=True
    ).first()
    assert record is not None and record.person_id is not None
    return key, service, record


def known_report(key: str, service: Service, record: SourceRecord, **overrides: str) -> dict[str, str]:
    data = {
        "api_key": key,
        "service_code": service.code,
        "address_string": record.address,
        "first_name": record.first_name.split(" ")[0],
        "last_name": record.last_name,
        "email": record.email,
        "description": "Please help.",
    }
    data.update(overrides)
    return data


def test_a_report_with_the_same_email_and_name_as_someone_the_council_knows_lands_on_that_person(
    known: tuple[str, Service, SourceRecord], client: Client
) -> None:
    key, service, record = known
    people_before = Person.objects.count()

    response = client.post(
        "/open311/v2/requests.json",
        known_report(key, service, record, email=f"  {record.email.upper()} ", phone=record.phone),
    )

    request = created_request(response)
    assert request.contact.person_id == record.person_id  # type: ignore[union-attr]
    assert Person.objects.count() == people_before
    assert not SourceRecord.objects.filter(source_system__name="open311").exists()
    assert (
        not CandidatePair.objects.filter(status=CandidatePair.Status.REVIEW)
        .exclude(created_at__lt=request.requested_datetime)
        .exists()
    )
    searched = AuditEvent.objects.filter(action=AuditAction.SEARCH, actor_label="open311:fms").get()
    assert searched.context["rule"] == "exact"
    assert AuditEvent.objects.filter(
        action=AuditAction.LISTED, actor_label="open311:fms", subject_person_id=record.person_id
    ).exists()


def _held(request: ServiceRequest, record: SourceRecord) -> CandidatePair:
    """The report is on a new person of its own, whose open311 record waits in the review queue beside `record`."""
    own = SourceRecord.objects.get(source_system__name="open311", source_key=f"request-{request.pk}")
    assert request.contact.person_id == own.person_id != record.person_id  # type: ignore[union-attr]
    pair = CandidatePair.objects.get(
        record_l_id=min(own.pk, record.pk), record_r_id=max(own.pk, record.pk), status=CandidatePair.Status.REVIEW
    )
    assert pair.comparisons and pair.match_probability is not None
    queue = review_queue(actor=Actor.system("caseworker"), purpose=Purpose.CASEWORK, page_size=1000)
    assert pair in queue.page.object_list
    return pair


def test_a_report_with_a_nearly_the_same_email_is_held_for_a_caseworker_not_filed_on_someone_else(
    known: tuple[str, Service, SourceRecord], client: Client
) -> None:
    key, service, record = known
    local, domain = record.email.split("@")
    near = f"{local[:-1]}{'x' if local[-1] != 'x' else 'y'}@{domain}"

    request = created_request(client.post("/open311/v2/requests.json", known_report(key, service, record, email=near)))

    pair = _held(request, record)
    assert pair.match_probability >= 0.5  # type: ignore[operator]
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="linkage.candidatepair", object_id=str(pair.pk)
    ).exists()


def test_a_report_with_the_same_email_but_another_first_name_is_held_too(
    known: tuple[str, Service, SourceRecord], client: Client
) -> None:
    key, service, record = known

    request = created_request(
        client.post("/open311/v2/requests.json", known_report(key, service, record, first_name="Zebedee"))
    )

    own = SourceRecord.objects.get(source_system__name="open311")
    assert request.contact.person_id == own.person_id != record.person_id  # type: ignore[union-attr]


def test_a_caseworker_confirming_the_pair_puts_the_report_on_the_person_the_council_knows(
    known: tuple[str, Service, SourceRecord], client: Client, django_user_model: Any
) -> None:
    caseworker = django_user_model.objects.create_user(username="caseworker-kim", password="x" * 16)
    key, service, record = known
    local, domain = record.email.split("@")
    request = created_request(
        client.post("/open311/v2/requests.json", known_report(key, service, record, email=f"{local}1@{domain}"))
    )
    pair = _held(request, record)

    pair_decide(
        pair=pair,
        decision=CandidatePair.Status.CONFIRMED,
        actor=Actor.for_user(caseworker),
        purpose=Purpose.CASEWORK,
    )

    request.contact.refresh_from_db()  # type: ignore[union-attr]
    assert request.contact.person_id == record.person_id  # type: ignore[union-attr]


def test_tellus_resolve_leaves_a_held_report_for_the_caseworker(
    known: tuple[str, Service, SourceRecord], client: Client
) -> None:
    key, service, record = known
    local, domain = record.email.split("@")
    request = created_request(
        client.post("/open311/v2/requests.json", known_report(key, service, record, email=f"{local}1@{domain}"))
    )
    pair = _held(request, record)

    resolve(actor=Actor.system("tellus resolve"))

    pair.refresh_from_db()
    request.contact.refresh_from_db()  # type: ignore[union-attr]
    assert pair.status == CandidatePair.Status.REVIEW
    assert request.contact.person_id != record.person_id  # type: ignore[union-attr]
    assert SOURCE_SYSTEM in REVIEW_ONLY_SOURCES
