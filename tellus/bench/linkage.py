"""Benchmarks for identity resolution: real-time match latency and batch resolve time, each beside a baseline
measured in the same run (these machines are noisy, so ratios mean more than milliseconds)."""

from __future__ import annotations

import contextlib
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from tellus.people.models import SourceRecord
from tellus.privacy.models import Purpose
from tellus.privacy.services import Actor

Say = Callable[[str], None]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _query_from(record: SourceRecord, rng: random.Random):  # type: ignore[no-untyped-def]
    """What a caller might say about the person behind a record: some fields, sometimes with a slip."""
    from tellus.linkage.matching import MatchDetails

    first, last = record.first_name, record.last_name
    if first and len(first) > 3 and rng.random() < 0.2:
        i = rng.randrange(1, len(first) - 1)
        first = first[:i] + first[i + 1] + first[i] + first[i + 2 :]
    return MatchDetails(
        first_name=first,
        last_name=last,
        date_of_birth=record.date_of_birth if rng.random() < 0.8 else None,
        postcode=record.postcode if rng.random() < 0.7 else "",
        address=record.address if rng.random() < 0.4 else "",
        email=record.email if rng.random() < 0.3 else "",
        phone=record.phone if rng.random() < 0.3 else "",
    )


def bench_match(*, queries: int, seed: int, say: Say) -> dict[str, float]:
    """Latency of match_person over sampled queries, with its audit writes, each rolled back afterwards.

    Baseline: the candidate-retrieval query alone (the database's share of the work)."""
    from tellus.linkage.matching import CANDIDATE_LIMIT, candidate_records, match_person

    rng = random.Random(seed)  # noqa: S311 (sampling queries, not secrets)
    ids = list(
        SourceRecord.objects.filter(is_organisation=False, person__isnull=False)
        .exclude(last_name="")
        .values_list("pk", flat=True)
    )
    if not ids:
        raise ValueError("no linked records: build the demo town (tellus demo --no-serve) or run tellus resolve first")
    people = SourceRecord.objects.filter(is_organisation=False).values("person").distinct().count()
    sample = SourceRecord.objects.in_bulk(rng.sample(ids, min(queries, len(ids))))
    details = [_query_from(record, rng) for record in sample.values()]
    actor = Actor.system("tellus bench match")
    match_person(details[0], actor=actor, purpose=Purpose.ENQUIRY)  # load the model once, as a server would
    full: list[float] = []
    retrieval: list[float] = []
    found_first = 0
    for query, record in zip(details, sample.values(), strict=True):
        with transaction.atomic():
            started = time.perf_counter()
            list(candidate_records(query).values_list("pk")[:CANDIDATE_LIMIT])
            retrieval.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            found = match_person(query, actor=actor, purpose=Purpose.ENQUIRY)
            full.append((time.perf_counter() - started) * 1000)
            found_first += bool(found and found[0].person_id == record.person_id)
            transaction.set_rollback(True)
    result = {
        "people": people,
        "queries": len(full),
        "p50_ms": percentile(full, 0.50),
        "p95_ms": percentile(full, 0.95),
        "p99_ms": percentile(full, 0.99),
        "retrieval_p50_ms": percentile(retrieval, 0.50),
        "retrieval_p95_ms": percentile(retrieval, 0.95),
        "ratio_p50": statistics.median(full) / max(statistics.median(retrieval), 1e-9),
        "right_person_first": found_first / len(full),
    }
    say(
        f"match_person over {result['queries']:,} queries against {people:,} people's records: "
        f"p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms "
        f"(audit writes included, rolled back)."
    )
    say(
        f"Baseline, candidate retrieval query alone: p50 {result['retrieval_p50_ms']:.1f} ms, "
        f"p95 {result['retrieval_p95_ms']:.1f} ms; the full match takes {result['ratio_p50']:.1f}x the query "
        f"at the median. The right person came first for {result['right_person_first']:.1%} of queries."
    )
    return result


