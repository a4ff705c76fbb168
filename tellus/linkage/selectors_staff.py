"""Reads of linkage results for staff: the review queue, one pair side by side, and why a person's records are
one person. Each read of personal data writes its audit entries in the same transaction as the read."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tellus.people.models import PERSON_OBJECT_TYPE, Person, SourceRecord
from tellus.people.selectors import StaffPersonView, person_get_for_staff, person_live
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from .models import PAIR_OBJECT_TYPE, CandidatePair, PersonMerge, RecordSplit

QUEUE_STATUSES = (CandidatePair.Status.REVIEW, CandidatePair.Status.NOT_SURE)
EVIDENCE_STATUSES = (CandidatePair.Status.AUTO_LINKED, CandidatePair.Status.CONFIRMED)

# The fields staff compare when deciding whether two records are one person: (attribute, label).
COMPARED_FIELDS = (
    ("first_name", gettext_lazy("First name")),
    ("last_name", gettext_lazy("Last name")),
    ("date_of_birth", gettext_lazy("Date of birth")),
    ("address", gettext_lazy("Address")),
    ("postcode", gettext_lazy("Postcode")),
    ("email", gettext_lazy("Email")),
    ("phone", gettext_lazy("Phone")),
    ("valid_from", gettext_lazy("Valid from")),
    ("valid_to", gettext_lazy("Valid to")),
)


# Evidence: what each comparison contributed


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _text(item: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = item.get(key)
        if value not in (None, ""):
            return str(value)
    return ""


def weight_words(weight: float | None) -> str:
    """A weight (log2 of a Bayes factor) in words staff can act on."""
    if weight is None:
        return _("Not recorded")
    size = abs(weight)
    if size < 0.5:
        return _("little or no evidence either way")
    if weight > 0:
        if size >= 5:
            return _("strong evidence for")
        return _("evidence for") if size >= 2 else _("weak evidence for")
    if size >= 5:
        return _("strong evidence against")
    return _("evidence against") if size >= 2 else _("weak evidence against")


def signed(weight: float | None) -> str:
    if weight is None:
        return "\N{EN DASH}"
    if round(weight, 2) == 0:
        return "0.00"
    return f"+{weight:.2f}" if weight > 0 else f"\N{MINUS SIGN}{abs(weight):.2f}"


@dataclass(frozen=True)
class ComparisonRow:
    """One comparison the model made between two records, and how much its outcome counted."""

    comparison: str
    level: str
    weight: float | None
    bayes_factor: float | None

    @property
    def signed_weight(self) -> str:
        return signed(self.weight)

    @property
    def meaning(self) -> str:
        return weight_words(self.weight)

    @property
    def likelihood(self) -> str:
        """The Bayes factor in words: how many times likelier this finding is for one person than for two."""
        factor = self.bayes_factor
        if factor is None or factor <= 0:
            return ""
        if factor >= 1:
            return _("%(times)s times as likely if they are one person") % {"times": f"{factor:,.1f}"}
        return _("%(times)s times as likely if they are two people") % {"times": f"{1 / factor:,.1f}"}

    @property
    def direction(self) -> str:
        if self.weight is None or abs(self.weight) < 0.5:
            return "neutral"
        return "for" if self.weight > 0 else "against"


def comparison_rows(comparisons: Any) -> list[ComparisonRow]:
    """The rows of an evidence table from a pair's stored comparisons, whatever of the keys are present.

    The weight is log2 of the Bayes factor; when only one of them was kept, the other is worked out."""
    if not isinstance(comparisons, list):
        return []
    rows = []
    for item in comparisons:
        if not isinstance(item, dict):
            continue
        weight = _number(item.get("weight", item.get("log2_bayes_factor")))
        bayes_factor = _number(item.get("bayes_factor"))
        if weight is None and bayes_factor is not None and bayes_factor > 0:
            weight = math.log2(bayes_factor)
        if bayes_factor is None and weight is not None:
            bayes_factor = 2**weight
        rows.append(
            ComparisonRow(
                comparison=_text(item, "comparison", "comparison_name", "output_column_name", "name"),
                level=_text(item, "level", "label_for_charts", "level_label", "label"),
                weight=weight,
                bayes_factor=bayes_factor,
            )
        )
    return rows


@dataclass(frozen=True)
class PairEvidence:
    """A pair's evidence as an evidence table: each comparison's contribution and the total."""

    pair: CandidatePair
    rows: list[ComparisonRow]

    @property
    def match_weight(self) -> float | None:
        return _number(self.pair.match_weight)

    @property
    def signed_match_weight(self) -> str:
        return signed(self.match_weight)

    @property
    def percent(self) -> str:
        probability = _number(self.pair.match_probability)
        if probability is None:
            return _("Not recorded")
        return f"{probability * 100:.1f}%"

    @property
    def prior_weight(self) -> float | None:
        """What the total starts from before any comparison: how likely two records are to match at all."""
        weights = [row.weight for row in self.rows]
        if self.match_weight is None or not weights or any(weight is None for weight in weights):
            return None
        return self.match_weight - sum(weight for weight in weights if weight is not None)

    @property
    def signed_prior_weight(self) -> str:
        return signed(self.prior_weight)

    @property
    def by_staff(self) -> bool:
        return self.pair.status == CandidatePair.Status.CONFIRMED


def pair_evidence(pair: CandidatePair) -> PairEvidence:
    return PairEvidence(pair=pair, rows=comparison_rows(pair.comparisons))


# The review queue


@dataclass(frozen=True)
class ReviewQueue:
    status: CandidatePair.Status
    page: Page[CandidatePair]
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return self.page.paginator.count


def _pairs_with_records() -> QuerySet[CandidatePair]:
    return CandidatePair.objects.select_related(
        "record_l__source_system", "record_r__source_system", "record_l__person", "record_r__person", "decided_by"
    )


# The queue's order: pairs only the model's score put there, most probable first, then pairs a rule held back
# whatever their score (household members, a parent and child), most probable first. A held pair's score is what it
# would have been linked at, often 100%, and it is much less often one person than a pair the model was unsure of.
QUEUE_ORDER = (
    Case(When(held_because="", then=Value(0)), default=Value(1), output_field=IntegerField()),
    F("match_probability").desc(nulls_last=True),
    "id",
)


def _queue(status: CandidatePair.Status) -> QuerySet[CandidatePair]:
    return CandidatePair.objects.filter(status=status).order_by(*QUEUE_ORDER)


def _people_of(pair: CandidatePair) -> list[int | None]:
    """The people a pair is about, once each; a pair of unlinked records is about no one yet."""
    people = list(dict.fromkeys([pair.record_l.person_id, pair.record_r.person_id]))
    return [person_id for person_id in people if person_id is not None] or [None]


def review_queue(
    *,
    actor: Actor,
    purpose: Purpose | str,
    status: CandidatePair.Status = CandidatePair.Status.REVIEW,
    page: int | str | None = 1,
    page_size: int | None = None,
) -> ReviewQueue:
    """A page of pairs waiting for a decision (or marked not sure), in QUEUE_ORDER, with how many there are of
    each. Showing a pair shows two people's names, so each pair on the page is recorded as LISTED."""
    if status not in QUEUE_STATUSES:
        raise ValueError(f"{status!r} is not a review queue")
    counts: dict[str, int] = {str(value): 0 for value in QUEUE_STATUSES}
    with transaction.atomic():
        counts.update(_queue_counts())
        paginator = Paginator(
            _pairs_with_records().filter(status=status).order_by(*QUEUE_ORDER),
            page_size or settings.TELLUS_SEARCH_PAGE_SIZE,
        )
        shown = paginator.get_page(page)
        pairs = list(shown.object_list)
        audit_events_record(
            actor=actor,
            purpose=purpose,
            entries=[
                AuditEntry(
                    AuditAction.LISTED,
                    PAIR_OBJECT_TYPE,
                    str(pair.pk),
                    subject_person_id=person_id,
                    context={"queue": str(status), "page": shown.number},
                )
                for pair in pairs
                for person_id in _people_of(pair)
            ],
        )
    return ReviewQueue(status=status, page=Page(pairs, shown.number, paginator), counts=counts)


