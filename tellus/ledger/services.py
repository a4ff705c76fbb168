"""Writes to the ledger: financial years, and the needs met in a year recorded as services received. Imports of
contribution and use files are in importing.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tellus.demand.models import Need, NeedStatus
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, audit_event_record

from .importing import lines_insert
from .models import FINANCIAL_YEAR_OBJECT_TYPE, LEDGER_IMPORT_OBJECT_TYPE, FinancialYear, LedgerImport, ServiceUse
from .rules import rules_load

PENNY = Decimal("0.01")
NEEDS_FILE_NAME = "demand: needs met"


@transaction.atomic
def financial_year_create(*, label: str, starts_on: dt.date, ends_on: dt.date, actor: Actor) -> FinancialYear:
    year = FinancialYear(label=label, starts_on=starts_on, ends_on=ends_on)
    year.full_clean()
    year.save()
    audit_event_record(
        actor=actor,
        purpose=Purpose.ADMINISTRATION,
        action=AuditAction.CREATE,
        object_type=FINANCIAL_YEAR_OBJECT_TYPE,
        object_id=year.pk,
        changes={"label": [None, label], "starts_on": [None, str(starts_on)], "ends_on": [None, str(ends_on)]},
    )
    return year


def financial_year_containing(day: dt.date, *, start_month: int = 7) -> tuple[str, dt.date, dt.date]:
    """The label and dates of the financial year (starting on the 1st of `start_month`) that contains `day`."""
    first = day.year if day.month >= start_month else day.year - 1
    starts = dt.date(first, start_month, 1)
    ends = dt.date(first + 1, start_month, 1) - dt.timedelta(days=1)
    label = f"{first}/{str(first + 1)[-2:]}" if start_month != 1 else str(first)
    return label, starts, ends


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@transaction.atomic
def needs_met_record(*, year: FinancialYear, actor: Actor) -> LedgerImport:
    """Each need met in the year, for a person, by a service with a unit cost, becomes one line of service received:
    one unit at the catalogue's cost, tracing to the need. Shared services are left to the apportionment rule.
    Running it again adds only needs not recorded yet."""
    shared = rules_load().shared_codes
    recorded = set(ServiceUse.objects.filter(year=year, need__isnull=False).values_list("need_id", flat=True))
    needs = (
        Need.objects.filter(
            status=NeedStatus.MET,
            met_at__gte=_aware(year.starts_on),
            met_at__lt=_aware(year.ends_on + dt.timedelta(days=1)),
            person__isnull=False,
            service__unit_cost__isnull=False,
        )
        .exclude(service__code__in=shared)
        .values_list("pk", "person_id", "service_id", "service__unit_cost", "met_at")
        .order_by("pk")
    )
    run = LedgerImport.objects.create(
        year=year, kind=LedgerImport.Kind.NEEDS, file_name=NEEDS_FILE_NAME, actor_label=actor.label
    )
    lines = [
        {
            "service_id": service_id,
            "used_on": timezone.localtime(met_at).date(),
            "quantity": Decimal(1),
            "unit_cost": cost,
            "amount": cost.quantize(PENNY),
            "person_id": person_id,
            "need_id": pk,
            "row_number": 0,
            "source_reference": f"need-{pk}",
        }
        for pk, person_id, service_id, cost, met_at in needs.iterator(chunk_size=5000)
        if pk not in recorded and cost is not None
    ]
    lines_insert(ServiceUse, year=year, run=run, lines=lines)
    run.rows_read = run.created = len(lines)
    run.save(update_fields=["rows_read", "created"])
    audit_event_record(
        actor=actor,
        purpose=Purpose.DATA_IMPORT,
        action=AuditAction.CREATE,
        object_type=LEDGER_IMPORT_OBJECT_TYPE,
        object_id=run.pk,
        context={"kind": "needs", "year": year.label, "lines": len(lines)},
    )
    return run
