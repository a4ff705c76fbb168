"""Every endpoint answers in XML and JSON with the right content type, and its JSON validates against the
project's GeoReport v2 schemas (tests/schemas/, written from the published specification), errors included."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from referencing import Registry, Resource

from tellus.catalogue.models import Service
from tellus.demand.models import NeedStatus
from tellus.demand.services import need_transition
from tellus.open311.models import ServiceRequest
from tellus.privacy.models import Purpose
from tellus.privacy.services import Actor

from .conftest import parse_xml, report

BASE = "https://tellus.invalid/open311/georeport-v2/"
NOW = "2026-11-22T07:00:00+00:00"


@pytest.fixture(scope="module")
def validate(schema_dir: Path) -> Any:
    resources = [Resource.from_contents(json.loads(path.read_text())) for path in sorted(schema_dir.glob("*.json"))]
    registry: Registry = Registry().with_resources((resource.id() or "", resource) for resource in resources)

    def _validate(instance: Any, name: str) -> None:
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": BASE + name}
        Draft202012Validator(schema, registry=registry, format_checker=FormatChecker()).validate(instance)

    return _validate


def test_every_schema_is_a_valid_schema_with_its_own_id(schema_dir: Path) -> None:
    names = sorted(path.name for path in schema_dir.glob("*.json"))

    assert {"errors.json", "post-request-response.json", "requests.json", "services.json"} <= set(names)
    for name in names:
        schema = json.loads((schema_dir / name).read_text())
        Draft202012Validator.check_schema(schema)
        assert schema["$id"] == BASE + name


def get_json(client: Client, path: str, **params: Any) -> Any:
    response = client.get(f"/open311/v2/{path}.json", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def get_xml(client: Client, path: str, root: str, **params: Any) -> ET.Element:
    response = client.get(f"/open311/v2/{path}.xml", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    element = parse_xml(response.content)
    assert element.tag == root
    return element


def test_the_schemas_themselves_catch_a_wrong_answer(validate: Any) -> None:
    with pytest.raises(ValidationError, match="is not of type 'boolean'"):
        validate([{"service_code": "x", "service_name": "X", "metadata": "true", "type": "realtime"}], "services.json")
    with pytest.raises(ValidationError, match="should not be valid"):
        validate([{"service_request_id": "1", "token": "t"}], "post-request-response.json")
    with pytest.raises(ValidationError, match="Additional properties"):
        validate(
            [
                {
                    "service_request_id": "1",
                    "status": "open",
                    "service_code": "x",
                    "requested_datetime": NOW,
                    "email": "a",
                }
            ],
            "requests.json",
        )
    with pytest.raises(ValidationError, match="does not match"):
        validate(
            [
                {
                    "service_request_id": "1",
                    "status": "open",
                    "service_code": "x",
                    "requested_datetime": "2026-01-01T10:00",
                }
            ],
            "requests.json",
        )
    with pytest.raises(ValidationError, match="is not of type 'integer'"):
        validate([{"code": "400", "description": "Bad."}], "errors.json")


@pytest.mark.django_db
def test_services_validate_and_list_only_reportable_services(
    client: Client, validate: Any, bins: Service, potholes: Service, hidden_service: Service
) -> None:
    body = get_json(client, "services")

    validate(body, "services.json")
    assert {s["service_code"] for s in body} == {"missed-bin", "pothole"}
    by_code = {s["service_code"]: s for s in body}
    assert by_code["missed-bin"]["metadata"] is True and by_code["pothole"]["metadata"] is False
    assert by_code["missed-bin"]["keywords"] == "bin, rubbish"
    xml = get_xml(client, "services", "services")
    assert [s.findtext("service_code") for s in xml.findall("service")] == ["pothole", "missed-bin"]
    assert xml.find("service/metadata").text == "false"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_a_service_definition_validates_with_its_list_values(client: Client, validate: Any, bins: Service) -> None:
    body = get_json(client, "services/missed-bin")

    validate(body, "service-definition.json")
    assert [a["code"] for a in body["attributes"]] == ["bin_type", "extras", "note"]
    assert body["attributes"][0]["required"] is True and body["attributes"][2]["variable"] is False
    xml = get_xml(client, "services/missed-bin", "service_definition")
    keys = [v.findtext("key") for v in xml.findall("attributes/attribute/values/value")]
    assert keys == ["general", "recycling", "bags", "glass"]


@pytest.mark.django_db
def test_posting_a_request_answers_the_spec_response_and_the_request_validates(
    post: Any, client: Client, validate: Any, bins: Service
) -> None:
    response = post("requests", report())

    assert response.status_code == 201
    created = json.loads(response.content)
    assert isinstance(created, list) and isinstance(created[0]["service_request_id"], str)
    validate(created, "post-request-response.json")
    one = get_json(client, f"requests/{created[0]['service_request_id']}")
    validate(one, "requests.json")
    assert one[0]["status"] == "open" and one[0]["requested_datetime"].endswith("+00:00")
    assert one[0]["lat"] == 51.5072 and one[0]["description"] == "The green bin was not emptied on Tuesday."
    listed = get_json(client, "requests")
    validate(listed, "requests.json")
    xml = get_xml(client, "requests", "service_requests")
    assert xml.findtext("request/service_request_id") == created[0]["service_request_id"]
    assert "email" not in json.dumps(listed) and "nadia" not in json.dumps(listed).lower()


@pytest.mark.django_db
def test_a_batch_service_gives_a_token_that_resolves_to_the_request(
    post: Any, client: Client, validate: Any, batch_service: Service
) -> None:
    response = post("requests", report(service_code="graffiti", **{"attribute[bin_type]": None}), fmt="xml")

    assert response.status_code == 201 and response["Content-Type"] == "text/xml; charset=utf-8"
    token = parse_xml(response.content).findtext("request/token")
    assert token and parse_xml(response.content).find("request/service_request_id") is None
    body = get_json(client, f"tokens/{token}")
    validate(body, "token-response.json")
    assert body[0]["token"] == token and body[0]["service_request_id"].isdigit()


@pytest.mark.django_db
def test_discovery_names_both_formats(client: Client, validate: Any) -> None:
    body = get_json(client, "discovery")

    validate(body, "discovery.json")
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert body["endpoints"][0]["url"].endswith("/open311/v2")
    xml = get_xml(client, "discovery", "discovery")
    assert [f.text for f in xml.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


@pytest.mark.django_db
def test_an_empty_jurisdiction_id_is_the_same_as_none_and_a_wrong_one_is_refused(
    client: Client, bins: Service, settings: Any
) -> None:
    settings.TELLUS_OPEN311_JURISDICTION_ID = "tellham.gov.uk"

    assert client.get("/open311/v2/services.json", {"jurisdiction_id": ""}).status_code == 200
    assert client.get("/open311/v2/services.json", {"jurisdiction_id": "tellham.gov.uk"}).status_code == 200
    wrong = client.get("/open311/v2/services.xml", {"jurisdiction_id": "elsewhere"})
    assert wrong.status_code == 404
    assert parse_xml(wrong.content).findtext("error/code") == "404"


@pytest.mark.django_db
def test_a_blackbox_service_answers_only_a_notice(post: Any, validate: Any, potholes: Service) -> None:
    Service.objects.filter(pk=potholes.pk).update(open311_type=Service.Open311Type.BLACKBOX)

    response = post("requests", report(service_code="pothole", **{"attribute[bin_type]": None}))

    assert response.status_code == 201
    body = json.loads(response.content)
    validate(body, "post-request-response.json")
    assert set(body[0]) == {"service_notice"}


@pytest.mark.django_db
def test_updates_posted_and_fetched_validate(post: Any, client: Client, validate: Any, bins: Service) -> None:
    created = json.loads(post("requests", report()).content)[0]
    need = ServiceRequest.objects.get(pk=created["service_request_id"]).need
    assert need is not None
    need_transition(need=need, to_status=NeedStatus.IN_PROGRESS, actor=Actor.system("officer"), purpose=Purpose.ENQUIRY)
    posted = post(
        "servicerequestupdates",
        {
            "service_request_id": created["service_request_id"],
            "update_id": "fms-1",
            "updated_datetime": "2099-01-01T00:00:00Z",
            "status": "OPEN",
        },
    )
    assert posted.status_code == 400  # in the future: refused, and the refusal validates too
    validate(json.loads(posted.content), "errors.json")
    posted = post(
        "servicerequestupdates",
        {
            "service_request_id": created["service_request_id"],
            "update_id": "fms-1",
            "updated_datetime": timezone.now().isoformat(),
            "status": "OPEN",
            "description": "Still there.",
        },
    )
    validate(json.loads(posted.content), "post-update-response.json")
    fetched = get_json(client, "servicerequestupdates")
    validate(fetched, "request-updates.json")
    assert [u["status"] for u in fetched] == ["in_progress"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "params", "status"),
    [
        ("get", "requests.json", {"page": "0"}, 400),
        ("get", "requests.json", {"service_request_id": "²"}, 400),
        ("post", "requests.json", {"service_code": "missed-bin"}, 403),
        ("get", "services/nothing.json", {}, 404),
        ("get", "whatever.json", {}, 404),
        ("delete", "services.json", {}, 405),
    ],
)
def test_every_kind_of_error_validates(
    client: Client, validate: Any, bins: Service, method: str, path: str, params: dict[str, str], status: int
) -> None:
    response = getattr(client, method)(f"/open311/v2/{path}", params)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json; charset=utf-8"
    validate(json.loads(response.content), "errors.json")
