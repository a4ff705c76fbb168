"""`tellus worker`: works through the background task queue (django-tasks-db's worker), and every few seconds
queues again any delivery a killed worker left half done.

It keeps one database connection open (a SQLite connection closed and opened again for every task cost more than
the task), looks for a ready task with one plain read before taking django-tasks-db's locking transaction, and
looks every tenth of a second when the queue is empty, so a change is picked up within about 0.1 s."""

from __future__ import annotations

import contextlib
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections
from django.db.utils import DatabaseError, InterfaceError
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from tellus.once.services import deliveries_recover


class Command(BaseCommand):
    help = "Run the background worker: deliveries of Tell us once and any other queued task."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=0.1, help="Seconds to wait when the queue is empty.")
        parser.add_argument("--recover-every", type=float, default=5.0, help="Seconds between recovery sweeps.")
        parser.add_argument("--batch", action="store_true", help="Work until the queue is empty, then stop.")
        parser.add_argument("--worker-id", default="", help="A name for this worker in the task results.")

    def handle(
        self, *args: Any, interval: float, recover_every: float, batch: bool, worker_id: str, **opts: Any
    ) -> None:
        import os

        from django.utils.crypto import get_random_string

        worker_id = worker_id or f"tellus-{os.getpid()}-{get_random_string(6)}"
        # One long-lived connection for this single-threaded process (SQLite's settings close it after every task,
        # which suits the web server's threads, not the worker). A connection that fails is still closed and opened
        # afresh by the handler below.
        for alias in connections:
            connections[alias].close()
            connections.settings[alias]["CONN_MAX_AGE"] = None
            connections[alias].settings_dict["CONN_MAX_AGE"] = None
        self.stdout.write(f"Worker {worker_id} started (pid {os.getpid()}).")
        self.stdout.flush()
        last_sweep = 0.0
        running = True
        while running:
            try:
                if time.monotonic() - last_sweep >= recover_every:
                    recovered = deliveries_recover()
                    if recovered:
                        self.stdout.write(f"Queued {recovered} unfinished deliveries again.")
                    last_sweep = time.monotonic()
                if not DBTaskResult.objects.ready().exists():
                    # Nothing to do: a plain read, without the write lock django-tasks-db's worker takes to look.
                    if batch and deliveries_recover() == 0:
                        break
                    time.sleep(interval)
                    continue
                worker = Worker(
                    queue_names=["*"],
                    interval=0,
                    batch=True,
                    backend_name="default",
                    startup_delay=False,
                    max_tasks=200,
                    worker_id=worker_id,
                    excluded_queue_names=[],
                )
                worker.configure_signals()
                try:
                    worker.run()
                finally:  # a stop asked for (SIGTERM, Ctrl+C) counts even when the database failed as well
                    running = worker.running
                    worker.reset_signals()
                ran = worker._run_tasks
            except (DatabaseError, InterfaceError) as exc:
                if not running:  # told to stop: go; the next worker's sweep finds anything left half done
                    self.stderr.write(f"Database unavailable ({exc.__class__.__name__}) while stopping; stopped.")
                    break
                # The database went away (a restart, a dropped connection): wait and carry on; unfinished
                # deliveries are found again by the sweep.
                self.stderr.write(f"Database unavailable ({exc.__class__.__name__}); retrying.")
                close_old_connections()
                for conn in connections.all():
                    conn.close_if_unusable_or_obsolete()
                    with contextlib.suppress(Exception):
                        conn.close()
                time.sleep(max(interval, 0.5))
                continue
            if batch and ran == 0 and deliveries_recover() == 0:
                break
            if running and ran == 0:
                time.sleep(interval)
