"""`tellus bench once`: Tell us once end to end. Changes are reported through the services, `tellus worker` processes
deliver them as signed webhooks to local receivers (real HTTP servers on 127.0.0.1 that verify each message with the
partners' receiver helper and act once per webhook-id), and each receiver sends Tellus a signed "actioned"
acknowledgement, recorded by the same service as the callback endpoint. The figures: deliveries a second, the time
from the start of reporting a change to Tellus recording each service's acknowledgement (p50, p95; and to the
subscriber's 2xx), and how many deliveries were lost (never acknowledged) or duplicated (a webhook-id sent again, or
acted on twice).

How changes are offered: by default, closed loop, as `--in-flight` people reporting at once would: a new change is
reported as soon as fewer than that many are waiting for an acknowledgement from every service. Reporting flat out
with no bound measures only how long the queue grows (the reporting side is a fraction of the work, so any queue
falls behind a reporter that never waits); `--rate R` offers R changes a second instead, open loop.

Baseline, measured in the same run: the same receivers sent signed webhooks directly in a loop, with no queue, no
database and no worker. The ratio says what the queue's durability, the database and the acknowledgements cost."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import queue
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db import connection, connections

from tellus.once.models import Delivery, EventRule, EventType, ReportedBy, Subscriber
from tellus.once.receiver import acknowledgement, sign
from tellus.once.services import (
    Reporter,
    acknowledgement_record,
    change_confirm,
    change_report,
    subscriber_create,
    subscriber_update,
)
from tellus.once.testing import Behaviour, LocalReceiver
from tellus.people.models import Person
from tellus.privacy.models import Purpose
from tellus.privacy.services import Actor

Say = Callable[[str], None]
STALL_SECONDS = 120.0
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
    """`tellus worker` processes as deployed: their default polling interval, nothing tuned for the bench."""
    env = dict(os.environ)
    return [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "tellus.cli", "worker", "--worker-id", f"bench-{n}"],
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


class Tally:
    """Acknowledgements recorded per change, across the partners' threads; a change is done when every service has
    acknowledged it (its report id then goes to the bench through `finished`, a multiprocessing queue)."""

    def __init__(self, per_change: int, finished: Any) -> None:
        self.per_change = per_change
        self.finished = finished
        self.acked: Counter[int] = Counter()
        self.refused = 0
        self.lock = threading.Lock()

    def count(self, report_id: int | None) -> None:
        with self.lock:
            if report_id is None:
                self.refused += 1
                return
            self.acked[report_id] += 1
            if self.acked[report_id] == self.per_change:
                self.finished.put(report_id)


class Acknowledger(threading.Thread):
    """One partner's side of acknowledging: its receiver hands over each webhook-id it acted on, and this thread
    sends Tellus the signed "actioned" callback (through `acknowledgement_record`, the service behind the callback
    endpoint: signature, timestamp and ownership checked). Each partner has its own, as separate partners would."""

    def __init__(self, code: str, secret: str, tally: Tally) -> None:
        super().__init__(daemon=True)
        self.inbox: queue.Queue[str | None] = queue.Queue()
        self.code, self.secret, self.tally = code, secret, tally

    def run(self) -> None:
        try:
            while (message_id := self.inbox.get()) is not None:
                body, headers = acknowledgement(self.secret, message_id, "actioned")
                try:
                    delivery = acknowledgement_record(subscriber_code=self.code, body=body, headers=headers)
                except Exception:  # counted: a refused acknowledgement is a lost delivery
                    self.tally.count(None)
                    continue
                self.tally.count(delivery.report_id)
        finally:
            connections.close_all()


def _partners(subscribers: list[tuple[str, str]], control: Any, finished: Any) -> None:
    """The partners, in a process of their own (as they would be): a receiver and an acknowledger per subscriber.
    Sends back the receivers' URLs, waits to be told to stop, then sends back what the receivers saw."""
    tally = Tally(per_change=len(subscribers), finished=finished)
    acknowledgers = [Acknowledger(code, secret, tally) for code, secret in subscribers]
    receivers = [
        LocalReceiver(secret, Behaviour(ack_inline=a.inbox.put)).__enter__()
        for (_code, secret), a in zip(subscribers, acknowledgers, strict=True)
    ]
    for acknowledger in acknowledgers:
        acknowledger.start()
    control.send([r.url for r in receivers])
    control.recv()  # stop
    for receiver in receivers:
        receiver.__exit__(None, None, None)
    for acknowledger in acknowledgers:
        acknowledger.inbox.put(None)
    for acknowledger in acknowledgers:
        acknowledger.join(timeout=60)
    acted: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for receiver in receivers:
        acted.update(receiver.acted)
        seen.update(receiver.seen)
    control.send({"acted": dict(acted), "seen": dict(seen), "refused": tally.refused})


