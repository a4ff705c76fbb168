"""What real Open311 clients send and expect: FixMyStreet's several photos, its own fields, reports not pinned on
a map, a configured jurisdiction, HEAD, Retry-After, and errors in the spec's shape whatever goes wrong."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from django.test import Client

from tellus.catalogue.models import Service
from tellus.open311.forms import NOT_PINPOINTED
from tellus.open311.models import ApiClient, ServiceRequest, ServiceRequestUpdate

from .conftest import errors_of, parse_xml, report, row_counts

pytestmark = pytest.mark.django_db
PHOTOS = ["https://fms.example/photo/1.full.jpeg", "https://fms.example/photo/2.full.jpeg"]


def created(response: Any) -> ServiceRequest:
    assert response.status_code == 201, response.content
    return ServiceRequest.objects.get(pk=json.loads(response.content)[0]["service_request_id"])


def test_fixmystreets_several_photos_are_all_kept_and_the_first_is_the_requests_media_url(
    post: Any, client: Client, bins: Service
) -> None:
    request = created(post("requests", report(media_url=[*PHOTOS, PHOTOS[0]])))

    assert request.media_urls == PHOTOS and request.media_url == PHOTOS[0]
    shown = json.loads(client.get(f"/open311/v2/requests/{request.pk}.json").content)[0]
    assert shown["media_url"] == PHOTOS[0]


def test_one_bad_photo_url_among_several_refuses_the_report(post: Any, bins: Service) -> None:
    before = row_counts()

    response = post("requests", report(media_url=[PHOTOS[0], "ftp://fms.example/2.jpeg"]))

    assert response.status_code == 400 and "media_url" in errors_of(response)[0]["description"]
    assert row_counts() == before


def test_an_update_with_several_photos_keeps_them_all(post: Any, bins: Service) -> None:
    request = created(post("requests", report()))

    response = post(
        "servicerequestupdates",
        {
            "service_request_id": request.service_request_id,
            "update_id": "77",
            "updated_datetime": request.requested_datetime.isoformat(),
            "status": "OPEN",
            "description": "Photos of it.",
            "media_url": PHOTOS,
        },
    )

    assert response.status_code == 200, response.content
    update = ServiceRequestUpdate.objects.get()
    assert update.media_urls == PHOTOS and update.media_url == PHOTOS[0]


def test_fixmystreets_own_fields_are_accepted_and_kept(post: Any, bins: Service) -> None:
    request = created(
        post(
            "requests",
            report(
                service_request_id_ext="4821",
                report_url="https://www.fixmystreet.com/report/4821",
                account_id="",
                deviceid="fms-app",
                **{"attribute[fixmystreet_id]": "4821", "attribute[report_url]": "https://fms.example/report/4821"},
            ),
        )
    )

    assert request.client_fields == {
        "service_request_id_ext": "4821",
        "report_url": "https://www.fixmystreet.com/report/4821",
        "deviceid": "fms-app",
    }
    assert request.extra_attributes == {"fixmystreet_id": "4821", "report_url": "https://fms.example/report/4821"}


def test_fixmystreets_update_fields_and_extended_statuses_are_accepted(post: Any, bins: Service) -> None:
    request = created(post("requests", report()))
    fields = {
        "service_request_id": request.service_request_id,
        "updated_datetime": request.requested_datetime.isoformat(),
        "description": "Reported again.",
        "email": "nadia@example.org",
        "first_name": "Nadia",
        "last_name": "-",
        "update_id_ext": "9001",
        "service_request_id_ext": "4821",
        "public_anonymity_required": "FALSE",
        "email_alerts_requested": "TRUE",
        "title": "Mrs",
        "service_code": "missed-bin",
    }

    for number, status in enumerate(["FOR_TRIAGE", "CANCELLED", "REOPEN"]):
        response = post("servicerequestupdates", {**fields, "update_id": f"u-{number}", "status": status})
        assert response.status_code == 200, (status, response.content)

    first = ServiceRequestUpdate.objects.order_by("pk").first()
    assert first is not None and first.client_fields["update_id_ext"] == "9001"
    request.need.refresh_from_db()  # type: ignore[union-attr]
    assert request.need.is_open  # type: ignore[union-attr]  # cancelled, then reopened


@pytest.mark.parametrize(
    "location",
    [
        {"lat": None, "long": None, "address_id": NOT_PINPOINTED, "address_string": None},
        {"lat": None, "long": None, "address_string": "TH1 2AB"},
        {"lat": None, "long": None, "address_string": None, "address_id": "100012345678"},
    ],
)
def test_a_report_located_only_by_address_string_address_id_or_not_pinpointed_is_accepted(
    post: Any, client: Client, bins: Service, location: dict[str, Any]
) -> None:
    request = created(post("requests", report(**location)))

    shown = json.loads(client.get(f"/open311/v2/requests/{request.pk}.json").content)[0]
    assert shown["lat"] is None and shown["long"] is None
    assert shown["address"] == location.get("address_string")
    assert shown["address_id"] == location.get("address_id")


def test_without_a_configured_jurisdiction_any_or_an_empty_jurisdiction_id_is_accepted(
    post: Any, client: Client, bins: Service, settings: Any
) -> None:
    settings.TELLUS_OPEN311_JURISDICTION_ID = ""

    assert client.get("/open311/v2/services.xml", {"jurisdiction_id": "anywhere.example"}).status_code == 200
    assert post("requests", report(jurisdiction_id="")).status_code == 201
    assert post("requests", report(jurisdiction_id="anywhere.example")).status_code == 201


def test_a_configured_jurisdiction_refuses_any_other_on_every_endpoint(
    post: Any, client: Client, key: str, bins: Service, settings: Any
) -> None:
    settings.TELLUS_OPEN311_JURISDICTION_ID = "tellham.gov.uk"
    before = row_counts()

    refused = post("requests", report(jurisdiction_id="elsewhere.gov.uk"))
    in_the_query = client.post("/open311/v2/requests.json?jurisdiction_id=elsewhere.gov.uk", report(api_key=key))

    assert refused.status_code == 404 and "jurisdiction_id" in errors_of(refused)[0]["description"]
    assert in_the_query.status_code == 404
    assert row_counts() == before
    for path in ("discovery", "services", "services/missed-bin", "requests", "servicerequestupdates", "tokens/x"):
        answer = client.get(f"/open311/v2/{path}.xml", {"jurisdiction_id": "elsewhere.gov.uk"})
        assert answer.status_code == 404, path
        assert parse_xml(answer.content).findtext("error/code") == "404"
    assert post("requests", report(jurisdiction_id="TELLHAM.gov.uk")).status_code == 201
    assert post("requests", report()).status_code == 201  # absent is fine: Tellus serves one jurisdiction


@pytest.mark.parametrize(
    "path", ["discovery", "services", "services/missed-bin", "requests", "requests/1", "servicerequestupdates"]
)
def test_head_answers_every_get_with_its_headers_and_no_body(
    client: Client, post: Any, bins: Service, path: str
) -> None:
    created(post("requests", report()))
    got = client.get(f"/open311/v2/{path}.json")

    head = client.head(f"/open311/v2/{path}.json")

    assert head.status_code == got.status_code == 200
    assert head["Content-Type"] == got["Content-Type"]
    assert int(head["Content-Length"]) == len(got.content) and head.content == b""


def test_head_on_a_missing_request_is_a_404_without_a_body(client: Client, bins: Service) -> None:
    head = client.head("/open311/v2/requests/999.xml")

    assert head.status_code == 404 and head.content == b""


def test_over_the_rate_limit_the_429_says_when_to_try_again(
    post: Any, client_and_key: tuple[ApiClient, str], bins: Service
) -> None:
    ApiClient.objects.filter(pk=client_and_key[0].pk).update(rate_limit_per_minute=1)
    assert post("requests", report()).status_code == 201

    refused = post("requests", report())

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert f"{int(refused['Retry-After'])} seconds" in errors_of(refused)[0]["description"]


@pytest.mark.parametrize(("path", "fmt"), [("/open311/v2/services.json", "json"), ("/open311/v2/services.xml", "xml")])
def test_a_bad_host_header_is_a_400_in_the_spec_shape(client: Client, path: str, fmt: str) -> None:
    response = client.get(path, HTTP_HOST="attacker.example")

    assert response.status_code == 400
    if fmt == "json":
        assert "Host" in errors_of(response)[0]["description"]
    else:
        assert parse_xml(response.content).findtext("error/code") == "400"


def test_a_bad_host_on_a_post_writes_nothing(client: Client, key: str, bins: Service) -> None:
    before = row_counts()

    response = client.post("/open311/v2/requests.json", report(api_key=key), HTTP_HOST="attacker.example")

    assert response.status_code == 400 and row_counts() == before
    errors_of(response)


def test_an_error_page_from_outside_the_views_is_replaced_by_the_spec_shape(client: Client) -> None:
    client.raise_request_exception = False
    with mock.patch("django.urls.resolvers.URLResolver.resolve", side_effect=RuntimeError("boom")):
        response = client.get("/open311/v2/discovery.json")

    assert response.status_code == 500
    body = errors_of(response)
    assert "boom" not in body[0]["description"]


def test_paths_outside_open311_keep_djangos_own_answers(client: Client) -> None:
    response = client.get("/console/nothing-here/")

    assert response.status_code in (302, 404)
    assert not response["Content-Type"].startswith("application/json")
