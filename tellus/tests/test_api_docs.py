"""The API documentation page: rendered from the OpenAPI document without JavaScript, linked from the console."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tellus.api import api
from tellus.api_docs import describe_type, document
from tellus.privacy.models import Purpose
from tellus.privacy.tests.helpers import signed_in

pytestmark = pytest.mark.django_db


def test_the_docs_page_lists_every_operation_and_schema_of_the_openapi_document(client, analyst):
    signed_in(client, analyst, purpose=Purpose.ANALYSIS)
    response = client.get("/api/v1/docs")
    html = response.content.decode()

    assert response.status_code == 200
    assert "<script" not in html
    openapi = api.get_openapi_schema()
    for path, item in openapi["paths"].items():
        for method in item:
            assert f"<code>{method.upper()} {path}</code>" in html
    for name in openapi["components"]["schemas"]:
        assert f'id="schema-{name.lower()}"' in html
    assert 'href="/api/v1/swagger/"' in html and 'href="/api/v1/openapi.json"' in html
    assert client.get("/api/v1/swagger/").status_code == 200


def test_the_docs_page_is_in_the_navigation_and_asks_strangers_to_sign_in(client, analyst):
    assert client.get("/api/v1/docs").status_code == 302
    signed_in(client, analyst, purpose=Purpose.ANALYSIS)
    assert f'href="{reverse("api_docs")}"' in client.get(reverse("insight:demand")).content.decode()


def test_types_are_read_as_words():
    assert describe_type({"type": "array", "items": {"$ref": "#/components/schemas/NeedOut"}}) == "list of NeedOut"
    assert describe_type({"anyOf": [{"type": "string"}, {"type": "null"}]}) == "string or null"
    assert describe_type({"type": "string", "format": "date"}) == "string (date)"
    doc = document({"paths": {"/x": {"get": {"operationId": "a_b", "responses": {"200": {"description": "OK"}}}}}})
    assert doc["groups"][0][1][0].anchor == "a-b"