def _queue_counts() -> list[tuple[str, int]]:
    rows = CandidatePair.objects.filter(status__in=QUEUE_STATUSES).values("status").annotate(n=Count("id")).order_by()
    return [(row["status"], row["n"]) for row in rows]


def next_pair_in_queue(*, status: CandidatePair.Status, after: CandidatePair | None = None) -> int | None:
    """The id of the pair to review next: the most probable one still in the queue. Reads no personal data."""
    pairs = _queue(status)
    if after is not None:
        pairs = pairs.exclude(pk=after.pk)
    return pairs.values_list("pk", flat=True).first()


# One pair, side by side


@dataclass(frozen=True)
class FieldComparison:
    """One field of the two records, and whether they differ."""

    label: str
    left: Any
    right: Any

    @property
    def differs(self) -> bool:
        return _comparable(self.left) != _comparable(self.right)

    @property
    def one_missing(self) -> bool:
        return self.differs and (_comparable(self.left) == "" or _comparable(self.right) == "")


def _comparable(value: Any) -> str:
    return " ".join(str(value).casefold().split()) if value not in (None, "") else ""


@dataclass(frozen=True)
class PairReview:
    pair: CandidatePair
    evidence: PairEvidence
    fields: list[FieldComparison] = field(default_factory=list)

    @property
    def left(self) -> SourceRecord:
        return self.pair.record_l

    @property
    def right(self) -> SourceRecord:
        return self.pair.record_r

    @property
    def same_person(self) -> bool:
        return self.left.person_id is not None and self.left.person_id == self.right.person_id

    @property
    def is_open(self) -> bool:
        return self.pair.status in QUEUE_STATUSES

    @property
    def difference_count(self) -> int:
        return sum(1 for row in self.fields if row.differs)


