"""`tellus resolve`: link every source record into people with the Splink engine, incrementally.

A selector feeds the engine a DataFrame of records; the engine (plain functions, no ORM) trains or reuses the
model, scores pairs, and clusters them respecting staff decisions; this service writes the evidence, the review
queue and the people back, all audited.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tellus.common.batch import big_sqlite_cache, fewer_garbage_collections, planner_statistics_refresh
from tellus.people.models import SourceRecord
from tellus.people.services import households_rebuild
from tellus.privacy.services import Actor

from . import engine
from .changed import (
    ChangedRecords,
    changed_linked_records,
    decide_changed,
    rescore_changed,
    split_changed,
    withdraw_changed_links,
)
from .clusters import apply_clusters
from .engine.cluster import DOB_AMBIGUOUS, DOB_CLASH
from .estates import estates_point_at_the_deceased
from .evidence import evidence_json
from .models import CandidatePair, LinkageModel, ResolutionRun
from .selectors import records_frame, staff_decisions

Say = Callable[[str], None]
PAIR_BATCH = 5000
# Why clustering held back an automatic link (see _links_held_for_review).
DOB_CLASH_REASON = "would put two clearly different dates of birth in one person"
DOB_AMBIGUOUS_REASON = "no date of birth, and matches two people with different ones (a father and son?)"
# More records than this at one home (same flat, house number and street) is not a household; see
# _without_crowded_addresses. Apart from that one address, the largest home in the synthetic towns holds a few
# hundred records (a block of flats, some records without the flat number).
CROWDED_ADDRESS = 500
# Source systems whose records say who someone is only as they typed it into a reporting app (Open311 reports):
# nothing checked it, so the machine never links them to anyone, however high the score; the pair waits for a
# caseworker. (Open311 intake files a report on a known person itself only on the same email or phone and name.)
REVIEW_ONLY_SOURCES = ("open311",)


@dataclass(frozen=True)
class Thresholds:
    upper: float
    lower: float

    @classmethod
    def from_settings(cls, upper: float | None = None, lower: float | None = None) -> Thresholds:
        upper = settings.TELLUS_LINK_UPPER if upper is None else upper
        lower = settings.TELLUS_LINK_LOWER if lower is None else lower
        if not 0 < lower <= upper < 1:
            raise ValueError(f"thresholds must satisfy 0 < lower <= upper < 1 (got lower={lower}, upper={upper})")
        return cls(upper=upper, lower=lower)


def current_model() -> engine.TrainedModel | None:
    row = LinkageModel.objects.filter(is_current=True).first()
    return engine.TrainedModel.from_json(json.dumps(row.splink_settings)) if row else None


@transaction.atomic
def _save_model(model: engine.TrainedModel, *, backend: str, record_count: int) -> LinkageModel:
    existing = LinkageModel.objects.filter(version=model.version).first()
    LinkageModel.objects.filter(is_current=True).exclude(version=model.version).update(is_current=False)
    if existing:
        if not existing.is_current:
            existing.is_current = True
            existing.save(update_fields=["is_current"])
        return existing
    return LinkageModel.objects.create(
        version=model.version,
        backend=backend,
        splink_settings=json.loads(model.to_json()),
        training_stats=model.stats,
        record_count=record_count,
        is_current=True,
    )


@big_sqlite_cache()
@fewer_garbage_collections()
def resolve(
    *,
    actor: Actor,
    backend: str = "duckdb",
    postgres_url: str | None = None,
    retrain: bool = False,
    full: bool = False,
    upper: float | None = None,
    lower: float | None = None,
    say: Say = lambda message: None,
) -> ResolutionRun:
    thresholds = Thresholds.from_settings(upper, lower)
    started = time.perf_counter()
    previous = ResolutionRun.objects.filter(finished_at__isnull=False).first()
    run = ResolutionRun.objects.create(upper_threshold=thresholds.upper, lower_threshold=thresholds.lower)

    frame = records_frame()
    say(f"Preparing {len(frame):,} source records…")
    prepared = _without_crowded_addresses(frame, engine.prepare(frame), say=say)
    thin_mask = engine.too_thin_to_link(prepared)
    thin = set(prepared.loc[thin_mask, "unique_id"].astype(int).tolist())
    run.sparse_records = len(thin)
    stated = prepared["source_system"].isin(REVIEW_ONLY_SOURCES)
    review_only = set(prepared.loc[stated, "unique_id"].astype(int).tolist())

    model = None if retrain else current_model()
    if model is None:
        say("Training the model from the data (u by random sampling, m by expectation maximisation)…")
        model = engine.train(prepared, backend=backend, postgres_url=postgres_url)
    # Where the model was trained: DuckDB for a Spark run (engine.train, decision 0050).
    model_row = _save_model(model, backend=model.stats.get("backend", backend), record_count=len(prepared))
    run.model = model_row

    incremental = bool(previous and not full and previous.model_id == model_row.pk)
    run.incremental = incremental
    # Records that changed after they were linked are scored again against the rest of their person (changed.py).
    moved_on = changed_linked_records(previous.started_at) if previous else ChangedRecords(person_of={})
    if incremental:
        assert previous is not None
        changed = set(
            SourceRecord.objects.filter(is_organisation=False)
            .filter(Q(updated_at__gte=previous.started_at) | Q(person__isnull=True))
            .values_list("pk", flat=True)
        )
        new = prepared[prepared["unique_id"].isin(changed)]
        existing = prepared[~prepared["unique_id"].isin(changed)]
        say(f"Incremental run: {len(new):,} new or changed records against {len(existing):,}…")
        pairs = (
            engine.predict_new(
                new, existing, model, threshold_probability=thresholds.lower, backend=backend, postgres_url=postgres_url
            )
            if len(new)
            else pd.DataFrame()
        )
        evaluated = changed
    else:
        say(f"Scoring candidate pairs among {len(prepared):,} records…")
        pairs = engine.predict_pairs(
            prepared, model, threshold_probability=thresholds.lower, backend=backend, postgres_url=postgres_url
        )
        evaluated = set(prepared["unique_id"].astype(int).tolist())
    if moved_on.person_of:
        say(f"Scoring {moved_on.rescored:,} changed records again against the other records of their person…")
        again = rescore_changed(moved_on, prepared, model)
        pairs = (
            pd.concat([pairs, again], ignore_index=True).drop_duplicates(["unique_id_l", "unique_id_r"])
            if len(pairs)
            else again
        )
    run.records_evaluated = len(evaluated)
    run.pairs_scored = len(pairs)

    if len(pairs):
        decided = engine.classify(
            pairs, upper=thresholds.upper, lower=thresholds.lower, too_thin_ids=thin, review_only_ids=review_only
        )
    else:
        decided = pd.DataFrame(columns=["unique_id_l", "unique_id_r", "decision", "match_probability"])
    decided = decide_changed(moved_on, decided)
    say(f"Keeping the evidence for {int((decided['decision'] != 'apart').sum()):,} pairs…")
    linked, review = _store_pairs(decided, model, model_row, evaluated=evaluated, incremental=incremental)
    run.auto_linked, run.sent_to_review = linked, review
    if moved_on.person_of:
        withdraw_changed_links(moved_on, before=run.started_at)
        split_changed(moved_on, actor=actor)
        say(
            f"{moved_on.rescored:,} changed records scored again: {len(moved_on.split):,} split off, "
            f"{len(moved_on.review):,} sent for review, {len(moved_on.kept):,} still linked."
        )

    say("Clustering records into people (staff decisions always respected)…")
    must, cannot = staff_decisions()
    edges = pd.DataFrame(
        CandidatePair.objects.filter(
            status__in=[CandidatePair.Status.AUTO_LINKED, CandidatePair.Status.CONFIRMED]
        ).values_list("record_l_id", "record_r_id"),
        columns=["unique_id_l", "unique_id_r"],
    )
    # Links already made stand: they were above the threshold when made, or staff made them.
    edges["match_probability"] = 1.0
    edges["auto_link_allowed"] = True
    clusters, skipped = engine.cluster(
        edges,
        prepared["unique_id"].astype(int).tolist(),
        upper=thresholds.upper,
        must_link_pairs=must,
        cannot_link_pairs=cannot,
        exclude_from_auto_link=(),
        # A machine link never joins two clearly different dates of birth into one person (a chain through a
        # record without one); staff confirmations are kept whatever the dates.
        dates_of_birth=dict(zip(prepared["unique_id"].astype(int), prepared["dob"], strict=True)),
    )
    held_back = _links_held_for_review(skipped[skipped["reason"] == DOB_CLASH])
    held_back += _links_held_for_review(skipped[skipped["reason"] == DOB_AMBIGUOUS], reason=DOB_AMBIGUOUS_REASON)
    to_apply = _clusters_needing_change(clusters)
    say(f"Writing {len(to_apply):,} changed clusters to people…")
    stats = apply_clusters(to_apply, actor=actor, cannot_link={(min(a, b), max(a, b)) for a, b in cannot})
    run.merges = stats.merges
    households = households_rebuild()
    estates = estates_point_at_the_deceased(actor=actor)
    run.stats = {
        "people_created": stats.people_created,
        "records_assigned": stats.records_assigned,
        "merges_refused": stats.merges_refused,
        "links_skipped_for_staff_decisions": len(skipped) - held_back,
        "links_held_for_different_dates_of_birth": held_back,
        "households": households,
        # Records taken as organisations at import (by the mapping's column or by name): never people.
        "organisation_records": SourceRecord.objects.filter(is_organisation=True).count(),
        "estates_pointed_at_the_deceased": estates,
        "changed_records_rescored": moved_on.rescored,
        "changed_records_split_off": len(moved_on.split),
        "changed_records_sent_for_review": len(moved_on.review),
        "seconds": round(time.perf_counter() - started, 2),
        "model_version": model.version,
        "backend": backend,
    }
    run.finished_at = timezone.now()
    run.save()
    # People and their records were written in bulk: the real-time matcher's plans need fresh statistics.
    planner_statistics_refresh(["people_person", "people_sourcerecord", "linkage_candidatepair"])
    return run


def crowded_addresses(prepared: pd.DataFrame, *, limit: int = CROWDED_ADDRESS) -> pd.Series:
    """Per prepared record: is it at an address (flat, house number and street) held by more than `limit` records?"""
    has_address = prepared["street"].notna() & prepared["house_number"].notna()
    key = prepared[["street", "house_number", "flat"]].fillna("")
    sizes = key.groupby(["street", "house_number", "flat"], sort=False)["street"].transform("size")
    return has_address & (sizes > limit)


def _without_crowded_addresses(
    frame: pd.DataFrame, prepared: pd.DataFrame, *, say: Say, limit: int = CROWDED_ADDRESS
) -> pd.DataFrame:
    """Prepared records, with a crowded address treated like a shelter or 'no fixed abode': not evidence.

    More records at one home than any household holds means a care-of, hostel or mailing address the gazetteer does
    not know as one. Like a pseudo-address it says nothing about who a person is, and as a block it would make every
    address blocking rule compare all its records with each other (28,000 records at one address in a 200,000-person
    synthetic town: 380 million pairs per rule)."""
    crowded = crowded_addresses(prepared, limit=limit)
    if not crowded.any():
        return prepared
    ids = set(prepared.loc[crowded, "unique_id"].tolist())
    say(f"{len(ids):,} records share an address with more than {limit} others: not used as evidence.")
    again = frame[frame["unique_id"].isin(ids)].assign(address_is_evidence=False)
    return (
        pd.concat([prepared[~crowded], engine.prepare(again)], ignore_index=True)
        .sort_values("unique_id", kind="stable")
        .reset_index(drop=True)
    )


def _links_held_for_review(clashes: pd.DataFrame, *, reason: str = DOB_CLASH_REASON) -> int:
    """Automatic links that clustering left out because they would put two clearly different dates of birth in one
    person go to the review queue, so no pair is marked linked while its records belong to two people."""
    wanted = set(zip(clashes["unique_id_l"].astype(int), clashes["unique_id_r"].astype(int), strict=True))
    if not wanted:
        return 0
    found = [
        pk
        for pk, left, right in CandidatePair.objects.filter(
            status=CandidatePair.Status.AUTO_LINKED, record_l_id__in={left for left, _ in wanted}
        ).values_list("pk", "record_l_id", "record_r_id")
        if (left, right) in wanted or (right, left) in wanted
    ]
    for start in range(0, len(found), 5000):
        CandidatePair.objects.filter(pk__in=found[start : start + 5000]).update(
            status=CandidatePair.Status.REVIEW, held_because=reason
        )
    return len(found)


def _clusters_needing_change(clusters: pd.DataFrame) -> list[list[int]]:
    """Only clusters with an unassigned record, or whose records sit on more than one person."""
    person_of = dict(
        SourceRecord.objects.filter(is_organisation=False).values_list("pk", "person_id").iterator(chunk_size=10000)
    )
    groups: dict[int, list[int]] = {}
    for record_id, cluster_id in clusters[["unique_id", "cluster_id"]].itertuples(index=False):
        groups.setdefault(int(cluster_id), []).append(int(record_id))
    needing = []
    for members in groups.values():
        people = {person_of.get(record_id) for record_id in members}
        if None in people or len(people) > 1:
            needing.append(sorted(members))
    return needing


def _store_pairs(
    decided: pd.DataFrame,
    model: engine.TrainedModel,
    model_row: LinkageModel,
    *,
    evaluated: set[int],
    incremental: bool,
) -> tuple[int, int]:
    """Write link and review pairs with their evidence. Staff decisions are never overwritten; review pairs among
    re-evaluated records that no longer score are withdrawn from the queue.

    Hundreds of thousands of pairs: written in batches with prepared INSERTs and UPDATEs (executemany) and the
    evidence as ready-made JSON text, so no model instance or evidence dict is held per pair."""
    keep = decided.loc[decided["decision"] != "apart"]
    linked = int((keep["decision"] == "link").sum())
    review = len(keep) - linked
    now = timezone.now()
    with transaction.atomic():
        writer = _PairWriter(model_row=model_row, now=now)
        for start in range(0, len(keep), PAIR_BATCH):
            writer.write(keep.iloc[start : start + PAIR_BATCH], model)
        # Review pairs this run did not score again no longer pass the lower threshold: withdraw them.
        stale = CandidatePair.objects.filter(status=CandidatePair.Status.REVIEW, updated_at__lt=now)
        if not incremental:
            stale.delete()
        else:
            record_ids = sorted(evaluated)
            for start in range(0, len(record_ids), 500):
                some = record_ids[start : start + 500]
                stale.filter(Q(record_l_id__in=some) | Q(record_r_id__in=some)).delete()
    return linked, review


class _PairWriter:
    """Inserts new candidate pairs and updates known ones (keeping any staff decision) with executemany."""

    def __init__(self, *, model_row: LinkageModel, now: dt.datetime) -> None:
        connection = transaction.get_connection()
        self.connection = connection
        self.now = connection.ops.adapt_datetimefield_value(now)
        self.model_id = model_row.pk
        # A first resolve (or one after the pairs were cleared) has nothing stored to update: no batch need look.
        # Scoring yields each pair once, so a batch never meets a pair an earlier batch of this run inserted.
        self.none_stored = not CandidatePair.objects.exists()
        quote = connection.ops.quote_name
        table = quote(CandidatePair._meta.db_table)
        # PostgreSQL's jsonb takes the JSON text through a cast; SQLite stores the text as it is.
        evidence = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
        columns = ", ".join(quote(c) for c in _INSERT_COLUMNS)
        values = ", ".join([evidence if c == "comparisons" else "%s" for c in _INSERT_COLUMNS])
        self.insert_sql = f"INSERT INTO {table} ({columns}) VALUES ({values})"  # noqa: S608 (quoted identifiers)
        staff = ", ".join(f"'{status}'" for status in CandidatePair.STAFF_DECISIONS)
        self.update_sql = (
            f"UPDATE {table} SET match_weight = %s, match_probability = %s, comparisons = {evidence}, "  # noqa: S608
            f"model_id = %s, updated_at = %s, held_because = %s, "
            f"status = CASE WHEN status IN ({staff}) THEN status ELSE %s END "
            "WHERE id = %s"
        )

    def write(self, batch: pd.DataFrame, model: engine.TrainedModel) -> None:
        lefts = batch["unique_id_l"].astype("int64").tolist()
        rights = batch["unique_id_r"].astype("int64").tolist()
        known = (
            {}
            if self.none_stored
            else {
                (left, right): pk
                for pk, left, right in CandidatePair.objects.filter(record_l_id__in=set(lefts)).values_list(
                    "pk", "record_l_id", "record_r_id"
                )
            }
        )
        statuses = [
            str(CandidatePair.Status.AUTO_LINKED) if d == "link" else str(CandidatePair.Status.REVIEW)
            for d in batch["decision"].tolist()
        ]
        weights = batch["match_weight"].astype(float).tolist()
        probabilities = batch["match_probability"].astype(float).tolist()
        # Why a pair the model scored high is waiting for review rather than linked (a guard in engine.classify).
        held = batch["held_back"].tolist() if "held_back" in batch.columns else [False] * len(batch)
        reasons = [
            str(reason) if is_held and status == str(CandidatePair.Status.REVIEW) else ""
            for reason, is_held, status in zip(batch["reason"].tolist(), held, statuses, strict=True)
        ]
        evidence = evidence_json(batch, model)
        inserts: list[tuple[object, ...]] = []
        updates: list[tuple[object, ...]] = []
        for left, right, status, weight, probability, comparisons, reason in zip(
            lefts, rights, statuses, weights, probabilities, evidence, reasons, strict=True
        ):
            pk = known.get((left, right))
            if pk is None:
                inserts.append(
                    (
                        left,
                        right,
                        weight,
                        probability,
                        comparisons,
                        self.model_id,
                        status,
                        "",
                        reason,
                        self.now,
                        self.now,
                    )
                )
            else:
                updates.append((weight, probability, comparisons, self.model_id, self.now, reason, status, pk))
        with self.connection.cursor() as cursor:
            if inserts:
                cursor.executemany(self.insert_sql, inserts)
            if updates:
                cursor.executemany(self.update_sql, updates)


_INSERT_COLUMNS = (
    "record_l_id",
    "record_r_id",
    "match_weight",
    "match_probability",
    "comparisons",
    "model_id",
    "status",
    "decision_note",
    "held_because",
    "created_at",
    "updated_at",
)
