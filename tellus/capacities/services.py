"""Writing derived capacities back: `capacities_refresh` recomputes people whose facts changed and stores the
difference, with one audit entry for each person whose capacities changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from tellus.common.batch import insert_returning_ids
from tellus.people.models import SourceSystem
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from .models import PERSON_CAPACITY_OBJECT_TYPE, PersonCapacity, RefreshRun
from .rules import DEFAULT_RULES_PATH, DerivedCapacity, RuleSet, derive_capacities, rules_parse
from .selectors import (
    all_person_ids,
    capacity_facts,
    highest_occupancy_id,
    last_completed_refresh,
    people_changed_since,
)

Progress = Callable[[int, int], None]
CHUNK_SIZE = 500


@dataclass(frozen=True)
class RefreshSummary:
    run: RefreshRun
    full: bool
    reason: str

    def lines(self) -> list[str]:
        run = self.run
        return [
            f"{'Full' if self.full else 'Incremental'} refresh ({self.reason}).",
            f"People looked at: {run.people_considered:,}; people whose capacities changed: {run.people_changed:,}.",
            f"Capacities added: {run.capacities_added:,}; removed: {run.capacities_removed:,}.",
        ]


def rules_load(path: Path | None = None) -> RuleSet:
    """The council's capacity rules, checked against the source system kinds Tellus knows."""
    text = (path or DEFAULT_RULES_PATH).read_text(encoding="utf-8")
    return rules_parse(text, kinds=SourceSystem.Kind.values)


def _summary(rows: Sequence[DerivedCapacity]) -> list[str]:
    return sorted(f"{d.capacity} {d.valid_from or ''}..{d.valid_to or ''} ({d.rule})" for d in rows)


def _stored(person_ids: list[int]) -> dict[int, dict[tuple[object, ...], int]]:
    """What is stored now, for each person: {identity: row id}."""
    stored: dict[int, dict[tuple[object, ...], int]] = {pid: {} for pid in person_ids}
    # Plain values rather than model instances: a full refresh reads every person's capacities.
    rows = list(
        PersonCapacity.objects.filter(person_id__in=person_ids).values_list(
            "pk",
            "person_id",
            "capacity",
            "rule",
            "valid_from",
            "valid_to",
            "service_code",
            "property_id",
            "occupancy_id",
        )
    )
    evidence: dict[int, list[int]] = {}
    through = PersonCapacity.evidence.through
    for capacity_id, record_id in through.objects.filter(personcapacity_id__in=[row[0] for row in rows]).values_list(
        "personcapacity_id", "sourcerecord_id"
    ):
        evidence.setdefault(capacity_id, []).append(record_id)
    for pk, person_id, capacity, rule, valid_from, valid_to, service_code, property_id, occupancy_id in rows:
        derived = DerivedCapacity(
            person_id=person_id,
            capacity=capacity,
            rule=rule,
            valid_from=valid_from,
            valid_to=valid_to,
            service_code=service_code,
            property_id=property_id,
            occupancy_id=occupancy_id,
            evidence=tuple(sorted(evidence.get(pk, ()))),
        )
        stored[person_id][derived.identity()] = pk
    return stored


@transaction.atomic
def _refresh_chunk(*, rules: RuleSet, person_ids: list[int], actor: Actor, run: RefreshRun) -> None:
    added, removed, changed = _refresh_people(
        rules=rules, person_ids=person_ids, actor=actor, purpose=Purpose.DATA_IMPORT, context={"refresh_run": run.pk}
    )
    run.people_considered += len(person_ids)
    run.people_changed += changed
    run.capacities_added += added
    run.capacities_removed += removed
    run.save(update_fields=["people_considered", "people_changed", "capacities_added", "capacities_removed"])


@transaction.atomic
def capacities_refresh_people(
    *, person_ids: list[int], actor: Actor, purpose: Purpose | str, rules_path: Path | None = None
) -> int:
    """Recompute these people's capacities now, in the caller's transaction (after a split or its undo, so the
    person page never cites a record the person no longer has). Returns how many people's capacities changed.
    The next incremental `capacities_refresh` looks at them again, which changes nothing."""
    _added, _removed, changed = _refresh_people(
        rules=rules_load(rules_path), person_ids=sorted(set(person_ids)), actor=actor, purpose=purpose, context={}
    )
    return changed


