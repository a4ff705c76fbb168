"""Open311 clients managed in the console: a key shown once, a rate limit, revoking."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tellus.open311.keys import api_client_authenticate
from tellus.open311.models import ApiClient
from tellus.privacy.models import AuditEvent, Purpose
from tellus.privacy.tests.helpers import signed_in

pytestmark = pytest.mark.django_db
URL = reverse("console:api_clients")


def test_making_a_client_shows_its_key_once_and_keeps_only_its_hash(client, administrator):
    client = signed_in(client, administrator, purpose=Purpose.ADMINISTRATION)

    response = client.post(URL, {"action": "create", "name": "fixmystreet", "rate_limit": "60"})

    html = response.content.decode()
    key = re.search(r'<code class="key">([^<]+)</code>', html)
    assert key, "the new key is not on the page"
    made = ApiClient.objects.get(name="fixmystreet")
    assert made.rate_limit_per_minute == 60
    assert key.group(1) not in made.key_hash
    assert api_client_authenticate(key.group(1)) == made
    assert "no-store" in response["Cache-Control"]
    assert key.group(1) not in client.get(URL).content.decode()
    assert AuditEvent.objects.filter(object_type="open311.apiclient", actor=administrator).count() == 1


def test_revoking_a_client_stops_its_key(client, administrator):
    client = signed_in(client, administrator, purpose=Purpose.ADMINISTRATION)
    html = client.post(URL, {"action": "create", "name": "app", "rate_limit": "120"}).content.decode()
    key = re.search(r'<code class="key">([^<]+)</code>', html).group(1)  # type: ignore[union-attr]

    response = client.post(URL, {"action": "revoke", "name": "app"}, follow=True)

    assert "The key was revoked" in response.content.decode()
    assert ApiClient.objects.get(name="app").revoked_at is not None
    with pytest.raises(Exception, match="Invalid api_key"):
        api_client_authenticate(key)


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "rate_limit": "1"},
        {"name": "x y", "rate_limit": "1"},
        {"name": "ok", "rate_limit": "0"},
        {"name": "ok", "rate_limit": "lots"},
    ],
)
def test_a_bad_client_is_refused_with_the_form_and_nothing_is_made(client, administrator, data):
    client = signed_in(client, administrator, purpose=Purpose.ADMINISTRATION)

    response = client.post(URL, {"action": "create", **data})

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not ApiClient.objects.exists()


def test_a_name_already_taken_is_a_form_error(client, administrator):
    client = signed_in(client, administrator, purpose=Purpose.ADMINISTRATION)
    client.post(URL, {"action": "create", "name": "app", "rate_limit": "120"})

    response = client.post(URL, {"action": "create", "name": "app", "rate_limit": "120"})

    assert response.status_code == 400
    assert ApiClient.objects.count() == 1


@pytest.mark.parametrize("role", ["officer", "caseworker", "analyst", "privacy_officer", "outsider"])
def test_only_administrators_manage_open311_clients(client, request, role):
    client = signed_in(client, request.getfixturevalue(role), purpose=None)

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"action": "create", "name": "x", "rate_limit": "1"}).status_code == 403
    assert not ApiClient.objects.exists()
