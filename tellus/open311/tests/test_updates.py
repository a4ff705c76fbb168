"""mySociety's servicerequestupdates: FixMyStreet posts the reporter's updates and fetches the council's."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tellus.catalogue.models import Service
from tellus.demand.models import Contact, Need, NeedStatus
from tellus.demand.services import need_handoff, need_transition
from tellus.open311.models import ServiceRequest, ServiceRequestUpdate
from tellus.privacy.services import Actor

from .conftest import errors_of, report, row_counts

pytestmark = pytest.mark.django_db
STAFF = Actor.system("officer-jo")


@pytest.fixture
def sent(post: Any, bins: Service) -> ServiceRequest:
    response = post("requests", report())
    return ServiceRequest.objects.get(pk=json.loads(response.content)[0]["service_request_id"])


def update(sent: ServiceRequest, **overrides: Any) -> dict[str, Any]:
    data = {
        "service_request_id": sent.service_request_id,
        "update_id": "fms-501",
        "updated_datetime": (timezone.now() + dt.timedelta(seconds=1)).isoformat(),
        "status": "OPEN",
        "description": "Still not emptied.",
        "email": "Nadia@Example.org",
        "first_name": "Nadia",
        "last_name": "Quartermaine",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_comment_from_the_reporter_is_a_repeat_contact_about_the_need(post: Any, sent: ServiceRequest) -> None:
    response = post("servicerequestupdates", update(sent))

    assert response.status_code == 200
    assert json.loads(response.content)[0]["update_id"].startswith("u")
    contact = ServiceRequestUpdate.objects.get().contact
    assert contact is not None and contact.need == sent.need and contact.is_repeat
    assert contact.person == sent.contact.person and contact.channel == "app"  # type: ignore[union-attr]


def test_fixed_meets_the_need_and_posting_the_same_update_again_changes_nothing(
    post: Any, sent: ServiceRequest
) -> None:
    body = update(sent, status="FIXED", description="Collected today, thanks.")
    first = post("servicerequestupdates", body)
    after_first = row_counts()

    again = post("servicerequestupdates", body)

    assert json.loads(first.content) == json.loads(again.content)
    assert row_counts() == after_first
    need = Need.objects.get(pk=sent.need_id)
    assert need.status == NeedStatus.MET and need.end_to_end_seconds is not None


@pytest.mark.parametrize(
    ("status", "need_status"),
    [("NOT_COUNCILS_RESPONSIBILITY", NeedStatus.CLOSED_OTHER), ("investigating", NeedStatus.IN_PROGRESS)],
)
def test_extended_statuses_move_the_need(post: Any, sent: ServiceRequest, status: str, need_status: str) -> None:
    assert post("servicerequestupdates", update(sent, status=status)).status_code == 200

    assert Need.objects.get(pk=sent.need_id).status == need_status


def test_an_update_from_someone_else_changes_status_but_is_not_the_reporters_contact(
    post: Any, sent: ServiceRequest
) -> None:
    post("servicerequestupdates", update(sent, email="neighbour@example.org", status="CLOSED"))

    assert ServiceRequestUpdate.objects.get().contact is None
    assert Contact.objects.count() == 1
    assert Need.objects.get(pk=sent.need_id).status == NeedStatus.MET


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"status": "TELEPORTED"}, 400),
        ({"service_request_id": "424242"}, 404),
        ({"updated_datetime": "2001-01-01T00:00:00Z"}, 400),
        ({"updated_datetime": "3000-01-01T00:00:00Z"}, 400),
        ({"update_id": None}, 400),
        ({"api_key": "wrong"}, 403),
    ],
)
def test_bad_updates_are_refused_and_write_nothing(
    post: Any, sent: ServiceRequest, overrides: dict[str, Any], code: int
) -> None:
    before = row_counts()

    response = post("servicerequestupdates", update(sent, **overrides))

    assert response.status_code == code
    errors_of(response)
    assert row_counts() == before


def test_the_councils_changes_are_listed_for_fixmystreet_to_fetch(
    client: Client, post: Any, sent: ServiceRequest
) -> None:
    need = Need.objects.get(pk=sent.need_id)
    need_handoff(need=need, to_team="Fleet", actor=STAFF, purpose="casework")
    need_transition(
        need=need, to_status="met", actor=STAFF, purpose="casework", note="Collected.", note_visibility="public"
    )
    post("servicerequestupdates", update(sent, status="OPEN", update_id="fms-9"))  # reopened by the reporter

    body = json.loads(client.get("/open311/v2/servicerequestupdates.json").content)

    assert [(u["status"], u["description"]) for u in body] == [
        ("in_progress", "Passed to Fleet."),
        ("fixed", "Collected."),
    ]
    assert {u["service_request_id"] for u in body} == {sent.service_request_id}
    assert all(u["updated_datetime"].endswith("+00:00") for u in body)
    xml = client.get("/open311/v2/servicerequestupdates.xml")
    assert b"<service_request_updates><request_update><update_id>e" in xml.content
    too_long = {"start_date": "2020-01-01", "end_date": "2021-01-01"}
    assert client.get("/open311/v2/servicerequestupdates.json", too_long).status_code == 400