def bench_once(*, events: int, subscribers: int, workers: int, rate: float, in_flight: int, say: Say) -> dict[str, Any]:
    mode = f"open loop, {rate:g} changes a second" if rate else f"closed loop, {in_flight} changes in flight"
    say(f"Database: {connection.vendor}. {events:,} changes to {subscribers} subscribers, {workers} worker(s), {mode}.")
    stamp = int(time.time())
    created = [
        subscriber_create(
            actor=ACTOR,
            code=f"bench-{n}-{stamp}",
            name=f"Bench receiver {n}",
            kind=Subscriber.Kind.WEBHOOK,
            url="http://127.0.0.1:9/",
            purpose="Benchmark",
            event_types=[EventType.CONTACT],
            entitled_fields=["person_reference", "email"],
        )
        for n in range(subscribers)
    ]
    chosen = {subscriber.pk for subscriber, _secret in created}
    Subscriber.objects.exclude(pk__in=chosen).filter(code__startswith="bench-").update(is_active=False)
    baseline_receiver = LocalReceiver(created[0][1]).__enter__()
    baseline = _baseline(baseline_receiver, min(2000, max(200, events)))
    baseline_receiver.__exit__(None, None, None)
    say(f"Baseline: signed webhooks sent directly, no queue: {baseline:,.0f} a second.")

    # The partners run in a forked process of their own, with their own database connection.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    control, partner_end = context.Pipe()
    finished = context.Queue()
    partners = context.Process(
        target=_partners, args=([(s.code, secret) for s, secret in created], partner_end, finished), daemon=True
    )
    partners.start()
    urls = control.recv()
    for (subscriber, _secret), url in zip(created, urls, strict=True):
        subscriber_update(
            actor=ACTOR,
            subscriber_id=subscriber.pk,
            name=subscriber.name,
            url=url,
            purpose="Benchmark",
            event_types=subscriber.event_types,
            entitled_fields=subscriber.entitled_fields,
            is_active=True,
        )
        EventRule.objects.create(event_type=EventType.CONTACT, subscriber=subscriber, always=True)

    people = Person.objects.bulk_create(
        Person(display_name=f"Bench person {n}", date_of_birth=dt.date(1980, 1, 1)) for n in range(events)
    )
    procs = _workers(workers)
    _ready(procs)
    reported: dict[int, float] = {}
    done = 0
    started = time.time()
    progress = started  # the last time a change was fully acknowledged
    stalled = False

    def wait_for_one() -> None:
        """Wait for the next change to be fully acknowledged; give up only when none has been for STALL_SECONDS
        (then the rest are reported as lost, not waited for)."""
        nonlocal done, progress, stalled
        try:
            finished.get(timeout=5)
        except queue.Empty:
            stalled = time.time() - progress > STALL_SECONDS
            return
        done += 1
        progress = time.time()

    try:
        for n, person in enumerate(people):
            if rate:
                wait = started + n / rate - time.time()
                if wait > 0:
                    time.sleep(wait)
            else:
                while len(reported) - done >= in_flight and not stalled:
                    wait_for_one()
                if stalled:
                    say("No change acknowledged for a while: stopping; what is missing counts as lost.")
                    break
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
                say(f"  {n:,} changes reported ({n / (time.time() - started):,.1f} a second)…")
        say(f"Reported {events:,} changes in {time.time() - started:.1f} s; waiting for the last acknowledgements…")
        while done < len(reported) and not stalled:
            wait_for_one()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:  # never leave a worker behind to take another run's deliveries
                proc.kill()
                proc.wait(timeout=30)
                say(f"A worker (pid {proc.pid}) did not stop within 30 s of SIGTERM and was killed.")
        control.send("stop")
        seen_by_partners = control.recv() if control.poll(120) else {"acted": {}, "seen": {}, "refused": -1}
        partners.join(timeout=30)
    rows = list(
        Delivery.objects.filter(report_id__in=list(reported)).values_list(
            "report_id", "message_id", "status", "sent_at", "actioned_at"
        )
    )
    expected = events * len(chosen)
    to_ack = [acked.timestamp() - reported[r] for r, _m, _s, _t, acked in rows if acked is not None]
    to_2xx = [sent.timestamp() - reported[r] for r, _m, _s, sent, _a in rows if sent is not None]
    acted: dict[str, int] = seen_by_partners["acted"]
    seen: dict[str, int] = seen_by_partners["seen"]
    refused = seen_by_partners["refused"]
    acknowledged = {m for _r, m, status, _t, _a in rows if status == Delivery.Status.ACTIONED}
    lost = expected - len(acknowledged & set(acted))
    sent_again = sum(1 for times in seen.values() if times > 1)
    acted_twice = sum(1 for times in acted.values() if times > 1)
    duplicated = sent_again + acted_twice
    last = max((acked.timestamp() for *_x, acked in rows if acked is not None), default=time.time())
    elapsed = max(last - started, 1e-9)
    throughput = len(to_ack) / elapsed
    p50, p95 = _percentile(to_ack, 0.50), _percentile(to_ack, 0.95)
    result: dict[str, Any] = {
        "database": connection.vendor,
        "events": events,
        "subscribers": len(chosen),
        "workers": workers,
        "rate": rate,
        "in_flight": 0 if rate else in_flight,
        "deliveries": len(rows),
        "changes_per_s": round(events / elapsed, 2),
        "throughput_per_s": round(throughput, 1),
        "p50_s": round(p50, 3),
        "p95_s": round(p95, 3),
        "max_s": round(max(to_ack, default=float("nan")), 3),
        "p50_2xx_s": round(_percentile(to_2xx, 0.50), 3),
        "p95_2xx_s": round(_percentile(to_2xx, 0.95), 3),
        "lost": lost,
        "duplicated": duplicated,
        "sent_again": sent_again,
        "acted_twice": acted_twice,
        "refused_acknowledgements": refused,
        "baseline_per_s": round(baseline, 1),
        "ratio_to_baseline": round(throughput / baseline, 3) if baseline else None,
    }
    say(
        f"Deliveries: {len(rows):,} of {expected:,}; throughput {throughput:,.1f} acknowledged a second "
        f"({result['changes_per_s']} changes a second) in {elapsed:.1f} s."
    )
    say(
        f"Baseline {baseline:,.0f} signed webhooks a second sent directly; ratio {result['ratio_to_baseline']} "
        f"(baseline/queue {baseline / max(throughput, 1e-9):,.1f} times)."
    )
    say(
        f"Report to acknowledgement: p50 {result['p50_s']} s, p95 {result['p95_s']} s (max {result['max_s']} s); "
        f"to the subscriber's 2xx: p50 {result['p50_2xx_s']} s, p95 {result['p95_2xx_s']} s."
    )
    say(
        f"Lost: {lost}. Duplicated: {duplicated} (sent again {sent_again}, acted on twice {acted_twice}). "
        f"Acknowledgements refused: {refused}."
    )
    met = p95 < 2 and not lost and not duplicated
    say(f"Target p95 < 2 s, 0 lost, 0 duplicated: {'met' if met else 'NOT met'}.")
    return result
