"""`tellus worker` stops when told to, even when the database fails in the same moment (a stop lost there left a
worker retrying for ever, taking other workers' deliveries)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db.utils import OperationalError, ProgrammingError
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

# The worker closes and reopens its connections, as it does in production: the tests' data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def nothing_to_recover(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sweep for half-done deliveries is not what these tests are about."""
    monkeypatch.setattr("tellus.once.management.commands.worker.deliveries_recover", lambda: 0)


def test_a_worker_told_to_stop_while_the_database_fails_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[int] = []

    def stopped_then_failed(self: Worker) -> None:
        runs.append(1)
        if len(runs) > 3:
            pytest.fail("the worker went on after it was told to stop")
        self.running = False  # as SIGTERM's handler does
        raise ProgrammingError("the database failed as the worker stopped")

    monkeypatch.setattr(DBTaskResult.objects, "ready", lambda: _AlwaysReady())
    monkeypatch.setattr(Worker, "run", stopped_then_failed)
    err = io.StringIO()

    call_command("worker", "--interval", "0", "--recover-every", "3600", stdout=io.StringIO(), stderr=err)

    assert runs == [1]
    assert "while stopping; stopped" in err.getvalue()


def test_a_worker_not_told_to_stop_retries_after_the_database_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[int] = []

    def failed_then_stopped(self: Worker) -> None:
        runs.append(1)
        if len(runs) == 1:
            raise OperationalError("the database restarted")
        self.running = False

    monkeypatch.setattr(DBTaskResult.objects, "ready", lambda: _AlwaysReady())
    monkeypatch.setattr(Worker, "run", failed_then_stopped)
    monkeypatch.setattr("tellus.once.management.commands.worker.time.sleep", lambda _seconds: None)
    err = io.StringIO()

    call_command("worker", "--interval", "0", "--recover-every", "3600", stdout=io.StringIO(), stderr=err)

    assert runs == [1, 1]
    assert "Database unavailable (OperationalError); retrying." in err.getvalue()


class _AlwaysReady:
    def exists(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:  # pragma: no cover - nothing else is asked of it
        raise AttributeError(name)
