"""`tellus bench once`: Tell us once end to end. Changes are reported through the services (paced at --rate a
second, or as fast as they can be), `tellus worker` processes deliver them as signed webhooks to local receivers
(real HTTP servers on 127.0.0.1 that verify each message with the partners' receiver helper and act once per
webhook-id), and the figures are: deliveries a second, time from report to acknowledgement (the subscriber's 2xx,
recorded by Tellus) at p50 and p95, and how many deliveries were lost or acted on twice.

Baseline, measured in the same run: the same receivers sent signed webhooks directly in a loop, with no queue, no
database and no worker. The ratio says what the queue's durability costs."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from typing import Any

from django.db import connection

from tellus.once.models import Delivery, EventRule, EventType, ReportedBy, Subscriber
from tellus.once.receiver import sign
from tellus.once.services import Reporter, change_confirm, change_report, subscriber_create, subscriber_update
from tellus.once.testing import LocalReceiver
from tellus.people.models import Person
from tellus.privacy.models import Purpose
from tellus.privacy.services import Actor

Say = Callable[[str], None]
ACTOR = Actor.system("tellus bench once")


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _baseline(receiver: LocalReceiver, messages: int) -> float:
    """Signed webhooks straight to a receiver, one after another: messages a second."""
    started = time.perf_counter()
    for n in range(messages):
        body = json.dumps({"type": "person.contact", "data": {"email": f"b{n}@example.org"}})
        headers = sign(receiver.secret, body, message_id=f"msg_baseline_{n}")
        request = urllib.request.Request(receiver.url, data=body.encode(), headers=headers, method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310
            pass
    return messages / (time.perf_counter() - started)


def _workers(count: int) -> list[subprocess.Popen[bytes]]:
    env = dict(os.environ)
    return [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "tellus.cli", "worker", "--interval", "0.05", "--worker-id", f"bench-{n}"],
            env=env,
            stdout=subprocess.PIPE,
        )
        for n in range(count)
    ]


def _ready(procs: list[subprocess.Popen[bytes]]) -> None:
    """Wait for each worker's first line ("Worker … started"), so start-up is not counted as delivery time."""
    for proc in procs:
        assert proc.stdout is not None
        proc.stdout.readline()


