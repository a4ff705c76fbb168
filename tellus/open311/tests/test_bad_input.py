"""Bad input gets the right status and an Open311 error body, and writes nothing."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from django.test import Client

from tellus.catalogue.models import Service

from .conftest import errors_of, parse_xml, report, row_counts

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"service_code": "no-such-service"}, "service_code"),
        ({"service_code": "council-tax"}, "service_code"),  # exists, but not open to Open311
        ({"service_code": None}, "service_code is required"),
        ({"attribute[bin_type]": None}, "attribute[bin_type] is required"),
        ({"attribute[bin_type]": "compost"}, "not one of its keys"),
        ({"attribute[extras][]": ["bags", "piano"]}, "not among its keys"),
        ({"description": "x" * 4001}, "longer than 4000"),
        ({"description": "nul\x00byte"}, "control characters"),
        ({"lat": "91", "long": "0"}, "lat must be between"),
        ({"lat": "nan", "long": "0"}, "lat"),
        ({"lat": "51.5", "long": None}, "together"),
        ({"lat": None, "long": None, "address_string": None}, "location"),
        ({"email": "not-an-email"}, "email"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
    ],
)
def test_a_bad_report_is_refused_with_400_and_writes_nothing(
    post: Any, bins: Service, hidden_service: Service, overrides: dict[str, Any], needle: str
) -> None:
    before = row_counts()

    response = post("requests", report(**overrides))

    assert response.status_code == 400
    assert needle in errors_of(response)[0]["description"]
    assert row_counts() == before


def test_a_description_of_exactly_4000_characters_is_accepted(post: Any, bins: Service) -> None:
    assert post("requests", report(description="y" * 4000)).status_code == 201


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"start_date": "2026-02-30T00:00:00Z"}, "start_date"),
        ({"end_date": "yesterday"}, "end_date"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90 days"),
        ({"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-02-01T00:00:00Z"}, "after end_date"),
        ({"status": "pending"}, "status"),
        ({"page_size": "1001"}, "page_size"),
        ({"page": "0"}, "page"),
    ],
)
def test_bad_request_filters_are_refused_with_400(client: Client, params: dict[str, str], needle: str) -> None:
    response = client.get("/open311/v2/requests.json", params)

    assert response.status_code == 400 and needle in errors_of(response)[0]["description"]


def test_unknown_things_are_404_in_the_spec_shape(client: Client, bins: Service) -> None:
    for path in ("services/nothing.json", "requests/999999.json", "tokens/nope.json", "whatever.json"):
        response = client.get(f"/open311/v2/{path}")
        assert response.status_code == 404, path
        errors_of(response)
    xml = client.get("/open311/v2/services.html")
    assert xml.status_code == 404 and parse_xml(xml.content).tag == "errors"


def test_a_wrong_method_is_405_in_the_spec_shape(client: Client, bins: Service) -> None:
    response = client.delete("/open311/v2/services.json")

    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    errors_of(response)


def test_a_malformed_body_is_400_and_writes_nothing(client: Client, key: str, bins: Service) -> None:
    before = row_counts()

    response = client.post(
        "/open311/v2/requests.json", b"--x\r\nbroken", content_type="multipart/form-data; boundary=x"
    )
    as_json = client.post(
        f"/open311/v2/requests.json?api_key={key}", json.dumps(report()), content_type="application/json"
    )

    assert response.status_code in (400, 403)
    errors_of(response)
    assert as_json.status_code == 400 and "service_code" in errors_of(as_json)[0]["description"]
    assert row_counts() == before


def test_a_bug_still_answers_in_the_spec_shape_with_500(client: Client, bins: Service) -> None:
    with mock.patch("tellus.open311.selectors.services_open311", side_effect=RuntimeError("boom")):
        response = client.get("/open311/v2/services.xml")

    assert response.status_code == 500 and response["Content-Type"] == "text/xml; charset=utf-8"
    assert parse_xml(response.content).findtext("error/code") == "500"
    assert "boom" not in response.content.decode()
