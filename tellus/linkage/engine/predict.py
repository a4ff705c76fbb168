"""Scoring pairs of prepared records with a trained model, deciding what to do with them, and explaining why."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .backends import backend_table, make_db_api, release_db_api, settings_for_backend
from .comparisons import (
    MISSING_LABEL,
    SAME_ADDRESS_LABELS,
    SAME_DOB_LABEL,
    SAME_EMAIL_LABEL,
    SAME_FIRST_NAME_LABELS,
    SAME_LAST_NAME_LABEL,
    SAME_PHONE_LABEL,
    SAME_POSTCODE_LABEL,
)
from .model import TrainedModel, register_inputs, register_term_frequencies

DEFAULT_UPPER = 0.9
DEFAULT_LOWER = 0.5


def prior_match_weight(model: TrainedModel) -> float:
    p = float(model.settings["probability_two_random_records_match"])
    return math.log2(p / (1.0 - p))


def level_labels(model: TrainedModel) -> dict[str, dict[int, str]]:
    """Per comparison, the label of each gamma value (-1 is the 'missing' level, 0 the 'all other' level)."""
    labels: dict[str, dict[int, str]] = {}
    for comparison in model.settings["comparisons"]:
        levels = comparison["comparison_levels"]
        non_null = [level for level in levels if not level.get("is_null_level")]
        mapping = {-1: "Missing on one record"}
        for index, level in enumerate(non_null):
            mapping[len(non_null) - 1 - index] = level.get("label_for_charts") or level["sql_condition"]
        labels[comparison["output_column_name"]] = mapping
    return labels


def shape_predictions(raw: pd.DataFrame, model: TrainedModel) -> pd.DataFrame:
    """Splink's output reduced to what Tellus keeps as evidence: per comparison the level (gamma), its label, its
    match-weight contribution (term-frequency adjustment included) and the matching Bayes factor."""
    out = pd.DataFrame(
        {
            "unique_id_l": raw["unique_id_l"].astype("int64"),
            "unique_id_r": raw["unique_id_r"].astype("int64"),
            "match_weight": raw["match_weight"].astype("float64"),
            "match_probability": raw["match_probability"].astype("float64"),
        }
    )
    labels = level_labels(model)
    for name in model.comparison_names:
        gamma = raw[f"gamma_{name}"].astype("int64")
        weight = raw[f"mw_{name}"].astype("float64")
        if f"mw_tf_adj_{name}" in raw.columns:
            weight = weight + raw[f"mw_tf_adj_{name}"].astype("float64")
        out[f"gamma_{name}"] = gamma.to_numpy()
        out[f"label_{name}"] = gamma.map(labels[name]).to_numpy()
        out[f"weight_{name}"] = weight.to_numpy()
        out[f"bf_{name}"] = (2.0**weight).to_numpy()
    # Low ids on the left, so a pair has one spelling whichever way it was found.
    swap = out["unique_id_l"] > out["unique_id_r"]
    out.loc[swap, ["unique_id_l", "unique_id_r"]] = out.loc[swap, ["unique_id_r", "unique_id_l"]].to_numpy()
    return out.sort_values(["unique_id_l", "unique_id_r"]).reset_index(drop=True)


def _scored_columns(predictions: Any, model: TrainedModel, backend: str) -> pd.DataFrame:
    """Splink's predictions as pandas, with only the columns shape_predictions reads. Splink's table also holds
    every compared column of both records and each level's Bayes factors; on DuckDB those are left out of the
    conversion (at 200,000 people, 900,000 pairs with two dozen text columns each: seconds and gigabytes of Python
    strings thrown away at once). The columns kept are converted exactly as before."""
    if backend != "duckdb":
        return predictions.as_pandas_dataframe()
    relation = predictions.as_duckdbpyrelation()
    wanted = {"unique_id_l", "unique_id_r", "match_weight", "match_probability"}
    for name in model.comparison_names:
        wanted |= {f"gamma_{name}", f"mw_{name}", f"mw_tf_adj_{name}"}
    columns = [column for column in relation.columns if column in wanted]
    return relation.project(", ".join('"' + column.replace('"', '""') + '"' for column in columns)).df()


def _linker(model: TrainedModel, db_api: Any, inputs: list[Any], backend: str) -> Any:
    from splink import Linker

    linker = Linker(
        inputs if len(inputs) > 1 else inputs[0], settings_for_backend(model.settings, backend), log_level=None
    )  # logging is the application's to configure
    register_term_frequencies(linker, db_api, model.term_frequencies, "predict")
    return linker


def predict_pairs(
    prepared: pd.DataFrame,
    model: TrainedModel,
    *,
    threshold_probability: float = 0.01,
    backend: str = "duckdb",
    postgres_url: str | None = None,
) -> pd.DataFrame:
    """Score every blocked pair among the prepared records (a full batch run)."""
    link_type = model.settings["link_type"]
    db_api = make_db_api(backend, postgres_url=postgres_url)
    try:
        inputs = register_inputs(db_api, prepared, link_type, "records")
        linker = _linker(model, db_api, inputs, backend)
        predictions = linker.inference.predict_within(
            inputs if len(inputs) > 1 else inputs[0], threshold_match_probability=threshold_probability
        )
        raw = _scored_columns(predictions, model, backend)
    finally:
        release_db_api(db_api)
    return shape_predictions(raw, model)


def predict_new(
    new: pd.DataFrame,
    existing: pd.DataFrame,
    model: TrainedModel,
    *,
    threshold_probability: float = 0.01,
    backend: str = "duckdb",
    postgres_url: str | None = None,
) -> pd.DataFrame:
    """An incremental run: new or changed records against each other and against the existing ones; pairs among
    existing records are not re-scored. A changed record belongs in new only (drop it from existing)."""
    db_api = make_db_api(backend, postgres_url=postgres_url)
    try:
        # Registered as single tables, so incremental scoring treats every source alike.
        new_table = db_api.register(backend_table(db_api, new), table_name="records_new")
        existing_table = db_api.register(backend_table(db_api, existing), table_name="records_existing")
        tables = [new_table, existing_table] if model.settings["link_type"] != "dedupe_only" else [new_table]
        linker = _linker(model, db_api, tables, backend)
        within = _scored_columns(
            linker.inference.predict_within(
                new_table, link_type="dedupe_only", threshold_match_probability=threshold_probability
            ),
            model,
            backend,
        )
        between = _scored_columns(
            linker.inference.predict_between(
                new_table, existing_table, link_type="dedupe_only", threshold_match_probability=threshold_probability
            ),
            model,
            backend,
        )
    finally:
        release_db_api(db_api)
    raw = pd.concat([within, between], ignore_index=True)
    return shape_predictions(raw, model)


def first_names_clearly_differ(pairs: pd.DataFrame) -> pd.Series:
    """Both first names present and in the 'all other' level: not equal, not a nickname, not the same first given
    name, not similar, not swapped, not an initial."""
    if "gamma_first_name" not in pairs.columns:
        return pd.Series(False, index=pairs.index)
    return pairs["gamma_first_name"] == 0


def _dob_level(pairs: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(same date of birth, dates of birth clearly differ) per pair; both False when dob is not compared."""
    if "gamma_dob" not in pairs.columns:
        false = pd.Series(False, index=pairs.index)
        return false, false
    gamma = pairs["gamma_dob"]
    return (gamma == gamma.max()) & (gamma >= 1), gamma == 0


