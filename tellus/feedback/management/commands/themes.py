"""`tellus themes refresh` gives every text without a theme its themes; `tellus themes agreement FILE` says how well
the themes agree with known themes (the demo writes var/demo/known_themes.csv; a council can label a sample)."""

from __future__ import annotations

import csv
from argparse import ArgumentParser
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from tellus.feedback.models import Theme, ThemeTag
from tellus.feedback.themes import DEFAULT_THEMES, themes_refresh
from tellus.privacy.services import Actor


def _live(theme_id: int, merged: Mapping[int, int | None]) -> int:
    while merged.get(theme_id) is not None:
        theme_id = merged[theme_id]  # type: ignore[assignment]
    return theme_id


def agreement(known: dict[tuple[str, int], str]) -> dict[str, float]:
    """Adjusted Rand index, normalised mutual information and purity of the strongest theme of each text against
    its known theme, over the texts that have both."""
    merged = dict(Theme.objects.values_list("pk", "merged_into_id"))
    strongest: dict[tuple[str, int], tuple[float, int]] = {}
    for source, source_id, theme_id, weight in ThemeTag.objects.values_list(
        "source", "source_id", "theme_id", "weight"
    ):
        key = (source, source_id)
        if key in known and (key not in strongest or weight > strongest[key][0]):
            strongest[key] = (weight, _live(theme_id, merged))
    keys = sorted(strongest)
    truth = [known[k] for k in keys]
    found = [strongest[k][1] for k in keys]
    by_theme: dict[int, Counter[str]] = {}
    for theme, label in zip(found, truth, strict=True):
        by_theme.setdefault(theme, Counter())[label] += 1
    purity = sum(c.most_common(1)[0][1] for c in by_theme.values()) / len(keys) if keys else 0.0
    return {
        "texts": float(len(keys)),
        "known_texts": float(len(known)),
        "adjusted_rand": adjusted_rand_score(truth, found) if keys else 0.0,
        "nmi": normalized_mutual_info_score(truth, found) if keys else 0.0,
        "purity": purity,
    }


class Command(BaseCommand):
    help = "Themes in free text: refresh them, or measure their agreement with known themes."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh", help="Give every text without a theme its themes.")
        refresh.add_argument("--themes", type=int, default=DEFAULT_THEMES, help="How many themes a first fit makes.")
        refresh.add_argument("--seed", type=int, default=0)
        refresh.add_argument("--no-contacts", action="store_true", help="Leave contacts' words out.")
        agree = sub.add_parser("agreement", help="Agreement with known themes (CSV: source,source_id,known_theme).")
        agree.add_argument("file", nargs="?", default=str(Path(settings.VAR_DIR) / "demo" / "known_themes.csv"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "refresh":
            result = themes_refresh(
                actor=Actor.system("tellus themes refresh"), count=options["themes"], seed=options["seed"],
                include_contacts=not options["no_contacts"],
            )  # fmt: skip
            self.stdout.write(
                f"{result.themes_made} themes made, {result.texts_tagged:,} texts tagged, "
                f"{result.texts_without_theme:,} without a theme."
            )
            return
        path = Path(options["file"])
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                known = {(r["source"], int(r["source_id"])): r["known_theme"] for r in csv.DictReader(handle)}
        except (OSError, KeyError, ValueError) as error:
            raise CommandError(f"Cannot read known themes from {path}: {error}") from error
        figures = agreement(known)
        self.stdout.write(
            f"Texts compared: {int(figures['texts']):,} of {int(figures['known_texts']):,} with a known theme\n"
            f"Adjusted Rand index: {figures['adjusted_rand']:.3f} (1 = the same grouping, 0 = chance)\n"
            f"Normalised mutual information: {figures['nmi']:.3f}\n"
            f"Purity: {figures['purity']:.3f} (share of texts whose theme's most common known theme is their own)"
        )
