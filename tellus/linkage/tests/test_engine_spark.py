"""Splink's Spark backend runs the model DuckDB runs: the same levels, weights and clusters on FEBRL, and
`tellus resolve --backend spark` links a town exactly as DuckDB linked it.

One local Spark session (two cores, small heap, nothing downloaded) serves the whole module. Without Java these
tests skip, saying why, unless TELLUS_REQUIRE_SPARK=1 (set by .ci/run) or CI=true, when they fail instead."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tellus.linkage.engine import cluster, predict_new, predict_pairs
from tellus.linkage.engine.backends import (
    SPARK_JARO_WINKLER,
    make_db_api,
    release_db_api,
    settings_for_backend,
    spark_session,
    stop_spark_session,
)

from .engine_fixtures import febrl1_model, febrl1_prepared

# Small data: one shuffle partition, no whole-stage code generation (compiling it costs more than it saves on a few
# thousand rows) and a JVM that starts quickly (the C1 compiler only).
SPARK_TEST_CONF = {
    "spark.sql.shuffle.partitions": "1",
    "spark.sql.codegen.wholeStage": "false",
    "spark.driver.memory": "1g",
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
}


def _java_missing() -> str | None:
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") or (java_home and (Path(java_home) / "bin" / "java").exists()):
        return None
    return "Java is not installed (Spark needs Java 17: apt-get install openjdk-17-jre-headless)"


def require_spark() -> None:
    """Skip, saying why, when Java is missing; under CI (TELLUS_REQUIRE_SPARK=1, which .ci/run sets, or CI=true)
    fail instead, so the Spark backend is never silently untested there."""
    reason = _java_missing()
    if not reason:
        return
    if os.environ.get("TELLUS_REQUIRE_SPARK") == "1" or os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI says the Spark backend tests must run")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    require_spark()
    session = spark_session("local[2]", SPARK_TEST_CONF)
    yield session
    stop_spark_session()


def test_the_spark_settings_keep_every_weight_and_translate_only_the_sql():
    model = febrl1_model()

    translated = settings_for_backend(model.settings, "spark")

    assert translated["sql_dialect"] == "spark"
    assert translated["probability_two_random_records_match"] == model.settings["probability_two_random_records_match"]
    for ours, theirs in zip(model.settings["comparisons"], translated["comparisons"], strict=True):
        for level, spark_level in zip(ours["comparison_levels"], theirs["comparison_levels"], strict=True):
            assert spark_level.get("m_probability") == level.get("m_probability")
            assert spark_level.get("u_probability") == level.get("u_probability")
            assert "jaro_winkler_similarity" not in spark_level["sql_condition"]
            assert '"' not in spark_level["sql_condition"]  # Spark reads "x" as a string, not a column
    assert settings_for_backend(model.settings, "duckdb") is model.settings


def test_jaro_winkler_on_spark_is_duckdbs_where_the_jar_splink_ships_is_not(spark: Any) -> None:
    import duckdb

    pairs = [
        ("clapland", "clpland"),  # the jar's jaro_winkler: 0.9095; DuckDB's: 0.9286
        ("elson walk", "nelson walk"),
        ("rowan way", "wharf way"),
        ("chriistine", "christine"),
        ("zoë", "zoe"),  # DuckDB counts UTF-8 bytes
        ("siobhán", "siobhan"),
        ("", "anne"),
        ("anne", None),
    ]
    api = make_db_api("spark")
    try:
        api.spark.createDataFrame(pairs, "l string, r string").createOrReplaceTempView("pairs")
        rows = api.spark.sql(f"SELECT l, r, {SPARK_JARO_WINKLER}(l, r) AS jw FROM pairs").collect()  # noqa: S608
    finally:
        release_db_api(api)
    on_spark = {(row["l"], row["r"]): row["jw"] for row in rows}

    for left, right in pairs:
        expected = duckdb.execute("SELECT jaro_winkler_similarity(?, ?)", [left, right]).fetchone()[0]  # type: ignore[index]
        assert on_spark[(left, right)] == (pytest.approx(expected, abs=1e-12) if expected is not None else None)


def test_spark_and_duckdb_give_the_same_levels_weights_and_clusters_on_febrl(spark: Any) -> None:
    prepared = febrl1_prepared()
    model = febrl1_model()

    duck = predict_pairs(prepared, model, backend="duckdb", threshold_probability=0.01)
    on_spark = predict_pairs(prepared, model, backend="spark", threshold_probability=0.01)

    assert len(duck) == len(on_spark) > 400
    assert (duck[["unique_id_l", "unique_id_r"]] == on_spark[["unique_id_l", "unique_id_r"]]).all().all()
    for name in model.comparison_names:
        assert list(duck[f"gamma_{name}"]) == list(on_spark[f"gamma_{name}"]), name
        assert (duck[f"weight_{name}"] - on_spark[f"weight_{name}"]).abs().max() < 1e-9, name
    assert (duck["match_weight"] - on_spark["match_weight"]).abs().max() < 1e-9
    ids = prepared["unique_id"]
    duck_clusters, _ = cluster(duck, ids, upper=0.9)
    spark_clusters, _ = cluster(on_spark, ids, upper=0.9)
    assert duck_clusters.equals(spark_clusters)
    assert duck_clusters["cluster_id"].nunique() < len(ids) - 400  # most of FEBRL1's 500 duplicates found


def test_an_incremental_run_on_spark_scores_the_new_records_as_duckdb_does(spark: Any) -> None:
    prepared = febrl1_prepared()
    model = febrl1_model()
    new, existing = prepared.iloc[::10], prepared.drop(prepared.index[::10])

    duck = predict_new(new, existing, model, backend="duckdb", threshold_probability=0.01)
    on_spark = predict_new(new, existing, model, backend="spark", threshold_probability=0.01)

    assert len(duck) == len(on_spark) > 40
    assert (duck[["unique_id_l", "unique_id_r"]] == on_spark[["unique_id_l", "unique_id_r"]]).all().all()
    assert (duck["match_weight"] - on_spark["match_weight"]).abs().max() < 1e-9


@pytest.mark.django_db
def test_resolve_on_spark_links_a_town_exactly_as_duckdb_did(spark: Any, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tellus.demo.build import Reporter, demo_build
    from tellus.linkage.models import LinkageModel, ResolutionRun
    from tellus.people.models import SourceRecord

    settings.VAR_DIR = tmp_path
    demo_build(people=160, seed=7, reporter=Reporter(io.StringIO()))
    # Resolved in full on DuckDB once more: the demo's Tell us once stage adds own copies after its own resolve.
    call_command("resolve", "--full", stdout=io.StringIO())
    on_duckdb = ResolutionRun.objects.order_by("-pk").first()
    assert on_duckdb is not None and on_duckdb.stats["backend"] == "duckdb"
    people_before = dict(SourceRecord.objects.filter(is_organisation=False).values_list("pk", "person_id"))
    out = io.StringIO()

    call_command("resolve", "--full", "--backend", "spark", "--spark-master", "local[2]", stdout=out)

    run = ResolutionRun.objects.order_by("-pk").first()
    assert run is not None and run.pk != on_duckdb.pk and run.stats["backend"] == "spark"
    assert run.model_id == on_duckdb.model_id and LinkageModel.objects.count() == 1  # the same trained model
    assert run.pairs_scored == on_duckdb.pairs_scored > 0
    assert (run.auto_linked, run.sent_to_review) == (on_duckdb.auto_linked, on_duckdb.sent_to_review)
    people_after = dict(SourceRecord.objects.filter(is_organisation=False).values_list("pk", "person_id"))
    assert people_after == people_before and run.merges == 0
    assert "Resolved in full" in out.getvalue()


def test_resolve_refuses_spark_options_without_the_spark_backend() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="need --backend spark"):
        call_command("resolve", "--spark-master", "spark://127.0.0.1:7077")
