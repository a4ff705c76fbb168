"""`tellus demo` stopped as a service manager stops it (SIGTERM) stops its Tell us once worker too, and exits
cleanly: nothing is left running behind it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tellus.testing.processes import children_of, running

ROOT = Path(__file__).resolve().parents[3]


def test_sigterm_stops_the_demo_and_its_worker(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("TELLUS_", "DJANGO_", "DATABASE_"))}
    environment["TELLUS_VAR_DIR"] = str(tmp_path)
    demo = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tellus.cli", "demo", "--people", "150", "--port", str(port)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            assert demo.poll() is None, demo.stdout.read() if demo.stdout else ""
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(1)
        workers = children_of(demo.pid)
        assert workers, "the demo started no worker beside its server"

        demo.send_signal(signal.SIGTERM)
        output, _ = demo.communicate(timeout=60)

        assert demo.returncode == 0, output
        assert "Traceback" not in output
        assert not [worker for worker in workers if running(worker)]
    finally:
        for pid in [demo.pid, *workers]:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
