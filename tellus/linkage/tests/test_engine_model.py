from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tellus.linkage.engine import (
    TrainedModel,
    explain,
    predict_new,
    predict_pairs,
    score_pairs,
    score_prepared_query,
    score_query,
    train,
)

from .engine_fixtures import febrl1_model, febrl1_prepared, febrl1_records


def test_training_is_deterministic_for_a_seed():
    prepared = febrl1_prepared()
    first = train(prepared, seed=7)
    assert first.version == febrl1_model().version
    assert first.settings["comparisons"] == febrl1_model().settings["comparisons"]


def test_em_sums_on_one_duckdb_thread_so_a_big_town_trains_the_same_model_every_time(monkeypatch):
    # At 200,000 people parallel sums made EM's m probabilities differ in the 12th digit from run to run.
    from splink.internals.linker_components.training import LinkerTraining

    real = LinkerTraining.estimate_parameters_using_expectation_maximisation
    threads: list[int] = []

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        connection = self._linker._db_api.duckdb_con
        threads.append(int(connection.execute("SELECT current_setting('threads')").fetchall()[0][0]))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(LinkerTraining, "estimate_parameters_using_expectation_maximisation", spy)
    train(febrl1_prepared(), seed=7)

    assert threads and set(threads) == {1}


def test_a_saved_model_reloads_with_the_same_version_and_scores():
    model = febrl1_model()
    reloaded = TrainedModel.from_json(model.to_json())
    assert reloaded.version == model.version
    prepared = febrl1_prepared().head(300)
    pd.testing.assert_frame_equal(predict_pairs(prepared, model), predict_pairs(prepared, reloaded))


def test_every_pair_keeps_its_evidence_and_the_explanation_adds_up_to_the_match_weight():
    model = febrl1_model()
    pairs = predict_pairs(febrl1_prepared(), model, threshold_probability=0.5)
    assert len(pairs) > 400
    for _, row in pairs.head(50).iterrows():
        rows = explain(row, model)
        assert math.isclose(sum(r["weight"] for r in rows), row["match_weight"], abs_tol=1e-9)
        assert math.isclose(1 / (1 + 2 ** -row["match_weight"]), row["match_probability"], rel_tol=1e-9)
        assert all(r["label"] for r in rows[1:])


def test_score_query_agrees_with_splink_predict_on_the_same_pairs():
    model = febrl1_model()
    prepared = febrl1_prepared()
    pairs = predict_pairs(prepared, model, threshold_probability=0.0)
    raw = febrl1_records().set_index("unique_id")
    fields = ["first_name", "last_name", "date_of_birth", "address", "postcode"]
    checked = 0
    for left_id, group in pairs.groupby("unique_id_l"):
        query = {field: raw.loc[left_id, field] for field in fields}
        candidates = prepared[prepared["unique_id"].isin(group["unique_id_r"])]
        scored = score_query(query, candidates, model).set_index("unique_id").loc[group["unique_id_r"]]
        np.testing.assert_allclose(scored["match_weight"].to_numpy(), group["match_weight"].to_numpy(), atol=1e-9)
        for name in model.comparison_names:
            assert list(scored[f"gamma_{name}"]) == list(group[f"gamma_{name}"])
        checked += len(group)
        if checked > 300:
            break
    assert checked > 300


def test_scoring_prepared_candidates_without_pandas_ranks_and_weighs_them_as_score_query_does():
    model = febrl1_model()
    prepared = febrl1_prepared()
    raw = febrl1_records().set_index("unique_id")
    fields = ["first_name", "last_name", "date_of_birth", "address", "postcode"]
    for left_id in prepared["unique_id"].head(40):
        query = {field: raw.loc[left_id, field] for field in fields}
        candidates = prepared[prepared["last_name"].str[:1] == str(raw.loc[left_id, "last_name"])[:1]].head(120)
        expected = score_query(query, candidates, model)

        ids, scored, order = score_prepared_query(query, candidates.to_dict("records"), model)

        assert ids[order].tolist() == expected["unique_id"].tolist()
        np.testing.assert_allclose(scored["match_weight"][order], expected["match_weight"].to_numpy(), atol=1e-12)
        for name in model.comparison_names:
            assert scored[f"gamma_{name}"][order].tolist() == expected[f"gamma_{name}"].tolist()


