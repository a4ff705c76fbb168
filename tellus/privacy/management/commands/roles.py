"""`tellus roles`: print the staff permission matrix, or bring the role groups up to date."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tellus.privacy.roles import permission_matrix_markdown, sync_roles


class Command(BaseCommand):
    help = "Print the permission matrix (Markdown). With --sync, make the role groups match it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sync", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sync"]:
            sync_roles()
            self.stdout.write("Role groups now match the permission matrix.")
            return
        self.stdout.write(permission_matrix_markdown(), ending="")
