from __future__ import annotations

import os

import pytest

from tellus.linkage.engine import cluster, predict_pairs
from tellus.linkage.engine.backends import DEFAULT_POSTGRES_URL

from .engine_fixtures import febrl1_model, febrl1_prepared

POSTGRES_URL = os.environ.get("TELLUS_LINKAGE_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _postgres_reachable() -> str | None:
    """None when the database Splink's PostgreSQL backend works in answers, else why not."""
    try:
        from sqlalchemy import create_engine, text

        with create_engine(POSTGRES_URL).connect() as connection:
            connection.execute(text("select 1"))
    except Exception as error:  # any failure to connect means: skip, and say why
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {error.__class__.__name__}"
    return None


def require_postgres() -> None:
    """Skip, saying why, when PostgreSQL is not reachable; under CI (CI=true or TELLUS_REQUIRE_POSTGRES=1, which
    .ci/run sets) fail instead, as the browser tests do without a browser."""
    reason = _postgres_reachable()
    if not reason:
        return
    if os.environ.get("TELLUS_REQUIRE_POSTGRES") == "1" or os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI says the PostgreSQL backend tests must run")
    pytest.skip(reason)


def test_duckdb_and_postgres_backends_give_the_same_pairs_and_clusters():
    require_postgres()
    prepared = febrl1_prepared().head(250)
    model = febrl1_model()
    duck = predict_pairs(prepared, model, backend="duckdb", threshold_probability=0.01)
    pg = predict_pairs(prepared, model, backend="postgres", postgres_url=POSTGRES_URL, threshold_probability=0.01)
    assert len(duck) == len(pg) > 20
    for name in model.comparison_names:
        assert list(duck[f"gamma_{name}"]) == list(pg[f"gamma_{name}"])
    ids = prepared["unique_id"]
    duck_clusters, _ = cluster(duck, ids, upper=0.9)
    pg_clusters, _ = cluster(pg, ids, upper=0.9)
    assert duck_clusters.equals(pg_clusters)


def test_a_postgres_run_reads_only_its_own_schemas_tables_when_another_has_one_of_the_same_name():
    require_postgres()
    import pandas as pd
    from sqlalchemy import create_engine, text

    from tellus.linkage.engine.backends import make_db_api, release_db_api

    stale = create_engine(POSTGRES_URL)
    with stale.begin() as connection:  # what a run stopped before it could drop its schema leaves behind
        connection.execute(text("CREATE SCHEMA IF NOT EXISTS splink_stale_test"))
        connection.execute(text("DROP TABLE IF EXISTS splink_stale_test.records_all"))
        connection.execute(text("CREATE TABLE splink_stale_test.records_all (unique_id int, first_name text)"))
    db_api = make_db_api("postgres", postgres_url=POSTGRES_URL)
    try:
        db_api._table_registration(
            pd.DataFrame({"unique_id": [1], "first_name": ["Ann"], "dob": ["1980"]}), "records_all"
        )

        columns = db_api.table_to_splink_dataframe("records_all", "records_all").columns

        assert [column.unquote().name for column in columns] == ["unique_id", "first_name", "dob"]
    finally:
        release_db_api(db_api)
        with stale.begin() as connection:
            connection.execute(text("DROP SCHEMA splink_stale_test CASCADE"))