def bench_town_dir(people: int) -> Path:
    return Path(settings.VAR_DIR) / "bench" / f"town-{people}"


IMPORTED_DB = "tellus.sqlite3"  # the town as imported, never linked: every resolve benchmark starts from a copy
LINKED_DB = "linked.sqlite3"  # the copy `bench resolve` linked, which `bench match --people` uses


def bench_environment(people: int, database: str = IMPORTED_DB) -> dict[str, str]:
    """A separate database and var/ for a benchmark town, so the demo's own data is never touched."""
    folder = bench_town_dir(people)
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        {
            "TELLUS_VAR_DIR": str(folder),
            "DATABASE_URL": f"sqlite:///{folder / database}",
            "DJANGO_SETTINGS_MODULE": "tellus.settings.local",
        }
    )
    return env


def copy_database(people: int, source: str, target: str) -> None:
    folder = bench_town_dir(people)
    for suffix in ("-wal", "-shm"):
        (folder / f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(folder / source, folder / target)


def copy_current_model(people: int, source: str, target: str) -> None:
    """The current linkage model of one bench database into another, so a resolve there reuses it."""
    folder = bench_town_dir(people)
    with contextlib.closing(sqlite3.connect(folder / target)) as database, database:
        database.execute("ATTACH DATABASE ? AS source", [str(folder / source)])
        columns = ", ".join(
            row[1] for row in database.execute("PRAGMA main.table_info(linkage_linkagemodel)") if row[1] != "id"
        )
        current = "(SELECT version FROM source.linkage_linkagemodel WHERE is_current = 1)"
        database.execute("UPDATE linkage_linkagemodel SET is_current = 0")
        database.execute(
            f"INSERT INTO linkage_linkagemodel ({columns}) SELECT {columns} FROM source.linkage_linkagemodel "  # noqa: S608
            "WHERE is_current = 1 AND version NOT IN (SELECT version FROM main.linkage_linkagemodel)"
        )
        database.execute(f"UPDATE linkage_linkagemodel SET is_current = 1 WHERE version = {current}")  # noqa: S608


def run_tellus(args: list[str], env: dict[str, str], say: Say) -> float:
    """Run a tellus command in a child process; its output streams through; returns wall seconds."""
    started = time.perf_counter()
    process = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tellus.cli", *args], env=env, check=False, text=True
    )
    if process.returncode != 0:
        raise RuntimeError(f"`tellus {' '.join(args)}` failed with status {process.returncode}")
    return time.perf_counter() - started


def bench_resolve(*, people: int, seed: int, say: Say) -> dict[str, float]:
    """Build a town of `people` (imports only) in its own database, then time `tellus resolve --full --retrain`
    in a child process, with its peak memory. Baseline: reading the records out of the database in the same run."""
    env = bench_environment(people)
    say(f"Building a {people:,}-person town in {bench_town_dir(people)} (imports only; reused if already built)…")
    run_tellus(["demo", "--no-serve", "--import-only", "--people", str(people), "--seed", str(seed)], env, say)
    run_tellus(
        [
            "shell",
            "-c",
            "from django.db import connection; connection.cursor().execute('PRAGMA wal_checkpoint(TRUNCATE)')",
        ],
        env,
        say,
    )
    copy_database(people, IMPORTED_DB, LINKED_DB)
    linked = bench_environment(people, LINKED_DB)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    say("Reading the records alone (baseline)…")
    baseline = run_tellus(["shell", "-c", READ_RECORDS], linked, say)
    say("Resolving a fresh copy of the imported town (train, score, cluster, write people)…")
    seconds = run_tellus(["resolve", "--full", "--retrain"], linked, say)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = {
        "people": people,
        "resolve_seconds": seconds,
        "read_records_seconds": baseline,
        "ratio": seconds / baseline,
        "peak_memory_mib": peak_kib / 1024,
        "peak_memory_before_mib": before / 1024,
    }
    say(
        f"tellus resolve on {people:,} people: {seconds:.1f} s wall, peak memory {peak_kib / 1024:,.0f} MiB "
        f"(largest child process). Baseline, reading the records: {baseline:.1f} s; resolve is {result['ratio']:.1f}x."
    )
    return result


