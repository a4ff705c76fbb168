"""Fixtures for the Open311 tests: services a client may report to, a client with its key, the project's own
GeoReport v2 JSON schemas, and row counts to prove a refused request wrote nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from tellus.catalogue.models import Service, ServiceAttribute
from tellus.demand.models import Contact, Need, NeedEvent
from tellus.demand.tests.factories import ServiceFactory
from tellus.open311.keys import api_client_create
from tellus.open311.models import ApiClient, ServiceRequest, ServiceRequestUpdate
from tellus.people.models import Person, SourceRecord
from tellus.privacy.models import AuditEvent
from tellus.privacy.services import Actor

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"


@pytest.fixture(scope="session")
def schema_dir() -> Path:
    """The project's GeoReport v2 JSON schemas, written from the published specification (see schemas/README.md)."""
    return SCHEMA_DIR


@pytest.fixture
def bins(db: None) -> Service:
    service = ServiceFactory(
        code="missed-bin",
        name="Missed bin collection",
        group="Waste",
        responsible_team="Waste services",
        open311_enabled=True,
        open311_keywords=["bin", "rubbish"],
        open311_group="Waste",
    )
    ServiceAttribute.objects.create(
        service=service,
        code="bin_type",
        datatype="singlevaluelist",
        required=True,
        order=1,
        description="Which bin was missed?",
        values=[{"key": "general", "name": "General waste"}, {"key": "recycling", "name": "Recycling"}],
    )
    ServiceAttribute.objects.create(
        service=service,
        code="extras",
        datatype="multivaluelist",
        required=False,
        order=2,
        description="Anything else left behind?",
        values=[{"key": "bags", "name": "Side bags"}, {"key": "glass", "name": "Glass box"}],
    )
    ServiceAttribute.objects.create(
        service=service, code="note", variable=False, datatype="text", order=3, description="Bins go out by 7am."
    )
    return service


@pytest.fixture
def potholes(db: None) -> Service:
    return ServiceFactory(
        code="pothole", name="Pothole", group="Roads", responsible_team="Highways", open311_enabled=True
    )


@pytest.fixture
def batch_service(db: None) -> Service:
    return ServiceFactory(
        code="graffiti",
        name="Graffiti",
        group="Streets",
        responsible_team="Street cleaning",
        open311_enabled=True,
        open311_type=Service.Open311Type.BATCH,
    )


@pytest.fixture
def hidden_service(db: None) -> Service:
    return ServiceFactory(code="council-tax", name="Council tax", open311_enabled=False)


@pytest.fixture
def client_and_key(db: None) -> tuple[ApiClient, str]:
    return api_client_create(name="fixmystreet", actor=Actor.system("tests"))


@pytest.fixture
def key(client_and_key: tuple[ApiClient, str]) -> str:
    return client_and_key[1]


@pytest.fixture
def post(client: Client, key: str) -> Callable[..., Any]:
    def _post(path: str, data: dict[str, Any] | None = None, *, with_key: bool = True, fmt: str = "json") -> Any:
        body = dict(data or {})
        if with_key:
            body.setdefault("api_key", key)
        return client.post(f"/open311/v2/{path}.{fmt}", body)

    return _post


def report(**overrides: Any) -> dict[str, Any]:
    """A complete report about a missed bin, as FixMyStreet would send it."""
    data: dict[str, Any] = {
        "service_code": "missed-bin",
        "lat": "51.5072",
        "long": "-0.1276",
        "address_string": "1 Station Road, Tellham",
        "first_name": "Nadia",
        "last_name": "Quartermaine",
        "email": "nadia@example.org",
        "phone": "01632 960123",
        "description": "The green bin was not emptied on Tuesday.",
        "attribute[bin_type]": "general",
        "attribute[extras][]": ["bags", "glass"],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


COUNTED = (Person, SourceRecord, Contact, Need, NeedEvent, ServiceRequest, ServiceRequestUpdate, AuditEvent)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def errors_of(response: Any) -> list[dict[str, Any]]:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert isinstance(body, list) and body and set(body[0]) == {"code", "description"}
    assert body[0]["code"] == response.status_code
    return body


def parse_xml(content: bytes) -> ET.Element:
    """Our own responses, parsed to check their shape."""
    return ET.fromstring(content)  # noqa: S314 - the test's own server's output, not untrusted input
