from __future__ import annotations

import os

import pytest

from tellus.linkage.engine import cluster, predict_pairs
from tellus.linkage.engine.backends import DEFAULT_POSTGRES_URL

from .engine_fixtures import febrl1_model, febrl1_prepared

POSTGRES_URL = os.environ.get("TELLUS_LINKAGE_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _postgres_reachable() -> str | None:
    try:
        from sqlalchemy import create_engine, text

        with create_engine(POSTGRES_URL).connect() as connection:
            connection.execute(text("select 1"))
    except Exception as error:  # any failure to connect means: skip, and say why
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {error.__class__.__name__}"
    return None


def test_duckdb_and_postgres_backends_give_the_same_pairs_and_clusters():
    reason = _postgres_reachable()
    if reason:
        pytest.skip(reason)
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
