"""`tellus demo`: build the synthetic town on this machine and serve it."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from tellus.demo.build import (
    DEMO_USERS,
    GENERATOR_VERSION,
    Reporter,
    council_data_present,
    credentials_path,
    credentials_read,
    credentials_residents,
    demo_build,
    demo_data_delete,
)
from tellus.demo.models import DemoBuild
from tellus.demo.town import MIN_PEOPLE
from tellus.privacy.two_factor import TWO_FACTOR_REQUIRED_ROLES

MAX_PEOPLE = 500_000


class Command(BaseCommand):
    help = (
        "Build a deterministic synthetic town (people, properties, six source systems' extracts) into the database "
        "and serve it. Refuses to touch a database holding data it did not build."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--people", type=int, default=20_000, help="How many people live in the town (default 20000)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same town.")
        parser.add_argument("--port", type=int, default=8000, help="Port to serve on (default 8000).")
        parser.add_argument("--no-serve", action="store_true", help="Build, print the logins, and stop.")
        parser.add_argument("--rebuild", action="store_true", help="Build again even if this demo is already built.")
        parser.add_argument(
            "--import-only",
            action="store_true",
            help="Stop after importing the extracts (no linkage, catalogue or activity): for `tellus bench resolve`.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        people, seed, port = options["people"], options["seed"], options["port"]
        if not MIN_PEOPLE <= people <= MAX_PEOPLE:
            raise CommandError(f"--people must be between {MIN_PEOPLE:,} and {MAX_PEOPLE:,}, not {people:,}")
        if not 1 <= port <= 65535:
            raise CommandError(f"--port must be between 1 and 65535, not {port}")
        reporter = Reporter(self.stdout)
        reporter.say("Preparing the database…")
        call_command("migrate", interactive=False, verbosity=0)
        password = self.prepare(people=people, seed=seed, rebuild=options["rebuild"], reporter=reporter)
        if password is None:
            _, password = demo_build(people=people, seed=seed, reporter=reporter, link=not options["import_only"])
        self.announce(port, password)
        if options["no_serve"]:
            return
        if "serve" not in get_commands():
            raise CommandError("the `serve` command is not available in this installation; run `tellus runserver`")
        from tellus.demo.once import demo_partners_start

        stop = demo_partners_start(port=port)  # the Tell us once worker and the demo partners' receivers
        try:
            call_command("serve", port=port)
        finally:
            stop()

    def prepare(self, *, people: int, seed: int, rebuild: bool, reporter: Reporter) -> str | None:
        """Decide between reusing the demo in the database (returns its password) and building it afresh (None)."""
        existing = DemoBuild.objects.first()
        if existing is None:
            if council_data_present():
                raise CommandError(
                    "this database holds people or source records that `tellus demo` did not create; refusing to "
                    "overwrite them (point TELLUS_VAR_DIR or DATABASE_URL at an empty database for the demo)"
                )
            return None
        same = (existing.people, existing.seed, existing.generator_version) == (people, seed, GENERATOR_VERSION)
        password = credentials_read()
        if same and existing.is_complete and not rebuild and password:
            reporter.say(
                f"The demo town ({people:,} people, seed {seed}) is already built; serving it. "
                "Use --rebuild to build it again."
            )
            return password
        reporter.say(f"Removing the previous demo town ({existing.people:,} people, seed {existing.seed})…")
        self.wipe()
        return None

    def wipe(self) -> None:
        database = settings.DATABASES["default"]
        default_file = Path(settings.VAR_DIR) / "tellus.sqlite3"
        if connection.vendor == "sqlite" and Path(str(database["NAME"])) == default_file:
            # The demo's own SQLite file: starting again from an empty file is quickest and leaves nothing behind.
            connections.close_all()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{default_file}{suffix}").unlink(missing_ok=True)
            credentials_path().unlink(missing_ok=True)
            call_command("migrate", interactive=False, verbosity=0)
            return
        demo_data_delete()
        credentials_path().unlink(missing_ok=True)

    def announce(self, port: int, password: str) -> None:
        self.stdout.write("")
        self.stdout.write(f"Tellus demo: http://127.0.0.1:{port}/")
        self.stdout.write(f"Sign in as any of {', '.join(username for username, _ in DEMO_USERS)}")
        self.stdout.write(f"with the password {password}")
        for username, role in DEMO_USERS:
            self.stdout.write(f"  {username:<11} {role}")
        with_two_factor = [username for username, role in DEMO_USERS if role in TWO_FACTOR_REQUIRED_ROLES]
        self.stdout.write(
            f"{', '.join(with_two_factor)} set up two-factor sign-in (an authenticator app) when they first sign in."
        )
        residents = credentials_residents()
        if residents:
            self.stdout.write(f"Residents sign in at http://127.0.0.1:{port}/my/ with the same password, as:")
            for resident in residents:
                self.stdout.write(f"  {resident}")
            self.stdout.write(f"(Sign-in links are emailed to files in {settings.EMAIL_FILE_PATH}.)")
        self.stdout.write(f"(The logins are also in {credentials_path()}, readable only by you.)")
