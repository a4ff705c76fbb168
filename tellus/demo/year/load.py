"""Loading the demo year into the database fast: ids assigned up front and rows written with executemany, with
one audit entry for each need and contact created, in one transaction."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from tellus.catalogue.models import Service
from tellus.common.batch import big_sqlite_cache, datetime_adapter
from tellus.demand.models import Contact, Need, NeedEvent
from tellus.demand.services import CONTACT_OBJECT_TYPE, NEED_OBJECT_TYPE
from tellus.demo.models import DemoBuild
from tellus.people.models import Person
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from .generate import DEFAULT_CONTACTS_PER_PERSON, FRONT_OFFICE, DemoYear, ServiceInfo, demo_year_generate
from .hardship import demo_year_worsen

BATCH = 5000
logger = logging.getLogger(__name__)
DEMO_ACTOR_LABEL = "tellus demo"


def _people() -> list[int]:
    living = Person.objects.filter(merged_into__isnull=True, date_of_death__isnull=True)
    return list(living.order_by("pk").values_list("pk", flat=True))


def _town_size(people: int) -> int:
    """How many people live in the town. Before linkage runs there is one person per source record, so the demo
    build's own figure is used when there is one; otherwise everyone living in the database counts."""
    # The build in progress counts too: the year is recorded before the build is marked complete.
    build = DemoBuild.objects.order_by("-started_at", "-id").first()
    return build.people if build is not None else people


def _services() -> list[ServiceInfo]:
    return [
        ServiceInfo(id=s.pk, code=s.code, team=s.responsible_team, what_matters=tuple(s.what_matters or ()))
        for s in Service.objects.order_by("code")
    ]


def _next_id(model: type[models.Model]) -> int:
    return int(model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def _insert(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]], tick: Callable[[int], None]
) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            cursor.executemany(sql, batch)
            tick(len(batch))


@contextmanager
def _indexes_made_afterwards(adding: dict[type[models.Model], int]) -> Iterator[None]:
    """On SQLite, the index entries for a few hundred thousand rows cost less made at once, sorted, than added
    row by row. A table's indexes are dropped and then made again with the very SQL that made them, in the caller's
    transaction, when the rows being added outnumber those already there; unique indexes are checked as they are
    made again. On an error the transaction rolls back, indexes and all."""
    if connection.vendor != "sqlite":
        yield
        return
    saved: list[str] = []
    with connection.cursor() as cursor:
        for model, count in adding.items():
            if model._default_manager.count() >= count:
                continue
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [model._meta.db_table],
            )
            for name, sql in cursor.fetchall():
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                saved.append(sql)
    yield
    with connection.cursor() as cursor:
        for sql in saved:
            cursor.execute(sql)


