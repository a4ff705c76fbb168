"""`tellus database-role-sql ROLE`: print the GRANTs for the PostgreSQL role the application runs as."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tellus.privacy.database_roles import application_role_sql


class Command(BaseCommand):
    help = (
        "Print the SQL that lets ROLE read and write Tellus's tables but only INSERT and SELECT audit entries. "
        "Run it as the tables' owner after `tellus migrate`, e.g. `tellus database-role-sql tellus_app | psql`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role")
        parser.add_argument("--schema", default="public")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.stdout.write(application_role_sql(options["role"], options["schema"]), ending="")
        except ValueError as error:
            raise CommandError(str(error)) from error
