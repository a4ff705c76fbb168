"""A third-party Open311 client (georeport, from PyPI) reads a live server in both formats. georeport has no
call for creating requests, so the report is posted with requests, the HTTP library it is built on."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from georeport import GeoReport

from tellus.catalogue.models import Service

from .conftest import report

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_the_georeport_client_reads_services_definitions_and_requests(
    live_server: Any, bins: Service, potholes: Service, key: str, output_format: str
) -> None:
    root = f"{live_server.url}/open311/v2"
    posted = requests.post(f"{root}/requests.json", data=report(api_key=key), timeout=10)
    assert posted.status_code == 201
    request_id = posted.json()[0]["service_request_id"]
    client = GeoReport(root, jurisdiction="", output_format=output_format)

    services = client.get_service_list()
    definition = client.get_service_definition("missed-bin")
    one = client.get_service_request(request_id)

    assert {s["service_code"] for s in services} == {"missed-bin", "pothole"}
    assert definition["service_code"] == "missed-bin"
    assert one["service_request_id"] == request_id and one["status"] == "open"
    listed = client.get_service_requests(service_code="missed-bin", status="open")
    listed = listed if isinstance(listed, list) else [listed]  # xmltodict gives a lone element as a dict
    assert [r["service_request_id"] for r in listed] == [request_id]
    with pytest.raises(requests.HTTPError):
        client.get_service_definition("no-such-service")
