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

from .model import TrainedModel
from .predict import level_labels, prior_match_weight
from .prepare import PREPARED_COLUMNS, prepare

M_U_CLAMP_MIN = 1e-300  # as in Splink's comparison_level.py
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
    sql = f"SELECT c.unique_id_r, {', '.join(cases)} FROM query AS q, candidates AS c"  # noqa: S608
    compiled = _Compiled(sql, model.comparison_names, weights, tfs, level_labels(model), prior_match_weight(model))
    _compiled[model.version] = compiled
    return compiled


def _connection() -> duckdb.DuckDBPyConnection:
    con = getattr(_local, "con", None)
    if con is None:
        con = duckdb.connect(":memory:")
        con.execute("SET threads = 1")
        _local.con = con
    return con


def _tf_values(series: pd.Series, lookup: dict[str, float]) -> np.ndarray:
    return series.map(lookup).to_numpy(dtype="float64", na_value=np.nan)


def score_query(query: dict[str, Any], candidates: pd.DataFrame, model: TrainedModel) -> pd.DataFrame:
    """Score a query (any subset of first_name, last_name, date_of_birth, address, postcode, email, phone) against
    candidate records, raw (engine input columns) or already prepared.

    Returns one row per candidate, best first: unique_id, match_weight, match_probability, and per comparison
    gamma_, label_, weight_ and bf_ columns (the same evidence columns predict_pairs gives)."""
    compiled = _compile(model)
    details = {"unique_id": 0, "source_system": "query", "address_is_evidence": True, **query}
    prepared_query = prepare(pd.DataFrame([details]))
    prepared = candidates if "first_name_canonical" in candidates.columns else prepare(candidates)
    left = prepared_query.add_suffix("_l")
    right = prepared[PREPARED_COLUMNS].add_suffix("_r").reset_index(drop=True)
    con = _connection()
    con.register("query", left)
    con.register("candidates", right)
    try:
        gammas = con.execute(compiled.sql).df()
    finally:
        con.unregister("query")
        con.unregister("candidates")
    order = right["unique_id_r"].to_numpy()
    gammas = gammas.set_index("unique_id_r").loc[order].reset_index()

    out = pd.DataFrame({"unique_id": order.astype("int64")})
    total = np.full(len(out), compiled.prior)
    for name, table, tf_info in zip(compiled.names, compiled.weights, compiled.tf, strict=True):
        gamma = gammas[f"gamma_{name}"].to_numpy(dtype="int64")
        weight = table[gamma + 1]
        if tf_info is not None:
            tf_gamma, column, tf_weight, log2_u, tf_min = tf_info
            lookup = model.term_frequencies.get(column, {})
            tf_l = _tf_values(left[f"{column}_l"], lookup)
            tf_l = np.repeat(tf_l, len(out)) if len(out) else tf_l[:0]
            tf_r = _tf_values(right[f"{column}_r"], lookup)
            have = ~(np.isnan(tf_l) & np.isnan(tf_r))
            tf_u = np.fmax(np.fmax(tf_l, tf_r), tf_min)
            with np.errstate(divide="ignore", invalid="ignore"):
                adjustment = np.where((gamma == tf_gamma) & have, tf_weight * (log2_u - np.log2(tf_u)), 0.0)
            weight = weight + adjustment
        total = total + weight
        out[f"gamma_{name}"] = gamma
        out[f"label_{name}"] = [compiled.labels[name][g] for g in gamma]
        out[f"weight_{name}"] = weight
        out[f"bf_{name}"] = 2.0**weight
    out.insert(1, "match_weight", total)
    out.insert(2, "match_probability", 1.0 / (1.0 + np.power(2.0, -total)))
    return out.sort_values(["match_probability", "unique_id"], ascending=[False, True]).reset_index(drop=True)
