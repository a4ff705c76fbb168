"""Real-time matching at the front door: of the people we know, who is this?

Candidate records come from the database through indexed columns (date of birth, surname, postcode, email,
phone); the saved linkage model scores them; each person's best record gives that person's probability and the
reasons. Every person returned is written to the audit log as shown to the caller.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When

from tellus.common.text import normalise_email, normalise_name, normalise_phone, normalise_postcode
from tellus.people.importing import split_full_name
from tellus.people.models import PERSON_OBJECT_TYPE, SourceRecord
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from . import engine
from .engine.prepare import INPUT_COLUMNS, prepare_record
from .evidence import evidence_rows, is_missing
from .models import LinkageModel
from .selectors import RECORD_FIELDS, address_is_evidence

# Scoring costs about as much per candidate as the rest of a call together; a common surname with a first initial
# brings hundreds of rows in a 20,000-person town, so the likeliest-looking are scored first and the rest dropped.
CANDIDATE_LIMIT = 100


class MatchError(ValueError):
    """The details given cannot identify anyone (nothing usable was given)."""


@dataclass(frozen=True)
class MatchDetails:
    """What a caller, a form or an app tells us about someone: any subset will do."""

    first_name: str = ""
    last_name: str = ""
    name: str = ""
    date_of_birth: dt.date | None = None
    address: str = ""
    postcode: str = ""
    email: str = ""
    phone: str = ""

    def names(self) -> tuple[str, str]:
        if self.first_name or self.last_name:
            return self.first_name.strip(), self.last_name.strip()
        return split_full_name(self.name) if self.name.strip() else ("", "")

    def query(self) -> dict[str, Any]:
        first, last = self.names()
        return {
            "first_name": first or None,
            "last_name": last or None,
            "date_of_birth": self.date_of_birth,
            "address": self.address.strip() or None,
            "postcode": self.postcode.strip() or None,
            "email": self.email.strip() or None,
            "phone": self.phone.strip() or None,
            "address_is_evidence": address_is_evidence(self.address, None),
        }

    def given(self) -> list[str]:
        return [name for name, value in self.query().items() if value and name != "address_is_evidence"]


@dataclass
class MatchCandidate:
    """A person who may be the one described, with how likely and why."""

    person_id: int
    display_name: str
    date_of_birth: dt.date | None
    probability: float
    match_weight: float
    record_id: int
    source_system: str
    reasons: list[dict[str, Any]] = field(default_factory=list)


class _ModelCache:
    """The current model, loaded once per process and reloaded when a new version becomes current."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: str | None = None
        self.model: engine.TrainedModel | None = None

    def get(self) -> engine.TrainedModel | None:
        row = LinkageModel.objects.filter(is_current=True).values_list("version", flat=True).first()
        if row is None:
            return None
        with self.lock:
            if row != self.version:
                settings_json = LinkageModel.objects.get(version=row).splink_settings
                self.model = engine.TrainedModel.from_json(json.dumps(settings_json))
                self.version = row
            return self.model


_models = _ModelCache()


