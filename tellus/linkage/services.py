"""Merging people, undoing merges, splitting records off, and staff decisions on candidate pairs.

Every change is atomic and audited. Nothing is deleted: a merged-away person stays as a tombstone pointing at
the survivor, and the exact rows each merge moved are kept so that it can be undone.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import product
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tellus.people.models import (
    OCCUPANCY_OBJECT_TYPE,
    PERSON_OBJECT_TYPE,
    SOURCE_RECORD_OBJECT_TYPE,
    Household,
    Person,
    SourceRecord,
)
from tellus.people.services import person_refresh_summary
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from .models import PAIR_OBJECT_TYPE, CandidatePair, LinkageModel, PersonMerge, RecordSplit

if TYPE_CHECKING:
    from .matching import MatchCandidate


class LinkageError(Exception):
    """A merge, split or decision that cannot be done, with a message staff can act on."""


def person_references() -> list[tuple[type[models.Model], str]]:
    """Every (model, field) that points at a person and moves with them when two people are merged.

    Found by introspection, so rows added by later capabilities (contacts, needs, consents) move too. The
    merge and split history itself stays put, and households are rebuilt rather than moved."""
    skip: set[type[models.Model]] = {PersonMerge, RecordSplit, Person}
    found: list[tuple[type[models.Model], str]] = []
    for relation in Person._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many or model in skip or model is Household:
            continue
        if isinstance(model, type) and issubclass(model, models.Model):
            found.append((model, relation.field.name))
    return found


def _live(person: Person) -> Person:
    if person.merged_into_id:
        raise LinkageError(
            _("Person %(id)s was merged into person %(into)s.") % {"id": person.pk, "into": person.merged_into_id}
        )
    return person


@transaction.atomic
def persons_merge(
    *, survivor: Person, absorbed: Person, actor: Actor, purpose: Purpose | str, reason: PersonMerge.Reason
) -> PersonMerge:
    if survivor.pk == absorbed.pk:
        raise LinkageError(_("A person cannot be merged with themselves."))
    survivor, absorbed = (
        _live(Person.objects.select_for_update().get(pk=survivor.pk)),
        _live(Person.objects.select_for_update().get(pk=absorbed.pk)),
    )
    moved: dict[str, list[int]] = {}
    entries: list[AuditEntry] = []
    for model, field in person_references():
        rows = model._default_manager.filter(**{field: absorbed})
        ids = list(rows.values_list("pk", flat=True))
        if not ids:
            continue
        rows.update(**{field: survivor})
        moved[model._meta.label_lower] = ids
        entries.extend(
            AuditEntry(
                AuditAction.UPDATE,
                model._meta.label_lower,
                str(pk),
                subject_person_id=survivor.pk,
                changes={f"{field}_id": [absorbed.pk, survivor.pk]},
            )
            for pk in ids
        )
    absorbed.merged_into = survivor
    absorbed.updated_at = timezone.now()
    absorbed.save(update_fields=["merged_into", "updated_at"])
    person_refresh_summary(survivor)
    merge = PersonMerge.objects.create(
        survivor=survivor, absorbed=absorbed, reason=reason, moved=moved, actor_label=actor.label
    )
    entries.append(
        AuditEntry(
            AuditAction.UPDATE,
            PERSON_OBJECT_TYPE,
            str(absorbed.pk),
            subject_person_id=absorbed.pk,
            changes={"merged_into_id": [None, survivor.pk]},
            context={"merge": merge.pk, "reason": str(reason)},
        )
    )
    entries.append(
        AuditEntry(
            AuditAction.UPDATE,
            PERSON_OBJECT_TYPE,
            str(survivor.pk),
            subject_person_id=survivor.pk,
            changes={"absorbed": [None, absorbed.pk]},
            context={"merge": merge.pk, "reason": str(reason)},
        )
    )
    audit_events_record(actor=actor, purpose=purpose, entries=entries)
    return merge


@transaction.atomic
def person_merge_undo(*, merge: PersonMerge, actor: Actor, purpose: Purpose | str) -> PersonMerge:
    """Put back exactly the rows the merge moved, and record that the two are different people so that
    later linkage runs keep them apart."""
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise LinkageError(_("This merge was already undone."))
    survivor = Person.objects.select_for_update().get(pk=merge.survivor_id)
    absorbed = Person.objects.select_for_update().get(pk=merge.absorbed_id)
    if survivor.merged_into_id:
        later = PersonMerge.objects.filter(absorbed=survivor, undone_at__isnull=True).first()
        raise LinkageError(
            _("Person %(id)s has since been merged again; undo merge %(later)s first.")
            % {"id": survivor.pk, "later": later.pk if later else "?"}
        )
    fields = {model._meta.label_lower: (model, field) for model, field in person_references()}
    entries: list[AuditEntry] = []
    for label, ids in merge.moved.items():
        model, field = fields[label]
        # Rows that have moved on since (split off, re-merged) stay where staff put them.
        rows = model._default_manager.filter(pk__in=ids, **{field: survivor})
        back = list(rows.values_list("pk", flat=True))
        rows.update(**{field: absorbed})
        entries.extend(
            AuditEntry(
                AuditAction.UPDATE,
                label,
                str(pk),
                subject_person_id=absorbed.pk,
                changes={f"{field}_id": [survivor.pk, absorbed.pk]},
            )
            for pk in back
        )
    absorbed.merged_into = None
    absorbed.save(update_fields=["merged_into"])
    person_refresh_summary(survivor)
    person_refresh_summary(absorbed)
    _keep_apart(survivor, absorbed, actor=actor, note=_("Merge %(id)s undone.") % {"id": merge.pk})
    merge.undone_at = timezone.now()
    merge.undone_by_label = actor.label
    merge.save(update_fields=["undone_at", "undone_by_label"])
    entries.append(
        AuditEntry(
            AuditAction.UPDATE,
            PERSON_OBJECT_TYPE,
            str(absorbed.pk),
            subject_person_id=absorbed.pk,
            changes={"merged_into_id": [survivor.pk, None]},
            context={"merge_undone": merge.pk},
        )
    )
    audit_events_record(actor=actor, purpose=purpose, entries=entries)
    return merge


def _keep_apart(first: Person, second: Person, *, actor: Actor, note: str) -> None:
    """Staff have said these people are different: reject every pair across their records."""
    left = list(first.source_records.values_list("pk", flat=True))
    right = list(second.source_records.values_list("pk", flat=True))
    now = timezone.now()
    for a, b in product(left, right):
        low, high = min(a, b), max(a, b)
        CandidatePair.objects.update_or_create(
            record_l_id=low,
            record_r_id=high,
            defaults={
                "status": CandidatePair.Status.REJECTED,
                "decided_by": actor.user,
                "decided_at": now,
                "decision_note": note,
                "updated_at": now,
            },
        )


@transaction.atomic
def record_split(
    *,
    record: SourceRecord,
    actor: Actor,
    purpose: Purpose | str,
    reason: str = "",
    keep_apart: bool = True,
    after: Callable[[list[int]], None] | None = None,
) -> RecordSplit:
    """Take a record off the person it was linked to and give it a person of its own, for good (until undone with
    record_split_undo). `reason` is kept with the split and in the audit entry; `after`, given the ids of both
    people, runs in the same transaction to refresh what higher apps derive from records (capacities).

    `keep_apart=False` (a split `tellus resolve` makes when a changed record no longer matches its person) records no
    rejected pairs: the machine's split is not a staff decision, and later runs may link the record wherever its
    scores say."""
    record = SourceRecord.objects.select_for_update().get(pk=record.pk)
    if record.person_id is None:
        raise LinkageError(_("This record is not linked to anyone."))
    from_person = Person.objects.select_for_update().get(pk=record.person_id)
    if from_person.source_records.count() == 1:
        raise LinkageError(_("This is the person's only record; there is nothing to split it from."))
    to_person = Person.objects.create(
        display_name=record.display_name() or str(record), date_of_birth=record.date_of_birth
    )
    record.person = to_person
    record.save(update_fields=["person"])
    moved_occupancies = list(from_person.occupancies.filter(source_record=record).values_list("pk", flat=True))
    from_person.occupancies.filter(pk__in=moved_occupancies).update(person=to_person)
    person_refresh_summary(from_person)
    if keep_apart:
        _keep_apart(from_person, to_person, actor=actor, note=_("Record split off by staff."))
    split = RecordSplit.objects.create(
        record=record, from_person=from_person, to_person=to_person, actor_label=actor.label, reason=reason
    )
    audit_events_record(
        actor=actor,
        purpose=purpose,
        entries=[
            AuditEntry(AuditAction.CREATE, PERSON_OBJECT_TYPE, str(to_person.pk), subject_person_id=to_person.pk),
            AuditEntry(
                AuditAction.UPDATE,
                SOURCE_RECORD_OBJECT_TYPE,
                str(record.pk),
                subject_person_id=to_person.pk,
                changes={"person_id": [from_person.pk, to_person.pk]},
                context={"split": split.pk, "reason": reason} if reason else {"split": split.pk},
            ),
            *(
                AuditEntry(
                    AuditAction.UPDATE,
                    OCCUPANCY_OBJECT_TYPE,
                    str(pk),
                    subject_person_id=to_person.pk,
                    changes={"person_id": [from_person.pk, to_person.pk]},
                )
                for pk in moved_occupancies
            ),
        ],
    )
    if after is not None:
        after([from_person.pk, to_person.pk])
    return split


@transaction.atomic
def record_split_undo(
    *, split: RecordSplit, actor: Actor, purpose: Purpose | str, after: Callable[[list[int]], None] | None = None
) -> PersonMerge:
    """Put a split-off record back with the person it came from: the person made for it is merged back into them
    (so anything logged against that person since moves too, and the merge itself can be undone), and the pairs the
    split kept apart are marked confirmed by staff, so later linkage runs keep them together."""
    split = RecordSplit.objects.select_for_update().get(pk=split.pk)
    if split.undone_at:
        raise LinkageError(_("This split was already undone."))
    from_person = Person.objects.get(pk=split.from_person_id)
    to_person = Person.objects.get(pk=split.to_person_id)
    if from_person.merged_into_id or to_person.merged_into_id:
        raise LinkageError(
            _("One of these people has since been merged into someone else; undo that merge first, or merge them.")
        )
    if SourceRecord.objects.filter(pk=split.record_id, person_id=to_person.pk).count() == 0:
        raise LinkageError(_("The record has moved on since it was split off; merge the two people instead."))
    merge = persons_merge(
        survivor=from_person, absorbed=to_person, actor=actor, purpose=purpose, reason=PersonMerge.Reason.STAFF
    )
    now = timezone.now()
    others = list(from_person.source_records.exclude(pk=split.record_id).values_list("pk", flat=True))
    for other in others:
        low, high = min(other, split.record_id), max(other, split.record_id)
        CandidatePair.objects.filter(record_l_id=low, record_r_id=high, status=CandidatePair.Status.REJECTED).update(
            status=CandidatePair.Status.CONFIRMED,
            decided_by=actor.user,
            decided_at=now,
            decision_note=_("Split %(id)s undone.") % {"id": split.pk},
            updated_at=now,
        )
    split.undone_at = now
    split.undone_by_label = actor.label
    split.save(update_fields=["undone_at", "undone_by_label"])
    audit_events_record(
        actor=actor,
        purpose=purpose,
        entries=[
            AuditEntry(
                AuditAction.UPDATE,
                SOURCE_RECORD_OBJECT_TYPE,
                str(split.record_id),
                subject_person_id=from_person.pk,
                changes={"person_id": [to_person.pk, from_person.pk]},
                context={"split_undone": split.pk, "merge": merge.pk},
            )
        ],
    )
    if after is not None:
        after([from_person.pk, to_person.pk])
    return merge


@transaction.atomic
def pair_decide(
    *, pair: CandidatePair, decision: CandidatePair.Status, actor: Actor, purpose: Purpose | str, note: str = ""
) -> CandidatePair:
    """A caseworker's verdict on a pair: confirmed pairs are merged now, rejected ones kept apart for good."""
    if decision not in CandidatePair.STAFF_DECISIONS:
        raise LinkageError(_("A decision is Confirm, Reject or Not sure."))
    pair = CandidatePair.objects.select_for_update().select_related("record_l", "record_r").get(pk=pair.pk)
    before = pair.status
    pair.status = decision
    pair.decided_by = actor.user
    pair.decided_at = timezone.now()
    pair.decision_note = note
    pair.updated_at = pair.decided_at
    pair.save()
    audit_events_record(
        actor=actor,
        purpose=purpose,
        entries=[
            AuditEntry(
                AuditAction.UPDATE,
                PAIR_OBJECT_TYPE,
                str(pair.pk),
                subject_person_id=pair.record_l.person_id,
                changes={"status": [before, str(decision)]},
                context={"note": note} if note else {},
            )
        ],
    )
    left, right = pair.record_l.person, pair.record_r.person
    if decision == CandidatePair.Status.CONFIRMED and left and right and left.pk != right.pk:
        survivor, absorbed = sorted((left, right), key=lambda p: (-p.source_records.count(), p.pk))
        persons_merge(
            survivor=survivor, absorbed=absorbed, actor=actor, purpose=purpose, reason=PersonMerge.Reason.STAFF
        )
    if decision == CandidatePair.Status.REJECTED and left and right and left.pk == right.pk:
        raise LinkageError(_("These records are on one person already; split one off from the person page instead."))
    return pair