def _refresh_people(
    *, rules: RuleSet, person_ids: list[int], actor: Actor, purpose: Purpose | str, context: dict[str, object]
) -> tuple[int, int, int]:
    derived_by_person: dict[int, list[DerivedCapacity]] = {pid: [] for pid in person_ids}
    for facts in capacity_facts(person_ids):
        derived_by_person[facts.person_id] = derive_capacities(rules, facts)
    stored = _stored(person_ids)
    now = timezone.now()
    to_delete: list[int] = []
    to_add: list[DerivedCapacity] = []
    entries: list[AuditEntry] = []
    for pid in person_ids:
        wanted = {d.identity(): d for d in derived_by_person[pid]}
        have = stored[pid]
        gone = [row_id for identity, row_id in have.items() if identity not in wanted]
        new = [d for identity, d in wanted.items() if identity not in have]
        if not gone and not new:
            continue
        to_delete.extend(gone)
        to_add.extend(new)
        entries.append(
            AuditEntry(
                AuditAction.UPDATE,
                PERSON_CAPACITY_OBJECT_TYPE,
                str(pid),
                subject_person_id=pid,
                changes={"capacities": [_summary_of_ids(have, gone), _summary(new)]},
                context=context,
            )
        )
    PersonCapacity.objects.filter(pk__in=to_delete).delete()
    _capacities_insert(to_add, derived_at=now)
    if entries:
        audit_events_record(actor=actor, purpose=purpose, entries=entries)
    return len(to_add), len(to_delete), len(entries)


# Columns written for each derived capacity, in the order `_capacities_insert` gives its values.
_CAPACITY_COLUMNS = (
    "person_id", "capacity", "rule", "valid_from", "valid_to", "service_code", "property_id", "occupancy_id",
    "derived_at",
)  # fmt: skip


def _capacities_insert(rows: Sequence[DerivedCapacity], *, derived_at: dt.datetime) -> None:
    """Store new capacities and their evidence. A full refresh writes tens of thousands of rows, and
    `bulk_create` spends most of its time building model instances and compiling each value; these are plain
    multi-row INSERTs that return the new ids, then one executemany for the evidence."""
    if not rows:
        return
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(derived_at)
    values = [
        (
            d.person_id,
            d.capacity,
            d.rule,
            ops.adapt_datefield_value(d.valid_from),
            ops.adapt_datefield_value(d.valid_to),
            d.service_code,
            d.property_id,
            d.occupancy_id,
            stamp,
        )
        for d in rows
    ]
    ids = insert_returning_ids(PersonCapacity, _CAPACITY_COLUMNS, values)
    evidence = [(pk, record_id) for pk, d in zip(ids, rows, strict=True) for record_id in sorted(set(d.evidence))]
    through = PersonCapacity.evidence.through
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {ops.quote_name(through._meta.db_table)} (personcapacity_id, sourcerecord_id) "  # noqa: S608
            "VALUES (%s, %s)",
            evidence,
        )


def _summary_of_ids(have: dict[tuple[object, ...], int], gone: list[int]) -> list[str]:
    # identity = (capacity, rule, valid_from, valid_to, ...): enough to say what went
    gone_set = set(gone)
    return sorted(f"{i[0]} {i[2] or ''}..{i[3] or ''} ({i[1]})" for i, row_id in have.items() if row_id in gone_set)


def capacities_refresh(
    *, actor: Actor, full: bool = False, progress: Progress | None = None, rules_path: Path | None = None
) -> RefreshSummary:
    """Recompute people's capacities after an import, a resolve or a merge.

    Incremental by default: only people whose records, occupancies, merges or splits changed since the last
    completed run. A full run recomputes everyone; one happens anyway when there has been no run yet or the
    rules file has changed. Each chunk of people is written in its own transaction, audited."""
    rules = rules_load(rules_path)
    previous = last_completed_refresh()
    reason = "asked for"
    if not full and previous is None:
        full, reason = True, "no earlier refresh"
    elif not full and previous is not None and previous.rules_digest != rules.digest:
        full, reason = True, "the rules have changed"
    run = RefreshRun.objects.create(
        full=full, rules_digest=rules.digest, last_occupancy_id=highest_occupancy_id(), actor_label=actor.label
    )
    if full:
        person_ids = sorted(all_person_ids() | set(PersonCapacity.objects.values_list("person_id", flat=True)))
    else:
        assert previous is not None
        person_ids = sorted(people_changed_since(previous))
        reason = f"changes since {timezone.localtime(previous.started_at):%Y-%m-%d %H:%M}"
    try:
        for start in range(0, len(person_ids), CHUNK_SIZE):
            _refresh_chunk(rules=rules, person_ids=person_ids[start : start + CHUNK_SIZE], actor=actor, run=run)
            if progress:
                progress(min(start + CHUNK_SIZE, len(person_ids)), len(person_ids))
    except Exception:
        run.status = RefreshRun.Status.FAILED
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
        raise
    run.status = RefreshRun.Status.COMPLETED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return RefreshSummary(run=run, full=full, reason=reason)
