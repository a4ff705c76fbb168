"""Writes to people, source systems and source records. Each write is atomic and audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from tellus.common.batch import insert_returning_ids
from tellus.common.text import normalise_email, normalise_name, normalise_phone
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_event_record, audit_events_record

from .models import (
    PERSON_OBJECT_TYPE,
    REPRESENTATIVE_OBJECT_TYPE,
    SOURCE_RECORD_OBJECT_TYPE,
    SOURCE_SYSTEM_OBJECT_TYPE,
    Household,
    Occupancy,
    Person,
    Property,
    Representative,
    SourceRecord,
    SourceRecordVersion,
    SourceSystem,
)

RESIDENTIAL_PROPERTY_KINDS = ("dwelling", "shared", "pseudo")
WRITE_BATCH = 5000


@transaction.atomic
def source_system_create(
    *,
    name: str,
    title: str,
    kind: SourceSystem.Kind | str,
    owning_team: str,
    address_is_residence: bool = False,
    description: str = "",
    actor: Actor | None = None,
) -> SourceSystem:
    system = SourceSystem(
        name=name,
        title=title,
        kind=kind,
        owning_team=owning_team,
        address_is_residence=address_is_residence,
        description=description,
    )
    system.full_clean()
    system.save()
    audit_event_record(
        actor=actor or Actor.system("tellus"),
        purpose=Purpose.ADMINISTRATION,
        action=AuditAction.CREATE,
        object_type=SOURCE_SYSTEM_OBJECT_TYPE,
        object_id=system.pk,
        changes={"name": [None, name], "kind": [None, str(kind)]},
    )
    return system


def person_from_report_create(
    *,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    address: str,
    source_system: SourceSystem,
    source_key: str,
    raw: dict[str, Any],
    actor: Actor,
    purpose: Purpose | str,
) -> SourceRecord:
    """A new person known from one report alone (an Open311 report, say), with the report as their source record
    (returned; its person is the new person), so that linkage can later find them to be someone the council already
    knows. Runs in the caller's transaction."""
    name = " ".join(part for part in (first_name, last_name) if part)
    now = timezone.now()
    person = Person(display_name=name or email or phone, created_at=now, updated_at=now)
    person.full_clean()
    person.save()
    record = SourceRecord(
        source_system=source_system,
        source_key=source_key,
        raw=raw,
        row_hash=hashlib.sha256(json.dumps(raw, sort_keys=True).encode("utf-8")).hexdigest(),
        first_name=first_name,
        last_name=last_name,
        name_normalised=normalise_name(name),
        last_name_normalised=normalise_name(last_name),
        address=address,
        email=normalise_email(email),
        phone=normalise_phone(phone),
        person=person,
        imported_at=now,
        updated_at=now,
    )
    record.full_clean()
    record.save()
    audit_events_record(
        actor=actor,
        purpose=purpose,
        entries=[
            AuditEntry(AuditAction.CREATE, PERSON_OBJECT_TYPE, str(person.pk), subject_person_id=person.pk),
            AuditEntry(
                AuditAction.CREATE,
                SOURCE_RECORD_OBJECT_TYPE,
                str(record.pk),
                subject_person_id=person.pk,
                changes={"source_system": [None, source_system.name], "person_id": [None, person.pk]},
            ),
        ],
    )
    return record


@dataclass(frozen=True)
class PersonSummary:
    display_name: str | None
    date_of_birth: dt.date | None
    date_of_death: dt.date | None


def summary_of_records(records: list[SourceRecord]) -> PersonSummary:
    """The name and date of birth most of a person's records agree on. One system recording a death is enough to
    stop treating the person as alive (the latest date wins), unless it is before their birth."""
    # One pass with plain dicts: a full resolve summarises every new person (186,000 at 200,000 people), and two
    # Counters and a sort per person were a tenth of writing them. max() keeps the first of equal counts, as
    # Counter.most_common(1) does.
    names: dict[str, int] = {}
    births: dict[dt.date, int] = {}
    died: dt.date | None = None
    for record in records:
        name = record.display_name()
        if name:
            names[name] = names.get(name, 0) + 1
        if record.date_of_birth:
            births[record.date_of_birth] = births.get(record.date_of_birth, 0) + 1
        if record.date_of_death and (died is None or record.date_of_death > died):
            died = record.date_of_death
    born = max(births, key=births.__getitem__) if births else None
    return PersonSummary(
        display_name=max(names, key=names.__getitem__) if names else None,
        date_of_birth=born,
        date_of_death=died if died and (born is None or died >= born) else None,
    )