def test_scoring_given_pairs_without_blocking_agrees_with_splink_predict_whichever_side_each_record_is_on():
    model = febrl1_model()
    prepared = febrl1_prepared()
    pairs = predict_pairs(prepared, model, threshold_probability=0.0).head(400)
    by_id = prepared.set_index("unique_id", drop=False)
    # Half the pairs given the other way round: the result names the lower id first, as Splink does.
    flip = np.arange(len(pairs)) % 2 == 1
    left_ids = np.where(flip, pairs["unique_id_r"], pairs["unique_id_l"])
    right_ids = np.where(flip, pairs["unique_id_l"], pairs["unique_id_r"])

    scored = score_pairs(by_id.loc[left_ids].reset_index(drop=True), by_id.loc[right_ids].reset_index(drop=True), model)

    assert list(scored["unique_id_l"]) == list(pairs["unique_id_l"])
    assert list(scored["unique_id_r"]) == list(pairs["unique_id_r"])
    np.testing.assert_allclose(scored["match_weight"].to_numpy(), pairs["match_weight"].to_numpy(), atol=1e-9)
    for name in model.comparison_names:
        assert list(scored[f"gamma_{name}"]) == list(pairs[f"gamma_{name}"])
        assert list(scored[f"label_{name}"]) == list(pairs[f"label_{name}"])
        np.testing.assert_allclose(scored[f"weight_{name}"].to_numpy(), pairs[f"weight_{name}"].to_numpy(), atol=1e-9)


def test_scoring_pairs_scores_records_no_blocking_rule_brings_together():
    model = febrl1_model()
    prepared = febrl1_prepared()
    blocked = predict_pairs(prepared, model, threshold_probability=0.0)
    seen = set(zip(blocked["unique_id_l"], blocked["unique_id_r"], strict=True))
    first = prepared.iloc[[0]]
    stranger = next(
        prepared.iloc[[i]]
        for i in range(1, len(prepared))
        if (first["unique_id"].iloc[0], prepared["unique_id"].iloc[i]) not in seen
    )

    scored = score_pairs(first.reset_index(drop=True), stranger.reset_index(drop=True), model)

    assert len(scored) == 1 and scored["match_probability"].iloc[0] < 0.01


def test_an_incremental_run_scores_new_records_against_each_other_and_the_rest_only():
    model = febrl1_model()
    prepared = febrl1_prepared()
    existing, new = prepared.iloc[:800], prepared.iloc[800:]
    full = predict_pairs(prepared, model)
    incremental = predict_new(new, existing, model)
    new_ids = set(new["unique_id"])
    expected = full[full["unique_id_l"].isin(new_ids) | full["unique_id_r"].isin(new_ids)].reset_index(drop=True)
    assert not incremental.empty
    pd.testing.assert_frame_equal(incremental, expected, check_exact=False, atol=1e-9)


def _phone_comparison(near_m: float) -> dict:
    return {
        "comparisons": [
            {
                "output_column_name": "phone",
                "comparison_levels": [
                    {"sql_condition": "phone_l IS NULL", "is_null_level": True},
                    {"sql_condition": "phone_l = phone_r", "m_probability": 0.8, "u_probability": 1e-4},
                    {"sql_condition": "levenshtein", "m_probability": near_m, "u_probability": 0.002},
                    {"sql_condition": "ELSE", "m_probability": 0.2, "u_probability": 0.8},
                ],
            }
        ]
    }


def _weights(settings: dict) -> list[float]:
    levels = settings["comparisons"][0]["comparison_levels"][1:]
    return [math.log2(level["m_probability"] / level["u_probability"]) for level in levels]


def test_a_nearly_equal_phone_never_seen_among_true_pairs_counts_no_more_against_than_a_different_phone():
    from tellus.linkage.engine.model import _partial_agreement_never_outweighs_disagreement

    settings = _partial_agreement_never_outweighs_disagreement(_phone_comparison(near_m=1e-50))
    exact, near, other = _weights(settings)
    assert near == pytest.approx(other)
    assert exact > 10


def test_a_level_that_training_did_see_among_true_pairs_keeps_its_learned_weight():
    from tellus.linkage.engine.model import _partial_agreement_never_outweighs_disagreement

    settings = _partial_agreement_never_outweighs_disagreement(_phone_comparison(near_m=1e-4))
    assert _weights(settings)[1] == pytest.approx(math.log2(1e-4 / 0.002))


def test_a_level_seen_among_true_pairs_but_in_no_random_pair_counts_for_a_match():
    # The same phone number in a 200,000-person town: EM sees it among true pairs, two million random pairs never.
    from tellus.linkage.engine.model import _neutralise_unobserved_levels

    settings = _phone_comparison(near_m=1e-4)
    del settings["comparisons"][0]["comparison_levels"][1]["u_probability"]
    exact = _weights(_neutralise_unobserved_levels(settings, random_pairs=2e6))[0]
    assert exact == pytest.approx(math.log2(0.8 / (3 / 2e6)))


def test_a_level_training_never_saw_at_all_counts_neither_for_nor_against():
    from tellus.linkage.engine.model import _neutralise_unobserved_levels

    settings = _phone_comparison(near_m=1e-4)
    near = settings["comparisons"][0]["comparison_levels"][2]
    del near["m_probability"], near["u_probability"]
    assert _weights(_neutralise_unobserved_levels(settings, random_pairs=2e6))[1] == 0