READ_RECORDS = (
    "from tellus.linkage.selectors import records_frame; import time; t=time.perf_counter(); "
    "f=records_frame(); print(f'read {len(f):,} records in {time.perf_counter()-t:.1f} s')"
)


SPARK_DB = "linked-spark.sqlite3"  # the copy `bench resolve --backend spark` links on Spark
_PHASE = re.compile(r"^\[\s*([\d.]+)s\] (.*)$")
_RESOLVED = re.compile(
    r"^Resolved in full with model (?P<model>\S+): (?P<records>[\d,]+) records evaluated, (?P<pairs>[\d,]+) pairs "
    r"scored, (?P<linked>[\d,]+) linked automatically, (?P<review>[\d,]+) sent for review, (?P<people>[\d,]+) people"
)


def run_tellus_output(args: list[str], env: dict[str, str], say: Say) -> tuple[float, list[str]]:
    """run_tellus, keeping the output lines (streamed through as they come) to read the phases' times from."""
    started = time.perf_counter()
    lines: list[str] = []
    with subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tellus.cli", *args], env=env, text=True, stdout=subprocess.PIPE
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            say(line.rstrip("\n"))
            lines.append(line.rstrip("\n"))
    if process.returncode != 0:
        raise RuntimeError(f"`tellus {' '.join(args)}` failed with status {process.returncode}")
    return time.perf_counter() - started, lines


def resolve_figures(seconds: float, lines: list[str]) -> dict[str, Any]:
    """What `tellus resolve` said: seconds spent training and scoring (from its timestamped progress lines), the
    model version and the counts of its summary line."""
    phases = [(float(m.group(1)), m.group(2)) for m in map(_PHASE.match, lines) if m]

    def at(prefix: str) -> float | None:
        return next((t for t, message in phases if message.startswith(prefix)), None)

    train, score, evidence = at("Training the model"), at("Scoring candidate pairs"), at("Keeping the evidence")
    figures: dict[str, Any] = {"wall_seconds": seconds}
    figures["train_seconds"] = score - train if train is not None and score is not None else None
    figures["score_seconds"] = evidence - score if score is not None and evidence is not None else None
    summary = next((m for m in map(_RESOLVED.match, lines) if m), None)
    if summary:
        figures["model"] = summary.group("model")
        for key in ("records", "pairs", "linked", "review", "people"):
            figures[key] = int(summary.group(key).replace(",", ""))
    return figures