def person_refresh_summary(person: Person) -> None:
    """Bring the person's name, date of birth and death up to date with their records."""
    records = list(person.source_records.all())
    if not records:
        return
    summary = summary_of_records(records)
    person.display_name = summary.display_name or person.display_name
    person.date_of_birth = summary.date_of_birth
    person.date_of_death = summary.date_of_death
    person.updated_at = timezone.now()
    person.save(update_fields=["display_name", "date_of_birth", "date_of_death", "updated_at"])


_PERSON_COLUMNS = ("display_name", "date_of_birth", "date_of_death", "created_at", "updated_at")


def people_insert(people: list[tuple[str, dt.date | None, dt.date | None]], *, now: dt.datetime) -> list[int]:
    """Insert people with plain multi-row INSERTs that return the new ids, in the order given (as capacities are
    stored, decision 0008): `bulk_create` spent most of its time building and compiling model instances."""
    ops = transaction.get_connection().ops
    stamp = ops.adapt_datetimefield_value(now)
    return insert_returning_ids(
        Person,
        _PERSON_COLUMNS,
        [
            (name, ops.adapt_datefield_value(born), ops.adapt_datefield_value(died), stamp, stamp)
            for name, born, died in people
        ],
    )


def records_person_set(rows: list[tuple[int, int]]) -> None:
    """(person id, record id) rows: one prepared UPDATE run for every record (executemany), far quicker than one ORM
    update per person, and than bulk_update's CASE expression, on SQLite and PostgreSQL alike. Runs inside the
    caller's transaction."""
    if not rows:
        return
    connection = transaction.get_connection()
    table = connection.ops.quote_name(SourceRecord._meta.db_table)
    person = connection.ops.quote_name(SourceRecord._meta.get_field("person").column)
    key = connection.ops.quote_name(SourceRecord._meta.pk.column)
    sql = f"UPDATE {table} SET {person} = %s WHERE {key} = %s"  # noqa: S608 (quoted identifiers, values bound)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), WRITE_BATCH):
            cursor.executemany(sql, rows[start : start + WRITE_BATCH])


def occupancies_insert(occupancies: list[tuple[int, int | None, dt.date | None, dt.date | None, int]]) -> None:
    """New occupancies, (person, property, from, to, source record), with one prepared INSERT (executemany);
    nothing needs their ids back."""
    if not occupancies:
        return
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    columns = ["person_id", "property_id", "date_from", "date_to", "source_record_id"]
    table = quote(Occupancy._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 (quoted identifiers)
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    adapt = connection.ops.adapt_datefield_value
    rows = [(person, prop, adapt(start), adapt(end), record) for person, prop, start, end, record in occupancies]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), WRITE_BATCH):
            cursor.executemany(sql, rows[start : start + WRITE_BATCH])


@transaction.atomic
def _households_without_members_delete(stale: models.QuerySet[Household]) -> None:
    """Households nobody lives in any more go, except those other records still account for (a give-and-take
    contribution or service used by the household): those stay, without members, so that history keeps its payer."""
    try:
        with transaction.atomic():
            stale.delete()
    except models.ProtectedError as refused:
        kept = {
            getattr(record, field.attname)
            for record in refused.protected_objects
            for field in record._meta.concrete_fields
            if getattr(field, "related_model", None) is Household
        }
        stale.exclude(pk__in=kept).delete()


def households_rebuild() -> int:
    """One household per dwelling with current occupants; shelters and pseudo-addresses form none."""
    today = timezone.localdate()
    current = (
        Occupancy.objects.filter(property__kind=Property.Kind.DWELLING, person__merged_into__isnull=True)
        .filter(models.Q(date_to__isnull=True) | models.Q(date_to__gte=today))
        .values_list("property_id", "person_id")
    )
    members: dict[int, set[int]] = {}
    for property_id, person_id in current:
        members.setdefault(property_id, set()).add(person_id)
    Through = Household.members.through
    Through.objects.all().delete()
    _households_without_members_delete(Household.objects.exclude(property_id__in=members))
    existing = dict(Household.objects.values_list("property_id", "id"))
    # Plain multi-row INSERTs (decision 0008): after a full resolve that is 80,000 households and 170,000 members,
    # and bulk_create spent most of its time building and compiling their model instances.
    new = [pid for pid in members if pid not in existing]
    formed_at = transaction.get_connection().ops.adapt_datetimefield_value(timezone.now())
    ids = insert_returning_ids(Household, ("property_id", "formed_at"), [(pid, formed_at) for pid in new])
    existing.update(zip(new, ids, strict=True))
    insert_returning_ids(
        Through,
        ("household_id", "person_id"),
        [(existing[pid], person) for pid, people in members.items() for person in people],
    )
    return len(members)


