"""`tellus bench open311`: POST requests throughput and p95 through Django's test client, beside inserting the
same rows (request, need, opened event, contact) directly with the ORM in the same run, as a ratio."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from tellus.catalogue.models import Publicness, Service
from tellus.demand.models import Channel, Contact, DemandType, Need, NeedEvent, NeedStatus
from tellus.open311.keys import api_client_create
from tellus.open311.models import ApiClient, ServiceRequest
from tellus.open311.services import client_actor
from tellus.privacy.services import Actor

MAX_REQUESTS = 5000


class _Rollback(Exception):
    pass


def _service() -> Service:
    service, _ = Service.objects.get_or_create(
        code="bench-open311",
        defaults={
            "name": "Benchmark reports",
            "group": "Bench",
            "description": "Reports made by the Open311 benchmark.",
            "purpose": "Measure.",
            "value_publicness": Publicness.MIXED,
            "funding_publicness": Publicness.PUBLIC,
            "ownership_publicness": Publicness.PUBLIC,
            "political_control_publicness": Publicness.PUBLIC,
            "funding_model": Service.FundingModel.RATES_OR_TAX,
            "responsible_team": "Bench team",
            "open311_enabled": True,
        },
    )
    return service


def _form(i: int, key: str) -> dict[str, str]:
    return {
        "api_key": key,
        "service_code": "bench-open311",
        "lat": "51.5",
        "long": "-0.12",
        "address_string": f"{i} Bench Road",
        "description": f"Benchmark report {i}.",
        "first_name": "Bench",
        "last_name": f"Reporter{i}",
        "email": f"bench{i}@example.org",
    }


def _direct(n: int, client: ApiClient, service: Service) -> None:
    actor = client_actor(client)
    for i in range(n):
        with transaction.atomic():
            at = timezone.now()
            request = ServiceRequest.objects.create(
                client=client, service=service, requested_datetime=at, lat=51.5, long=-0.12, address_string=f"{i}"
            )
            need = Need.objects.create(
                service=service, summary=f"Benchmark report {i}.", status=NeedStatus.OPEN, opened_at=at
            )
            NeedEvent.objects.create(need=need, kind=NeedEvent.Kind.OPENED, to_status="open", actor_label=actor.label)
            contact = Contact.objects.create(
                channel=Channel.APP,
                words=f"Benchmark report {i}.",
                service=service,
                demand_type=DemandType.VALUE,
                need=need,
                is_first_contact_for_need=True,
                source_reference=str(request.pk),
                recorded_by_label=actor.label,
                occurred_at=at,
            )
            request.need, request.contact = need, contact
            request.save(update_fields=["need", "contact"])


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)


def bench_open311(*, requests: int, say: Callable[[str], None]) -> dict[str, Any]:
    """POST `requests` reports through the full stack (key check, rate limit, validation, real-time match, new
    person, contact, need, audit), then insert as many rows directly; everything is rolled back afterwards."""
    if not 1 <= requests <= MAX_REQUESTS:
        raise ValueError(f"--requests must be from 1 to {MAX_REQUESTS}.")
    if connection.vendor != "postgresql":
        say(f"Note: measuring on {connection.vendor}; the figures that count are PostgreSQL's.")
    result: dict[str, Any] = {"requests": requests, "database": connection.vendor}
    try:
        with transaction.atomic():
            service = _service()
            client, key = api_client_create(
                name=f"bench-{int(time.time())}", actor=Actor.system("bench"), rate_limit_per_minute=10**6
            )
            http = Client(SERVER_NAME="127.0.0.1")  # a host the settings allow
            http.post("/open311/v2/requests.json", _form(-1, key))  # warm up: URL resolver, linkage model
            latencies: list[float] = []
            started = time.perf_counter()
            for i in range(requests):
                t0 = time.perf_counter()
                response = http.post("/open311/v2/requests.json", _form(i, key))
                latencies.append(time.perf_counter() - t0)
                if response.status_code != 201:
                    raise RuntimeError(f"POST requests answered {response.status_code}: {response.content[:200]!r}")
            api_seconds = time.perf_counter() - started
            started = time.perf_counter()
            _direct(requests, client, service)
            direct_seconds = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    result.update(
        api_per_second=round(requests / api_seconds, 1),
        api_p50_ms=round(statistics.median(latencies) * 1000, 2),
        api_p95_ms=round(_p95(latencies) * 1000, 2),
        direct_per_second=round(requests / direct_seconds, 1),
        ratio=round((requests / direct_seconds) / (requests / api_seconds), 2),
    )
    say(
        f"Open311 POST requests: {result['api_per_second']}/s, p50 {result['api_p50_ms']} ms, "
        f"p95 {result['api_p95_ms']} ms over {requests:,} reports on {connection.vendor}."
    )
    say(
        f"Direct inserts of the same rows: {result['direct_per_second']}/s. "
        f"The API is {result['ratio']}x slower than inserting directly."
    )
    return result
