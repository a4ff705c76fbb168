"""Training the Splink model from the data, and the saved, versioned form it is reused in."""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .backends import backend_table, make_db_api, release_db_api
from .comparisons import DIFFERENT_FLAT_LABEL, TF_COLUMNS, comparisons_for

MODEL_FORMAT = "tellus-linkage-1"

# Blocking rules that generate candidate pairs. Every block is small even at council scale (a date of birth, a
# name, a name sound within a postcode, one street address, one email or phone), so pair counts grow roughly linearly
# with the number of records rather than quadratically. "Surname sound + house number" was the exception: house
# numbers and surname sounds do not multiply with the people, so its blocks grew with the square of the town (3.6
# million pairs of 7.4 million on a 50,000-person town, 40 million on a 200,000-person one) while finding 106 true
# pairs no other rule found. Narrowed to one locality it keeps FEBRL4's heavily corrupted duplicates (F1 0.9982)
# at 1.4 and 15 million pairs. "Street + postcode" pairs every neighbour in a postcode (11.7 million of 56 million
# blocked pairs at 200,000 people, 356 kept pairs no other rule found: 35 true, 136 false links): it is
# STREET_POSTCODE_RULE below, narrowed by a condition that costs nothing beside scoring a pair.
PREDICTION_BLOCKING_RULES: list[tuple[str, ...]] = [
    ("first_name", "last_name"),
    ("dob",),
    ("last_name_sx", "postcode"),
    ("first_name_sx", "postcode"),
    ("street", "house_number"),
    ("house_number", "postcode"),
    ("last_name_sx", "house_number", "locality"),
    ("first_name_canonical", "last_name_sx", "town"),
    ("email",),
    ("phone",),
]

# Records whose first and last names are swapped; an equi-join on crossed columns, so it stays cheap.
SWAPPED_NAMES_RULE = "l.first_name = r.last_name AND l.last_name = r.first_name"
# Names swapped with a slip in one of them (Abby Sporn, "Sporn Abyb"), at one postcode: two more of FEBRL4's true
# pairs, and no extra pair on the demo town (both equi-joins, so they cost nothing at scale).
ONE_NAME_CROSSED_RULES = [
    "l.first_name = r.last_name AND l.postcode = r.postcode",
    "l.last_name = r.first_name AND l.postcode = r.postcode",
]
# Same street and postcode, and a first or last name that starts with the same letter or a name in the other's
# other place: FEBRL4's duplicates with typos in name, number and date of birth all at once (4 of the 5 this block
# alone finds there), without scoring every pair of neighbours (the filter runs on the join, before any comparison).
STREET_POSTCODE_RULE = (
    "l.street = r.street AND l.postcode = r.postcode AND ("
    "substr(l.first_name, 1, 1) = substr(r.first_name, 1, 1) OR substr(l.last_name, 1, 1) = substr(r.last_name, 1, 1) "
    "OR l.first_name = r.last_name OR l.last_name = r.first_name)"
)

# EM is run once per rule; each rule leaves its own columns untrained and trains the rest.
TRAINING_BLOCKING_RULES: list[tuple[str, ...]] = [("dob",), ("first_name", "last_name")]
# Pairs per EM block at most (sampled): the "same name" block of a 200,000-person town holds 10.8 million pairs,
# far more than estimating a few dozen m probabilities needs.
MAX_PAIRS_FOR_EM = 2e6

# Pairs that agree on all of these are almost surely the same person: used with an assumed recall to estimate the
# prior probability that two random records match.
DETERMINISTIC_RULES: list[tuple[str, ...]] = [("first_name", "last_name", "dob"), ("email",), ("phone",)]
DETERMINISTIC_RECALL = 0.7


@dataclass
class TrainedModel:
    """A trained model: Splink's settings with m and u, the term frequencies it was trained with, and a version.

    The version is a hash of everything that affects a score, so two identical models share a version."""

    settings: dict[str, Any]
    term_frequencies: dict[str, dict[str, float]]
    version: str
    stats: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": MODEL_FORMAT,
                "version": self.version,
                "settings": self.settings,
                "term_frequencies": self.term_frequencies,
                "stats": self.stats,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> TrainedModel:
        data = json.loads(text)
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"Not a Tellus linkage model (format {data.get('format')!r})")
        return cls(data["settings"], data["term_frequencies"], data["version"], data.get("stats", {}))

    @property
    def comparison_names(self) -> list[str]:
        return [c["output_column_name"] for c in self.settings["comparisons"]]


@contextlib.contextmanager
def one_thread(db_api: Any) -> Iterator[None]:
    """DuckDB on one thread for what is inside. EM sums probabilities over millions of pairs; summed in parallel,
    the order of the additions, and so the last bits of the sums, changed from run to run, and after EM's
    iterations an m probability of the 200,000-person town could differ in its 12th digit: the same records and seed
    gave another model version (three versions in three runs on 4 December). On one thread the order is fixed. It
    costs about a tenth of the training at 200,000 (decision 92). Other backends are left as they are."""
    connection = getattr(db_api, "duckdb_con", None) if type(db_api).__name__ == "DuckDBAPI" else None
    if connection is None:
        yield
        return
    connection.execute("SET threads = 1")
    try:
        yield
    finally:
        connection.execute("RESET threads")