def bench_resolve_spark(*, people: int, seed: int, spark_master: str | None, say: Say) -> dict[str, Any]:
    """`tellus resolve --full --retrain` on DuckDB, then `tellus resolve --full --backend spark` on a fresh copy of
    the same imported town given the model DuckDB just trained, in one run: the phases' seconds side by side, and
    whether both gave the same pairs, links and people. Spark is given DuckDB's model because a resolve on Spark
    trains in DuckDB anyway (decision 0050), and training twice on 200,000 people can differ in the last digits of
    EM's sums, which would make two honest runs look different; with one model, any difference is the scoring's.
    Baseline, as for bench_resolve: reading the records out of the database."""
    env = bench_environment(people)
    say(f"Building a {people:,}-person town in {bench_town_dir(people)} (imports only; reused if already built)…")
    run_tellus(["demo", "--no-serve", "--import-only", "--people", str(people), "--seed", str(seed)], env, say)
    run_tellus(
        [
            "shell",
            "-c",
            "from django.db import connection; connection.cursor().execute('PRAGMA wal_checkpoint(TRUNCATE)')",
        ],
        env,
        say,
    )
    copy_database(people, IMPORTED_DB, LINKED_DB)
    copy_database(people, IMPORTED_DB, SPARK_DB)
    say("Reading the records alone (baseline)…")
    baseline = run_tellus(["shell", "-c", READ_RECORDS], bench_environment(people, LINKED_DB), say)
    say("Resolving on DuckDB (train, score, cluster, write people)…")
    duck = resolve_figures(
        *run_tellus_output(["resolve", "--full", "--retrain"], bench_environment(people, LINKED_DB), say)
    )
    duck["peak_memory_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    master = spark_master or "local[2]"
    copy_current_model(people, LINKED_DB, SPARK_DB)
    say(f"Resolving on Spark ({master}) with the model DuckDB trained: scoring on Spark…")
    # A 200,000-person town's scored pairs (about a million rows with their evidence) come back through the driver.
    spark_args = ["resolve", "--full", "--backend", "spark", "--spark-conf", "spark.driver.memory=4g"]
    if spark_master:
        spark_args += ["--spark-master", spark_master]
    spark = resolve_figures(*run_tellus_output(spark_args, bench_environment(people, SPARK_DB), say))
    spark["peak_memory_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    same = {key: duck.get(key) == spark.get(key) for key in ("model", "pairs", "linked", "review", "people")}
    if not spark.get("model"):  # a run that said nothing of its model cannot be called the same
        same["model"] = False

    def cell(value: Any, unit: str = "") -> str:
        if value is None:
            return "n/a"
        return f"{value:,.1f}{unit}" if isinstance(value, float) else f"{value:,}{unit}"

    say(
        f"\n{people:,}-person town, {duck.get('records', 0):,} records; baseline (reading the records) {baseline:.1f} s"
    )
    say(f"{'':30}{'DuckDB':>14}{'Spark ' + master:>24}{'Spark/DuckDB':>14}")
    # Spark's own run scored with DuckDB's model: its whole resolve is that run plus the training it was spared.
    spark["wall_with_training_seconds"] = spark["wall_seconds"] + (duck.get("train_seconds") or 0.0)
    rows = (
        ("Train (in DuckDB, once)", duck.get("train_seconds"), None),
        ("Score candidate pairs", duck.get("score_seconds"), spark.get("score_seconds")),
        ("Resolve run (wall)", duck["wall_seconds"], spark["wall_seconds"]),
        ("Whole resolve with training", duck["wall_seconds"], spark["wall_with_training_seconds"]),
    )
    for label, on_duck, on_spark in rows:
        shown = cell(on_spark, " s") if on_spark is not None else "DuckDB's model"
        times = f"{on_spark / on_duck:.2f}x" if on_duck and on_spark else ""
        say(f"{label:30}{cell(on_duck, ' s'):>14}{shown:>24}{times:>14}")
    for label, key in (
        ("Pairs scored", "pairs"),
        ("Linked automatically", "linked"),
        ("Sent for review", "review"),
        ("People created", "people"),
    ):
        say(f"{label:30}{cell(duck.get(key)):>14}{cell(spark.get(key)):>24}")
    say(
        f"Whole resolve / baseline: DuckDB {duck['wall_seconds'] / baseline:.1f}x, "
        f"Spark {spark['wall_with_training_seconds'] / baseline:.1f}x with the training. Largest child process so far: "
        f"{duck['peak_memory_mib']:,.0f} MiB after DuckDB, {spark['peak_memory_mib']:,.0f} MiB after Spark "
        "(Spark's JVM is a process of its own, capped by spark.driver.memory)."
    )
    say(
        "Same model, pairs, links and people on both: "
        + ("yes" if all(same.values()) else "NO (" + ", ".join(k for k, v in same.items() if not v) + " differ)")
    )
    return {
        "people": people,
        "read_records_seconds": baseline,
        "spark_master": master,
        "duckdb": duck,
        "spark": spark,
        "same": same,
    }
