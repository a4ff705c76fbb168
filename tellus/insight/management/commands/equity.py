"""`tellus equity [--json] [--days N]`: the equity dashboard's table and flags, for a scheduled report."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tellus.insight import equity
from tellus.insight.equity_data import equity_frames
from tellus.insight.equity_views import figure


class Command(BaseCommand):
    help = "Print outcomes by group against everyone else, with the underserved and unheard flags."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
        parser.add_argument("--days", type=int, default=365, help="The period, in days up to now (default 365).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 1:
            self.stderr.write("--days must be 1 or more.")
            raise SystemExit(2)
        frames = equity_frames(days=options["days"])
        results = equity.equity_table(frames.people, frames.contacts, frames.needs)
        if options["json"]:
            data = {"start": frames.start.isoformat(), "end": frames.end.isoformat(), **equity.as_json(results)}
            self.stdout.write(json.dumps(data, indent=2))
            return
        self.stdout.write(f"Equity, contacts from {frames.start} to {frames.end} (each group against everyone else)")
        header = ["Dimension", "Group", "People", *(m.label for m in equity.MEASURES), "Flags"]
        rows = [header]
        for result in results:
            if result.suppressed:
                rows.append([result.dimension, result.label, f"hidden: {result.suppressed}"])
                continue
            cells = [
                f"{figure(c.group, c.measure.unit)} vs {figure(c.rest, c.measure.unit)}{' *' if c.worse else ''}"
                for c in (result.comparisons[m.key] for m in equity.MEASURES)
            ]
            rows.append([result.dimension, result.label, str(result.people), *cells, ", ".join(result.flags) or "-"])
        for row in rows:
            self.stdout.write(" | ".join(row))
        found = equity.flags(results)
        self.stdout.write("")
        self.stdout.write(f"Flags ({len(found)}), * = significantly and materially worse:")
        for flag in found:
            self.stdout.write(
                f"  {flag['label']} ({flag['dimension']}): {flag['flag']} on {', '.join(flag['measures'])}"
            )
