"""Reads that feed the linkage engine: source records as a DataFrame, with no personal data leaving Tellus."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
from django.db.models import Q

from tellus.people.models import Property, SourceRecord

from .engine.prepare import INPUT_COLUMNS
from .models import CandidatePair

# Phrases councils use in place of an address. They say nothing about who a person is.
PSEUDO_ADDRESS = re.compile(r"\b(no fixed (abode|address)|nfa|homeless|c/o|care of|unknown|not known)\b", re.I)
EVIDENCE_KINDS = {Property.Kind.DWELLING, Property.Kind.NON_RESIDENTIAL}
# The source record's fields the engine's input columns are made from, in their order (the property's kind gives
# address_is_evidence).
RECORD_FIELDS = (
    "pk",
    "source_system__name",
    "first_name",
    "last_name",
    "date_of_birth",
    "address",
    "postcode",
    "email",
    "phone",
    "property__kind",
)


def address_is_evidence(address: str, property_kind: str | None) -> bool:
    if property_kind is not None and property_kind not in EVIDENCE_KINDS:
        return False
    return not PSEUDO_ADDRESS.search(address or "")


def records_frame(*, ids: Iterable[int] | None = None, query: Q | None = None) -> pd.DataFrame:
    """Source records of people (not organisations) in the engine's input shape; empty strings become missing."""
    records = SourceRecord.objects.filter(is_organisation=False)
    if ids is not None:
        records = records.filter(pk__in=list(ids))
    if query is not None:
        records = records.filter(query)
    rows = records.order_by("pk").values_list(*RECORD_FIELDS)
    data = [
        (pk, system, first, last, dob, address, postcode, email, phone, address_is_evidence(address, kind))
        for pk, system, first, last, dob, address, postcode, email, phone, kind in rows.iterator(chunk_size=5000)
    ]
    frame = pd.DataFrame(data, columns=INPUT_COLUMNS)
    text_columns = ["first_name", "last_name", "address", "postcode", "email", "phone"]
    frame[text_columns] = frame[text_columns].replace("", None)
    return frame


def staff_decisions() -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(must-link, cannot-link) record pairs from staff decisions, which every linkage run respects."""
    decided = CandidatePair.objects.filter(
        status__in=[CandidatePair.Status.CONFIRMED, CandidatePair.Status.REJECTED]
    ).values_list("record_l_id", "record_r_id", "status")
    must = [(left, right) for left, right, status in decided if status == CandidatePair.Status.CONFIRMED]
    cannot = [(left, right) for left, right, status in decided if status == CandidatePair.Status.REJECTED]
    return must, cannot