def pair_get_for_review(*, actor: Actor, purpose: Purpose | str, pair_id: int) -> PairReview:
    """Two source records side by side with the model's evidence. Writes a VIEW entry for each person shown.

    Raises CandidatePair.DoesNotExist (and writes nothing) when there is no such pair."""
    with transaction.atomic():
        pair = _pairs_with_records().select_related("model").get(pk=pair_id)
        audit_events_record(
            actor=actor,
            purpose=purpose,
            entries=[
                AuditEntry(AuditAction.VIEW, PAIR_OBJECT_TYPE, str(pair.pk), subject_person_id=person_id)
                for person_id in _people_of(pair)
            ],
        )
    source = (_("Source system"), pair.record_l.source_system.title, pair.record_r.source_system.title)
    fields = [FieldComparison(*source)] + [
        FieldComparison(str(label), getattr(pair.record_l, name), getattr(pair.record_r, name))
        for name, label in COMPARED_FIELDS
    ]
    return PairReview(pair=pair, evidence=pair_evidence(pair), fields=fields)


# A person's page: their records, why they are one person, their merges and their household


@dataclass(frozen=True)
class PersonLinkageView:
    """A person's page: the records behind them, the evidence joining them, and their merge history."""

    view: StaffPersonView
    evidence: list[PairEvidence]
    unexplained: list[SourceRecord]
    merges: list[PersonMerge]
    household: list[Person]
    merged_into: Person | None = None
    splits: list[RecordSplit] = field(default_factory=list)

    @property
    def person(self) -> Person:
        return self.view.person


def _merged_into_chain_end(person: Person) -> Person | None:
    """The live person a merged-away person's records ended up with, following later merges."""
    if person.merged_into_id is None:
        return None
    return person_live(person, fields=("id", "display_name", "merged_into"))


