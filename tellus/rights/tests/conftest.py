from __future__ import annotations

import importlib
from typing import Any

import pytest

from tellus.rights.models import ConsentPurpose


def seed_consent_purposes() -> list[ConsentPurpose]:
    """The purposes the data migration adds. Made again here because tests that flush the database (the browser
    tests) remove rows that migrations added."""
    seeded: Any = importlib.import_module("tellus.rights.migrations.0003_consent_purposes")
    return [ConsentPurpose.objects.update_or_create(code=p["code"], defaults=p)[0] for p in seeded.PURPOSES]


@pytest.fixture(autouse=True)
def consent_purposes(request: pytest.FixtureRequest) -> list[ConsentPurpose]:
    if request.node.get_closest_marker("django_db") is None:
        return []
    return seed_consent_purposes()
