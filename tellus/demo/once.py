"""Tell us once in the demo town: the council's services and two partners that are told of changes, a year of
changes already told (moves, deaths, births, new names and contact details) with each delivery's history, one
partner that failed for a day and recovered, and, while the demo serves, the partners' receivers and a worker."""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tellus.once.models import (
    ChangeReport,
    Delivery,
    DeliveryAttempt,
    EventRule,
    EventType,
    ReportedBy,
    ShareChoice,
    Subscriber,
)
from tellus.once.rules import payload_for, proposals
from tellus.once.services import backoff_seconds, facts_of, subscriber_create, subscriber_update
from tellus.once.testing import Behaviour, LocalReceiver
from tellus.people.models import Person, Property, SourceSystem
from tellus.people.services import person_correspondence_stop, person_details_told, representative_create
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

ALL: list[str] = list(EventType.values)
IDENTITY = ["person_reference", "name", "date_of_birth", "effective_on"]
# code, name, source system, catalogue service, kinds of change, entitled fields, kinds it is always told of, why
SERVICES: tuple[tuple[str, str, str, str, list[str], list[str], list[str], str], ...] = (
    (
        "rates",
        "Rates",
        "rates",
        "",
        ALL,
        [
            *IDENTITY,
            "date_of_death",
            "new_address",
            "new_postcode",
            "property_reference",
            "moved_out_of_area",
            "new_name",
            "email",
            "phone",
            "representative_name",
            "representative_contact",
        ],
        [],
        "Bills go to the right person at the right address.",
    ),
    (
        "electoral",
        "Electoral register",
        "electoral",
        "",
        [EventType.ADDRESS, EventType.DEATH, EventType.NAME, EventType.NO_FIXED_ADDRESS],
        [
            *IDENTITY,
            "date_of_death",
            "new_address",
            "new_postcode",
            "property_reference",
            "moved_out_of_area",
            "new_name",
            "contact_route",
        ],
        [EventType.DEATH],
        "Keeps the register of electors right.",
    ),
    (
        "library",
        "Libraries",
        "library",
        "",
        [EventType.ADDRESS, EventType.DEATH, EventType.NAME, EventType.CONTACT],
        ["person_reference", "name", "date_of_death", "new_address", "new_postcode", "new_name", "email", "phone"],
        [],
        "Stops loans and reminders, or sends them to the new address.",
    ),
    (
        "animals",
        "Animal registration",
        "animals",
        "",
        [EventType.ADDRESS, EventType.DEATH, EventType.CONTACT],
        ["person_reference", "name", "date_of_death", "new_address", "new_postcode", "email", "phone"],
        [],
        "Keeps the registered keeper of each animal right.",
    ),
    (
        "waste",
        "Household waste and recycling",
        "",
        "household-waste",
        [EventType.ADDRESS, EventType.DEATH, EventType.BIRTH],
        ["person_reference", "effective_on", "new_address", "property_reference", "child_date_of_birth"],
        [EventType.BIRTH],
        "Bins and assisted collections at the right address.",
    ),
    (
        "care",
        "Housing and community care",
        "housing",
        "",
        ALL,
        [
            *IDENTITY,
            "date_of_death",
            "new_address",
            "new_postcode",
            "property_reference",
            "moved_out_of_area",
            "new_name",
            "email",
            "phone",
            "contact_route",
            "representative_name",
            "representative_relationship",
            "representative_contact",
            "child_name",
            "child_date_of_birth",
        ],
        [EventType.DEATH, EventType.NO_FIXED_ADDRESS],
        "Care and tenancies continue safely.",
    ),
)
PARTNERS: tuple[tuple[str, str, list[str], list[str], list[str], str], ...] = (
    (
        "demo-pensions",
        "Pension Service (demo partner)",
        [EventType.DEATH, EventType.ADDRESS],
        ["person_reference", "name", "date_of_birth", "date_of_death", "new_address", "new_postcode"],
        [EventType.DEATH],
        "Stops or redirects pension payments.",
    ),
    (
        "demo-homes",
        "Tellham Homes housing association (demo partner)",
        [EventType.DEATH, EventType.ADDRESS, EventType.REPRESENTATIVE],
        ["person_reference", "name", "date_of_death", "new_address", "representative_name", "representative_contact"],
        [EventType.DEATH, EventType.ADDRESS],
        "Tenancies and repairs.",
    ),
)
FAILING_PARTNER = "demo-homes"
EVENT_MIX = [
    (EventType.ADDRESS, 50),
    (EventType.DEATH, 12),
    (EventType.BIRTH, 8),
    (EventType.NAME, 10),
    (EventType.CONTACT, 14),
    (EventType.NO_FIXED_ADDRESS, 3),
    (EventType.REPRESENTATIVE, 3),
]
ACTOR = Actor.system("tellus demo")


