"""Reliability with real processes: a `tellus worker` killed with SIGKILL in the middle of a delivery loses nothing
and the webhook-id stops the subscriber acting twice; the worker survives its database connections being cut
(how a PostgreSQL restart is simulated here: pg_terminate_backend on this test database's other connections, never
a restart of a server other work shares).

The worker runs as a separate process against the test database. On PostgreSQL that is the test database itself; on
SQLite the in-memory test database is copied to a file for the test, and this process switches to the file too."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tellus.once.models import Delivery, EventRule, EventType, ReportedBy, Subscriber
from tellus.once.services import Reporter, change_confirm, change_report, subscriber_create
from tellus.once.testing import Behaviour, LocalReceiver
from tellus.people.models import Person
from tellus.privacy.models import Purpose
from tellus.privacy.services import Actor

pytestmark = pytest.mark.django_db(transaction=True)

LEASE_SECONDS = 12
TIMEOUT_SECONDS = 10


@pytest.fixture
def shared_database(settings: Any) -> Iterator[str]:
    """A DATABASE_URL another process can open that is the database this test is using."""
    settings.TELLUS_ONCE_LEASE_SECONDS = LEASE_SECONDS
    settings.TELLUS_ONCE_TIMEOUT_SECONDS = TIMEOUT_SECONDS
    settings.TELLUS_ONCE_ALLOW_HTTP = True
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user, host, port = db["USER"], db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        yield f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"
        return
    memory_name = db["NAME"]
    keeper = sqlite3.connect(memory_name, uri=True) if "mode=memory" in str(memory_name) else None
    folder = tempfile.mkdtemp(prefix="once-reliability-")
    path = Path(folder) / "shared.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    db["NAME"] = str(path)  # first, so that close() really closes (Django keeps an in-memory database open)
    connection.close()
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        db["NAME"] = memory_name
        # Open Django's connection to the in-memory database again before letting the keeper go: a shared in-memory
        # database lives only while a connection holds it, and every later test needs it.
        connection.ensure_connection()
        if keeper is not None:
            keeper.close()
        shutil.rmtree(folder, ignore_errors=True)


def _worker(database_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tellus.settings.test",
        "TELLUS_ONCE_LEASE_SECONDS": str(LEASE_SECONDS),
        "TELLUS_ONCE_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
        "TELLUS_ONCE_BACKOFF_SECONDS": "0.2",
        "TELLUS_ONCE_ALLOW_HTTP": "true",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tellus.cli", "worker", "--interval", "0.2", "--recover-every", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _wait(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(process: subprocess.Popen[bytes]) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return (process.stdout.read() if process.stdout else b"").decode(errors="replace")


def _changes(url: str, count: int) -> list[int]:
    subscriber, _secret = subscriber_create(
        actor=Actor.system("test"),
        code="partner",
        name="Partner",
        kind=Subscriber.Kind.WEBHOOK,
        url=url,
        purpose="Needs to know",
        event_types=[EventType.CONTACT],
        entitled_fields=["person_reference", "email"],
    )
    EventRule.objects.create(event_type=EventType.CONTACT, subscriber=subscriber, always=True)
    ids = []
    for n in range(count):
        person = Person.objects.create(display_name=f"Person {n}", date_of_birth=dt.date(1980, 1, 1))
        reporter = Reporter(
            by=ReportedBy.PERSON,
            actor=Actor.system(f"resident:{n}"),
            name=person.display_name,
            relationship="self",
            account_person_id=person.pk,
        )
        report = change_report(
            person=person,
            event_type=EventType.CONTACT,
            data={"email": f"p{n}@example.org"},
            reporter=reporter,
            purpose=Purpose.ADMINISTRATION,
        )
        change_confirm(report_id=report.pk, agreed={subscriber.pk}, reporter=reporter, purpose=Purpose.ADMINISTRATION)
        ids.append(report.pk)
    return ids


def _secret() -> str:
    return Subscriber.objects.get(code="partner").secret


def test_a_worker_killed_mid_delivery_loses_nothing_and_the_subscriber_acts_once(shared_database: str) -> None:
    behaviour = Behaviour(script=["hang"], hang=3.0)  # the first delivery is still in flight when the worker dies
    receiver = LocalReceiver("whsec_" + "A" * 32, behaviour)
    with receiver:
        _changes(receiver.url, 12)
        receiver.receiver.webhook = type(receiver.receiver.webhook)(_secret())
        first = _worker(shared_database)
        try:
            try:
                _wait(lambda: receiver.requests >= 1, 300, "the first delivery to start")
            except AssertionError as exc:
                raise AssertionError(_stop(first)) from exc
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            _stop(first)
        assert Delivery.objects.filter(status="pending").exists()  # the killed worker left work undone
        second = _worker(shared_database)
        try:
            _wait(lambda: not Delivery.objects.exclude(status="sent").exists(), 300, "every delivery to be sent")
        except AssertionError as exc:
            states = list(Delivery.objects.values_list("status", "attempts", "lease_until", "last_error"))
            raise AssertionError(f"{states}\n{_stop(second)}") from exc
        finally:
            log = _stop(second)
    summary = receiver.summary()
    assert Delivery.objects.filter(status="sent").count() == 12, log  # none lost
    assert summary["acted"] == 12 and summary["acted_twice"] == 0  # none acted on twice
    assert summary["requests"] >= 13  # the interrupted one was sent again, with the same webhook-id
    assert "Queued 1 unfinished deliveries again." in log


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: cuts the worker's connections")
def test_a_worker_survives_its_database_connections_being_cut_during_delivery(shared_database: str) -> None:
    behaviour = Behaviour(script=["hang"] * 40, hang=0.15)
    receiver = LocalReceiver("whsec_" + "A" * 32, behaviour)
    with receiver:
        _changes(receiver.url, 30)
        receiver.receiver.webhook = type(receiver.receiver.webhook)(_secret())
        worker = _worker(shared_database)
        try:
            _wait(lambda: receiver.requests >= 5, 300, "deliveries to be under way")
            with connection.cursor() as cursor:

                def others() -> int:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                    return int(cursor.fetchone()[0])

                for _ in range(3):  # the "restart": every other session on this database is cut, three times
                    # each time once the worker has connected again (on a loaded machine that takes a while)
                    _wait(lambda: others() >= 1, 120, "the worker to connect again")
                    cursor.execute(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                    assert cursor.fetchone()[0] >= 1
                    time.sleep(0.5)
            assert worker.poll() is None  # it is still running
            try:
                _wait(lambda: not Delivery.objects.exclude(status="sent").exists(), 300, "every delivery to be sent")
            except AssertionError as exc:
                states = list(Delivery.objects.values_list("status", "attempts", "lease_until", "last_error"))
                raise AssertionError(f"{states}\n{_stop(worker)}") from exc
        finally:
            log = _stop(worker)
    summary = receiver.summary()
    assert Delivery.objects.filter(status="sent").count() == 30, log
    assert summary["acted"] == 30 and summary["acted_twice"] == 0
