"""`tellus bench match|resolve|open311|demand|sar|listening|ledger|console`: measured performance, each beside a
baseline from the same run."""

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
        listening = sub.add_parser("listening", help="Each listening-dashboard panel beside its raw aggregate query.")
        listening.add_argument("--responses", type=int, default=1_000_000)
        ledger = sub.add_parser(
            "ledger", help="Statements for every household, and the statement page's p95, beside raw queries."
        )
        ledger.add_argument("--pages", type=int, default=200, help="How many households' statement pages to time.")
        console = sub.add_parser(
            "console",
            help="Staff sessions at once (search, open person, log contact), each step beside its bare query.",
        )
        console.add_argument("--sessions", type=int, default=20)
        console.add_argument("--callers", type=int, default=15, help="Callers each session handles.")
        console.add_argument(
            "--pause",
            type=float,
            default=5.0,
            help="Mean seconds an officer takes between steps (default 5; 0: no pause, the server's throughput).",
        )
        console.add_argument(
            "--processes",
            type=int,
            default=1,
            help="Processes the sessions are shared between, as `tellus serve --processes N` (default 1).",
        )
        console.add_argument("--seed", type=int, default=1)
        once = sub.add_parser("once", help="Tell us once: deliveries to local receivers, report-to-ack p50/p95.")
        once.add_argument("--events", type=int, default=10_000)
        once.add_argument("--subscribers", type=int, default=6)
        once.add_argument("--workers", type=int, default=2, help="`tellus worker` processes (default 2).")
        once.add_argument(
            "--rate", type=float, default=0, help="Offer this many changes a second, open loop (default: closed loop)."
        )
        once.add_argument(
            "--in-flight",
            type=int,
            default=4,
            help="Closed loop: report a new change when fewer than this many await acknowledgement (default 4).",
        )
        once.add_argument(
            "--database-url",
            help="The database to measure in (migrated first). Default: a fresh SQLite file under var/bench/.",
        )
        for each in (match, resolve, open311, demand, sar, listening, ledger, console, once):
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
            elif options["benchmark"] == "listening":
                from tellus.bench.listening import bench_listening

                result = bench_listening(responses=options["responses"], say=say)
            elif options["benchmark"] == "console":
                from tellus.bench.console import bench_console

                result = bench_console(
                    sessions=options["sessions"],
                    callers=options["callers"],
                    seed=options["seed"],
                    pause=options["pause"],
                    processes=options["processes"],
                    say=say,
                )
            elif options["benchmark"] == "sar":
                from tellus.bench.sar import bench_sar

                result = bench_sar(say=say)
            elif options["benchmark"] == "ledger":
                from tellus.bench.ledger import bench_ledger

                result = bench_ledger(pages=options["pages"], say=say)
            elif options["benchmark"] == "once":
                result = self.once(options, say)
                if not result:
                    return
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

    def once(self, options: dict[str, Any], say: Any) -> dict[str, Any] | None:
        """In its own database: a child process measures there, so the demo's data is never touched."""
        from pathlib import Path

        from django.conf import settings

        from tellus.bench import linkage as bench
        from tellus.bench.once import bench_once

        if os.environ.get("TELLUS_BENCH_ONCE_INNER") == "1":
            return bench_once(
                events=options["events"],
                subscribers=options["subscribers"],
                workers=options["workers"],
                rate=options["rate"],
                in_flight=options["in_flight"],
                say=say,
            )
        url = options["database_url"]
        if not url:
            folder = Path(settings.VAR_DIR) / "bench"
            folder.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{folder / 'once.sqlite3'}{suffix}").unlink(missing_ok=True)
            url = f"sqlite:///{folder / 'once.sqlite3'}"
        env = dict(os.environ, DATABASE_URL=url, TELLUS_BENCH_ONCE_INNER="1", TELLUS_ONCE_ALLOW_HTTP="true")
        say(f"Measuring in {url.rsplit('/', 1)[-1]} (migrating it first)…")
        bench.run_tellus(["migrate", "--verbosity", "0"], env, say)
        args = ["bench", "once", "--events", str(options["events"]), "--subscribers", str(options["subscribers"])]
        args += ["--workers", str(options["workers"]), "--rate", str(options["rate"])]
        args += ["--in-flight", str(options["in_flight"])]
        bench.run_tellus([*args, "--json"] if options["json"] else args, env, say)
        return None

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
