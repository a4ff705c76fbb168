"""`tellus catalogue load FILE.toml`: add or update services, their customer lists and rights texts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tellus.catalogue.services import CatalogueError, catalogue_load
from tellus.privacy.services import Actor


class Command(BaseCommand):
    help = "Load a service catalogue file (TOML): services, attributes, customer groups, considerations, rights."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Add or update every service in FILE (all or nothing).")
        load.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        try:
            summary = catalogue_load(path=path, actor=Actor.system("tellus catalogue load"))
        except CatalogueError as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        for line in summary.lines():
            self.stdout.write(line)
