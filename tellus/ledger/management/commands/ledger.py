"""`tellus ledger year add|list`, `tellus ledger import`, `tellus ledger needs`: the give-and-take ledger."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tellus.people.importing.csvfiles import ExtractError
from tellus.privacy.services import Actor

EXIT_REJECTS = 2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{text!r} is not a date written YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = "The give-and-take ledger: financial years, importing contributions and services used, needs met."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        year = sub.add_parser("year", help="Financial years.")
        year_sub = year.add_subparsers(dest="year_action", required=True)
        add = year_sub.add_parser(
            "add", help="Add a financial year, e.g. 2025/26 --starts 2025-07-01 --ends 2026-06-30"
        )
        add.add_argument("label")
        add.add_argument("--starts", required=True)
        add.add_argument("--ends", required=True)
        year_sub.add_parser("list", help="List the financial years.")
        load = sub.add_parser("import", help="Import a CSV of contributions or services used through a TOML mapping.")
        load.add_argument("file")
        load.add_argument("--mapping", required=True, help="The column mapping (docs/ledger.md).")
        load.add_argument("--year", required=True, help="The financial year every row must fall in, e.g. 2025/26.")
        load.add_argument("--rejects", help="Where to write refused rows (default FILE.rejects.csv).")
        load.add_argument("--by", default="tellus ledger import", help="Who is importing, for the audit log.")
        needs = sub.add_parser("needs", help="Record the needs met in a year as services received.")
        needs.add_argument("--year", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        from tellus.ledger.importing import ledger_import, mapping_load
        from tellus.ledger.models import FinancialYear
        from tellus.ledger.services import financial_year_create, needs_met_record

        if options["action"] == "year":
            if options["year_action"] == "list":
                for each in FinancialYear.objects.all():
                    self.stdout.write(f"{each.label}\t{each.starts_on} to {each.ends_on}")
                return
            try:
                made = financial_year_create(
                    label=options["label"],
                    starts_on=_date(options["starts"]),
                    ends_on=_date(options["ends"]),
                    actor=Actor.system("tellus ledger year add"),
                )
            except ValidationError as exc:
                raise CommandError("; ".join(m for ms in exc.message_dict.values() for m in ms)) from exc
            self.stdout.write(f"Financial year {made.label}: {made.starts_on} to {made.ends_on}")
            return
        year = FinancialYear.objects.filter(label=options["year"]).first()
        if year is None:
            raise CommandError(f"there is no financial year {options['year']!r}: add it with `tellus ledger year add`")
        if options["action"] == "needs":
            run = needs_met_record(year=year, actor=Actor.system("tellus ledger needs"))
            self.stdout.write(f"{run.created:,} needs met in {year.label} recorded as services received")
            return
        try:
            result = ledger_import(
                path=Path(options["file"]),
                mapping=mapping_load(Path(options["mapping"])),
                year=year,
                actor=Actor.system(options["by"]),
                rejects_path=Path(options["rejects"]) if options["rejects"] else None,
            )
        except ExtractError as exc:
            raise CommandError(str(exc)) from exc
        if result.refused:
            reasons = ", ".join(f"{n} {why}" for why, n in sorted(result.reasons.items()))
            raise CommandError(
                f"{result.rejected:,} of {result.rows_read:,} row(s) refused ({reasons}); nothing was imported. "
                f"Each refused row and its reason is in {result.rejects_path}",
                returncode=EXIT_REJECTS,
            )
        self.stdout.write(f"{result.created:,} lines imported into {year.label} from {Path(options['file']).name}")
