"""`tellus resolve`: link source records into people with Splink, incrementally, respecting staff decisions."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tellus.common.request_context import new_request_id, request_id_scope
from tellus.linkage.resolution import resolve
from tellus.privacy.services import Actor


class Command(BaseCommand):
    help = (
        "Link every source record into people. The first run trains the model from the data and saves it with a "
        "version; later runs reuse it and evaluate only new or changed records. Staff decisions (confirmed or "
        "rejected pairs, merges, splits) are always respected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--retrain", action="store_true", help="Train a new model from the data first.")
        parser.add_argument("--full", action="store_true", help="Score every pair again, not only new records.")
        parser.add_argument("--backend", choices=["duckdb", "postgres", "spark"], default="duckdb")
        parser.add_argument("--postgres-url", help="For --backend postgres: the database Splink works in.")
        parser.add_argument(
            "--spark-master",
            help="For --backend spark: the cluster's master URL (spark://host:7077); default local[2], this machine.",
        )
        parser.add_argument(
            "--spark-conf",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="For --backend spark: a Spark setting (spark.executor.memory=4g), repeatable.",
        )
        parser.add_argument("--upper", type=float, help="Link automatically at or above this probability.")
        parser.add_argument("--lower", type=float, help="Send for review at or above this probability.")

    def start_spark(self, master: str | None, pairs: list[str]) -> None:
        """Start Spark before resolving, so a wrong master or setting fails at once, before any work."""
        from tellus.linkage.engine.backends import spark_session

        conf = {}
        for pair in pairs:
            key, sep, value = pair.partition("=")
            if not sep or not key.startswith("spark."):
                raise CommandError(f"--spark-conf takes spark.KEY=VALUE, not {pair!r}")
            conf[key] = value
        self.stdout.write(f"Starting Spark on {master or 'local[2]'}…")
        try:
            spark_session(master, conf)
        except Exception as exc:  # Java missing, master unreachable: say so plainly
            raise CommandError(f"Spark could not start on {master or 'local[2]'}: {exc}") from exc

    def handle(self, *args: Any, **options: Any) -> None:
        if options["backend"] == "postgres" and not options["postgres_url"]:
            raise CommandError("--backend postgres needs --postgres-url postgres://user@host:5432/database")
        if options["backend"] == "spark":
            self.start_spark(options["spark_master"], options["spark_conf"])
        elif options["spark_master"] or options["spark_conf"]:
            raise CommandError("--spark-master and --spark-conf need --backend spark")
        started = time.perf_counter()

        def say(message: str) -> None:
            self.stdout.write(f"[{time.perf_counter() - started:6.1f}s] {message}")
            self.stdout.flush()

        try:
            with request_id_scope(new_request_id("resolve")):
                run = resolve(
                    actor=Actor.system("tellus resolve"),
                    backend=options["backend"],
                    postgres_url=options["postgres_url"],
                    retrain=options["retrain"],
                    full=options["full"],
                    upper=options["upper"],
                    lower=options["lower"],
                    say=say,
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        stats = run.stats
        self.stdout.write(
            f"Resolved {'incrementally' if run.incremental else 'in full'} with model {stats['model_version']}: "
            f"{run.records_evaluated:,} records evaluated, {run.pairs_scored:,} pairs scored, "
            f"{run.auto_linked:,} linked automatically, {run.sent_to_review:,} sent for review, "
            f"{stats['people_created']:,} people created, {run.merges:,} merges, {stats['households']:,} households, "
            f"in {stats['seconds']:.1f} s."
        )
        self.stdout.write(
            f"{run.sparse_records:,} records carry too little to link automatically (only a name, say); "
            "they can be linked only by a caseworker."
        )
        if stats.get("organisation_records"):
            self.stdout.write(
                f"{stats['organisation_records']:,} records were taken as organisations at import (companies, "
                "agencies, trusts, estates…): they are never linked to people."
            )
        if stats.get("changed_records_rescored"):
            self.stdout.write(
                "Changed records scored again against the rest of their person: "
                f"{stats['changed_records_rescored']:,}; split off (nothing links them any more): "
                f"{stats['changed_records_split_off']:,}; "
                f"sent for review: {stats['changed_records_sent_for_review']:,}."
            )
        if stats.get("estates_pointed_at_the_deceased"):
            self.stdout.write(
                f"{stats['estates_pointed_at_the_deceased']:,} estates' records now point at the person who died."
            )
        if stats.get("links_held_for_different_dates_of_birth"):
            self.stdout.write(
                f"{stats['links_held_for_different_dates_of_birth']:,} automatic links were sent for review instead, "
                "because they would have put two clearly different dates of birth in one person."
            )
        if stats["links_skipped_for_staff_decisions"] or stats["merges_refused"]:
            self.stdout.write(
                f"{stats['links_skipped_for_staff_decisions'] + stats['merges_refused']:,} links were not made "
                "because staff had kept those records apart."
            )
