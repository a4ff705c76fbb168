"""Real-time matching: score one query record against a few candidate records with a saved model.

Levels are assigned by the model's own SQL conditions, run in an in-process DuckDB (the functions Splink uses), and
weights are added up from the model's m, u and term frequencies exactly as Splink's predict does, so a pair gets the
same match weight here as in a batch run. Nothing is registered with Splink per call, which keeps a call to a few
milliseconds.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from .levels import Gammas, compile_levels
from .model import TrainedModel
from .predict import level_labels, prior_match_weight
from .prepare import PREPARED_COLUMNS, prepare, prepare_record

M_U_CLAMP_MIN = 1e-300  # as in Splink's comparison_level.py
# Up to this many pairs the levels are evaluated in Python (levels.py): a real-time query's candidates, a changed
# record's person. DuckDB costs about 20 ms a query whatever its size, Python about 0.08 ms a pair.
PYTHON_ROWS = 250
_local = threading.local()


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: list[str]
    # per comparison: weight of each gamma value (index = gamma + 1, so -1 sits at 0)
    weights: list[np.ndarray]
    # per comparison: (gamma of the tf level, tf column, tf weight, log2 u of the exact level, tf minimum) or None
    tf: list[tuple[int, str, float, float, float] | None]
    labels: dict[str, dict[int, str]]
    prior: float
    # the same levels as Python functions of a row, when every condition compiles (see levels.py)
    python: list[Gammas] | None = None


_compiled: dict[str, _Compiled] = {}


def _compile(model: TrainedModel) -> _Compiled:
    cached = _compiled.get(model.version)
    if cached is not None:
        return cached
    cases, weights, tfs = [], [], []
    for comparison in model.settings["comparisons"]:
        name = comparison["output_column_name"]
        levels = comparison["comparison_levels"]
        non_null = [level for level in levels if not level.get("is_null_level")]
        whens = [f"WHEN {level['sql_condition']} THEN -1" for level in levels if level.get("is_null_level")]
        table = np.zeros(len(non_null) + 1)
        tf_info = None
        for index, level in enumerate(non_null):
            gamma = len(non_null) - 1 - index
            if level["sql_condition"].strip().upper() != "ELSE":
                whens.append(f"WHEN {level['sql_condition']} THEN {gamma}")
            m = max(float(level["m_probability"]), M_U_CLAMP_MIN)
            u = max(float(level["u_probability"]), M_U_CLAMP_MIN)
            table[gamma + 1] = math.log2(m / u)
            if level.get("tf_adjustment_column") and level.get("tf_adjustment_weight", 1.0) != 0:
                tf_info = (
                    gamma,
                    level["tf_adjustment_column"],
                    float(level.get("tf_adjustment_weight", 1.0)),
                    math.log2(float(level["u_probability"])),
                    float(level.get("tf_minimum_u_value", 0.0)),
                )
        cases.append(f"CASE {' '.join(whens)} ELSE 0 END AS gamma_{name}")
        weights.append(table)
        tfs.append(tf_info)
    # The conditions come from the model's own settings, never from the query's values (those are bound as tables).
    sql = f"SELECT {', '.join(cases)} FROM pairs ORDER BY row_r"  # noqa: S608
    compiled = _Compiled(
        sql,
        model.comparison_names,
        weights,
        tfs,
        level_labels(model),
        prior_match_weight(model),
        compile_levels(model.settings),
    )
    _compiled[model.version] = compiled
    return compiled


def _connection() -> duckdb.DuckDBPyConnection:
    con = getattr(_local, "con", None)
    if con is None:
        con = duckdb.connect(":memory:")
        con.execute("SET threads = 1")
        _local.con = con
    return con


def score_query(query: dict[str, Any], candidates: pd.DataFrame, model: TrainedModel) -> pd.DataFrame:
    """Score a query (any subset of first_name, last_name, date_of_birth, address, postcode, email, phone) against
    candidate records, raw (engine input columns) or already prepared.

    Returns one row per candidate, best first: unique_id, match_weight, match_probability, and per comparison
    gamma_, label_, weight_ and bf_ columns (the same evidence columns predict_pairs gives)."""
    prepared_query = prepare_record({"unique_id": 0, "source_system": "query", **query})
    prepared = candidates if "first_name_canonical" in candidates.columns else prepare(candidates)
    # One row per candidate carrying both sides, so the level conditions see col_l and col_r side by side.
    columns: dict[str, Any] = {f"{c}_r": prepared[c].to_numpy(dtype=object) for c in PREPARED_COLUMNS}
    size = len(prepared)
    columns.update({f"{c}_l": np.full(size, prepared_query[c], dtype=object) for c in PREPARED_COLUMNS})
    ids = prepared["unique_id"].to_numpy(dtype="int64")
    scored = _score_sides(columns, size, model, query=prepared_query)
    out = pd.DataFrame({"unique_id": ids, **scored})
    return out.sort_values(["match_probability", "unique_id"], ascending=[False, True]).reset_index(drop=True)


def score_prepared_query(
    query: dict[str, Any], records: list[dict[str, Any]], model: TrainedModel
) -> tuple[np.ndarray, dict[str, Any], np.ndarray]:
    """score_query for candidates already prepared, given as dicts (the real-time path), without pandas: building
    and sorting frames cost more than scoring a hundred candidates. Returns (each candidate's unique_id, the scored
    columns score_query gives, as arrays in the candidates' order, and the row order best first)."""
    prepared_query = prepare_record({"unique_id": 0, "source_system": "query", **query})
    size = len(records)
    columns: dict[str, Any] = {}
    for c in PREPARED_COLUMNS:
        values = np.empty(size, dtype=object)
        values[:] = [record[c] for record in records]
        columns[f"{c}_r"] = values
        columns[f"{c}_l"] = np.full(size, prepared_query[c], dtype=object)
    ids = np.fromiter((record["unique_id"] for record in records), dtype="int64", count=size)
    scored = _score_sides(columns, size, model, query=prepared_query)
    order = np.lexsort((ids, -scored["match_probability"]))
    return ids, scored, order


def score_pairs(left: pd.DataFrame, right: pd.DataFrame, model: TrainedModel) -> pd.DataFrame:
    """Score given pairs of prepared records, no blocking: row i of left against row i of right.

    For re-scoring a changed record against the other records of its person, which no blocking rule need bring
    together any more. Returns the columns predict_pairs gives (unique_id_l < unique_id_r, match_weight,
    match_probability, and gamma_, label_, weight_, bf_ per comparison), in the order given; the levels and weights
    are the ones a batch run gives the same pair."""
    if len(left) != len(right):
        raise ValueError("score_pairs needs as many left records as right ones")
    size = len(left)
    # The lower id on the left, as Splink lays out a deduplication pair.
    swap = left["unique_id"].to_numpy(dtype="int64") > right["unique_id"].to_numpy(dtype="int64")
    columns: dict[str, Any] = {}
    for c in PREPARED_COLUMNS:
        values_l, values_r = left[c].to_numpy(dtype=object), right[c].to_numpy(dtype=object)
        columns[f"{c}_l"] = np.where(swap, values_r, values_l)
        columns[f"{c}_r"] = np.where(swap, values_l, values_r)
    scored = _score_sides(columns, size, model, query=None)
    return pd.DataFrame(
        {
            "unique_id_l": columns["unique_id_l"].astype("int64"),
            "unique_id_r": columns["unique_id_r"].astype("int64"),
            **scored,
        }
    )


def _score_sides(
    columns: dict[str, Any], size: int, model: TrainedModel, *, query: dict[str, Any] | None
) -> dict[str, Any]:
    """Levels, weights and probability for pairs laid out as `{column}_l` / `{column}_r` arrays of one length.

    With `query` (the prepared left record, the same on every row) the left side's term frequencies are looked up
    once; otherwise per row."""
    compiled = _compile(model)
    if compiled.python is not None and size <= PYTHON_ROWS:
        gammas = _python_gammas(columns, size, compiled)
    else:
        gammas = _duckdb_gammas(columns, size, compiled)

    result: dict[str, Any] = {}
    total = np.full(size, compiled.prior)
    for name, table, tf_info in zip(compiled.names, compiled.weights, compiled.tf, strict=True):
        gamma = np.asarray(gammas[f"gamma_{name}"], dtype="int64")
        weight = table[gamma + 1]
        if tf_info is not None:
            tf_gamma, column, tf_weight, log2_u, tf_min = tf_info
            lookup = model.term_frequencies.get(column, {})
            if query is not None:
                query_value = query[column]
                tf_l = np.full(size, lookup.get(query_value, np.nan) if query_value is not None else np.nan)
            else:
                tf_l = _frequencies(lookup, columns[f"{column}_l"])
            tf_r = _frequencies(lookup, columns[f"{column}_r"])
            have = ~(np.isnan(tf_l) & np.isnan(tf_r))
            tf_u = np.fmax(np.fmax(tf_l, tf_r), tf_min)
            with np.errstate(divide="ignore", invalid="ignore"):
                adjustment = np.where((gamma == tf_gamma) & have, tf_weight * (log2_u - np.log2(tf_u)), 0.0)
            weight = weight + adjustment
        total = total + weight
        labels = compiled.labels[name]
        result[f"gamma_{name}"] = gamma
        result[f"label_{name}"] = [labels[g] for g in gamma.tolist()]
        result[f"weight_{name}"] = weight
        result[f"bf_{name}"] = np.power(2.0, weight)
    with np.errstate(over="ignore"):
        probability = 1.0 / (1.0 + np.power(2.0, -total))
    return {"match_weight": total, "match_probability": probability, **result}


def _python_gammas(columns: dict[str, Any], size: int, compiled: _Compiled) -> dict[str, Any]:
    names = list(columns)
    rows = [dict(zip(names, values, strict=True)) for values in zip(*(columns[n] for n in names), strict=True)]
    return {
        f"gamma_{name}": np.fromiter((gamma(row) for row in rows), dtype="int64", count=size)
        for name, gamma in zip(compiled.names, compiled.python or [], strict=True)
    }


def _duckdb_gammas(columns: dict[str, Any], size: int, compiled: _Compiled) -> dict[str, Any]:
    # Arrow string columns reach DuckDB without the per-value conversion that object columns need.
    pairs = pa.table(
        {
            **{
                name: pa.array(values, type=pa.int64() if name.startswith("unique_id") else pa.string())
                for name, values in columns.items()
            },
            "row_r": pa.array(np.arange(size)),
        }
    )
    con = _connection()
    con.register("pairs", pairs)
    try:
        return dict(con.execute(compiled.sql).fetchnumpy())
    finally:
        con.unregister("pairs")


def _frequencies(lookup: dict[Any, float], values: Any) -> np.ndarray:
    return np.array([lookup.get(v, np.nan) if v is not None else np.nan for v in values], dtype=float)
