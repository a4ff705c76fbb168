from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tellus.demand.models import Need
from tellus.ledger.models import ServiceUse
from tellus.ledger.services import financial_year_containing, needs_met_record
from tellus.privacy.services import Actor

ACTOR = Actor.system("tellus ledger needs")


def _need(town, service, *, met: dt.date | None, status: str = "met") -> Need:  # type: ignore[no-untyped-def]
    when = timezone.make_aware(dt.datetime.combine(met or dt.date(2025, 9, 1), dt.time(12)))
    return Need.objects.create(
        person=town.ana,
        service=service,
        summary="Bin missed",
        status=status,
        opened_at=when,
        met_at=when if met else None,
        end_to_end_seconds=0 if met else None,
    )


def test_needs_met_in_the_year_become_services_received_at_the_unit_cost(town):
    met = _need(town, town.waste, met=dt.date(2025, 9, 1))
    _need(town, town.waste, met=dt.date(2025, 6, 30))  # the year before
    _need(town, town.waste, met=None, status="open")
    _need(town, town.lighting, met=dt.date(2025, 9, 1))  # shared: apportioned instead
    _need(town, town.no_cost, met=dt.date(2025, 9, 1))  # no unit cost

    run = needs_met_record(year=town.year, actor=ACTOR)

    (line,) = ServiceUse.objects.all()
    assert run.created == 1 and line.need == met and line.person == town.ana
    assert (line.quantity, line.unit_cost, line.amount) == (Decimal(1), Decimal("1.85"), Decimal("1.85"))
    assert line.source_reference == f"need-{met.pk}"


def test_recording_needs_again_adds_only_new_ones(town):
    _need(town, town.waste, met=dt.date(2025, 9, 1))
    needs_met_record(year=town.year, actor=ACTOR)

    assert needs_met_record(year=town.year, actor=ACTOR).created == 0
    assert ServiceUse.objects.count() == 1


def test_the_financial_year_of_a_day_starts_in_july():
    assert financial_year_containing(dt.date(2026, 3, 1)) == ("2025/26", dt.date(2025, 7, 1), dt.date(2026, 6, 30))
    assert financial_year_containing(dt.date(2026, 7, 1))[0] == "2026/27"
