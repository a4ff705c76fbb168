"""`tellus bench match|resolve`: measured performance, each figure beside a baseline from the same run."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Benchmarks. Each prints its figures beside a baseline measured in the same run, and the ratio."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="benchmark", required=True)
        match = sub.add_parser("match", help="Real-time match latency (p50/p95/p99).")
        match.add_argument("--queries", type=int, default=500)
        match.add_argument("--seed", type=int, default=1)
        match.add_argument(
            "--people",
            type=int,
            help="Measure against a separate town of this many people (built under var/bench/ if absent) "
            "instead of the current database.",
        )
        resolve = sub.add_parser("resolve", help="Batch resolve time and peak memory on a larger town.")
        resolve.add_argument("--people", type=int, default=200_000)
        resolve.add_argument("--seed", type=int, default=1)
        for each in (match, resolve):
            each.add_argument("--json", action="store_true", help="Also print the figures as one JSON line.")

    def handle(self, *args: Any, **options: Any) -> None:
        from tellus.linkage import bench

        def say(message: str) -> None:
            self.stdout.write(message)
            self.stdout.flush()

        try:
            if options["benchmark"] == "match":
                if options["people"]:
                    env = bench.bench_environment(options["people"])
                    say(f"Using a {options['people']:,}-person town in {bench.bench_town_dir(options['people'])}…")
                    bench.run_tellus(
                        ["demo", "--no-serve", "--people", str(options["people"]), "--seed", "1"], env, say
                    )
                    bench.run_tellus(["bench", "match", "--queries", str(options["queries"])], env, say)
                    return
                result = bench.bench_match(queries=options["queries"], seed=options["seed"], say=say)
            else:
                result = bench.bench_resolve(people=options["people"], seed=options["seed"], say=say)
        except (ValueError, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result, sort_keys=True))
