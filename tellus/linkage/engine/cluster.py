"""Turning scored pairs into people: connected components that respect staff decisions.

Must-link pairs (staff confirmed) are joined first, whatever their score. Machine links are then added strongest
first, as in Kruskal's algorithm, and an edge is skipped when joining its two clusters would put a cannot-link pair
(staff rejected) in one cluster, or two records from a source known to hold each person once. Because the check is
made on whole clusters, not just the edge's two records, a rejected pair can never be joined through a chain of
other records. Skipped edges are returned so a service can send them to review.

Given the records' dates of birth, a machine link is also skipped when it would put two dates of birth that clearly
differ (more than two characters apart and not day and month swapped, as in predict.classify) in one cluster: a
person has one date of birth, so such a chain (Steven Powell, Steve at the same building, Stephen Hunt, ...) has
gone through someone else.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Mapping

import jellyfish
import pandas as pd

# Dates of birth at most this many edits apart can be one person's (a typo or two), as in
# comparisons.date_of_birth and the household rules of predict.classify.
DOB_EDITS_ONE_PERSON = 2

# The reason a machine link is skipped when it would put two clearly different dates of birth in one person.
DOB_CLASH = "would join records whose dates of birth clearly differ"
# The reason a record without a date of birth is not linked by machine: it links as strongly to records with two
# clearly different dates of birth (a father and a son of one name at one home), so it could be either's.
DOB_AMBIGUOUS = "matches records with two clearly different dates of birth: could be either person"


def levenshtein(a: str, b: str) -> int:
    """Edits (insert, delete, substitute a character) from a to b: jellyfish's, the textbook algorithm in compiled
    code, twenty times quicker than it was in Python here (a full resolve checks millions of date pairs)."""
    return jellyfish.levenshtein_distance(a, b)


@functools.lru_cache(maxsize=500_000)
def one_persons_dates_of_birth(a: str, b: str) -> bool:
    """Two ISO dates of birth one person's records can hold: at most two edits apart, or day and month swapped."""
    if a == b:
        return True
    return levenshtein(a, b) <= DOB_EDITS_ONE_PERSON or (a[:5] == b[:5] and a[5:7] == b[8:10] and a[8:10] == b[5:7])


def dates_of_birth_agree(left: Collection[str], right: Collection[str]) -> bool:
    """True unless both sides hold dates of birth and some pair of them is clearly different."""
    return all(one_persons_dates_of_birth(a, b) for a in left for b in right)


class _Clusters:
    def __init__(
        self,
        ids: Iterable[int],
        source_of: Mapping[int, str],
        exclusive_sources: Collection[str],
        dates_of_birth: Mapping[int, str | None],
    ) -> None:
        self.parent: dict[int, int] = {i: i for i in ids}
        self.size: dict[int, int] = dict.fromkeys(self.parent, 1)
        self.forbidden: dict[int, set[int]] = {}
        self.exclusive: dict[int, set[str]] = {}
        self.dobs: dict[int, set[str]] = {}
        for i in self.parent:
            source = source_of.get(i)
            if source is not None and source in exclusive_sources:
                self.exclusive[i] = {source}
            dob = dates_of_birth.get(i)
            if dob:
                self.dobs[i] = {dob}

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def forbid(self, a: int, b: int) -> None:
        self.forbidden.setdefault(a, set()).add(b)
        self.forbidden.setdefault(b, set()).add(a)

    def dobs_conflict(self, ra: int, rb: int) -> bool:
        return not dates_of_birth_agree(self.dobs.get(ra, ()), self.dobs.get(rb, ()))

    def can_join(self, ra: int, rb: int) -> bool:
        if self.exclusive.get(ra, set()) & self.exclusive.get(rb, set()):
            return False
        small, large = (ra, rb) if len(self.forbidden.get(ra, ())) <= len(self.forbidden.get(rb, ())) else (rb, ra)
        return all(self.find(other) != large for other in self.forbidden.get(small, ()))

    def join(self, ra: int, rb: int) -> None:
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size.pop(rb)
        # The forbidden set of a root holds record ids; find() resolves them to their current clusters.
        if rb in self.forbidden:
            self.forbidden.setdefault(ra, set()).update(self.forbidden.pop(rb))
        if rb in self.exclusive:
            self.exclusive.setdefault(ra, set()).update(self.exclusive.pop(rb))
        if rb in self.dobs:
            self.dobs.setdefault(ra, set()).update(self.dobs.pop(rb))


