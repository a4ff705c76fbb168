"""Keys are shown once, kept hashed, revocable, listed without the key, and rate limited."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from tellus.catalogue.models import Service
from tellus.open311.models import ApiClient, ServiceRequest
from tellus.privacy.tests.helpers import with_two_factor

from .conftest import errors_of, report, row_counts

pytestmark = pytest.mark.django_db


def test_creating_a_key_prints_it_once_and_stores_only_its_hash() -> None:
    out = io.StringIO()

    call_command("open311_key", "create", "fixmystreet", stdout=out)

    key = out.getvalue().strip().splitlines()[-1]
    client = ApiClient.objects.get(name="fixmystreet")
    assert len(key) > 40 and client.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiClient.objects.values().get())
    listing = io.StringIO()
    call_command("open311_key", "list", stdout=listing)
    assert client.key_hash[:12] in listing.getvalue() and key not in listing.getvalue()


def test_a_revoked_key_is_refused_with_403_in_the_spec_shape(post: Any, bins: Service) -> None:
    call_command("open311_key", "revoke", "fixmystreet", stdout=io.StringIO())
    before = row_counts()

    response = post("requests", report())

    assert response.status_code == 403 and "api_key" in errors_of(response)[0]["description"]
    assert row_counts() == before


def test_a_missing_or_wrong_key_is_refused(post: Any, bins: Service) -> None:
    assert post("requests", report(), with_key=False).status_code == 403
    assert post("requests", report(api_key="o311_wrong")).status_code == 403
    assert not ServiceRequest.objects.exists()


def test_a_client_past_its_rate_limit_gets_429_in_the_spec_shape(post: Any, bins: Service) -> None:
    ApiClient.objects.update(rate_limit_per_minute=2)

    answers = [post("requests", report()).status_code for _ in range(3)]

    assert answers == [201, 201, 429]
    assert "Rate limit" in errors_of(post("requests", report()))[0]["description"]
    assert ServiceRequest.objects.count() == 2


def test_admin_lists_clients_with_a_hash_prefix_and_cannot_add_keys(client: Client, django_user_model: Any) -> None:
    call_command("open311_key", "create", "fms", stdout=io.StringIO())
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "correct-horse-battery")
    client.force_login(with_two_factor(admin))  # superusers sign in with two factors

    page = client.get("/admin/open311/apiclient/")

    assert page.status_code == 200 and ApiClient.objects.get().key_hash[:12] in page.content.decode()
    assert ApiClient.objects.get().key_hash not in page.content.decode()
    assert client.get("/admin/open311/apiclient/add/").status_code == 403
