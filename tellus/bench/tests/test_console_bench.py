"""`tellus bench console` drives staff sessions through the real views, times every step beside its bare query,
shares sessions between processes when asked, and keeps nothing it did."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tellus.bench.console import bench_console
from tellus.demand.models import Contact
from tellus.demand.tests.factories import ServiceFactory
from tellus.people.models import Person
from tellus.people.tests.factories import PersonFactory, SourceRecordFactory
from tellus.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = [("Maria", "Greco", "TL1 1AA"), ("David", "Wolcombe", "TL2 2AN"), ("Asha", "Patel", "TL3 3BD")]


@pytest.fixture
def town(officer: Any) -> list[Person]:
    ServiceFactory()
    people = []
    for n, (first, last, postcode) in enumerate(NAMES):
        person = PersonFactory(display_name=f"{first} {last}", date_of_birth=dt.date(1970 + n, 3, 1 + n))
        SourceRecordFactory(
            person=person,
            first_name=first,
            last_name=last,
            postcode=postcode,
            date_of_birth=person.date_of_birth,
            phone=f"0770090012{n}",
            email=f"{first.lower()}@example.org",
        )
        people.append(person)
    return people


def _kept() -> tuple[int, int]:
    return Contact.objects.count(), AuditEvent.objects.count()


def test_every_step_of_every_caller_is_timed_beside_its_bare_query_and_nothing_is_kept(town: list[Person]) -> None:
    before = _kept()
    said: list[str] = []

    result = bench_console(sessions=1, callers=3, seed=2, pause=0, say=said.append)

    assert result["errors"] == []
    for step in ("search", "open_person", "log_contact"):
        assert result[step]["n"] == 3
        assert result[step]["p95_ms"] >= result[step]["p50_ms"] > 0
        assert result[step]["bare_p95_ms"] > 0
    assert any(line.startswith("Search p95") for line in said)
    assert _kept() == before
    with connection.cursor() as cursor:
        assert "bench_bare_contact" not in connection.introspection.table_names(cursor)


@pytest.mark.skipif("connection.vendor == 'sqlite'", reason="processes cannot share SQLite's in-memory test database")
def test_sessions_shared_between_two_processes_are_all_timed(town: list[Person]) -> None:
    before = _kept()

    result = bench_console(sessions=3, callers=2, seed=3, pause=0, processes=2, say=lambda _line: None)

    assert result["errors"] == []
    assert result["processes"] == 2
    assert [result[step]["n"] for step in ("search", "open_person", "log_contact")] == [6, 6, 6]
    assert _kept() == before


def test_two_processes_on_an_in_memory_database_are_refused_clearly(town: list[Person]) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite's test database lives in one process's memory")
    with pytest.raises(CommandError, match="several processes cannot share an in-memory SQLite database"):
        call_command("bench", "console", "--sessions", "2", "--callers", "1", "--processes", "2")


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--sessions", "0", "--sessions and --callers must each be at least 1"),
        ("--pause", "-1", "--pause cannot be negative"),
        ("--processes", "65", "--processes must be between 1 and 64, not 65"),
    ],
)
def test_nonsense_options_are_refused_clearly(option: str, value: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("bench", "console", option, value)