@transaction.atomic
def demo_subscribers_create() -> list[Subscriber]:
    systems = {s.name: s for s in SourceSystem.objects.all()}
    made = []
    for code, name, system, service, events, fields, always, why in SERVICES:
        subscriber, _ = subscriber_create(
            actor=ACTOR,
            code=code,
            name=name,
            kind=Subscriber.Kind.INTERNAL,
            purpose=why,
            event_types=events,
            entitled_fields=fields,
            source_system_id=systems[system].pk if system in systems else None,
            service_code=service,
        )
        made.append(subscriber)
        for event in events:
            EventRule.objects.create(event_type=event, subscriber=subscriber, always=event in always, reason="")
    for code, name, events, fields, always, why in PARTNERS:
        # Demo partners listen on 127.0.0.1 while `tellus demo` serves; their address is set then.
        subscriber, _ = (
            subscriber_create(
                actor=ACTOR,
                code=code,
                name=name,
                kind=Subscriber.Kind.WEBHOOK,
                url="http://127.0.0.1:9/",
                purpose=why,
                event_types=events,
                entitled_fields=fields,
            )
            if settings.TELLUS_ONCE_ALLOW_HTTP
            else _https_partner(code, name, events, fields, why)
        )
        made.append(subscriber)
        for event in events:
            EventRule.objects.create(event_type=event, subscriber=subscriber, always=event in always, reason=why)
    return made


def _https_partner(code: str, name: str, events: list[str], fields: list[str], why: str) -> tuple[Subscriber, str]:
    return subscriber_create(
        actor=ACTOR,
        code=code,
        name=name,
        kind=Subscriber.Kind.WEBHOOK,
        url=f"https://{code}.invalid/hook",
        purpose=why,
        event_types=events,
        entitled_fields=fields,
    )


def _details(kind: str, rng: random.Random, person: Person, properties: list[Property], day: dt.date) -> dict:
    if kind == EventType.ADDRESS:
        if rng.random() < 0.15:
            return {
                "new_address": f"{rng.randint(1, 90)} Harbour Road, Bristol",
                "new_postcode": "BS1 4AA",
                "moved_out_of_area": True,
            }
        p = rng.choice(properties)
        return {
            "new_address": ", ".join(x for x in (p.address_line_1, p.locality) if x),
            "new_postcode": p.postcode,
            "property_reference": p.reference,
            "moved_out_of_area": False,
        }
    if kind == EventType.DEATH:
        return {"date_of_death": day.isoformat()}
    if kind == EventType.BIRTH:
        return {
            "child_name": f"{rng.choice(['Ava', 'Noah', 'Isla', 'Leo', 'Mia', 'Arlo'])} "
            f"{person.display_name.split()[-1]}",
            "child_date_of_birth": day.isoformat(),
        }
    if kind == EventType.NAME:
        return {"new_name": f"{person.display_name.split()[0]} {rng.choice(['Okafor', 'Hughes', 'Patel', 'Lewis'])}"}
    if kind == EventType.CONTACT:
        return {"email": f"{person.display_name.split()[0].lower()}.{person.pk}@example.net", "phone": "01632 960 123"}
    if kind == EventType.NO_FIXED_ADDRESS:
        return {"contact_route": "Tellham day centre, Market Street"}
    return {
        "representative_name": "Sam Advocate",
        "representative_relationship": "advocate",
        "representative_contact": "01632 960 456",
    }


