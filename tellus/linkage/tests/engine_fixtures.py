"""Shared, session-cached inputs for the engine tests (no database needed)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import pandas as pd

from tellus.linkage.engine import TrainedModel, classify, load_febrl, prepare, score_query, train


@cache
def febrl1_records() -> pd.DataFrame:
    records, _ = load_febrl("febrl1")
    return records


@cache
def febrl1_prepared() -> pd.DataFrame:
    return prepare(febrl1_records())


@cache
def febrl1_model() -> TrainedModel:
    return train(febrl1_prepared(), seed=7)


def record(unique_id: int, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "unique_id": unique_id,
        "source_system": "crm",
        "first_name": None,
        "last_name": None,
        "date_of_birth": None,
        "address": None,
        "postcode": None,
        "email": None,
        "phone": None,
        "address_is_evidence": True,
    }
    base.update(fields)
    return base


def frame(*rows: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


DOB = dt.date(1961, 3, 14)


def score_against(query: dict[str, Any], candidate: dict[str, Any]) -> pd.Series:
    """A caller's details scored in real time against one record and classified, as the front door would."""
    scored = score_query(query, prepare(frame(candidate)), febrl1_model())
    return classify(scored.rename(columns={"unique_id": "unique_id_r"}).assign(unique_id_l=0)).iloc[0]