def cluster(
    pairs: pd.DataFrame,
    ids: Iterable[int],
    *,
    upper: float,
    must_link_pairs: Iterable[tuple[int, int]] = (),
    cannot_link_pairs: Iterable[tuple[int, int]] = (),
    exclude_from_auto_link: Iterable[int] = (),
    source_of: Mapping[int, str] | None = None,
    exclusive_sources: Collection[str] = (),
    dates_of_birth: Mapping[int, str | None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Group record ids into people.

    pairs needs unique_id_l, unique_id_r, match_probability and optionally a boolean auto_link_allowed (see
    predict.classify); pairs allowed to link are joined automatically, or, without that column, pairs at or above
    upper. Records listed in
    exclude_from_auto_link (too thin to link) are joined only by staff. Returns (clusters, skipped): clusters has
    unique_id and cluster_id (the smallest record id in the cluster); skipped lists the strong edges not applied
    because of a cannot-link or exclusive-source conflict, with a reason.

    dates_of_birth (record id -> prepared ISO date text) turns on the date-of-birth check for machine links: an
    edge is skipped when the two clusters hold dates of birth more than two edits apart (and not day and month
    swapped). Staff-confirmed links are not checked: staff have seen both records.
    """
    id_list = [int(i) for i in ids]
    state = _Clusters(id_list, source_of or {}, exclusive_sources, dates_of_birth or {})
    for a, b in cannot_link_pairs:
        if a in state.parent and b in state.parent:
            state.forbid(int(a), int(b))
    skipped: list[tuple[int, int, float, str]] = []

    def attempt(a: int, b: int, probability: float, reason: str, *, by_machine: bool = True) -> None:
        ra, rb = state.find(a), state.find(b)
        if ra == rb:
            return
        if by_machine and state.dobs_conflict(ra, rb):
            skipped.append((a, b, probability, DOB_CLASH))
        elif state.can_join(ra, rb):
            state.join(ra, rb)
        else:
            skipped.append((a, b, probability, reason))

    for a, b in must_link_pairs:
        if a in state.parent and b in state.parent:
            attempt(int(a), int(b), 1.0, "confirmed link conflicts with a rejected link", by_machine=False)

    if "auto_link_allowed" in pairs.columns:
        # classify decides: it may link below upper (same name and one more identifier) and hold back above it.
        strong = pairs[pairs["auto_link_allowed"].astype(bool)]
    else:
        strong = pairs[pairs["match_probability"] >= upper]
    excluded = {int(i) for i in exclude_from_auto_link}
    if excluded:
        strong = strong[~strong["unique_id_l"].isin(excluded) & ~strong["unique_id_r"].isin(excluded)]
    strong = strong.sort_values(["match_probability", "unique_id_l", "unique_id_r"], ascending=[False, True, True])
    if dates_of_birth:
        ambiguous = _either_of_two_dates_of_birth(strong, dates_of_birth)
        if ambiguous:
            held = strong["unique_id_l"].isin(ambiguous) | strong["unique_id_r"].isin(ambiguous)
            skipped.extend(
                (int(a), int(b), float(p), DOB_AMBIGUOUS)
                for a, b, p in zip(
                    strong.loc[held, "unique_id_l"],
                    strong.loc[held, "unique_id_r"],
                    strong.loc[held, "match_probability"],
                    strict=True,
                )
            )
            strong = strong[~held]
    for a, b, probability in zip(
        strong["unique_id_l"].to_numpy(),
        strong["unique_id_r"].to_numpy(),
        strong["match_probability"].to_numpy(),
        strict=True,
    ):
        if int(a) in state.parent and int(b) in state.parent:
            attempt(int(a), int(b), float(probability), "would join records that must stay apart")

    roots = [state.find(i) for i in id_list]
    frame = pd.DataFrame({"unique_id": id_list, "root": roots})
    frame["cluster_id"] = frame.groupby("root")["unique_id"].transform("min")
    skipped_frame = pd.DataFrame(skipped, columns=["unique_id_l", "unique_id_r", "match_probability", "reason"])
    return frame[["unique_id", "cluster_id"]], skipped_frame


def _either_of_two_dates_of_birth(strong: pd.DataFrame, dates_of_birth: Mapping[int, str | None]) -> set[int]:
    """Records without a date of birth whose machine links reach records with two clearly different ones."""
    seen: dict[int, set[str]] = {}
    for a, b in zip(strong["unique_id_l"].astype("int64"), strong["unique_id_r"].astype("int64"), strict=True):
        dob_a, dob_b = dates_of_birth.get(int(a)), dates_of_birth.get(int(b))
        if not dob_a and dob_b:
            seen.setdefault(int(a), set()).add(dob_b)
        elif dob_a and not dob_b:
            seen.setdefault(int(b), set()).add(dob_a)
    return {record for record, dobs in seen.items() if len(dobs) > 1 and not dates_of_birth_agree(dobs, dobs)}
