"""`tellus bench sar`: producing a subject access copy for the person with the most data, beside reading the same rows
without building the zip (the baseline), in the same run. Nothing is kept: the run is rolled back."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Count

from tellus.people.audit_trail import audit_events_about_person
from tellus.people.models import Person
from tellus.privacy.models import AuditEvent
from tellus.privacy.services import Actor
from tellus.rights.models import SubjectAccessRequest
from tellus.rights.services import subject_access_produce, subject_access_register

TARGET_SECONDS = 60.0


class _RollBack(Exception):
    pass


def busiest_person() -> Person:
    """The person with the most source records, ties broken by most audit entries naming them."""
    top: list[Any] = list(
        Person.objects.filter(merged_into__isnull=True)
        .annotate(records=Count("source_records"))
        .order_by("-records", "pk")[:20]
    )
    if not top:
        raise RuntimeError("there are no people: run `tellus demo --no-serve` first")
    entries = dict(
        AuditEvent.objects.filter(subject_person_id__in=[p.pk for p in top])
        .values_list("subject_person_id")
        .annotate(n=Count("id"))
        .values_list("subject_person_id", "n")
    )
    return max(top, key=lambda p: (p.records, entries.get(p.pk, 0)))


def bench_sar(*, say: Callable[[str], None]) -> dict[str, Any]:
    person = busiest_person()
    started = time.perf_counter()
    audit_rows = len(list(audit_events_about_person(person.pk)))
    records = person.source_records.count()
    baseline = time.perf_counter() - started
    result: dict[str, Any] = {}
    try:
        with transaction.atomic():
            actor = Actor.system("tellus bench sar")
            started = time.perf_counter()
            request = subject_access_register(
                actor=actor, person_id=person.pk, channel=SubjectAccessRequest.Channel.PAPER
            )
            copy = subject_access_produce(actor=actor, request_id=request.pk)
            seconds = time.perf_counter() - started
            result = {
                "person_id": person.pk,
                "source_records": records,
                "audit_entries": audit_rows,
                "zip_bytes": len(copy.content),
                "sar_seconds": round(seconds, 3),
                "baseline_seconds": round(baseline, 3),
                "ratio": round(seconds / baseline, 1) if baseline else None,
                "target_seconds": TARGET_SECONDS,
            }
            raise _RollBack
    except _RollBack:
        pass
    say(
        f"Subject access copy for person {person.pk} ({records} source records, {audit_rows:,} audit entries): "
        f"{result['sar_seconds']:.3f} s, {result['zip_bytes']:,} bytes"
    )
    say(f"Baseline (reading their records and audit entries only): {result['baseline_seconds']:.3f} s")
    verdict = "met" if result["sar_seconds"] < TARGET_SECONDS else "NOT met"
    say(f"Ratio: {result['ratio']}x; target under {TARGET_SECONDS:.0f} s: {verdict}")
    return result
