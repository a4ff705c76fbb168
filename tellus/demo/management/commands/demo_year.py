"""`tellus demo-year`: load a year of contacts and needs for the demo town into the database."""

from __future__ import annotations

import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from tellus.common.progress import ProgressPrinter
from tellus.demo.year.load import DEMO_ACTOR_LABEL, demo_year_load, last_timings
from tellus.privacy.services import Actor


class Command(BaseCommand):
    help = "Load a year of contacts and needs for the people and services in the database (a system import)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same year.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count = demo_year_load(
            seed=options["seed"],
            actor=Actor.system(DEMO_ACTOR_LABEL),
            progress=ProgressPrinter("Demo year", stream=sys.stderr),
        )
        self.stdout.write(f"{count:,} contacts loaded in {time.perf_counter() - started:.1f} s.")
        self.stdout.write(
            "Stages (s): " + ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in last_timings.items())
        )