def bench_once(*, events: int, subscribers: int, workers: int, rate: float, say: Say) -> dict[str, Any]:
    say(f"Database: {connection.vendor}. {events:,} changes to {subscribers} subscribers, {workers} worker(s).")
    receivers: list[LocalReceiver] = []
    for n in range(subscribers):
        subscriber, secret = subscriber_create(
            actor=ACTOR,
            code=f"bench-{n}-{int(time.time())}",
            name=f"Bench receiver {n}",
            kind=Subscriber.Kind.WEBHOOK,
            url="http://127.0.0.1:9/",
            purpose="Benchmark",
            event_types=[EventType.CONTACT],
            entitled_fields=["person_reference", "email"],
        )
        receiver = LocalReceiver(secret).__enter__()
        receivers.append(receiver)
        subscriber_update(
            actor=ACTOR,
            subscriber_id=subscriber.pk,
            name=subscriber.name,
            url=receiver.url,
            purpose="Benchmark",
            event_types=subscriber.event_types,
            entitled_fields=subscriber.entitled_fields,
            is_active=True,
        )
        EventRule.objects.create(event_type=EventType.CONTACT, subscriber=subscriber, always=True)
    chosen = set(Subscriber.objects.filter(code__startswith="bench-", is_active=True).values_list("pk", flat=True))
    Subscriber.objects.exclude(pk__in=chosen).filter(code__startswith="bench-").update(is_active=False)

    baseline_receiver = LocalReceiver(receivers[0].secret).__enter__()
    baseline = _baseline(baseline_receiver, min(2000, events))
    baseline_receiver.__exit__(None, None, None)
    say(f"Baseline: signed webhooks sent directly, no queue: {baseline:,.0f} a second.")

    people = Person.objects.bulk_create(
        Person(display_name=f"Bench person {n}", date_of_birth=dt.date(1980, 1, 1)) for n in range(events)
    )
    procs = _workers(workers)
    _ready(procs)
    reported: dict[int, float] = {}
    started = time.time()
    try:
        for n, person in enumerate(people):
            if rate:
                wait = started + n / rate - time.time()
                if wait > 0:
                    time.sleep(wait)
            reporter = Reporter(
                by=ReportedBy.PERSON,
                actor=Actor.system(f"resident:bench{n}"),
                name=person.display_name,
                relationship="self",
                account_person_id=person.pk,
            )
            at = time.time()
            report = change_report(
                person=person,
                event_type=EventType.CONTACT,
                data={"email": f"p{n}@example.org"},
                reporter=reporter,
                purpose=Purpose.ADMINISTRATION,
            )
            change_confirm(report_id=report.pk, agreed=chosen, reporter=reporter, purpose=Purpose.ADMINISTRATION)
            reported[report.pk] = at
            if n and n % 1000 == 0:
                say(f"  {n:,} changes reported…")
        reported_in = time.time() - started
        say(f"Reported {events:,} changes in {reported_in:.1f} s; waiting for the deliveries…")
        expected = events * len(chosen)
        deadline = time.time() + max(600.0, events * 0.2)
        ids = list(reported)
        while time.time() < deadline:
            pending = Delivery.objects.filter(report_id__in=ids, status=Delivery.Status.PENDING).count()
            if pending == 0:
                break
            time.sleep(1)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
        for receiver in receivers:
            receiver.__exit__(None, None, None)
    finished = time.time()
    rows = list(
        Delivery.objects.filter(report_id__in=list(reported)).values_list(
            "report_id", "message_id", "status", "sent_at"
        )
    )
    latencies = [sent.timestamp() - reported[report_id] for report_id, _m, _s, sent in rows if sent is not None]
    acted_ids: set[str] = set()
    duplicated = 0
    for receiver in receivers:
        acted_ids |= set(receiver.acted)
        duplicated += sum(1 for times in receiver.acted.values() if times > 1)
    delivered_ids = {m for _r, m, _s, _t in rows}
    lost = expected - len(acted_ids & delivered_ids)
    not_sent = sum(1 for _r, _m, status, _t in rows if status != Delivery.Status.SENT)
    last_sent = max((sent.timestamp() for *_x, sent in rows if sent is not None), default=finished)
    throughput = len(latencies) / max(last_sent - started, 1e-9)
    p50, p95 = _percentile(latencies, 0.50), _percentile(latencies, 0.95)
    result: dict[str, Any] = {
        "database": connection.vendor,
        "events": events,
        "subscribers": len(chosen),
        "workers": workers,
        "rate": rate,
        "deliveries": len(rows),
        "throughput_per_s": round(throughput, 1),
        "p50_s": round(p50, 3),
        "p95_s": round(p95, 3),
        "max_s": round(max(latencies, default=float("nan")), 3),
        "lost": lost,
        "duplicated": duplicated,
        "not_sent": not_sent,
        "baseline_per_s": round(baseline, 1),
        "ratio_to_baseline": round(throughput / baseline, 3) if baseline else None,
    }
    say(
        f"Deliveries: {len(rows):,}; throughput {throughput:,.1f} a second "
        f"(baseline {baseline:,.0f} a second; ratio {result['ratio_to_baseline']})."
    )
    say(f"Report to acknowledgement: p50 {result['p50_s']} s, p95 {result['p95_s']} s (max {result['max_s']} s).")
    say(f"Lost: {lost}. Duplicated: {duplicated}. Not sent: {not_sent}.")
    met = p95 < 2 and not lost and not duplicated
    say(f"Target p95 < 2 s, 0 lost, 0 duplicated: {'met' if met else 'NOT met'}.")
    return result