@transaction.atomic
def representative_create(
    *,
    person: Person,
    name: str,
    relationship: Representative.Relationship | str,
    starts_on: dt.date,
    actor: Actor,
    purpose: Purpose | str,
    representative_person: Person | None = None,
    email: str = "",
    phone: str = "",
    address: str = "",
    can_view: bool = False,
    can_act: bool = False,
    receives_correspondence: bool = False,
    ends_on: dt.date | None = None,
    evidence: str = "",
) -> Representative:
    """Record that someone acts for a person, with what they may do and from when. Validated before it is saved
    (an end before the start, or a person representing themself, is refused with a ValidationError)."""
    representative = Representative(
        person=person,
        representative_person=representative_person,
        name=name.strip(),
        email=normalise_email(email) if email else "",
        phone=normalise_phone(phone) if phone else "",
        address=address.strip(),
        relationship=relationship,
        can_view=can_view,
        can_act=can_act,
        receives_correspondence=receives_correspondence,
        starts_on=starts_on,
        ends_on=ends_on,
        evidence=evidence.strip(),
        recorded_by_label=actor.label,
    )
    representative.full_clean()
    representative.save()
    audit_event_record(
        actor=actor,
        purpose=purpose,
        action=AuditAction.CREATE,
        object_type=REPRESENTATIVE_OBJECT_TYPE,
        object_id=representative.pk,
        subject_person_id=person.pk,
        changes={
            "relationship": [None, str(relationship)],
            "scope": [None, representative.scope_words()],
            "starts_on": [None, starts_on.isoformat()],
            "ends_on": [None, ends_on.isoformat() if ends_on else None],
        },
    )
    return representative


@transaction.atomic
def representative_end(
    *, representative: Representative, ends_on: dt.date, reason: str, actor: Actor, purpose: Purpose | str
) -> Representative:
    """End a representative's authority on a date (kept, not deleted, so the history stays true)."""
    before = representative.ends_on
    representative.ends_on = ends_on
    representative.ended_reason = reason.strip()
    representative.full_clean()
    representative.save(update_fields=["ends_on", "ended_reason"])
    audit_event_record(
        actor=actor,
        purpose=purpose,
        action=AuditAction.UPDATE,
        object_type=REPRESENTATIVE_OBJECT_TYPE,
        object_id=representative.pk,
        subject_person_id=representative.person_id,
        changes={"ends_on": [before.isoformat() if before else None, ends_on.isoformat()], "reason": [None, reason]},
    )
    return representative


@transaction.atomic
def person_correspondence_stop(*, person: Person, reason: str, actor: Actor, purpose: Purpose | str) -> Person:
    """Stop all outbound correspondence to a person at once (for example when the council is told of a death).
    Idempotent: a second call keeps the first time and reason."""
    if person.correspondence_stopped_at is not None:
        return person
    person.correspondence_stopped_at = timezone.now()
    person.correspondence_stopped_reason = reason.strip()
    person.updated_at = person.correspondence_stopped_at
    person.save(update_fields=["correspondence_stopped_at", "correspondence_stopped_reason", "updated_at"])
    audit_event_record(
        actor=actor,
        purpose=purpose,
        action=AuditAction.UPDATE,
        object_type=PERSON_OBJECT_TYPE,
        object_id=person.pk,
        subject_person_id=person.pk,
        changes={"correspondence_stopped": [False, True], "reason": [None, reason]},
    )
    return person


@transaction.atomic
def person_no_fixed_address_set(
    *, person: Person, no_fixed_address: bool, actor: Actor, purpose: Purpose | str
) -> Person:
    """Record that a person has (or no longer has) no settled address."""
    if person.no_fixed_address == no_fixed_address:
        return person
    person.no_fixed_address = no_fixed_address
    person.updated_at = timezone.now()
    person.save(update_fields=["no_fixed_address", "updated_at"])
    audit_event_record(
        actor=actor,
        purpose=purpose,
        action=AuditAction.UPDATE,
        object_type=PERSON_OBJECT_TYPE,
        object_id=person.pk,
        subject_person_id=person.pk,
        changes={"no_fixed_address": [not no_fixed_address, no_fixed_address]},
    )
    return person


# The council's own copy of what people tell it about themselves (Tell us once): a source system of Tellus's own.
TOLD_SYSTEM_NAME = "told-us"