def _rounded(value: Any) -> Any:
    """Floats to 12 significant digits: what a model's version is computed from, so that a difference no weight
    could show (a last bit) does not make another version."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value


def model_version(settings: dict[str, Any], term_frequencies: dict[str, dict[str, float]]) -> str:
    scored = {k: v for k, v in settings.items() if k not in {"linker_uid", "sql_dialect"}}
    digest = hashlib.sha256(json.dumps([scored, term_frequencies], sort_keys=True).encode()).hexdigest()
    return f"{MODEL_FORMAT}-{digest[:12]}"


def term_frequencies(prepared: pd.DataFrame, columns: tuple[str, ...] = TF_COLUMNS) -> dict[str, dict[str, float]]:
    """Share of non-missing values taken by each value, as Splink computes it."""
    return {
        c: {str(k): float(v) for k, v in prepared[c].dropna().value_counts(normalize=True).items()} for c in columns
    }


def register_term_frequencies(linker: Any, db_api: Any, tf: dict[str, dict[str, float]], prefix: str) -> None:
    """Give Splink the model's frozen term-frequency lookups, so every run scores a pair the same way.

    A value the model never saw has no frequency and gets no adjustment (its level's plain weight)."""
    for column, lookup in tf.items():
        table = pd.DataFrame({column: list(lookup.keys()), f"tf_{column}": list(lookup.values())})
        registered = db_api.register(table, table_name=f"{prefix}_tf_{column}")
        linker.table_management.register_term_frequency_lookup(registered, column)


def _block_on(columns: tuple[str, ...]) -> Any:
    from splink import block_on

    return block_on(*columns)


def base_settings(prepared: pd.DataFrame, *, link_type: str = "dedupe_only") -> dict[str, Any]:
    present = [rule for rule in PREDICTION_BLOCKING_RULES if all(prepared[c].notna().any() for c in rule)]
    settings: dict[str, Any] = {
        "link_type": link_type,
        "unique_id_column_name": "unique_id",
        "comparisons": comparisons_for(prepared),
        "blocking_rules_to_generate_predictions": [_block_on(rule) for rule in present]
        + ([STREET_POSTCODE_RULE] if all(prepared[c].notna().any() for c in ("street", "postcode")) else [])
        + [SWAPPED_NAMES_RULE, *ONE_NAME_CROSSED_RULES],
        "retain_intermediate_calculation_columns": True,
        "retain_matching_columns": True,
    }
    if link_type != "dedupe_only":
        settings["source_dataset_column_name"] = "source_system"
    return settings


def register_inputs(db_api: Any, frame: pd.DataFrame, link_type: str, prefix: str) -> list[Any]:
    """Register a prepared frame with the backend: one table for dedupe, one per source system for linking."""
    if link_type == "dedupe_only":
        return [db_api.register(backend_table(db_api, frame), table_name=f"{prefix}_all")]
    return [
        db_api.register(backend_table(db_api, part.reset_index(drop=True)), table_name=f"{prefix}_{i}")
        for i, (_, part) in enumerate(sorted(frame.groupby("source_system"), key=lambda item: str(item[0])))
    ]


def _neutralise_unobserved_levels(settings: dict[str, Any], *, random_pairs: float) -> dict[str, Any]:
    """A level never seen in training (initials in data that has none) gets m = u: it counts neither for nor
    against a match, rather than Splink's untrained defaults.

    A level seen among true pairs but in none of the `random_pairs` sampled for u (the same phone number in the
    200,000-person demo town: none of two million random pairs shared one) is rare among random pairs, not unknown:
    its u is taken as 3 / random_pairs, the 95% upper bound for an event never seen in that many trials (the rule of
    three), so it counts for a match, a little less than it may deserve."""
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            if isinstance(m, float) and not isinstance(u, float):
                level["u_probability"] = min(3 / random_pairs, m)
            elif not isinstance(m, float) or not isinstance(u, float):
                value = u if isinstance(u, float) else 1e-6
                level["m_probability"] = level["u_probability"] = value
    return settings


def _comparable_pairs(prepared: pd.DataFrame, link_type: str) -> float:
    """How many pairs the model compares: all pairs, or for link_only only those across source systems."""
    everything = len(prepared) * (len(prepared) - 1) / 2
    if link_type != "link_only":
        return everything
    within = sum(size * (size - 1) / 2 for size in prepared["source_system"].value_counts().tolist())
    return everything - within


def _different_flats_are_different_addresses(settings: dict[str, Any]) -> dict[str, Any]:
    """Two flats in one building are two homes: that level weighs exactly as a different address ('all other').

    EM would otherwise give it whatever a few moves within a building suggest, and random sampling a tiny u (few
    random pairs share a building), which together can make a neighbour's flat count for a match."""
    for comparison in settings["comparisons"]:
        levels = comparison["comparison_levels"]
        other = next((level for level in levels if level["sql_condition"].strip().upper() == "ELSE"), None)
        for level in levels:
            if level.get("label_for_charts") != DIFFERENT_FLAT_LABEL or other is None:
                continue
            u = float(level["u_probability"])
            level["m_probability"] = u * float(other["m_probability"]) / float(other["u_probability"])
    return settings


# An m below this is EM's way of saying it found no true pair at that level (one in a million true pairs).
UNSEEN_AMONG_MATCHES = 1e-6


def _partial_agreement_never_outweighs_disagreement(settings: dict[str, Any]) -> dict[str, Any]:
    """A level between agreement and 'all other' (a similar town, a phone one digit apart, swapped names) that EM
    never saw among true pairs counts no more against a match than 'all other' does, nor against it at all when
    'all other' counts for it.

    EM gives such a level an m near zero, and so a near-veto (on the demo town about -155 for a phone one digit
    apart, -224 for a similar town, -164 for swapped names), harsher than the names or numbers differing
    altogether. Partial agreement cannot be stronger evidence of two people than full disagreement, so the level is
    raised to the weight of 'all other' (capped at 0). Levels EM did see keep what it learned."""
    for comparison in settings["comparisons"]:
        levels = comparison["comparison_levels"]
        other = next((level for level in levels if level["sql_condition"].strip().upper() == "ELSE"), None)
        if other is None:
            continue
        other_ratio = min(float(other["m_probability"]) / float(other["u_probability"]), 1.0)
        for level in levels:
            if level is other or level.get("is_null_level") or level.get("fix_m_probability"):
                continue
            m, u = float(level["m_probability"]), float(level["u_probability"])
            if m < UNSEEN_AMONG_MATCHES and m / u < other_ratio:
                level["m_probability"] = u * other_ratio
    return settings


def train(
    prepared: pd.DataFrame,
    *,
    backend: str = "duckdb",
    seed: int = 42,
    link_type: str = "dedupe_only",
    max_pairs_for_u: float = 2e6,
    max_pairs_for_em: float | None = MAX_PAIRS_FOR_EM,
    postgres_url: str | None = None,
) -> TrainedModel:
    """Train a model from prepared records: u by random sampling, m by EM over blocking rules, TF on names.

    EM runs over at most about `max_pairs_for_em` pairs of each training block, sampled by a hash of the record
    ids (deterministic); over the "same name" block it runs on counted comparison vectors (Splink's
    `estimate_without_term_frequencies`), which is exact there. See decision 0011."""
    from splink import Linker, block_on

    started = time.perf_counter()
    # Spark scores with a model trained in DuckDB (decision 0050): Spark's random sampling for u depends on how the
    # data is partitioned, so the same records and seed would not give the same model, nor the model DuckDB gives.
    backend = "duckdb" if backend == "spark" else backend
    tf = term_frequencies(prepared)
    db_api = make_db_api(backend, postgres_url=postgres_url)
    try:
        inputs = register_inputs(db_api, prepared, link_type, "train")
        settings = base_settings(prepared, link_type=link_type)
        linker = Linker(
            inputs if len(inputs) > 1 else inputs[0], settings, log_level=None
        )  # logging is the application's to configure
        register_term_frequencies(linker, db_api, tf, "train")

        rules = [r for r in DETERMINISTIC_RULES if all(prepared[c].notna().any() for c in r)]
        linker.training.estimate_probability_two_random_records_match(
            [block_on(*rule) for rule in rules], recall=DETERMINISTIC_RECALL
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs_for_u, seed=seed)
        for rule in TRAINING_BLOCKING_RULES:
            if all(prepared[c].notna().any() for c in rule):
                # A block on every term-frequency column leaves those comparisons out of its EM, so no term
                # frequency enters it: EM on counted comparison vectors gives the same m, many times faster.
                with one_thread(db_api):
                    linker.training.estimate_parameters_using_expectation_maximisation(
                        block_on(*rule),
                        estimate_without_term_frequencies=all(column in rule for column in TF_COLUMNS),
                        max_pairs=max_pairs_for_em,
                    )
        trained = _neutralise_unobserved_levels(
            linker.misc.save_model_to_json(out_path=None, overwrite=True),
            random_pairs=min(max_pairs_for_u, _comparable_pairs(prepared, link_type)),
        )
        trained = _different_flats_are_different_addresses(trained)
        trained = _partial_agreement_never_outweighs_disagreement(trained)
        trained.pop("linker_uid", None)
    finally:
        release_db_api(db_api)
    stats = {
        "records": len(prepared),
        "backend": backend,
        "seed": seed,
        "link_type": link_type,
        "seconds": round(time.perf_counter() - started, 3),
    }
    trained, tf = _rounded(trained), _rounded(tf)
    return TrainedModel(trained, tf, model_version(trained, tf), stats)
