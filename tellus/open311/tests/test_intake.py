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
from tellus.open311.models import ServiceRequest
from tellus.people.models import Person, SourceRecord
from tellus.privacy.models import AuditAction, AuditEvent

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


def test_a_report_from_someone_the_council_knows_lands_on_that_person(town: None, client: Client) -> None:
    from tellus.open311.keys import api_client_create
    from tellus.privacy.services import Actor

    _, key = api_client_create(name="fms", actor=Actor.system("tests"))
    service = Service.objects.order_by("code").first()
    assert service is not None
    Service.objects.filter(pk=service.pk).update(open311_enabled=True, open311_type="realtime")
    service.attributes.all().delete()
    record = (
        SourceRecord.objects.filter(is_organisation=False, source_system__name="electoral", email__gt="").first()
        or SourceRecord.objects.filter(is_organisation=False, source_system__name="electoral").first()
    )
    assert record is not None and record.person_id is not None
    people_before = Person.objects.count()

    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": service.code,
            "address_string": record.address,
            "first_name": record.first_name,
            "last_name": record.last_name,
            "email": record.email,
            "phone": record.phone,
            "description": "Please help.",
        },
    )

    request = created_request(response)
    person = Person.objects.get(pk=record.person_id)
    target = person.merged_into or person
    assert request.contact.person_id == target.pk  # type: ignore[union-attr]
    assert Person.objects.count() == people_before
    assert not SourceRecord.objects.filter(source_system__name="open311").exists()
    assert AuditEvent.objects.filter(action=AuditAction.LISTED, actor_label="open311:fms").exists()
