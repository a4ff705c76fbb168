"""`tellus serve [--port P]`: serve the database DATABASE_URL names, with waitress."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


class Command(BaseCommand):
    help = "Serve Tellus over HTTP with waitress (static files included). Refuses a database that needs migrating."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1", help="Interface to listen on (default 127.0.0.1).")
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        port: int = options["port"]
        if not 1 <= port <= 65535:
            raise CommandError(f"--port must be between 1 and 65535, not {port}")
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
        from waitress import serve

        host = options["host"]
        shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
        self.stdout.write(f"Tellus is serving {settings.DATABASES['default']['NAME']} at http://{shown}:{port}/")
        self.stdout.write("Press Ctrl+C to stop.")
        self.stdout.flush()
        serve(get_wsgi_application(), host=host, port=port, threads=options["threads"], ident="tellus")
