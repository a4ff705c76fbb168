from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tellus.people.tests.factories import PersonFactory
from tellus.privacy.services import Actor

from .factories import ServiceFactory

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)  # a Monday morning


@pytest.fixture
def system() -> Actor:
    return Actor.system("test")


@pytest.fixture
def alice() -> Any:
    return PersonFactory(display_name="Alice Example")


@pytest.fixture
def bins() -> Any:
    return ServiceFactory(code="household-waste", name="Household waste", responsible_team="Waste services")
