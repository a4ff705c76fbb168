"""`tellus import SOURCE FILE.csv --mapping MAP.toml`: load a source system's extract."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tellus.common.progress import ProgressPrinter
from tellus.common.request_context import new_request_id, request_id_scope
from tellus.people.importing import ExtractError, import_extract, load_mapping
from tellus.people.models import SourceSystem
from tellus.privacy.services import Actor

EXIT_REJECTS = 2


class Command(BaseCommand):
    help = (
        "Load an extract (CSV) from a source system using a column mapping (TOML). Rows that cannot be loaded go "
        "to a rejects CSV with the row number and reason; the rest are committed. Exit status 0 when every row "
        f"loaded, {EXIT_REJECTS} when some were rejected, 1 when the file could not be loaded at all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="The source system's short name (see `tellus source-system list`).")
        parser.add_argument("file", type=Path, help="The extract, as CSV with a header row.")
        parser.add_argument("--mapping", type=Path, required=True, help="Column mapping (TOML); see docs/importing.md")
        parser.add_argument("--rejects", type=Path, help="Where to write refused rows (default: FILE.rejects.csv).")

    def handle(self, *args: Any, **options: Any) -> None:
        system = SourceSystem.objects.filter(name=options["source"]).first()
        if system is None:
            known = ", ".join(SourceSystem.objects.values_list("name", flat=True)) or "none yet"
            raise CommandError(
                f"unknown source system {options['source']!r} (known: {known}); add one with `tellus source-system add`"
            )
        path: Path = options["file"]
        try:
            mapping = load_mapping(options["mapping"])
            with request_id_scope(new_request_id("import")):
                summary = import_extract(
                    source_system=system,
                    path=path,
                    mapping=mapping,
                    actor=Actor.system(f"tellus import {system.name}"),
                    rejects_path=options["rejects"],
                    progress=ProgressPrinter(f"Importing {system.name}", stream=cast(TextIO, self.stderr._out)),
                )
        except ExtractError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{system.name}: {summary.rows_read:,} rows read, {summary.created:,} created, "
            f"{summary.updated:,} updated, {summary.unchanged:,} unchanged, {summary.rejected:,} rejected."
        )
        if summary.organisations:
            kinds = ", ".join(f"{count:,} {kind}" for kind, count in sorted(summary.organisations.items()))
            source = "by the mapping's organisation column" if set(summary.organisations) == {"column"} else "by name"
            self.stdout.write(
                f"  {sum(summary.organisations.values()):,} rows taken as organisations ({kinds}; {source}); "
                "they are kept but never become people."
            )
        if summary.joint_rows:
            self.stdout.write(
                f'  {summary.joint_rows:,} rows name more than one person ("N & D Wilkinson"): '
                f"{summary.joint_extra_records:,} extra records, one per person, keyed <key>#2, #3 ..."
            )
        if summary.unknown_property_references:
            self.stdout.write(
                f"  {summary.unknown_property_references:,} rows name a property reference that is not in the "
                "gazetteer; their address is kept as text."
            )
        if summary.rejected:
            reasons = ", ".join(f"{count:,} {reason}" for reason, count in sorted(summary.reasons.items()))
            self.stdout.write(f"  Rejected: {reasons}.")
            raise CommandError(
                f"{summary.rejected:,} row(s) rejected; see {summary.rejects_path}", returncode=EXIT_REJECTS
            )
