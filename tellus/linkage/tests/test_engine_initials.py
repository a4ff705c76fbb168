"""Initials: 'N' and 'N G' agree with 'Neil' at a level of their own, weaker than the same name, and an initial
that does not agree counts as a different first name."""

from __future__ import annotations

from tellus.linkage.engine import prepare, score_query
from tellus.linkage.engine.comparisons import INITIAL_AGREES_LABEL

from .engine_fixtures import DOB, febrl1_model, frame, record

HOME = "12 Acacia Avenue, Kingsford, Sydney"


def _scored(first_name: str):  # type: ignore[no-untyped-def]
    neil = record(1, first_name="Neil George", last_name="Wilkinson", date_of_birth=DOB, address=HOME)
    query = {"first_name": first_name, "last_name": "Wilkinson", "address": HOME}
    return score_query(query, prepare(frame(neil)), febrl1_model()).iloc[0]


def test_an_initial_agrees_with_a_given_name_that_starts_with_it():
    for initials in ("N", "N G", "n"):
        assert _scored(initials)["label_first_name"] == INITIAL_AGREES_LABEL


def test_an_initial_weighs_less_than_the_same_name_and_more_than_a_different_one():
    initial, same, other = (
        _scored("N")["weight_first_name"],
        _scored("Neil George")["weight_first_name"],
        _scored("D")["weight_first_name"],
    )
    assert other < initial < same


def test_two_identical_initials_are_compared_as_initials_not_as_the_same_name():
    assert _scored("D")["label_first_name"] == "All other comparisons"
    neil = record(1, first_name="N", last_name="Wilkinson", address=HOME)
    scored = score_query({"first_name": "N", "last_name": "Wilkinson"}, prepare(frame(neil)), febrl1_model())
    assert scored.iloc[0]["label_first_name"] == INITIAL_AGREES_LABEL
