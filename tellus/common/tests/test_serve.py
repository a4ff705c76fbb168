"""`tellus serve` serves from one process or several sharing one port, refuses nonsense, and stops cleanly."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tellus.testing.processes import children_of, running

ROOT = Path(__file__).resolve().parents[3]


def _environment(database: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("TELLUS_", "DJANGO_", "DATABASE_"))}
    environment.update(DATABASE_URL=f"sqlite:///{database}", TELLUS_VAR_DIR=str(database.parent))
    return environment


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    database = tmp_path_factory.mktemp("serve") / "tellus.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "tellus.cli", "migrate", "-v0"],
        cwd=ROOT,
        env=_environment(database),
        check=True,
        timeout=300,
    )
    return database


@pytest.fixture
def server(migrated: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tellus.cli", "serve", "--port", str(port), "--processes", "2", "--threads", "2"],
        cwd=ROOT,
        env=_environment(migrated),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process, port
    finally:
        children = children_of(process.pid)
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (a local test server)
        return int(response.status)


def test_two_server_processes_answer_on_one_port_and_all_stop_on_sigterm(
    server: tuple[subprocess.Popen[str], int],
) -> None:
    process, port = server
    deadline = time.monotonic() + 120
    statuses: list[int] = []
    while time.monotonic() < deadline and len(statuses) < 6:
        try:
            statuses.append(_get(f"http://127.0.0.1:{port}/login/"))
        except OSError:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            time.sleep(0.5)
    assert statuses == [200] * 6
    children = children_of(process.pid)
    assert len(children) == 2

    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)

    assert process.returncode == 0, output
    assert "from 2 processes" in output
    assert "Traceback" not in output
    assert not [child for child in children if running(child)]
    with pytest.raises(OSError):
        _get(f"http://127.0.0.1:{port}/login/")


def test_a_server_process_that_dies_is_started_again(server: tuple[subprocess.Popen[str], int]) -> None:
    process, port = server
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(children_of(process.pid)) < 2:
        time.sleep(0.2)
    # Started again only once it has lived long enough not to be a process that cannot start at all.
    time.sleep(6)
    first = children_of(process.pid)
    victim = min(first)
    os.kill(victim, signal.SIGKILL)
    while time.monotonic() < deadline and (victim in children_of(process.pid) or len(children_of(process.pid)) < 2):
        time.sleep(0.2)

    after = children_of(process.pid)
    assert len(after) == 2
    assert victim not in after
    while time.monotonic() < deadline:
        try:
            assert _get(f"http://127.0.0.1:{port}/login/") == 200
            break
        except OSError:
            time.sleep(0.5)
    else:
        pytest.fail("the server stopped answering after one of its processes died")


def test_server_processes_end_when_their_supervisor_is_killed_outright(
    server: tuple[subprocess.Popen[str], int],
) -> None:
    process, _port = server
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(children_of(process.pid)) < 2:
        time.sleep(0.2)
    children = children_of(process.pid)
    assert len(children) == 2

    process.kill()  # SIGKILL: the supervisor cannot pass anything on
    process.wait(timeout=30)
    while time.monotonic() < deadline and [child for child in children if running(child)]:
        time.sleep(0.2)

    assert not [child for child in children if running(child)]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--processes", "0", "--processes must be between 1 and 64, not 0"),
        ("--threads", "0", "--threads must be between 1 and 256, not 0"),
        ("--port", "70000", "--port must be between 1 and 65535, not 70000"),
    ],
)
def test_serve_refuses_a_number_out_of_range(option: str, value: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("serve", option, value)


@pytest.mark.django_db
def test_serve_says_clearly_when_the_port_is_taken() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"cannot listen on 127.0.0.1:{port}"):
            call_command("serve", "--port", str(port))
