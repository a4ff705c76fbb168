"""Records that changed after they were linked: scored again against the rest of their person, then kept, sent to
review or split off.

A source record can change completely under the same key (a council reuses a rates account number for the next
occupier: another name, date of birth and address). Scoring it only against records it has not met yet would leave
it on the person it used to describe. So `tellus resolve` scores every changed, linked record against each other
record of its current person, with no blocking rule in the way (`engine.score_pairs`), and classifies those pairs
with the same rules as any other:

- it still links to one of them (directly, or through another changed record that does): it stays;
- a member of staff put it there (a confirmed pair with one of those records, a merge by staff into the person, a
  split by staff onto the person, or put back after it was split off): it is never split by the machine; its best
  pair goes to the review queue, saying why;
- its best pair is in the review band: it stays for now and the pair goes to the review queue, saying why;
- nothing links it any more: it is split off onto a person of its own with the existing split service, audited as
  done by the system with the reason, and undoable like any split. Clustering then joins it to whoever it now
  matches.

Until a caseworker decides, a record waiting for review this way is not linked automatically to anyone else: its
person is not merged with another on the strength of what it says now.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tellus.people.models import SOURCE_RECORD_OBJECT_TYPE, SourceRecord
from tellus.people.services import TOLD_SYSTEM_NAME
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from . import engine
from .models import PAIR_OBJECT_TYPE, CandidatePair, PersonMerge, RecordSplit
from .services import record_split

SPLIT_REASON = "record changed: no longer matches the rest of its person"
REVIEW_REASON = "record changed since it was linked and now only possibly matches its person"
STAFF_REASON = "record changed since staff linked it and no longer matches its person: never split automatically"
WAITING_REASON = "record changed and waits for review against its person: not linked to anyone else until then"
HELD_BECAUSE_MAX = 200  # CandidatePair.held_because


@dataclass
class ChangedRecords:
    """Changed records that were on a person when the run started (record id -> person id), and what became of
    them."""

    person_of: dict[int, int]
    members: dict[int, list[int]] = field(default_factory=dict)  # person id -> their records
    staff_placed: set[int] = field(default_factory=set)
    pair_keys: set[tuple[int, int]] = field(default_factory=set)  # the pairs scored again
    kept: set[int] = field(default_factory=set)
    review: set[int] = field(default_factory=set)
    split: set[int] = field(default_factory=set)
    reopened: list[int] = field(default_factory=list)  # confirmed pairs put back in the queue
    splits_done: set[int] = field(default_factory=set)

    @property
    def rescored(self) -> int:
        return len(self.person_of)


def changed_linked_records(since: object) -> ChangedRecords:
    """Records of people changed since `since` (an import updated them) that are on a person. A record the person
    told us themselves (Tell us once's own copy, people's `told-us` system) is on them by their own word, as a
    staff decision would be: the machine never re-scores or splits it."""
    person_of = dict(
        SourceRecord.objects.filter(is_organisation=False, person__isnull=False, updated_at__gte=since)
        .exclude(source_system__name=TOLD_SYSTEM_NAME)
        .values_list("pk", "person_id")
    )
    changed = ChangedRecords(person_of=person_of)
    if not person_of:
        return changed
    people = sorted(set(person_of.values()))
    for start in range(0, len(people), 500):
        rows = SourceRecord.objects.filter(is_organisation=False, person_id__in=people[start : start + 500])
        for pk, person_id in rows.values_list("pk", "person_id"):
            changed.members.setdefault(person_id, []).append(pk)
    changed.staff_placed = _placed_by_staff(person_of)
    return changed


def rescore_changed(changed: ChangedRecords, prepared: pd.DataFrame, model: engine.TrainedModel) -> pd.DataFrame:
    """Each changed record scored against every other record of its person, whatever the blocking rules say."""
    lefts: list[int] = []
    rights: list[int] = []
    for record_id, person_id in changed.person_of.items():
        for other in changed.members.get(person_id, []):
            key = (min(record_id, other), max(record_id, other))
            if other != record_id and key not in changed.pair_keys:
                changed.pair_keys.add(key)
                lefts.append(key[0])
                rights.append(key[1])
    if not lefts:
        return pd.DataFrame()
    by_id = prepared.set_index("unique_id", drop=False)
    known = by_id.index
    keep = [i for i, (left, right) in enumerate(zip(lefts, rights, strict=True)) if left in known and right in known]
    left_rows = by_id.loc[[lefts[i] for i in keep]].reset_index(drop=True)
    right_rows = by_id.loc[[rights[i] for i in keep]].reset_index(drop=True)
    return engine.score_pairs(left_rows, right_rows, model)


def decide_changed(changed: ChangedRecords, decided: pd.DataFrame) -> pd.DataFrame:
    """Sort the changed records into kept, review and split from their classified pairs, and mark in `decided`
    the pairs that go to review because of it. Returns the updated pairs."""
    if not changed.person_of or decided.empty:
        return decided
    out = decided.copy()
    pair_left = out["unique_id_l"].astype("int64").tolist()
    pair_right = out["unique_id_r"].astype("int64").tolist()
    own = [(left, right) in changed.pair_keys for left, right in zip(pair_left, pair_right, strict=True)]
    staff_decided = _staff_decided(changed.pair_keys)
    links: dict[int, set[int]] = defaultdict(set)
    in_review_band: set[int] = set()
    scored: set[int] = set()
    # Per changed record, its best pair with its person that no member of staff has decided: one in the review band
    # first, then the most probable. ((in review band, probability), index)
    best: dict[int, tuple[tuple[bool, float], object]] = {}
    for index, left, right, is_own, decision, probability in zip(
        out.index,
        pair_left,
        pair_right,
        own,
        out["decision"].tolist(),
        out["match_probability"].astype(float).tolist(),
        strict=True,
    ):
        if not is_own:
            continue
        for record, other in ((left, right), (right, left)):
            if record not in changed.person_of:
                continue
            scored.add(record)
            if decision == "link":
                links[record].add(other)
            elif decision == "review":
                in_review_band.add(record)
            rank = (decision == "review", probability)
            if (left, right) not in staff_decided and (record not in best or rank > best[record][0]):
                best[record] = (rank, index)
    # A changed record stays when it links to an unchanged record of its person, or to a changed one that stays.
    kept: set[int] = set()
    grew = True
    while grew:
        grew = False
        for record in changed.person_of:
            if record not in kept and any(o not in changed.person_of or o in kept for o in links[record]):
                kept.add(record)
                grew = True
    review: set[int] = set()
    split: set[int] = set()
    for record in sorted(scored - kept):
        if record in changed.staff_placed:
            why = STAFF_REASON
        elif record in in_review_band:
            why = REVIEW_REASON
        else:
            split.add(record)
            continue
        review.add(record)
        if record not in best:
            continue  # only staff-decided pairs: the confirmed one goes back in the queue once the pairs are stored
        index = best[record][1]
        rule = str(out.at[index, "reason"] or "")
        _hold(out, index, f"{why}; {rule}" if rule and why == REVIEW_REASON else why)
    # A record waiting for review is not linked automatically to another person's records meanwhile.
    if review:
        elsewhere = (
            ~pd.Series(own, index=out.index)
            & (out["decision"] == "link")
            & (out["unique_id_l"].isin(review) | out["unique_id_r"].isin(review))
        )
        for index in out.index[elsewhere]:
            _hold(out, index, WAITING_REASON)
    changed.kept, changed.review, changed.split = kept, review, split
    return out


def _hold(out: pd.DataFrame, index: object, reason: str) -> None:
    out.at[index, "decision"] = "review"
    out.at[index, "auto_link_allowed"] = False
    out.at[index, "reason"] = reason[:HELD_BECAUSE_MAX]
    out.at[index, "held_back"] = True


def withdraw_changed_links(changed: ChangedRecords, *, before: object) -> int:
    """Automatic links of changed records that this run did not make again are withdrawn: what the record said
    when they were made no longer holds. Staff decisions stay."""
    ids = sorted(changed.person_of)
    withdrawn = 0
    for start in range(0, len(ids), 500):
        some = ids[start : start + 500]
        withdrawn += (
            CandidatePair.objects.filter(status=CandidatePair.Status.AUTO_LINKED, updated_at__lt=before)
            .filter(Q(record_l_id__in=some) | Q(record_r_id__in=some))
            .delete()[0]
        )
    return withdrawn


def split_changed(changed: ChangedRecords, *, actor: Actor) -> None:
    """Split off the records nothing links any more, and put back in the queue the confirmed pair of a record staff
    linked when it has no other pair to review."""
    for record_id in sorted(changed.split):
        person_id = changed.person_of[record_id]
        # The person keeps at least one record: when all of theirs changed beyond recognition, the first stays.
        others = [r for r in changed.members.get(person_id, []) if r != record_id and r not in changed.splits_done]
        if not others:
            continue
        record_split(
            record=SourceRecord(pk=record_id),
            actor=actor,
            purpose=Purpose.DATA_IMPORT,
            reason=SPLIT_REASON,
            keep_apart=False,
        )
        changed.splits_done.add(record_id)
    changed.split = set(changed.splits_done)
    _reopen_confirmed(changed, actor=actor)


@transaction.atomic
def _reopen_confirmed(changed: ChangedRecords, *, actor: Actor) -> None:
    waiting = {
        record
        for record in changed.review
        if not CandidatePair.objects.filter(status=CandidatePair.Status.REVIEW)
        .filter(Q(record_l_id=record) | Q(record_r_id=record))
        .exists()
    }
    entries = []
    now = timezone.now()
    for record in sorted(waiting):
        person_id = changed.person_of[record]
        pair = (
            CandidatePair.objects.filter(status=CandidatePair.Status.CONFIRMED)
            .filter(Q(record_l_id=record) | Q(record_r_id=record))
            .filter(Q(record_l__person_id=person_id) & Q(record_r__person_id=person_id))
            .order_by("-decided_at", "-pk")
            .first()
        )
        if pair is None:
            continue
        CandidatePair.objects.filter(pk=pair.pk).update(
            status=CandidatePair.Status.REVIEW, held_because=STAFF_REASON[:HELD_BECAUSE_MAX], updated_at=now
        )
        changed.reopened.append(pair.pk)
        entries.append(
            AuditEntry(
                AuditAction.UPDATE,
                PAIR_OBJECT_TYPE,
                str(pair.pk),
                subject_person_id=person_id,
                changes={"status": [str(CandidatePair.Status.CONFIRMED), str(CandidatePair.Status.REVIEW)]},
                context={"reason": STAFF_REASON, "changed_record": record},
            )
        )
    if entries:
        audit_events_record(actor=actor, purpose=Purpose.DATA_IMPORT, entries=entries)


def _staff_decided(keys: set[tuple[int, int]]) -> set[tuple[int, int]]:
    ids = sorted({record for key in keys for record in key})
    found: set[tuple[int, int]] = set()
    for start in range(0, len(ids), 500):
        some = ids[start : start + 500]
        rows = CandidatePair.objects.filter(status__in=CandidatePair.STAFF_DECISIONS, record_l_id__in=some)
        found.update(key for key in rows.values_list("record_l_id", "record_r_id") if key in keys)
    return found


def _placed_by_staff(person_of: dict[int, int]) -> set[int]:
    """The changed records a member of staff put on their person: a confirmed pair with another of the person's
    records, a merge by staff into the person that is not undone, a split by staff onto the person, or back on the
    person it was once split off (only staff put a split record back)."""
    ids = sorted(person_of)
    placed: set[int] = set()
    for start in range(0, len(ids), 500):
        some = ids[start : start + 500]
        confirmed = CandidatePair.objects.filter(status=CandidatePair.Status.CONFIRMED).filter(
            Q(record_l_id__in=some) | Q(record_r_id__in=some)
        )
        for left, right, left_person, right_person in confirmed.values_list(
            "record_l_id", "record_r_id", "record_l__person_id", "record_r__person_id"
        ):
            if left_person is not None and left_person == right_person:
                placed.update(record for record in (left, right) if record in person_of)
        for split_id, record, from_person, to_person in RecordSplit.objects.filter(record_id__in=some).values_list(
            "pk", "record_id", "from_person_id", "to_person_id"
        ):
            put_back = from_person == person_of[record]
            if put_back or (to_person == person_of[record] and _split_by_staff(split_id, record)):
                placed.add(record)
    merged = set(
        PersonMerge.objects.filter(
            reason=PersonMerge.Reason.STAFF, undone_at__isnull=True, survivor_id__in=set(person_of.values())
        ).values_list("survivor_id", flat=True)
    )
    placed.update(record for record, person in person_of.items() if person in merged)
    return placed


def _split_by_staff(split_id: int, record_id: int) -> bool:
    """Whether a member of staff (a signed-in user, not a command) made the split, by its audit entry."""
    return AuditEvent.objects.filter(
        object_type=SOURCE_RECORD_OBJECT_TYPE,
        object_id=str(record_id),
        action=AuditAction.UPDATE,
        context__split=split_id,
        actor__isnull=False,
    ).exists()
