from __future__ import annotations

import pandas as pd

from tellus.linkage.engine import cluster


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
