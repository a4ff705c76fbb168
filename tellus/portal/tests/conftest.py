from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from tellus.people.tests.factories import PersonFactory, SourceRecordFactory, SourceSystemFactory
from tellus.portal.models import ResidentAccount
from tellus.portal.session import SESSION_KEY
from tellus.portal.tests.factories import ResidentAccountFactory


@pytest.fixture
def alice() -> Any:
    """A person with an email address on her library record, and no account yet."""
    person = PersonFactory(display_name="Alice Example")
    library = SourceSystemFactory(name="library", title="Tellham Libraries", kind="library", owning_team="Libraries")
    SourceRecordFactory(person=person, source_system=library, source_key="LIB-1", email="Alice@Example.org")
    return person


@pytest.fixture
def resident(alice: Any) -> ResidentAccount:
    return ResidentAccountFactory(person=alice, email="alice@example.org", reference="RALICE01")


@pytest.fixture
def other_resident() -> ResidentAccount:
    bob = PersonFactory(display_name="Bob Other")
    SourceRecordFactory(person=bob, first_name="Bob", last_name="Other", source_key="LIB-2", email="bob@example.org")
    return ResidentAccountFactory(person=bob, email="bob@example.org", reference="RBOB0001")


def signed_in_client(account: ResidentAccount) -> Client:
    client = Client()
    session = client.session
    session[SESSION_KEY] = account.pk
    session.save()
    return client


@pytest.fixture
def resident_client(resident: ResidentAccount) -> Client:
    return signed_in_client(resident)


def link_from_last_email() -> str:
    match = re.search(r"https?://\S+/my/sign-in/link/\S+/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)
