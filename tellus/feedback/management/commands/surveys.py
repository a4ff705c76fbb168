"""`tellus surveys letters [--html] [--out PATH]`: the print run for the mailroom: every survey letter and "you said,
we did" letter not yet printed, one to an A4 page, as a PDF (or HTML with its print stylesheet). Printing wipes each
letter's code and address; run it once per post."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tellus.feedback.letters import letters_pending, letters_print
from tellus.privacy.services import Actor


class Command(BaseCommand):
    help = "Survey letters: print every letter not yet printed, for the mailroom."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        letters = sub.add_parser("letters", help="Write the print run of survey letters (PDF, or HTML).")
        letters.add_argument("--html", action="store_true", help="HTML with a print stylesheet instead of a PDF.")
        letters.add_argument("--out", type=Path, help="The file to write (default var/letters/survey-<time>.pdf).")

    def handle(self, *args: Any, **options: Any) -> None:
        suffix = "html" if options["html"] else "pdf"
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        path = options["out"] or Path(settings.VAR_DIR) / "letters" / f"survey-{stamp}.{suffix}"
        if path.exists():
            raise CommandError(f"{path} already exists: choose another file, so no print run is overwritten.")
        pending = letters_pending()
        if not pending:
            self.stdout.write("No letters to print.")
            return
        run = letters_print(actor=Actor.system("survey print run"), path=path, pdf=not options["html"])
        self.stdout.write(
            f"{run.letters:,} letters written to {run.path}: {run.to_post:,} to post, "
            f"{run.to_hand_over:,} with no address to hand over in person."
        )
