"""Paths under /open311/ that are not GeoReport v2 still answer in the spec's error shape, never HTML."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/open311/v3/services.json", "application/json"), ("/open311/", "text/xml"), ("/open311/v1/x.xml", "text/xml")],
)
def test_an_unknown_open311_path_is_a_404_in_the_specs_shape(client, path: str, content_type: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"].startswith(content_type)
    body = response.content.decode()
    assert "<html" not in body.lower()
    assert "404" in body