def _label(pairs: pd.DataFrame, comparison: str) -> pd.Series:
    column = f"label_{comparison}"
    return pairs[column] if column in pairs.columns else pd.Series("", index=pairs.index, dtype=object)


def something_personal_agrees(pairs: pd.DataFrame) -> pd.Series:
    """The date of birth, email or phone agrees exactly or nearly (any level but 'all other' and 'missing'): what
    one person's records share and two members of one household, apart from a shared phone or email, do not."""
    agrees = pd.Series(False, index=pairs.index)
    for comparison in ("dob", "email", "phone"):
        column = f"gamma_{comparison}"
        if column in pairs.columns:
            agrees |= pairs[column] > 0
    return agrees


def same_name_and_one_more_identifier(pairs: pd.DataFrame) -> pd.Series:
    """First name the same (exactly, the same first given name, or a nickname of it), last name exactly the same,
    and one more identifier exactly the same: date of birth, email, phone, house number and street, or the postcode
    where one record gives no street."""
    names = _label(pairs, "first_name").isin(SAME_FIRST_NAME_LABELS) & (
        _label(pairs, "last_name") == SAME_LAST_NAME_LABEL
    )
    street = _label(pairs, "street_address")
    identifier = (
        (_label(pairs, "dob") == SAME_DOB_LABEL)
        | (_label(pairs, "email") == SAME_EMAIL_LABEL)
        | (_label(pairs, "phone") == SAME_PHONE_LABEL)
        | street.isin(SAME_ADDRESS_LABELS)
        | ((_label(pairs, "postcode") == SAME_POSTCODE_LABEL) & (street == MISSING_LABEL))
    )
    return names & identifier


def surnames_clearly_differ(pairs: pd.DataFrame) -> pd.Series:
    """Both last names present and in the 'all other' level: not equal, not similar, not swapped."""
    if "gamma_last_name" not in pairs.columns:
        return pd.Series(False, index=pairs.index)
    return pairs["gamma_last_name"] == 0


