"""`tellus equity [--json] [--days N]`: the equity dashboard's table and flags, for a scheduled report."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse

from tellus.insight import equity
from tellus.insight.equity_data import equity_frames
from tellus.insight.equity_views import figure, figure_plain


def _cell(c: equity.Comparison) -> str:
    """ "group vs everyone else (difference, 95% interval)", with * when significantly and materially worse."""
    if c.suppressed:
        return f"hidden: {c.suppressed}"
    unit = c.measure.unit
    text = f"{figure(c.group, unit)} vs {figure(c.rest, unit)}"
    if c.low is not None:
        text += (
            f" ({figure(c.difference, unit, signed=True)}, 95% CI {figure(c.low, unit, signed=True)}"
            f" to {figure(c.high, unit, signed=True)})"
        )
    return text + (" *" if c.worse else "")


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
        results = equity.equity_table(frames.people, frames.contacts, frames.needs, frames.feedback)
        data = {"start": frames.start.isoformat(), "end": frames.end.isoformat(), **equity.as_json(results)}
        for flag in data["flags"]:  # each flag names the page with its evidence
            flag["evidence"] = reverse("insight:equity_group", args=[flag["dimension"], flag["group"]])
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2))
            return
        self.stdout.write(f"Equity, contacts from {frames.start} to {frames.end} (each group against everyone else)")
        measures = (*equity.MEASURES, *equity.FEEDBACK_MEASURES)
        header = ["Dimension", "Group", "People", "Contacts per person", *(m.label for m in measures), "Flags"]
        self.stdout.write("Each measure: this group vs everyone else (difference, its 95% confidence interval).")
        rows = [header]
        for result in results:
            if result.suppressed:
                rows.append([result.dimension, result.label, f"hidden: {result.suppressed}"])
                continue
            cells = [_cell(result.comparisons[m.key]) for m in measures]
            per_person = (
                f"{figure_plain(result.contacts_per_person)} vs {figure_plain(result.rest_contacts_per_person)}"
            )
            rows.append(
                [result.dimension, result.label, str(result.people), per_person, *cells, ", ".join(result.flags) or "-"]
            )
        for row in rows:
            self.stdout.write(" | ".join(row))
        self.stdout.write("")
        self.stdout.write(f"Flags ({len(data['flags'])}), * = significantly and materially worse:")
        for flag in data["flags"]:
            self.stdout.write(
                f"  {flag['label']} ({flag['dimension']}): {flag['flag']} on {', '.join(flag['measures'])}"
                f" (evidence: {flag['evidence']})"
            )
