"""`tellus source-system add|list`: the council systems Tellus takes extracts from."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tellus.people.models import SourceSystem
from tellus.people.services import source_system_create
from tellus.privacy.services import Actor


class Command(BaseCommand):
    help = "List the source systems, or add one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="List source systems.")
        add = sub.add_parser("add", help="Add a source system.")
        add.add_argument("name", help="Short name used on the command line, e.g. rates.")
        add.add_argument("--title", required=True, help="Human name, e.g. 'Council tax (Civica)'.")
        add.add_argument("--kind", required=True, choices=SourceSystem.Kind.values)
        add.add_argument("--team", required=True, help="The team that owns the system.")
        add.add_argument(
            "--address-is-residence",
            action="store_true",
            help="An address on this system's records means the person lives there.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            systems = SourceSystem.objects.all()
            if not systems:
                self.stdout.write("No source systems yet. Add one with `tellus source-system add`.")
            for system in systems:
                self.stdout.write(f"{system.name:<24} {system.kind:<20} {system.title} ({system.owning_team})")
            return
        try:
            system = source_system_create(
                name=options["name"],
                title=options["title"],
                kind=options["kind"],
                owning_team=options["team"],
                address_is_residence=options["address_is_residence"],
                actor=Actor.system("tellus source-system add"),
            )
        except ValidationError as exc:
            messages = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items())
            raise CommandError(messages) from exc
        self.stdout.write(f"Added source system {system.name}.")