class _PreparedCache:
    """Prepared candidate records keyed by (id, updated_at): a changed record is prepared again. Bounded, oldest
    entries dropped first, so a large council's server holds at most MAX_ENTRIES records."""

    MAX_ENTRIES = 100_000

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: dict[tuple[int, Any], dict[str, Any]] = {}

    def get(self, row: tuple[Any, ...], make: Any) -> dict[str, Any]:
        key = (row[0], row[-1])
        found = self.entries.get(key)
        if found is None:
            found = make()
            with self.lock:
                if len(self.entries) >= self.MAX_ENTRIES:
                    for stale in list(self.entries)[: self.MAX_ENTRIES // 10]:
                        self.entries.pop(stale, None)
                self.entries[key] = found
        return found


_prepared = _PreparedCache()


def _prepare(row: tuple[Any, ...]) -> dict[str, Any]:
    return prepare_record(dict(zip(INPUT_COLUMNS, (*row[:9], address_is_evidence(row[5], row[9])), strict=True)))


def _candidate_filter(details: MatchDetails, also_surnames: Sequence[str] = ()) -> Q:
    first, last = details.names()
    first_n, last_n = normalise_name(first), normalise_name(last)
    clauses: list[Q] = []
    if details.date_of_birth:
        clauses.append(Q(date_of_birth=details.date_of_birth))
    if last_n:
        by_name = Q(last_name_normalised=last_n)
        if first_n:
            by_name &= Q(name_normalised__startswith=first_n[:1])
        clauses.append(by_name)
    if details.postcode.strip():
        # A postcode holds dozens of people: with a name given, only those sharing the surname or first initial.
        by_postcode = Q(postcode=normalise_postcode(details.postcode))
        if last_n or first_n:
            narrow = Q(last_name_normalised=last_n) if last_n else Q()
            if first_n:
                narrow |= Q(name_normalised__startswith=first_n[:1])
            by_postcode &= narrow
        clauses.append(by_postcode)
    if details.email.strip():
        clauses.append(Q(email=normalise_email(details.email)))
    if details.phone.strip() and normalise_phone(details.phone):
        clauses.append(Q(phone=normalise_phone(details.phone)))
    if also_surnames:  # names that sound or look like the surname given ("Smyth" for Smith): the model judges them
        clauses.append(Q(last_name_normalised__in=list(also_surnames)))
    if not clauses:
        raise MatchError("Give at least a surname, a date of birth, a postcode, an email address or a phone number.")
    combined = clauses[0]
    for clause in clauses[1:]:
        combined |= clause
    return combined


def _relevance(details: MatchDetails, also_surnames: Sequence[str] = ()) -> Any:
    """How much a candidate row shares with the details at a glance (an exact email, phone, date of birth,
    postcode, surname, the start of the first name), so that the likeliest are scored when a block is large."""
    first, last = details.names()
    first_n, last_n = normalise_name(first), normalise_name(last)
    signals: list[tuple[Q, int]] = []
    if details.email.strip():
        signals.append((Q(email=normalise_email(details.email)), 8))
    if details.phone.strip() and normalise_phone(details.phone):
        signals.append((Q(phone=normalise_phone(details.phone)), 8))
    if details.date_of_birth:
        signals.append((Q(date_of_birth=details.date_of_birth), 4))
    if details.postcode.strip():
        signals.append((Q(postcode=normalise_postcode(details.postcode)), 2))
    if last_n:
        signals.append((Q(last_name_normalised=last_n), 2))
    if also_surnames:
        signals.append((Q(last_name_normalised__in=list(also_surnames)), 1))
    if len(first_n) >= 2:
        signals.append((Q(name_normalised__startswith=first_n[:2]), 1))
    if not signals:
        return Value(0)
    cases = [Case(When(q, then=Value(points)), default=Value(0), output_field=IntegerField()) for q, points in signals]
    return functools.reduce(operator.add, cases)


def candidate_records(details: MatchDetails, also_surnames: Sequence[str] = ()) -> Any:
    """The source records worth scoring for these details: linked people's records sharing an indexed value,
    those sharing most first, at most CANDIDATE_LIMIT. `also_surnames` widens the net to surnames like the one
    given (the console's search passes those that sound or are spelt alike)."""
    return (
        SourceRecord.objects.filter(
            _candidate_filter(details, also_surnames), is_organisation=False, person__merged_into__isnull=True
        )
        .exclude(person__isnull=True)
        .annotate(relevance=_relevance(details, also_surnames))
        .order_by("-relevance", "pk")
    )


def _reasons(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    reasons = [
        {"comparison": item["comparison"], "level": item["level"], "weight": round(item["weight"], 3)}
        for item in evidence
        if not is_missing(item)
    ]
    return sorted(reasons, key=lambda reason: -abs(reason["weight"]))


def match_person(
    details: MatchDetails,
    *,
    actor: Actor,
    purpose: Purpose | str,
    limit: int = 10,
    min_probability: float = 0.01,
    also_surnames: Sequence[str] = (),
    audit: bool = True,
) -> list[MatchCandidate]:
    """Candidate people for the details given, most likely first. Audited: each person returned is 'listed'
    (audit=False only for a caller that writes its own entries for what it shows, in the same transaction)."""
    model = _models.get()
    if model is None:
        raise MatchError("No linkage model yet: run `tellus resolve` once first.")
    records = list(
        candidate_records(details, also_surnames).values_list(
            *RECORD_FIELDS,
            "person_id",
            "person__display_name",
            "person__date_of_birth",
            "updated_at",
        )[:CANDIDATE_LIMIT]
    )
    if not records:
        if audit:
            _audit(actor, purpose, details, [])
        return []
    # Each record prepared once per process until it changes, and scored without pandas.
    prepared = [_prepared.get(row, lambda row=row: _prepare(row)) for row in records]
    ids, scored, order = engine.score_prepared_query(details.query(), prepared, model)
    about = {row[0]: row for row in records}
    best: dict[int, MatchCandidate] = {}
    probabilities = scored["match_probability"]
    likely = [int(row) for row in order if probabilities[row] >= min_probability][: limit * 4]
    rows = zip(
        ids[likely].tolist(),
        probabilities[likely].tolist(),
        scored["match_weight"][likely].tolist(),
        evidence_rows(scored, likely, model),
        strict=True,
    )
    for unique_id, probability, match_weight, evidence in rows:
        record = about[int(unique_id)]
        person_id = record[10]
        if person_id in best:
            continue  # scores are sorted best first: the first record seen is the person's best
        best[person_id] = MatchCandidate(
            person_id=person_id,
            display_name=record[11],
            date_of_birth=record[12],
            probability=float(probability),
            match_weight=float(match_weight),
            record_id=record[0],
            source_system=record[1],
            reasons=_reasons(evidence),
        )
        if len(best) >= limit:
            break
    found = list(best.values())
    if audit:
        _audit(actor, purpose, details, found)
    return found


@transaction.atomic
def _audit(actor: Actor, purpose: Purpose | str, details: MatchDetails, found: list[MatchCandidate]) -> None:
    entries = [
        AuditEntry(
            AuditAction.SEARCH,
            PERSON_OBJECT_TYPE,
            context={"match_on": details.given(), "results": len(found)},
        ),
        *(
            AuditEntry(
                AuditAction.LISTED,
                PERSON_OBJECT_TYPE,
                str(candidate.person_id),
                subject_person_id=candidate.person_id,
                context={"match_probability": round(candidate.probability, 4)},
            )
            for candidate in found
        ),
    ]
    audit_events_record(actor=actor, purpose=purpose, entries=entries)
