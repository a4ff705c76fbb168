"""`tellus bench resolve --backend spark` gives Spark the model DuckDB trained: the current model of one bench
database becomes the current model of the other, and nothing else of the target changes."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from tellus.bench.linkage import bench_town_dir, copy_current_model

SCHEMA = (
    "CREATE TABLE linkage_linkagemodel (id integer PRIMARY KEY, version text UNIQUE, trained_at text, backend text, "
    "splink_settings text, training_stats text, record_count integer, is_current bool)"
)


def _database(path: Path, models: list[tuple[int, str, bool]]) -> None:
    with sqlite3.connect(path) as database:
        database.execute(SCHEMA)
        database.executemany(
            "INSERT INTO linkage_linkagemodel VALUES (?, ?, '2026-12-04', 'duckdb', '{}', '{}', 10, ?)", models
        )


def _models(path: Path) -> set[tuple[str, int]]:
    with sqlite3.connect(path) as database:
        return set(database.execute("SELECT version, is_current FROM linkage_linkagemodel"))


def test_the_spark_copy_is_given_the_model_duckdb_trained(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    folder = bench_town_dir(100)
    folder.mkdir(parents=True)
    _database(folder / "linked.sqlite3", [(1, "old", False), (2, "trained-by-duckdb", True)])
    _database(folder / "linked-spark.sqlite3", [(2, "imported-with-the-town", True)])  # the same id as the source's

    copy_current_model(100, "linked.sqlite3", "linked-spark.sqlite3")

    assert _models(folder / "linked-spark.sqlite3") == {("imported-with-the-town", 0), ("trained-by-duckdb", 1)}
    assert _models(folder / "linked.sqlite3") == {("old", 0), ("trained-by-duckdb", 1)}
