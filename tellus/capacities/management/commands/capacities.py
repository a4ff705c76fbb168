"""`tellus capacities refresh [--full]`: recompute who the council is dealing with in which capacity.
`tellus capacities rules`: print the rules in force, as a council would read them."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tellus.capacities.rules import RuleError
from tellus.capacities.services import capacities_refresh, rules_load
from tellus.common.progress import ProgressPrinter
from tellus.privacy.services import Actor


class Command(BaseCommand):
    help = "Recompute people's capacities from their records (refresh), or print the capacity rules (rules)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh", help="Recompute capacities of people whose facts changed.")
        refresh.add_argument("--full", action="store_true", help="Recompute everyone, not only what changed.")
        refresh.add_argument("--rules", type=Path, help="A rules file other than the one shipped with Tellus.")
        rules = sub.add_parser("rules", help="Print the capacity rules in force.")
        rules.add_argument("--rules", type=Path, help="A rules file other than the one shipped with Tellus.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "rules":
                self.print_rules(options["rules"])
                return
            summary = capacities_refresh(
                actor=Actor.system("tellus capacities refresh"),
                full=options["full"],
                progress=ProgressPrinter("Capacities: people", stream=cast(TextIO, self.stderr._out), min_total=1),
                rules_path=options["rules"],
            )
        except (RuleError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        for line in summary.lines():
            self.stdout.write(line)

    def print_rules(self, path: Path | None) -> None:
        for rule in rules_load(path).rules:
            self.stdout.write(f"{rule.key}: {rule.capacity.label} from {rule.source}")
            self.stdout.write(f"  {rule.description}")
