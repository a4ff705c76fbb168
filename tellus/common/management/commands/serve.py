"""`tellus serve [--port P] [--processes N]`: serve the database DATABASE_URL names, with waitress.

One process answers with `--threads` threads; Python runs one thread at a time, so on a server with several cores
`--processes N` forks N such processes after binding the port once, and the kernel hands each new connection to
whichever process accepts it first (decision 90). The first process stays as a supervisor: it starts a process
again if one dies, and stops them all on Ctrl+C or SIGTERM.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

# A process that dies sooner than this after starting is not started again: it would only die again.
QUICK_DEATH_SECONDS = 5.0


class Command(BaseCommand):
    help = (
        "Serve Tellus over HTTP with waitress (static files included), from one process or several. "
        "Refuses a database that needs migrating."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1", help="Interface to listen on (default 127.0.0.1).")
        parser.add_argument("--threads", type=int, default=8, help="Threads in each process (default 8).")
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="Server processes sharing the port (default 1; on PostgreSQL, about one per core).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port: int = options["port"]
        processes: int = options["processes"]
        threads: int = options["threads"]
        if not 1 <= port <= 65535:
            raise CommandError(f"--port must be between 1 and 65535, not {port}")
        if not 1 <= processes <= 64:
            raise CommandError(f"--processes must be between 1 and 64, not {processes}")
        if not 1 <= threads <= 256:
            raise CommandError(f"--threads must be between 1 and 256, not {threads}")
        if processes > 1 and not hasattr(os, "fork"):
            raise CommandError("--processes above 1 needs a system that can fork (Linux, macOS)")
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except Exception as exc:
            raise CommandError(f"cannot reach the database: {exc}") from exc
        if pending:
            raise CommandError(
                f"the database needs {len(pending)} migration(s); run `tellus migrate` first (or `tellus demo`)"
            )
        call_command("collectstatic", interactive=False, verbosity=0)
        from django.core.wsgi import get_wsgi_application

        application = get_wsgi_application()
        host = options["host"]
        try:
            listening = _listen(host, port)
        except OSError as exc:
            raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
        many = f" from {processes} processes" if processes > 1 else ""
        self.stdout.write(f"Tellus is serving {settings.DATABASES['default']['NAME']} at http://{shown}:{port}/{many}")
        self.stdout.write("Press Ctrl+C to stop.")
        self.stdout.flush()
        if processes == 1:
            _serve(application, listening, threads)
            return
        connections.close_all()  # a child must open its own connections, never share the parent's
        _Supervisor(application, listening, threads, processes, self.stderr.write).run()


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind((host, port))
    listening.listen(1024)
    return listening


def _serve(application: Any, listening: socket.socket, threads: int) -> None:
    """Serve until stopped. SIGTERM (a service manager's stop) ends it as Ctrl+C does: waitress closes its
    connections and returns, so whoever called this can tidy up (the demo stops its worker)."""
    from waitress import serve

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _exit_quietly)
    serve(application, sockets=[listening], threads=threads, ident="tellus")


def _exit_quietly(signum: int, frame: Any) -> None:
    raise SystemExit(0)


def _exit_when_orphaned(parent: int, every: float = 1.0) -> None:
    """A server process whose supervisor was killed outright (SIGKILL, out of memory) must not go on holding the
    port with nobody to stop it: it checks every second that its parent is still the supervisor, and ends if not."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, name="tellus-orphan-watch", daemon=True).start()


class _Supervisor:
    """Forks the server processes, starts one again when it dies, and stops them all when told to stop."""

    def __init__(self, application: Any, listening: socket.socket, threads: int, count: int, warn: Any) -> None:
        self.application = application
        self.listening = listening
        self.threads = threads
        self.count = count
        self.warn = warn
        self.children: dict[int, float] = {}  # pid -> when it started
        self.stopping = False

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        for _ in range(self.count):
            self._start_one()
        while self.children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:  # pragma: no cover - Python retries os.wait itself since 3.5
                continue
            started = self.children.pop(pid, None)
            if started is None or self.stopping:
                continue
            lived = time.monotonic() - started
            self.warn(f"server process {pid} ended (status {status}) after {lived:.0f} s")
            if lived < QUICK_DEATH_SECONDS:
                self.warn("it ended too soon after starting to be started again; stopping")
                self._stop(signal.SIGTERM, None)
                continue
            self._start_one()
        self.listening.close()
        if not self.stopping:
            sys.exit(1)

    def _start_one(self) -> None:
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: serve until told to stop
            _exit_when_orphaned(parent)
            signal.signal(signal.SIGINT, signal.default_int_handler)  # not the supervisor's handlers
            code = 0
            try:
                _serve(self.application, self.listening, self.threads)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        self.children[pid] = time.monotonic()

    def _stop(self, signum: int, frame: Any) -> None:
        self.stopping = True
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                self.children.pop(pid, None)
