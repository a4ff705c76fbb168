"""The model's levels evaluated in Python give exactly the levels DuckDB gives, pair by pair."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tellus.linkage.engine import realtime
from tellus.linkage.engine.levels import (
    NotCompilable,
    _jaro_winkler,
    _levenshtein,
    compile_condition,
    compile_levels,
)
from tellus.linkage.engine.prepare import PREPARED_COLUMNS

from .engine_fixtures import febrl1_model, febrl1_prepared

_duck = duckdb.connect(":memory:")


def _sql(expression: str, **values: str | None) -> object:
    names = list(values)
    select = ", ".join(f"?::VARCHAR AS {name}" for name in names) or "1 AS nothing"
    return _duck.execute(f"SELECT {expression} FROM (SELECT {select})", list(values.values())).fetchone()[0]  # noqa: S608


def _pairs(left: list[int], right: list[int]) -> tuple[dict[str, np.ndarray], int]:
    prepared = febrl1_prepared()
    columns: dict[str, np.ndarray] = {}
    for column in PREPARED_COLUMNS:
        values = prepared[column].to_numpy(dtype=object)
        columns[f"{column}_l"] = values[left]
        columns[f"{column}_r"] = values[right]
    return columns, len(left)


def test_every_level_of_every_comparison_compiles_for_the_trained_model():
    assert compile_levels(febrl1_model().settings) is not None


def test_python_and_duckdb_put_every_pair_in_the_same_level_of_every_comparison():
    model = febrl1_model()
    compiled = realtime._compile(model)
    size = len(febrl1_prepared())
    rng = np.random.default_rng(11)
    # Neighbours in FEBRL's order are often the same person (original and duplicates), random pairs rarely:
    # together they reach every level, missing values included.
    left = [*range(size - 1), *rng.integers(0, size, 3000).tolist()]
    right = [*range(1, size), *rng.integers(0, size, 3000).tolist()]
    columns, count = _pairs(left, right)

    python = realtime._python_gammas(columns, count, compiled)
    database = realtime._duckdb_gammas(columns, count, compiled)

    levels_seen = 0
    for name in model.comparison_names:
        expected = np.asarray(database[f"gamma_{name}"], dtype="int64")
        np.testing.assert_array_equal(python[f"gamma_{name}"], expected, err_msg=name)
        levels_seen += len(set(expected.tolist()))
    assert levels_seen >= 3 * len(model.comparison_names)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12), st.text(max_size=12))
def test_jaro_winkler_and_levenshtein_equal_duckdbs_on_any_text(left, right):
    expected_jw, expected_distance = _duck.execute(
        "SELECT jaro_winkler_similarity(?, ?), levenshtein(?, ?)", [left, right, left, right]
    ).fetchone()
    assert _jaro_winkler(left, right) == pytest.approx(expected_jw, abs=1e-12)
    assert _levenshtein(left, right) == expected_distance


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.none(), st.text(alphabet="ab c-", max_size=8)),
    st.one_of(st.none(), st.text(alphabet="ab c-", max_size=8)),
)
def test_string_functions_and_missing_values_behave_as_in_duckdb(a, b):
    for expression in (
        "split_part(a, ' ', 1) = split_part(b, ' ', 1)",
        "split_part(a, ' ', 2)",
        "length(a) = 1 OR length(b) = 1",
        "substr(a, 1, 2) = substr(b, 2, 3)",
        "strpos(a, b) > 0",
        "coalesce(a, '') = coalesce(b, '')",
        "NOT jaro_winkler_similarity(a, b) >= 0.8",
        "a IS NULL OR NOT (a = b)",
        "a IS NOT NULL AND levenshtein(a, b) <= 1",
    ):
        assert compile_condition(expression)({"a": a, "b": b}) == _sql(expression, a=a, b=b), expression


def test_a_condition_it_does_not_know_is_refused_and_the_model_falls_back_to_duckdb():
    with pytest.raises(NotCompilable):
        compile_condition("regexp_matches(a, '^x')")
    settings_ = {"comparisons": [{"comparison_levels": [{"sql_condition": "regexp_matches(a_l, a_r)"}]}]}
    assert compile_levels(settings_) is None
