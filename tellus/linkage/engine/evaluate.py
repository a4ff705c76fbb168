"""Measuring the engine against FEBRL: pairwise precision, recall and F1 over the clustered result."""

from __future__ import annotations

import time
from typing import Any

import pandas as pd

from .cluster import cluster
from .febrl import load_febrl
from .model import train
from .predict import DEFAULT_LOWER, DEFAULT_UPPER, classify, predict_pairs
from .prepare import prepare, too_thin_to_link


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise_scores(clusters: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float | int]:
    """All pairs within predicted clusters against all pairs within true entities.

    clusters: unique_id, cluster_id; truth: unique_id, true_entity."""
    merged = clusters.merge(truth, on="unique_id")
    true_positives = _pairs(merged.groupby(["cluster_id", "true_entity"]).size())
    predicted = _pairs(merged.groupby("cluster_id").size())
    actual = _pairs(merged.groupby("true_entity").size())
    precision = true_positives / predicted if predicted else 1.0
    recall = true_positives / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "true_pairs": actual,
        "predicted_pairs": predicted,
        "true_positive_pairs": true_positives,
    }


def joined_count(clusters: pd.DataFrame, truth: pd.DataFrame, entity_pairs: list[tuple[Any, Any]]) -> int:
    """How many of the given pairs of true entities share a cluster (any record of one with any of the other)."""
    merged = clusters.merge(truth, on="unique_id")
    clusters_of = merged.groupby("true_entity")["cluster_id"].agg(set).to_dict()
    return sum(1 for a, b in entity_pairs if clusters_of.get(a, set()) & clusters_of.get(b, set()))


def evaluate_frame(
    records: pd.DataFrame,
    *,
    link_type: str = "dedupe_only",
    upper: float = DEFAULT_UPPER,
    lower: float = DEFAULT_LOWER,
    backend: str = "duckdb",
    seed: int = 42,
    exclusive_sources: tuple[str, ...] = (),
    twins_guard: bool = True,
    kept_out: pd.DataFrame | None = None,
    look_alikes: dict[str, list[tuple[Any, Any]]] | None = None,
) -> dict[str, Any]:
    """Train, predict, classify and cluster records that carry a true_entity column, and score the result.

    kept_out: records (unique_id, true_entity) that never reach linkage, such as those taken as organisations;
    each counts as a person of its own, so a person's record kept out costs recall.
    look_alikes: per kind ("twins", ...), pairs of true entities that must never be joined; the result says how
    many pairs of each kind ended up in one cluster (`joined_<kind>`) out of how many (`<kind>`)."""
    started = time.perf_counter()
    prepared = prepare(records)
    model = train(prepared, backend=backend, seed=seed, link_type=link_type)
    pairs = predict_pairs(prepared, model, backend=backend)
    thin = too_thin_to_link(prepared)
    thin_ids = set(prepared.loc[thin, "unique_id"].tolist())
    decided = classify(pairs, upper=upper, lower=lower, too_thin_ids=thin_ids, twins_guard=twins_guard)
    clusters, skipped = cluster(
        decided,
        prepared["unique_id"],
        upper=upper,
        source_of=dict(zip(prepared["unique_id"], prepared["source_system"], strict=True)),
        exclusive_sources=exclusive_sources,
        # One date of birth per person is a household rule, like the twins guard. FEBRL corrupts dates of birth
        # beyond two edits often (with the check on, FEBRL4 recall falls from 0.9976 to 0.9568).
        dates_of_birth=dict(zip(prepared["unique_id"], prepared["dob"], strict=True)) if twins_guard else None,
    )
    seconds = time.perf_counter() - started
    truth = records[["unique_id", "true_entity"]]
    if kept_out is not None and len(kept_out):
        alone = kept_out[["unique_id"]].assign(cluster_id=-kept_out["unique_id"].astype("int64"))
        clusters = pd.concat([clusters, alone], ignore_index=True)
        truth = pd.concat([truth, kept_out[["unique_id", "true_entity"]]], ignore_index=True)
    result: dict[str, Any] = pairwise_scores(clusters, truth)
    for kind, pairs_of_kind in (look_alikes or {}).items():
        result[kind] = len(pairs_of_kind)
        result[f"joined_{kind}"] = joined_count(clusters, truth, pairs_of_kind)
    result.update(
        {
            "seconds": round(seconds, 3),
            "records": len(records),
            "scored_pairs": len(pairs),
            "review_pairs": int((decided["decision"] == "review").sum()),
            "too_thin_records": len(thin_ids),
            "skipped_links": len(skipped),
            "model_version": model.version,
            "upper": upper,
            "lower": lower,
            "twins_guard": twins_guard,
            "metric": "pairwise over clusters",
        }
    )
    return result


def run_febrl_eval(
    name: str, *, backend: str = "duckdb", upper: float = DEFAULT_UPPER, twins_guard: bool = False
) -> dict[str, Any]:
    """Evaluate on a bundled FEBRL set ('febrl1'..'febrl4'); seconds covers prepare, train, predict and cluster.

    The twins guard is off by default here: FEBRL's generator replaces the first name of about one duplicate in
    twelve with an unrelated name, which is exactly what twins look like (see docs/linkage.md).

    FEBRL4 is two files, each free of duplicates, linked to each other: each file is declared an exclusive source,
    so a person holds at most one record from each."""
    records, link_type = load_febrl(name)
    exclusive = tuple(sorted(records["source_system"].unique())) if link_type == "link_only" else ()
    result = evaluate_frame(
        records,
        link_type=link_type,
        backend=backend,
        upper=upper,
        exclusive_sources=exclusive,
        twins_guard=twins_guard,
    )
    return {"dataset": name, **result}


def evaluate(dataset_name: str, **kwargs: Any) -> dict[str, Any]:
    return run_febrl_eval(dataset_name, **kwargs)
