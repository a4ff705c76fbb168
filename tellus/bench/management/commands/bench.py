"""`tellus bench match|resolve|open311|demand|sar`: measured performance, each beside a baseline from the same run."""

from __future__ import annotations

import json
import os
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
        resolve.add_argument(
            "--backend",
            choices=["duckdb", "spark"],
            default="duckdb",
            help="spark: resolve the town on DuckDB and on Spark in the same run and print both.",
        )
        resolve.add_argument("--spark-master", help="With --backend spark: a cluster's master URL (default local[2]).")
        open311 = sub.add_parser(
            "open311", help="Open311 POST throughput and p95 on PostgreSQL, beside direct inserts."
        )
        open311.add_argument("--requests", type=int, default=300)
        open311.add_argument(
            "--database-url",
            help="A PostgreSQL database to measure in (migrated first; everything is rolled back). "
            "Default: DATABASE_URL, which must then be PostgreSQL.",
        )
        demand = sub.add_parser("demand", help="Each demand page's server time beside its raw aggregate query.")
        demand.add_argument("--contacts", type=int, default=1_000_000)
        sar = sub.add_parser("sar", help="A subject access copy for the person with the most data, beside reading it.")
        for each in (match, resolve, open311, demand, sar):
            each.add_argument("--json", action="store_true", help="Also print the figures as one JSON line.")

    def handle(self, *args: Any, **options: Any) -> None:
        from tellus.bench import linkage as bench

        def say(message: str) -> None:
            self.stdout.write(message)
            self.stdout.flush()

        result: dict[str, Any] | None
        try:
            if options["benchmark"] == "match":
                if options["people"]:
                    people = options["people"]
                    linked = bench.bench_town_dir(people) / bench.LINKED_DB
                    if not linked.exists():
                        raise CommandError(
                            f"no linked {people:,}-person bench town yet: "
                            f"run `tellus bench resolve --people {people}` first"
                        )
                    say(f"Using the linked {people:,}-person town in {linked}…")
                    env = bench.bench_environment(people, bench.LINKED_DB)
                    bench.run_tellus(["bench", "match", "--queries", str(options["queries"])], env, say)
                    return
                result = bench.bench_match(queries=options["queries"], seed=options["seed"], say=say)
            elif options["benchmark"] == "demand":
                from tellus.bench.insight import bench_demand

                result = bench_demand(contacts=options["contacts"], say=say)
            elif options["benchmark"] == "sar":
                from tellus.bench.sar import bench_sar

                result = bench_sar(say=say)
            elif options["benchmark"] == "open311":
                result = self.open311(options, say)
                if not result:
                    return
            elif options["backend"] == "spark":
                result = bench.bench_resolve_spark(
                    people=options["people"], seed=options["seed"], spark_master=options["spark_master"], say=say
                )
            else:
                result = bench.bench_resolve(people=options["people"], seed=options["seed"], say=say)
        except (ValueError, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"] and result is not None:
            self.stdout.write(json.dumps(result, sort_keys=True))

    def open311(self, options: dict[str, Any], say: Any) -> dict[str, Any] | None:
        from django.db import connection

        from tellus.bench import linkage as bench
        from tellus.bench.open311 import bench_open311

        url = options["database_url"]
        if url:
            if not url.startswith(("postgres://", "postgresql://")):
                raise CommandError(
                    "--database-url must be a PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/tellus_bench"
                )
            env = dict(os.environ, DATABASE_URL=url)
            say(f"Measuring in {url.rsplit('/', 1)[-1]} (migrating it first)…")
            bench.run_tellus(["migrate", "--verbosity", "0"], env, say)
            bench.run_tellus(["bench", "open311", "--requests", str(options["requests"])], env, say)
            return None
        if connection.vendor != "postgresql":
            raise CommandError(
                "the Open311 benchmark measures PostgreSQL: set DATABASE_URL to a PostgreSQL database, or pass "
                "--database-url postgres://postgres@127.0.0.1:5432/tellus_bench"
            )
        return bench_open311(requests=options["requests"], say=say)
