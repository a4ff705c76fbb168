"""`tellus bench ledger`: statements for every household of the current town (the demo's), and the staff statement
page's p95, each beside a raw baseline query measured in the same run. Nothing is kept: the run is rolled back."""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from tellus.ledger.models import Contribution, FinancialYear, ServiceUse
from tellus.ledger.selectors import household_statements
from tellus.people.models import Household

ALL_TARGET_SECONDS = 60.0
PAGE_TARGET_MS = 300.0
Say = Callable[[str], None]


class _RollBack(Exception):
    pass


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _raw(querysets: list[Any]) -> None:
    with connection.cursor() as cursor:
        for queryset in querysets:
            sql, params = queryset.query.sql_with_params()
            cursor.execute(sql, params)
            cursor.fetchall()


def _household_querysets(year: FinancialYear, household: Household) -> list[Any]:
    """The baseline for one page: the two queries that read a household's lines, without building anything."""
    people = list(household.members.values_list("pk", flat=True))
    return [
        Contribution.objects.filter(year=year)
        .filter(Q(payer_person__in=people) | Q(payer_household=household))
        .values_list("amount", "paid_on", "description"),
        ServiceUse.objects.filter(year=year)
        .filter(Q(person__in=people) | Q(household=household))
        .values_list("amount", "used_on", "service__name"),
    ]


def _page_client() -> Any:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from tellus.privacy import roles
    from tellus.privacy.purposes import PURPOSE_SESSION_KEY

    roles.sync_roles()
    user, _ = get_user_model().objects.get_or_create(username="bench-ledger-officer")
    user.groups.add(Group.objects.get(name=roles.FRONT_LINE_OFFICER))
    client = Client(SERVER_NAME="localhost")  # a host ALLOWED_HOSTS accepts by default
    client.force_login(user)
    session = client.session
    session[PURPOSE_SESSION_KEY] = "enquiry"
    session.save()
    return client


def bench_ledger(*, pages: int, say: Say) -> dict[str, Any]:
    year = FinancialYear.objects.first()
    if year is None or not Contribution.objects.filter(year=year).exists():
        raise RuntimeError("there is no ledger to measure: run `tellus demo --no-serve` first")
    households = Household.objects.count()
    say(
        f"Financial year {year.label}: {households:,} households, "
        f"{Contribution.objects.filter(year=year).count():,} contributions, "
        f"{ServiceUse.objects.filter(year=year).count():,} services received"
    )

    started = time.perf_counter()
    _raw(
        [
            Contribution.objects.filter(year=year).values_list("payer_person", "payer_household", "amount"),
            ServiceUse.objects.filter(year=year).values_list("person", "household", "amount"),
        ]
    )
    all_baseline = time.perf_counter() - started
    started = time.perf_counter()
    statements = household_statements(year)
    all_seconds = time.perf_counter() - started
    lines = sum(len(s.contributed) + len(s.received) + len(s.shared) for s in statements.values())

    ids = sorted(statements)
    sample = random.Random(1).sample(ids, min(pages, len(ids)))  # noqa: S311 (a repeatable sample, not a secret)
    page_ms: list[float] = []
    query_ms: list[float] = []
    result: dict[str, Any] = {}
    try:
        with transaction.atomic():
            client = _page_client()
            client.get(f"/ledger/households/{sample[0]}/statement/")  # warm the templates and caches
            for household_id in sample:
                began = time.perf_counter()
                response = client.get(f"/ledger/households/{household_id}/statement/")
                page_ms.append((time.perf_counter() - began) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"statement page for household {household_id} answered {response.status_code}")
                querysets = _household_querysets(year, Household.objects.get(pk=household_id))
                began = time.perf_counter()
                _raw(querysets)
                query_ms.append((time.perf_counter() - began) * 1000)
            raise _RollBack
    except _RollBack:
        pass
    result = {
        "households": households,
        "statement_lines": lines,
        "all_statements_seconds": round(all_seconds, 3),
        "all_baseline_seconds": round(all_baseline, 3),
        "all_ratio": round(all_seconds / all_baseline, 1) if all_baseline else None,
        "page_p95_ms": round(_p95(page_ms), 1),
        "page_median_ms": round(statistics.median(page_ms), 1),
        "page_baseline_p95_ms": round(_p95(query_ms), 2),
        "page_ratio": round(_p95(page_ms) / _p95(query_ms), 1) if _p95(query_ms) else None,
        "pages": len(page_ms),
        "database": connection.vendor,
    }
    say(f"Statements for every household ({households:,}, {lines:,} lines): {all_seconds:.2f} s")
    say(f"Baseline (reading every contribution and service received, raw): {all_baseline:.2f} s")
    verdict = "met" if all_seconds < ALL_TARGET_SECONDS else "NOT met"
    say(f"Ratio: {result['all_ratio']}x; target under {ALL_TARGET_SECONDS:.0f} s: {verdict}")
    say(
        f"Statement page over {len(page_ms)} households: p95 {result['page_p95_ms']} ms "
        f"(median {result['page_median_ms']} ms)"
    )
    say(f"Baseline (the page's two raw queries): p95 {result['page_baseline_p95_ms']} ms")
    verdict = "met" if result["page_p95_ms"] < PAGE_TARGET_MS else "NOT met"
    say(f"Ratio: {result['page_ratio']}x; target p95 under {PAGE_TARGET_MS:.0f} ms: {verdict}")
    return result