def demo_once_history(*, seed: int, now: dt.datetime | None = None) -> dict[str, int]:
    """A year of changes told through Tell us once, with each delivery's attempts. One partner was down for a day
    (it answered 503): its deliveries that day were retried on the documented back-off and went through when it came
    back. Returns counts."""
    demo_subscribers_create()
    now = now or timezone.now()
    rng = random.Random(seed * 7919 + 14)
    people = list(Person.objects.filter(merged_into__isnull=True).order_by("pk").values_list("pk", flat=True))
    properties = list(Property.objects.filter(kind=Property.Kind.DWELLING).order_by("pk")[:2000])
    count = max(20, len(people) // 100)
    chosen = rng.sample(people, min(count, len(people)))
    outage_start = (now - dt.timedelta(days=120)).replace(hour=9, minute=0, second=0, microsecond=0)
    outage_end = outage_start + dt.timedelta(days=1)
    kinds = [k for k, w in EVENT_MIX for _ in range(w)]
    reports, dead = [], set()
    for pk in chosen:
        kind = rng.choice(kinds)
        if pk in dead:
            continue
        if kind == EventType.DEATH:
            dead.add(pk)
        reported_at = now - dt.timedelta(days=rng.randint(1, 364), minutes=rng.randint(0, 600))
        if rng.random() < 0.15:  # make sure the outage day has some traffic
            reported_at = outage_start + dt.timedelta(minutes=rng.randint(0, 23 * 60))
        reports.append((pk, kind, reported_at))
    persons = Person.objects.in_bulk([pk for pk, _k, _t in reports])
    made = {"changes": 0, "deliveries": 0, "attempts": 0, "outage_retries": 0}
    own: list[ChangeReport] = []
    by_reference = {p.reference: p for p in properties}
    with transaction.atomic():
        entries = []
        for pk, kind, reported_at in reports:
            person = persons[pk]
            day = reported_at.date() - dt.timedelta(days=rng.randint(0, 5))
            by = ReportedBy.PERSON if kind not in (EventType.DEATH, EventType.BIRTH) else ReportedBy.REPRESENTATIVE
            if rng.random() < 0.25:
                by = ReportedBy.STAFF
            report = ChangeReport.objects.create(
                person=person,
                event_type=kind,
                details=_details(kind, rng, person, properties, day),
                effective_on=day,
                status=ChangeReport.Status.CONFIRMED,
                reported_by=by,
                reporter_label="officer" if by == ReportedBy.STAFF else f"resident:demo-{pk}",
                reporter_name="A relative" if by != ReportedBy.PERSON else person.display_name,
                reporter_relationship="next_of_kin" if by != ReportedBy.PERSON else "self",
                notice_version=settings.TELLUS_ONCE_NOTICE_VERSION,
                reported_at=reported_at,
                confirmed_at=reported_at + dt.timedelta(minutes=2),
            )
            made["changes"] += 1
            if kind in (EventType.ADDRESS, EventType.NAME, EventType.CONTACT):
                own.append(report)
            facts = facts_of(report)
            for proposal in proposals(person=person, event_type=kind, facts=facts):
                agreed = rng.random() > 0.08
                ShareChoice.objects.create(
                    report=report,
                    subscriber=proposal.subscriber,
                    fields=list(proposal.fields),
                    reason=proposal.reason,
                    purpose=f"tell-us-once:{kind}",
                    agreed=agreed,
                    notice_version=report.notice_version,
                    chosen_at=report.confirmed_at,
                    chosen_by=by,
                    chosen_by_label=report.reporter_label,
                )
                if agreed:
                    made["attempts"] += _delivered(
                        report, proposal.subscriber, facts, rng, outage_start, outage_end, made
                    )
            entries.append(
                AuditEntry(
                    action=AuditAction.CREATE,
                    object_type="once.change",
                    object_id=str(report.pk),
                    subject_person_id=pk,
                    context={"event_type": kind, "demo_history": True},
                )
            )
            if kind == EventType.DEATH:
                person_correspondence_stop(
                    person=person, reason="Told of their death", actor=ACTOR, purpose=Purpose.ADMINISTRATION
                )
                representative_create(
                    person=person,
                    name="A relative",
                    relationship="next_of_kin",
                    starts_on=day,
                    can_view=True,
                    evidence="Told us of the death through Tell us once",
                    actor=ACTOR,
                    purpose=Purpose.ADMINISTRATION,
                )
        audit_events_record(actor=ACTOR, purpose=Purpose.ADMINISTRATION, entries=entries)
        # Tellus's own copy of each person takes the new name, address or contact details they told, in the order
        # they told them (as confirming a change does).
        for report in sorted(own, key=lambda r: r.reported_at):
            d = report.details
            new_property = by_reference.get(d.get("property_reference", "")) if report.event_type == "address" else None
            person_details_told(
                person=report.person,
                effective_on=report.effective_on,
                actor=ACTOR,
                purpose=Purpose.ADMINISTRATION,
                name=d.get("new_name"),
                address=d.get("new_address"),
                postcode=d.get("new_postcode", ""),
                new_property=new_property,
                email=d.get("email"),
                phone=d.get("phone"),
            )
    return made


def _delivered(
    report: ChangeReport,
    subscriber: Subscriber,
    facts: dict,
    rng: random.Random,
    outage_start: dt.datetime,
    outage_end: dt.datetime,
    made: dict[str, int],
) -> int:
    assert report.confirmed_at is not None
    at = report.confirmed_at + dt.timedelta(seconds=rng.randint(1, 20))
    attempts: list[tuple[dt.datetime, int | None, str]] = []
    if subscriber.code == FAILING_PARTNER:
        number = 1
        while outage_start <= at < outage_end:
            attempts.append((at, 503, "retry"))
            at += dt.timedelta(seconds=backoff_seconds(number))
            number += 1
            made["outage_retries"] += 1
    status_code = None if subscriber.kind == Subscriber.Kind.INTERNAL else 204
    attempts.append((at, status_code, "actioned" if status_code is None else "sent"))
    done = at + dt.timedelta(seconds=rng.randint(1, 3))
    delivery = Delivery.objects.create(
        report=report,
        subscriber=subscriber,
        message_id=f"msg_demo{report.pk:06d}{subscriber.pk:03d}",
        payload={"type": f"person.{report.event_type}", "data": payload_for(subscriber, facts)},
        status=Delivery.Status.ACTIONED,
        attempts=len(attempts),
        next_attempt_at=attempts[0][0],
        created_at=report.confirmed_at,
        sent_at=at,
        received_at=done,
        actioned_at=done + dt.timedelta(minutes=5),
        last_status_code=status_code,
    )
    DeliveryAttempt.objects.bulk_create(
        DeliveryAttempt(
            delivery=delivery,
            number=n,
            started_at=t,
            finished_at=t + dt.timedelta(milliseconds=80),
            status_code=code,
            outcome=outcome,
            error="HTTP 503" if code == 503 else "",
        )
        for n, (t, code, outcome) in enumerate(attempts, start=1)
    )
    made["deliveries"] += 1
    return len(attempts)


def demo_partners_start(*, port: int) -> Callable[[], None]:
    """While the demo serves: each demo partner listens on 127.0.0.1 (acknowledging "actioned" through the signed
    callback), a `tellus worker` runs beside the server, and the partners' addresses point at the listeners.
    Returns a function that stops them."""
    receivers: list[LocalReceiver] = []
    for subscriber in Subscriber.objects.filter(code__in=[code for code, *_ in PARTNERS]):
        receiver = LocalReceiver(
            subscriber.secret,
            Behaviour(ack_url=f"http://127.0.0.1:{port}/once/callbacks/{subscriber.code}/"),
        ).__enter__()
        receivers.append(receiver)
        if settings.TELLUS_ONCE_ALLOW_HTTP:
            subscriber_update(
                actor=ACTOR,
                subscriber_id=subscriber.pk,
                name=subscriber.name,
                url=receiver.url,
                purpose=subscriber.purpose,
                event_types=subscriber.event_types,
                entitled_fields=subscriber.entitled_fields,
                is_active=subscriber.is_active,
            )
    worker = subprocess.Popen([sys.executable, "-m", "tellus.cli", "worker"], env={**os.environ})

    def stop(*_: Any) -> None:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
        for receiver in receivers:
            receiver.__exit__(None, None, None)

    return stop
