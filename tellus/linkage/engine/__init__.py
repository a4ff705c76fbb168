"""Tellus identity resolution engine: plain functions over pandas DataFrames, no Django.

A selector feeds records in; a service writes pairs, clusters and the model back (STYLE.md rule 6).
"""

from __future__ import annotations

from .backends import make_db_api
from .cluster import cluster
from .evaluate import evaluate, evaluate_frame, pairwise_scores, run_febrl_eval
from .febrl import DATASETS as FEBRL_DATASETS
from .febrl import load_febrl
from .model import TrainedModel, train
from .predict import (
    DEFAULT_LOWER,
    DEFAULT_UPPER,
    classify,
    explain,
    predict_new,
    predict_pairs,
)
from .prepare import PREPARED_COLUMNS, evidence_count, prepare, too_thin_to_link
from .realtime import score_pairs, score_prepared_query, score_query

__all__ = [
    "DEFAULT_LOWER",
    "DEFAULT_UPPER",
    "FEBRL_DATASETS",
    "PREPARED_COLUMNS",
    "TrainedModel",
    "classify",
    "cluster",
    "evaluate",
    "evaluate_frame",
    "evidence_count",
    "explain",
    "load_febrl",
    "make_db_api",
    "pairwise_scores",
    "predict_new",
    "predict_pairs",
    "prepare",
    "run_febrl_eval",
    "score_pairs",
    "score_prepared_query",
    "score_query",
    "too_thin_to_link",
    "train",
]