def classify(
    pairs: pd.DataFrame,
    *,
    upper: float = DEFAULT_UPPER,
    lower: float = DEFAULT_LOWER,
    too_thin_ids: set[int] | frozenset[int] = frozenset(),
    review_only_ids: set[int] | frozenset[int] = frozenset(),
    twins_guard: bool = True,
) -> pd.DataFrame:
    """Add decision ('link', 'review' or 'apart'), auto_link_allowed, reason and held_back (a rule overrode a
    score that would have linked).

    Above upper links, between the thresholds goes to review, below stays apart; overrides apply:
    - the same first and last name and one more identifier exactly the same (date of birth, email, phone, house
      number and street, or the postcode where one record has no street) link from the review band: the model marks
      an old address or a missing field down, but a namesake sharing such an identifier is far rarer than a move;
    - a record too thin to link (see prepare.too_thin_to_link) is never linked by the machine, at best reviewed;
    - so is a record in review_only_ids (who the person is, as they typed it into a reporting app, unchecked);
    and, for household data (twins_guard=True, the council default):
    - twins: the same date of birth with clearly different first names is two people, however much else agrees
      (same surname, same address), so it stays apart;
    - household members: clearly different first names without the same date of birth (one missing, or
      different) look like two people sharing a home, surname, email or phone, so the machine does not link them:
      at best they go to review, and when nothing personal agrees (no date of birth, email or phone the same or
      nearly the same) they are two people at one home and stay apart, from the review band too (in a large town
      the same address alone lifts two lodgers with different names into it);
    - clearly different dates of birth (more than two characters apart, not day and month swapped) are at best
      reviewed too: a parent's email or phone on a child's record, or a parent and child of the same name, must not
      be linked on contact details;
    - clearly different surnames with nothing personal in common (no date of birth, email or phone the same or
      nearly the same) are at best reviewed: a first name (or an initial) and an address are all that two spouses
      who kept their own names share ("Mrs J Greco" and "Mr J Rossi"), or two neighbours called David.
    twins_guard=False turns the household overrides off, for data (such as FEBRL) where first names are replaced at
    random and there are no households.
    """
    out = pairs.copy()
    probability = out["match_probability"]
    decision = pd.Series("apart", index=out.index, dtype=object)
    decision[probability >= lower] = "review"
    decision[probability >= upper] = "link"
    reason = pd.Series("", index=out.index, dtype=object)
    promote = same_name_and_one_more_identifier(out) & (decision == "review")
    decision[promote] = "link"
    reason[promote] = "same name and one more identifier"
    thin = out["unique_id_l"].isin(too_thin_ids) | out["unique_id_r"].isin(too_thin_ids)
    demote = thin & (decision == "link")
    decision[demote] = "review"
    reason[demote] = "too little information on one record to link automatically"
    stated = out["unique_id_l"].isin(review_only_ids) | out["unique_id_r"].isin(review_only_ids)
    demote = stated & (decision == "link")
    decision[demote] = "review"
    reason[demote] = "who one record is was only stated by the person, not checked: a caseworker links it"
    if twins_guard:
        names_differ = first_names_clearly_differ(out)
        same_dob, dob_differs = _dob_level(out)
        household = (names_differ & ~same_dob) & (decision != "apart")
        personal = something_personal_agrees(out)
        decision[household & personal] = "review"
        reason[household & personal] = (
            "different first names and not the same date of birth: may be two people in one household"
        )
        decision[household & ~personal] = "apart"
        reason[household & ~personal] = (
            "different first names and nothing personal in common: two people in one household"
        )
        strangers = surnames_clearly_differ(out) & ~personal & (decision == "link")
        decision[strangers] = "review"
        reason[strangers] = "different surnames and nothing personal in common: may be two people at one address"
        generations = dob_differs & (decision == "link")
        decision[generations] = "review"
        reason[generations] = "dates of birth clearly differ: may be a parent and child sharing details"
        twins = names_differ & same_dob & (decision != "apart")
        decision[twins] = "apart"
        reason[twins] = "same date of birth but different first names: treated as different people (twins)"
    out["decision"] = decision
    out["auto_link_allowed"] = decision == "link"
    out["reason"] = reason
    # A rule kept apart or sent to review a pair whose score alone would have linked it.
    out["held_back"] = (decision != "link") & (probability >= upper)
    return out


def explain(pair_row: pd.Series | dict[str, Any], model: TrainedModel) -> list[dict[str, Any]]:
    """Why a pair scored as it did, one row per comparison plus the starting point, for a person page.

    The weights add up to the pair's match weight; probability = 1 / (1 + 2 ** -match_weight)."""
    row = dict(pair_row)
    descriptions = {
        c["output_column_name"]: c.get("comparison_description", c["output_column_name"])
        for c in model.settings["comparisons"]
    }
    rows: list[dict[str, Any]] = [
        {
            "comparison": "prior",
            "description": "Starting point: chance two random records are the same person",
            "gamma": None,
            "label": "",
            "weight": prior_match_weight(model),
            "bayes_factor": 2.0 ** prior_match_weight(model),
        }
    ]
    for name in model.comparison_names:
        rows.append(
            {
                "comparison": name,
                "description": descriptions[name],
                "gamma": int(row[f"gamma_{name}"]),
                "label": row[f"label_{name}"],
                "weight": float(row[f"weight_{name}"]),
                "bayes_factor": float(row[f"bf_{name}"]),
            }
        )
    return rows
