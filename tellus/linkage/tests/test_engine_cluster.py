from __future__ import annotations

import pandas as pd

from tellus.linkage.engine import cluster
from tellus.linkage.engine.cluster import DOB_AMBIGUOUS


def _pairs(*edges: tuple[int, int, float]) -> pd.DataFrame:
    return pd.DataFrame(edges, columns=["unique_id_l", "unique_id_r", "match_probability"])


def _groups(clusters: pd.DataFrame) -> set[frozenset[int]]:
    return {frozenset(group["unique_id"]) for _, group in clusters.groupby("cluster_id")}


def test_strong_links_form_connected_components_and_weak_ones_do_not():
    clusters, skipped = cluster(_pairs((1, 2, 0.99), (2, 3, 0.95), (4, 5, 0.4)), range(1, 6), upper=0.9)
    assert _groups(clusters) == {frozenset({1, 2, 3}), frozenset({4}), frozenset({5})}
    assert skipped.empty


def test_a_confirmed_link_joins_records_whatever_their_score():
    clusters, _ = cluster(_pairs((1, 2, 0.1)), [1, 2], upper=0.9, must_link_pairs=[(1, 2)])
    assert _groups(clusters) == {frozenset({1, 2})}


def test_a_rejected_pair_is_never_joined_even_through_a_chain_of_other_records():
    pairs = _pairs((1, 2, 0.99), (2, 3, 0.98), (3, 4, 0.97))
    clusters, skipped = cluster(pairs, [1, 2, 3, 4], upper=0.9, cannot_link_pairs=[(1, 4)])
    groups = _groups(clusters)
    assert not any({1, 4} <= group for group in groups)
    assert groups == {frozenset({1, 2, 3}), frozenset({4})}
    assert list(skipped[["unique_id_l", "unique_id_r"]].itertuples(index=False, name=None)) == [(3, 4)]


def test_a_source_known_to_hold_each_person_once_never_contributes_two_records_to_a_person():
    pairs = _pairs((1, 3, 0.99), (2, 3, 0.95))
    source = {1: "a", 2: "a", 3: "b"}
    clusters, _ = cluster(pairs, [1, 2, 3], upper=0.9, source_of=source, exclusive_sources={"a", "b"})
    assert _groups(clusters) == {frozenset({1, 3}), frozenset({2})}


def test_a_chain_is_cut_where_it_would_join_two_clearly_different_dates_of_birth():
    # Steven (1995) and Stephen (1980) in one building, chained through two 'Steve' records without a date of birth.
    pairs = _pairs((1, 2, 0.99), (2, 4, 0.97), (4, 3, 0.95))
    dobs = {1: "1995-07-28", 2: None, 3: "1980-04-20", 4: None}
    clusters, skipped = cluster(pairs, [1, 2, 3, 4], upper=0.9, dates_of_birth=dobs)
    assert _groups(clusters) == {frozenset({1, 2, 4}), frozenset({3})}
    assert list(skipped[["unique_id_l", "unique_id_r"]].itertuples(index=False, name=None)) == [(4, 3)]
    assert "dates of birth" in skipped.loc[0, "reason"]


def test_a_record_without_a_date_of_birth_that_links_to_a_father_and_his_son_is_linked_to_neither():
    # John Smith senior (1961) and junior (1990) at one home; a contact-centre "John Smith" there gives no date.
    pairs = _pairs((1, 3, 0.99), (2, 3, 0.98))
    dobs = {1: "1961-03-14", 2: "1990-11-02", 3: None}
    clusters, skipped = cluster(pairs, [1, 2, 3], upper=0.9, dates_of_birth=dobs)
    assert _groups(clusters) == {frozenset({1}), frozenset({2}), frozenset({3})}
    assert set(skipped["reason"]) == {DOB_AMBIGUOUS}
    assert len(skipped) == 2


def test_dates_of_birth_two_edits_apart_can_still_be_one_person():
    pairs = _pairs((1, 2, 0.99), (2, 3, 0.95))
    dobs = {1: "1980-04-09", 2: None, 3: "1980-09-04"}  # day and month swapped
    clusters, skipped = cluster(pairs, [1, 2, 3], upper=0.9, dates_of_birth=dobs)
    assert _groups(clusters) == {frozenset({1, 2, 3})}
    assert skipped.empty


def test_dates_of_birth_with_day_and_month_swapped_are_one_person_though_four_characters_apart():
    pairs = _pairs((1, 2, 0.99), (2, 3, 0.95))
    dobs = {1: "1943-05-11", 2: None, 3: "1943-11-05"}
    clusters, skipped = cluster(pairs, [1, 2, 3], upper=0.9, dates_of_birth=dobs)
    assert _groups(clusters) == {frozenset({1, 2, 3})}
    assert skipped.empty


def test_a_confirmed_link_is_kept_whatever_the_dates_of_birth():
    dobs = {1: "1995-07-28", 2: "1980-04-20"}
    clusters, _ = cluster(_pairs(), [1, 2], upper=0.9, must_link_pairs=[(1, 2)], dates_of_birth=dobs)
    assert _groups(clusters) == {frozenset({1, 2})}


def test_without_dates_of_birth_the_chain_is_joined_as_before():
    pairs = _pairs((1, 2, 0.99), (2, 3, 0.95))
    clusters, _ = cluster(pairs, [1, 2, 3], upper=0.9)
    assert _groups(clusters) == {frozenset({1, 2, 3})}


def test_a_link_classify_allowed_below_the_upper_threshold_is_joined_and_one_held_back_above_it_is_not():
    pairs = _pairs((1, 2, 0.7), (3, 4, 0.99)).assign(auto_link_allowed=[True, False])
    clusters, _ = cluster(pairs, [1, 2, 3, 4], upper=0.9)
    assert _groups(clusters) == {frozenset({1, 2}), frozenset({3}), frozenset({4})}
