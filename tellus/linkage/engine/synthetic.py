"""Synthetic council-sized record sets for measuring speed: people recombined from FEBRL's values, each held by
one to four source systems with typical errors. Deterministic for a seed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .febrl import load_febrl

SYSTEMS = ("rates", "electoral_roll", "library", "crm")


def _typo(value: str, rng: np.random.Generator) -> str:
    if len(value) < 3:
        return value
    i = int(rng.integers(1, len(value) - 1))
    kind = rng.integers(3)
    if kind == 0:
        return value[:i] + value[i + 1 :]
    if kind == 1:
        return value[:i] + value[i + 1] + value[i] + value[i + 2 :]
    return value[:i] + "aeiou"[int(rng.integers(5))] + value[i + 1 :]


def synthetic_records(people: int, *, seed: int = 1, mean_records: float = 2.25) -> pd.DataFrame:
    """About people * mean_records engine input records with a true_entity column."""
    rng = np.random.default_rng(seed)
    pool, _ = load_febrl("febrl3")
    firsts = pool["first_name"].dropna().unique()
    lasts = pool["last_name"].dropna().unique()
    addresses = pool["address"].dropna().unique()
    postcodes = pool["postcode"].dropna().unique()
    person_first = rng.choice(firsts, people)
    person_last = rng.choice(lasts, people)
    person_address = rng.choice(addresses, people)
    person_postcode = rng.choice(postcodes, people)
    person_dob = pd.to_datetime("1920-01-01") + pd.to_timedelta(rng.integers(0, 33000, people), unit="D")
    counts = np.clip(rng.poisson(mean_records - 1, people) + 1, 1, 4)
    owner = np.repeat(np.arange(people), counts)
    n = len(owner)
    first = person_first[owner].astype(object)
    last = person_last[owner].astype(object)
    dob = person_dob[owner].strftime("%Y-%m-%d").to_numpy(dtype=object)
    address = person_address[owner].astype(object)
    postcode = person_postcode[owner].astype(object)
    noise = rng.random((n, 5))
    for column, threshold in ((first, 0.08), (last, 0.08), (dob, 0.04), (address, 0.08)):
        index = np.flatnonzero(noise[:, 0] < threshold)
        column[index] = [_typo(str(v), rng) for v in column[index]]
        noise[:, 0] = rng.random(n)
    first[noise[:, 1] < 0.03] = None
    dob[noise[:, 2] < 0.05] = None
    address[noise[:, 3] < 0.03] = None
    return pd.DataFrame(
        {
            "unique_id": np.arange(1, n + 1),
            "source_system": rng.choice(SYSTEMS, n),
            "first_name": first,
            "last_name": last,
            "date_of_birth": dob,
            "address": address,
            "postcode": postcode,
            "email": None,
            "phone": None,
            "address_is_evidence": noise[:, 4] > 0.01,
            "true_entity": owner,
        }
    )