def _reset_sequences(*models_: type[models.Model]) -> None:
    """PostgreSQL's id sequences must be moved past the ids given here; SQLite needs nothing."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _need_rows(year: DemoYear, first_id: int, stamp: Any) -> Iterator[tuple[Any, ...]]:
    adapt = datetime_adapter()
    # A need is due its service's standard after it was opened, as demand's services set it for a live one.
    standard = {pk: dt.timedelta(days=days) for pk, days in Service.objects.values_list("pk", "standard_days") if days}
    for offset, need in enumerate(year.needs):
        e2e = int((need.met_at - need.opened_at).total_seconds()) if need.met_at is not None else None
        due = standard.get(need.service_id)
        yield (
            first_id + offset, need.person_id, need.service_id, need.summary, need.status, adapt(need.opened_at),
            adapt(need.met_at), adapt(need.closed_at), need.closed_reason, e2e, need.holder_team, stamp, stamp,
            adapt(need.opened_at + due) if due is not None else None,
        )  # fmt: skip


NEED_COLUMNS = (
    "id", "person_id", "service_id", "summary", "status", "opened_at", "met_at", "closed_at", "closed_reason",
    "end_to_end_seconds", "holder_team", "created_at", "updated_at", "due_at",
)  # fmt: skip
CONTACT_COLUMNS = (
    "id", "person_id", "occurred_at", "channel", "words", "capacity", "what_matters", "service_id", "demand_type",
    "failure_cause", "need_id", "is_first_contact_for_need", "resolved_at_first_point", "handed_off_to",
    "consideration_id", "request_modified", "modification", "source_reference", "recorded_by_id",
    "recorded_by_label", "created_at",
)  # fmt: skip
EVENT_COLUMNS = (
    "need_id", "kind", "occurred_at", "from_status", "to_status", "from_team", "to_team", "note", "contact_id",
    "actor_id", "actor_label",
)  # fmt: skip


def _contact_rows(year: DemoYear, first_id: int, first_need: int, actor: Actor, stamp: Any) -> list[tuple[Any, ...]]:
    adapt = datetime_adapter()
    user_id = actor.user.pk if actor.user is not None else None
    return [
        (
            first_id + offset,
            c.person_id,
            adapt(c.occurred_at),
            c.channel,
            c.words,
            c.capacity,
            c.what_matters,
            c.service_id,
            c.demand_type,
            c.failure_cause,
            first_need + c.need,
            c.first,
            c.resolved_at_first_point,
            c.handed_off_to,
            None,
            False,
            "",
            "",
            user_id,
            actor.label,
            stamp,
        )
        for offset, c in enumerate(year.contacts)
    ]


def _event_rows(year: DemoYear, first_need: int, first_contact: int, actor: Actor) -> list[tuple[Any, ...]]:
    """Each need's history: opened, handed to the service's team when it was, and how it ended."""
    adapt = datetime_adapter()
    user_id = actor.user.pk if actor.user is not None else None
    first_contacts = {c.need: first_contact + i for i, c in enumerate(year.contacts) if c.first}
    rows: list[tuple[Any, ...]] = []
    for offset, need in enumerate(year.needs):
        need_id, contact_id, opened = first_need + offset, first_contacts[offset], adapt(need.opened_at)
        rows.append((need_id, "opened", opened, "", "open", "", FRONT_OFFICE, "", contact_id, user_id, actor.label))
        if need.handed_off:
            rows.append(
                (
                    need_id,
                    "handoff",
                    opened,
                    "",
                    "",
                    FRONT_OFFICE,
                    need.holder_team,
                    "",
                    contact_id,
                    user_id,
                    actor.label,
                )
            )
        if need.status == "in_progress":
            rows.append((need_id, "status", opened, "open", "in_progress", "", "", "", None, user_id, actor.label))
        elif need.status == "met":
            rows.append((need_id, "status", adapt(need.met_at), "open", "met", "", "", "", None, user_id, actor.label))
        elif need.status == "closed_other":
            rows.append(
                (need_id, "status", adapt(need.closed_at), "open", "closed_other", "", "", need.closed_reason, None,
                 user_id, actor.label)
            )  # fmt: skip
    return rows


def _audit_entries(year: DemoYear, first_need: int, first_contact: int) -> list[AuditEntry]:
    """One CREATE entry per need and per contact. Dicts are shared between entries where they are equal: they are
    only read (serialised) by the audit writer, and a quarter of a million fresh ones cost seconds."""
    create, context = AuditAction.CREATE, {"import": "demo year"}
    need_changes = {status: {"status": [None, status]} for status in ("open", "in_progress", "met", "closed_other")}
    entries = [
        AuditEntry(
            create, NEED_OBJECT_TYPE, str(first_need + offset), need.person_id, need_changes[need.status], context
        )
        for offset, need in enumerate(year.needs)
    ]
    entries.extend(
        AuditEntry(
            create,
            CONTACT_OBJECT_TYPE,
            str(first_contact + offset),
            contact.person_id,
            {"demand_type": [None, contact.demand_type], "need": [None, first_need + contact.need]},
            context,
        )
        for offset, contact in enumerate(year.contacts)
    )
    return entries


def _since(started: float, timings: dict[str, float]) -> float:
    return time.perf_counter() - started - sum(timings.values())


last_timings: dict[str, float] = {}  # seconds per stage of the last load, for `tellus demo-year` to report


@dataclass(frozen=True)
class YearInputs:
    """What the year is generated from, read from the database: the living people and the services."""

    people: list[int]
    services: list[ServiceInfo]
    contacts_per_person: float
    start: dt.date
    time_zone: str


def demo_year_inputs() -> YearInputs:
    people = _people()
    return YearInputs(
        people=people,
        services=_services(),
        contacts_per_person=DEFAULT_CONTACTS_PER_PERSON * _town_size(len(people)) / max(len(people), 1),
        start=timezone.localdate() - dt.timedelta(days=365),
        time_zone=settings.TIME_ZONE,
    )


def demo_year_make(
    inputs: YearInputs, *, seed: int, hardship: Callable[[list[int]], Mapping[int, float]] | None = None
) -> DemoYear:
    """The year itself, from its inputs alone (no database)."""
    year = demo_year_generate(
        seed=seed,
        people=inputs.people,
        contacts_per_person=inputs.contacts_per_person,
        services=inputs.services,
        start=inputs.start,
        time_zone=inputs.time_zone,
    )
    if hardship is not None:
        year = demo_year_worsen(year, hardship=hardship(inputs.people), seed=seed)
    return year


def demo_year_load(
    *,
    seed: int,
    actor: Any,
    progress: Callable[[int, int], None] | None = None,
    hardship: Callable[[list[int]], Mapping[int, float]] | None = None,
) -> int:
    """The year before today for everyone living in the database, in one transaction. Returns the contact count.

    `hardship`, given the living people, says whose year to make worse and by how much (`hardship.py`)."""
    started = time.perf_counter()
    year = demo_year_make(demo_year_inputs(), seed=seed, hardship=hardship)
    timings = {"generate": time.perf_counter() - started}
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic(), big_sqlite_cache():
        first_need, first_contact = _next_id(Need), _next_id(Contact)
        needs = list(_need_rows(year, first_need, stamp))
        contacts = _contact_rows(year, first_contact, first_need, actor, stamp)
        events = _event_rows(year, first_need, first_contact, actor)
        entries = _audit_entries(year, first_need, first_contact)
        total = len(needs) + len(contacts) + len(events) + len(entries)
        done = 0

        def tick(count: int) -> None:
            nonlocal done
            done += count
            if progress is not None:
                progress(done, total)

        timings["prepare"] = _since(started, timings)
        adding = {Need: len(needs), Contact: len(contacts), NeedEvent: len(events), AuditEvent: len(entries)}
        with _indexes_made_afterwards(adding):
            _insert(Need, NEED_COLUMNS, needs, tick)
            timings["needs"] = _since(started, timings)
            _insert(Contact, CONTACT_COLUMNS, contacts, tick)
            timings["contacts"] = _since(started, timings)
            _insert(NeedEvent, EVENT_COLUMNS, events, tick)
            timings["need events"] = _since(started, timings)
            for start in range(0, len(entries), BATCH * 4):
                chunk = entries[start : start + BATCH * 4]
                tick(audit_events_record(actor=actor, purpose=Purpose.DATA_IMPORT, entries=chunk))
            timings["audit"] = _since(started, timings)
        timings["indexes"] = _since(started, timings)
        _reset_sequences(Need, Contact, NeedEvent)
    timings["commit"] = _since(started, timings)
    logger.debug("Demo year timings (s): %s", {k: round(v, 2) for k, v in timings.items()})
    last_timings.clear()
    last_timings.update(timings)
    return len(contacts)
