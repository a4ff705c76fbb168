"""Shared, session-cached inputs for the engine tests (no database needed)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import pandas as pd

from tellus.linkage.engine import TrainedModel, load_febrl, prepare, train


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
