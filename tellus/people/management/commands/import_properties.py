"""`tellus import-properties FILE.csv`: load or refresh the property gazetteer."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tellus.common.progress import ProgressPrinter
from tellus.common.request_context import new_request_id, request_id_scope
from tellus.people.importing import GAZETTEER_COLUMNS, ExtractError, import_properties
from tellus.privacy.services import Actor


class Command(BaseCommand):
    help = f"Load a property gazetteer CSV with columns: {', '.join(GAZETTEER_COLUMNS)}. Upserts by reference."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--rejects", type=Path, help="Where to write refused rows (default: FILE.rejects.csv).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with request_id_scope(new_request_id("import")):
                summary = import_properties(
                    path=options["file"],
                    actor=Actor.system("tellus import-properties"),
                    rejects_path=options["rejects"],
                    progress=ProgressPrinter("Importing properties", stream=cast(TextIO, self.stderr._out)),
                )
        except ExtractError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"properties: {summary.rows_read:,} rows read, {summary.created:,} created, {summary.updated:,} updated, "
            f"{summary.unchanged:,} unchanged, {summary.rejected:,} rejected."
        )
        if summary.rejected:
            raise CommandError(f"{summary.rejected:,} row(s) rejected; see {summary.rejects_path}", returncode=2)