def pairs_hold_for_review(
    *, record: SourceRecord, candidates: list[MatchCandidate], actor: Actor, purpose: Purpose | str, reason: str
) -> None:
    """Put a new record and each likely person's best record in the review queue, where a caseworker confirms (the
    two people are merged) or rejects the pair. Used where only a person's own word says who they are (an Open311
    report), so the machine never links them itself. Runs in the caller's transaction; a pair already known is kept."""
    now = timezone.now()
    model = LinkageModel.objects.filter(is_current=True).first()
    entries = []
    for candidate in candidates:
        left, right = sorted((candidate.record_id, record.pk))
        pair, created = CandidatePair.objects.get_or_create(
            record_l_id=left,
            record_r_id=right,
            defaults={
                "match_weight": candidate.match_weight,
                "match_probability": candidate.probability,
                "comparisons": candidate.reasons,
                "model": model,
                "status": CandidatePair.Status.REVIEW,
                "created_at": now,
                "updated_at": now,
            },
        )
        if created:
            entries.append(
                AuditEntry(
                    AuditAction.CREATE,
                    PAIR_OBJECT_TYPE,
                    str(pair.pk),
                    subject_person_id=record.person_id,
                    changes={"status": [None, str(CandidatePair.Status.REVIEW)]},
                    context={"reason": reason, "other_person_id": candidate.person_id},
                )
            )
    if entries:
        audit_events_record(actor=actor, purpose=purpose, entries=entries)
