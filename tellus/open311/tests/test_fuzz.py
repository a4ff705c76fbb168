"""Generated bad input finds no 5xx: random forms and query strings against the Open311 endpoints, and
random parameters and bodies against every operation in /api/v1's OpenAPI document."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tellus.catalogue.models import Service

from .conftest import report

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FIELDS = [
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
    "attribute[bin_type]",
    "attribute[extras][]",
    "attribute[title]",
    "jurisdiction_id",
    "service_request_id",
    "update_id",
    "updated_datetime",
    "status",
    "start_date",
    "end_date",
    "page",
    "page_size",
]
text = st.text(max_size=60) | st.sampled_from(["", "nan", "inf", "-1e309", "2026-02-30", "general", "9" * 30])
forms = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=20), st.lists(text, max_size=3), max_size=8)
OPEN311_PATHS = ["requests", "servicerequestupdates", "services", "services/missed-bin", "requests/1", "tokens/x"]


def _assert_open311_answer(response: Any) -> None:
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        body = json.loads(response.content)
        assert set(body[0]) == {"code", "description"}


@FUZZ
@given(form=forms, path=st.sampled_from(OPEN311_PATHS))
def test_random_posts_and_queries_to_open311_never_fail_on_our_side(
    client: Client, key: str, bins: Service, form: dict[str, list[str]], path: str
) -> None:
    merged = {**report(api_key=key), **form}
    _assert_open311_answer(client.post(f"/open311/v2/{path}.json", merged))
    _assert_open311_answer(client.get(f"/open311/v2/{path}.json", form))


def _operations(client: Client) -> list[tuple[str, str, dict[str, Any]]]:
    spec = json.loads(client.get("/api/v1/openapi.json").content)
    return [
        (path, method, operation)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=15), inner, max_size=4),
    max_leaves=12,
)


@pytest.fixture
def signed_in(client: Client, administrator: Any) -> Client:
    client.force_login(administrator)
    return client


def test_the_api_document_lists_operations_to_fuzz(signed_in: Client) -> None:
    assert len(_operations(signed_in)) >= 3


@FUZZ
@given(data=st.data())
def test_random_calls_to_the_v1_api_never_fail_on_our_side(signed_in: Client, bins: Service, data: Any) -> None:
    path, method, operation = data.draw(st.sampled_from(_operations(signed_in)))
    url = re.sub(
        r"\{[^}]+\}", lambda _: data.draw(st.sampled_from(["1", "missed-bin", "0", "x", "%20", "9" * 25])), path
    )
    params = {
        p["name"]: data.draw(text)
        for p in operation.get("parameters", [])
        if p.get("in") == "query" and data.draw(st.booleans())
    }
    body = data.draw(json_values)
    call = getattr(signed_in, method)
    if method == "get":
        response = call(url, params)
    else:
        response = call(url, json.dumps(body), content_type="application/json", QUERY_STRING="")
    assert response.status_code < 500, (method, url, response.content[:300])
