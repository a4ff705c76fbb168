"""Ids, pages and sizes are ASCII digits: anything else, Unicode digits such as "²" or "٣" included (Python's int()
and str.isdigit() take them), is a 4xx in the spec's shape, never a 500. A property-based test walks every Open311
endpoint and parameter with generated values."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tellus.catalogue.models import Service
from tellus.open311.forms import is_digits
from tellus.open311.models import ServiceRequest

from .conftest import errors_of, parse_xml, report, row_counts

pytestmark = pytest.mark.django_db
UNICODE_DIGITS = ["²", "٣", "\uff11", "߂", "\U0001d7d5", "1²", "٣٣", "Ⅻ", "½"]


@pytest.fixture
def sent(post: Any, bins: Service) -> ServiceRequest:
    response = post("requests", report())
    return ServiceRequest.objects.get(pk=json.loads(response.content)[0]["service_request_id"])


def test_only_ascii_digits_are_digits() -> None:
    assert is_digits("0123456789")
    assert not any(is_digits(value) for value in [*UNICODE_DIGITS, "", " 1", "1 ", "+1", "-1", "1.0", "1e3", "1_0"])
    assert "²".isdigit() and "٣".isdigit() and int("٣") == 3  # the trap: Python counts them as digits


@pytest.mark.parametrize("value", UNICODE_DIGITS)
@pytest.mark.parametrize("name", ["service_request_id", "page", "page_size"])
def test_a_unicode_digit_in_a_requests_parameter_is_a_400(
    client: Client, sent: ServiceRequest, name: str, value: str
) -> None:
    response = client.get("/open311/v2/requests.json", {name: value})

    assert response.status_code == 400 and name in errors_of(response)[0]["description"]


@pytest.mark.parametrize("value", UNICODE_DIGITS)
@pytest.mark.parametrize("name", ["service_request_id", "page", "page_size"])
def test_a_unicode_digit_in_an_updates_parameter_is_a_400(
    client: Client, sent: ServiceRequest, name: str, value: str
) -> None:
    response = client.get("/open311/v2/servicerequestupdates.xml", {name: value})

    assert response.status_code == 400
    assert parse_xml(response.content).findtext("error/code") == "400"


@pytest.mark.parametrize("value", UNICODE_DIGITS)
@pytest.mark.parametrize("prefix", ["requests", "request"])
def test_a_unicode_digit_as_a_request_id_in_the_path_is_a_400(client: Client, prefix: str, value: str) -> None:
    response = client.get(f"/open311/v2/{prefix}/{quote(value)}.json")

    assert response.status_code == 400 and "digits 0-9" in errors_of(response)[0]["description"]


@pytest.mark.parametrize("value", UNICODE_DIGITS)
def test_a_unicode_digit_as_the_request_of_a_posted_update_is_a_400_and_writes_nothing(
    post: Any, sent: ServiceRequest, value: str
) -> None:
    before = row_counts()

    response = post(
        "servicerequestupdates",
        {"service_request_id": value, "update_id": "1", "updated_datetime": "2026-01-01T00:00:00Z", "status": "OPEN"},
    )

    assert response.status_code == 400 and row_counts() == before
    errors_of(response)


@pytest.mark.parametrize("value", ["٣", "\u0663.\u0665", "\uff11"])
def test_unicode_digits_are_no_coordinate(post: Any, bins: Service, value: str) -> None:
    response = post("requests", report(lat=value, long="0"))

    assert response.status_code == 400 and "lat" in errors_of(response)[0]["description"]


def test_ascii_ids_still_find_their_request_and_unknown_or_huge_ones_find_nothing(
    client: Client, sent: ServiceRequest
) -> None:
    listed = json.loads(
        client.get("/open311/v2/requests.json", {"service_request_id": f"{sent.pk},9,{'9' * 30}"}).content
    )

    assert [r["service_request_id"] for r in listed] == [sent.service_request_id]
    assert client.get(f"/open311/v2/requests/{sent.pk}.json").status_code == 200
    assert client.get(f"/open311/v2/requests/{'9' * 30}.json").status_code == 404
    assert client.get("/open311/v2/requests.json", {"page": "2", "page_size": "1"}).content == b"[]"


ENDPOINTS = [
    ("get", "requests", ["service_request_id", "page", "page_size", "service_code", "status", "start_date"]),
    ("get", "servicerequestupdates", ["service_request_id", "page", "page_size", "start_date", "end_date"]),
    ("get", "services", ["jurisdiction_id"]),
    ("get", "discovery", ["jurisdiction_id"]),
    ("post", "requests", ["service_code", "lat", "long", "media_url", "attribute[bin_type]", "jurisdiction_id"]),
    ("post", "servicerequestupdates", ["service_request_id", "update_id", "updated_datetime", "status", "media_url"]),
]
PATHS = ["requests/{}", "request/{}", "services/{}", "tokens/{}"]
numberish = st.one_of(
    st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=6),
    st.text(alphabet="0123456789", min_size=1, max_size=25),
    st.text(min_size=1, max_size=12),
    st.sampled_from(["0", "-1", "1.5", "1e9", " 7", "7 ", "+3", "9" * 19, "٣", "²", "%", ",", "1,²"]),
)
STRICT = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _spec_shaped(response: Any, fmt: str) -> None:
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        if fmt == "json":
            errors_of(response)
        else:
            assert parse_xml(response.content).tag == "errors"


@STRICT
@given(data=st.data())
def test_generated_numbers_on_every_open311_parameter_never_give_a_500(
    client: Client, key: str, sent: ServiceRequest, data: Any
) -> None:
    method, path, names = data.draw(st.sampled_from(ENDPOINTS))
    fmt = data.draw(st.sampled_from(["json", "xml"]))
    params = {
        name: data.draw(numberish) for name in data.draw(st.lists(st.sampled_from(names), min_size=1, unique=True))
    }
    if method == "post":
        response = client.post(f"/open311/v2/{path}.{fmt}", {**report(api_key=key), **params})
    else:
        response = client.get(f"/open311/v2/{path}.{fmt}", params)
    _spec_shaped(response, fmt)


@STRICT
@given(template=st.sampled_from(PATHS), value=numberish, fmt=st.sampled_from(["json", "xml"]))
def test_generated_ids_in_every_open311_path_never_give_a_500(
    client: Client, sent: ServiceRequest, template: str, value: str, fmt: str
) -> None:
    response = client.get("/open311/v2/" + template.format(quote(value, safe="")) + f".{fmt}")

    _spec_shaped(response, fmt)
    if template.startswith("request") and response.status_code == 200:
        assert is_digits(value)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["services/bins\x00.json", "tokens/ab\x00cd.json", "services/\x1f.xml"])
def test_a_code_or_token_with_control_characters_is_simply_not_found(client, path) -> None:
    response = client.get(f"/open311/v2/{path}")

    assert response.status_code == 404