def _told_system(actor: Actor) -> SourceSystem:
    system = SourceSystem.objects.filter(name=TOLD_SYSTEM_NAME).first()
    if system is None:
        system = source_system_create(
            name=TOLD_SYSTEM_NAME,
            title="What you told the council (Tell us once)",
            kind=SourceSystem.Kind.OTHER,
            owning_team="Customer services",
            address_is_residence=True,
            description="Names, addresses and contact details people told the council themselves, kept by Tellus.",
            actor=actor,
        )
    return system


_TOLD_FIELDS = ("first_name", "last_name", "address", "postcode", "property_id", "email", "phone")


@transaction.atomic
def person_details_told(
    *,
    person: Person,
    effective_on: dt.date,
    actor: Actor,
    purpose: Purpose | str,
    name: str | None = None,
    address: str | None = None,
    postcode: str = "",
    new_property: Property | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> SourceRecord:
    """Keep what someone told the council about themself (a new name, address or contact details) as Tellus's own
    copy, so every page shows it at once: one source record per person in the system "told-us" (made on first
    use), shown beside the council's systems' records; its earlier state is kept as a version. A new name becomes
    the person's name. A move ends their current homes the day before it and, inside the area (a property), starts
    one there. Only the details given change. Audited (the person and the record) in this transaction."""
    now = timezone.now()
    system = _told_system(actor)
    record = SourceRecord.objects.select_for_update().filter(source_system=system, person=person).first()
    created = record is None
    if record is None:
        first, _sep, last = person.display_name.rpartition(" ")
        record = SourceRecord(
            source_system=system,
            source_key=f"person-{person.pk}",
            first_name=first,
            last_name=last,
            date_of_birth=person.date_of_birth,
            person=person,
            imported_at=now,
            raw={},
        )
        before = dict.fromkeys(_TOLD_FIELDS)
    else:
        before = {field: getattr(record, field) for field in _TOLD_FIELDS}
        SourceRecordVersion.objects.create(
            record=record,
            raw=record.raw,
            row_hash=record.row_hash,
            fields={k: v for k, v in before.items()},
            recorded_at=record.updated_at,
            superseded_at=now,
        )
    told: dict[str, Any] = {}
    person_changes: dict[str, list[Any]] = {}
    if name is not None and name.strip():
        name = " ".join(name.split())
        record.first_name, _sep, record.last_name = name.rpartition(" ")
        told["name"] = name
        if person.display_name != name:
            person_changes["display_name"] = [person.display_name, name]
            person.display_name = name
    record.name_normalised = normalise_name(record.display_name())
    record.last_name_normalised = normalise_name(record.last_name)
    if address is not None and address.strip():
        record.address, record.postcode = address.strip(), postcode.strip().upper()
        record.property = new_property
        told |= {"address": record.address, "postcode": record.postcode}
        if new_property is not None:
            told["property_reference"] = new_property.reference
        ended = []
        for home in Occupancy.objects.filter(person=person).filter(
            models.Q(date_to__isnull=True) | models.Q(date_to__gte=effective_on)
        ):
            if home.date_from is not None and home.date_from >= effective_on:
                continue
            home.date_to = effective_on - dt.timedelta(days=1)
            home.save(update_fields=["date_to"])
            ended.append(home.property_id)
        person_changes["home"] = [ended, [new_property.pk] if new_property is not None else []]
    if email is not None and email.strip():
        record.email = normalise_email(email)
        told["email"] = record.email
    if phone is not None and phone.strip():
        record.phone = normalise_phone(phone)
        told["phone"] = record.phone
    record.raw = {**record.raw, **told, "told_on": effective_on.isoformat()}
    record.row_hash = hashlib.sha256(json.dumps(record.raw, sort_keys=True).encode("utf-8")).hexdigest()
    record.updated_at = now
    record.full_clean(exclude=["property", "person", "source_system"])
    record.save()
    if "address" in told and new_property is not None:
        Occupancy.objects.create(person=person, property=new_property, date_from=effective_on, source_record=record)
    person.updated_at = now
    person.save(update_fields=["display_name", "updated_at"])
    after = {field: getattr(record, field) for field in _TOLD_FIELDS}
    audit_events_record(
        actor=actor,
        purpose=purpose,
        entries=[
            AuditEntry(
                AuditAction.UPDATE,
                PERSON_OBJECT_TYPE,
                str(person.pk),
                subject_person_id=person.pk,
                changes=person_changes,
                context={"told": sorted(told)},
            ),
            AuditEntry(
                AuditAction.CREATE if created else AuditAction.UPDATE,
                SOURCE_RECORD_OBJECT_TYPE,
                str(record.pk),
                subject_person_id=person.pk,
                changes={k: [before[k], after[k]] for k in _TOLD_FIELDS if before[k] != after[k]},
            ),
        ],
    )
    return record