def _records_not_explained(records: list[SourceRecord], evidence: list[PairEvidence]) -> list[SourceRecord]:
    """Records the evidence does not join to the largest group of records the evidence does join: those were
    put together by a staff merge (or before linkage kept evidence), not by the model."""
    if len(records) < 2:
        return []
    if not evidence:
        return records
    parent = {record.pk: record.pk for record in records}

    def root(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    for item in evidence:
        parent[root(item.pair.record_l_id)] = root(item.pair.record_r_id)
    groups: dict[int, list[SourceRecord]] = {}
    for record in records:
        groups.setdefault(root(record.pk), []).append(record)
    largest = max(groups.values(), key=len)
    return [record for record in records if record not in largest]


def _audit_others_shown(
    *,
    actor: Actor,
    purpose: Purpose | str,
    person: Person,
    household: list[Person],
    merges: list[PersonMerge],
    merged_into: Person | None,
    splits: tuple[RecordSplit, ...] | list[RecordSplit] = (),
) -> None:
    """A person's page also shows other people: their household (name and date of birth), the people in their
    merge history and the person they were merged into (names). Each is recorded as VIEWED, saying where."""
    shown: dict[int, str] = {}
    for member in household:
        shown.setdefault(member.pk, "household member")
    if merged_into is not None:
        shown.setdefault(merged_into.pk, "merged into")
    for merge in merges:
        for other in (merge.survivor_id, merge.absorbed_id):
            if other != person.pk:
                shown.setdefault(other, "merge history")
    for split in splits:
        for other in (split.from_person_id, split.to_person_id):
            if other != person.pk:
                shown.setdefault(other, "split history")
    entries = [
        AuditEntry(
            AuditAction.VIEW,
            PERSON_OBJECT_TYPE,
            str(other_id),
            subject_person_id=other_id,
            context={"shown_on_page_of": person.pk, "as": role},
        )
        for other_id, role in shown.items()
    ]
    audit_events_record(actor=actor, purpose=purpose, entries=entries)


def person_page_for_staff(
    *, actor: Actor, purpose: Purpose | str, person_id: int, with_evidence: bool = True
) -> PersonLinkageView:
    """Everything on a person's page. Writes one VIEW entry for the person (through person_get_for_staff), and
    one for each other person the page shows: household members, people in the merge history, the person they
    were merged into.

    Raises Person.DoesNotExist (and writes nothing) when there is no such person."""
    with transaction.atomic():
        view = person_get_for_staff(actor=actor, purpose=purpose, person_id=person_id)
        person = view.person
        records = list(person.source_records.all())
        ids = [record.pk for record in records]
        pairs = (
            _pairs_with_records().filter(record_l__in=ids, record_r__in=ids, status__in=EVIDENCE_STATUSES)
            if len(ids) > 1 and with_evidence
            else CandidatePair.objects.none()
        )
        evidence = [pair_evidence(pair) for pair in pairs.order_by("record_l_id", "record_r_id")]
        merges = list(
            PersonMerge.objects.filter(Q(survivor=person) | Q(absorbed=person))
            .select_related("survivor", "absorbed")
            .order_by("-created_at", "-id")
        )
        household = sorted(
            {
                member
                for home in person.households.prefetch_related(
                    Prefetch("members", queryset=Person.objects.exclude(pk=person.pk))
                )
                for member in home.members.all()
            },
            key=lambda member: (member.display_name, member.pk),
        )
        merged_into = _merged_into_chain_end(person)
        splits = list(
            RecordSplit.objects.filter(Q(from_person=person) | Q(to_person=person))
            .select_related("record__source_system", "from_person", "to_person")
            .order_by("-created_at", "-id")
        )
        _audit_others_shown(
            actor=actor,
            purpose=purpose,
            person=person,
            household=household,
            merges=merges,
            merged_into=merged_into,
            splits=splits,
        )
    return PersonLinkageView(
        view=view,
        evidence=evidence,
        unexplained=_records_not_explained(records, evidence),
        merges=merges,
        household=household,
        merged_into=merged_into,
        splits=splits,
    )


# Merging two people: both side by side before staff confirm


@dataclass(frozen=True)
class MergePreview:
    person: StaffPersonView
    other: StaffPersonView | None = None

    @property
    def sides(self) -> list[StaffPersonView]:
        return [view for view in (self.person, self.other) if view is not None]


def merge_preview_for_staff(
    *, actor: Actor, purpose: Purpose | str, person_id: int, other_id: int | None = None
) -> MergePreview:
    """The person staff are merging another into and, once chosen, the other, with their records. Writes a VIEW
    entry for each.

    Raises Person.DoesNotExist (and writes nothing) when either is missing."""
    with transaction.atomic():
        person = person_get_for_staff(actor=actor, purpose=purpose, person_id=person_id)
        other = None
        if other_id is not None:
            other = person_get_for_staff(actor=actor, purpose=purpose, person_id=other_id)
    return MergePreview(person=person, other=other)
