"""Retention and erasure: rules from the council's TOML file, what they make due, legal holds that stop them for a
person, and the run that anonymises what is due with an erasure receipt and an audit entry for each row."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from tellus.demand.models import Contact
from tellus.people.models import Person, SourceRecord, SourceRecordVersion
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_event_record, audit_events_record

from .models import ErasureReceipt, LegalHold

KINDS = ("contacts", "source_records")
ERASED = "[erased]"
CONTACT_FIELDS = ["words", "what_matters", "modification"]
RECORD_FIELDS = [
    "first_name",
    "last_name",
    "name_normalised",
    "last_name_normalised",
    "date_of_birth",
    "date_of_death",
    "address",
    "postcode",
    "property",
    "email",
    "phone",
    "raw",
    "earlier versions",
]
HOLD_OBJECT_TYPE = "rights.legalhold"


class RetentionError(Exception):
    """The rules file is missing or wrong, or a hold cannot be set or lifted; the message says where and why."""


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    years: int
    source_system: str = "*"

    def cutoff(self, today: dt.date) -> dt.date:
        try:
            return today.replace(year=today.year - self.years)
        except ValueError:  # 29 February
            return today.replace(year=today.year - self.years, day=28)


def rules_path() -> Path:
    return Path(settings.TELLUS_RETENTION_FILE)


def rules_load(path: Path | None = None) -> list[Rule]:
    path = path or rules_path()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RetentionError(f"There is no retention file at {path}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise RetentionError(f"{path} is not valid TOML: {exc}.") from None
    rules = []
    for number, entry in enumerate(document.get("rule", []), start=1):
        where = f"{path.name}, rule {number}"
        if not isinstance(entry, dict) or set(entry) - {"name", "kind", "years", "source_system"}:
            raise RetentionError(f"{where}: only name, kind, years and source_system are allowed.")
        if not isinstance(entry.get("name"), str) or not entry["name"]:
            raise RetentionError(f"{where}: give it a name.")
        if entry.get("kind") not in KINDS:
            raise RetentionError(f"{where}: kind must be one of {', '.join(KINDS)}.")
        years = entry.get("years")
        if not isinstance(years, int) or isinstance(years, bool) or years < 1:
            raise RetentionError(f"{where}: years must be a whole number, 1 or more.")
        system = entry.get("source_system", "*")
        if entry["kind"] == "contacts" and "source_system" in entry:
            raise RetentionError(f"{where}: contacts rules apply to every contact; leave out source_system.")
        if not isinstance(system, str) or not system:
            raise RetentionError(f'{where}: source_system must be a system\'s short name or "*".')
        rules.append(Rule(name=entry["name"], kind=entry["kind"], years=years, source_system=system))
    if len({r.name for r in rules}) != len(rules):
        raise RetentionError(f"{path.name}: two rules have the same name.")
    return rules


def held_person_ids() -> set[int]:
    return set(LegalHold.objects.filter(lifted_at__isnull=True).values_list("person_id", flat=True))


@dataclass(frozen=True)
class Due:
    rule: Rule
    object_type: str
    object_id: int
    person_id: int | None
    due_since: dt.date


def _contacts_due(rule: Rule, today: dt.date, held: set[int]) -> QuerySet[Contact]:
    cutoff = timezone.make_aware(dt.datetime.combine(rule.cutoff(today), dt.time.min))
    return (
        Contact.objects.annotate(ended=Coalesce(F("need__met_at"), F("need__closed_at"), output_field=DateTimeField()))
        .filter(ended__lt=cutoff)
        .exclude(words=ERASED)
        .exclude(person_id__in=held)
        .order_by("pk")
    )


def _records_due(rule: Rule, today: dt.date, held: set[int]) -> QuerySet[SourceRecord]:
    records = SourceRecord.objects.filter(valid_to__lt=rule.cutoff(today)).exclude(raw__has_key="erased_under")
    if rule.source_system != "*":
        records = records.filter(source_system__name=rule.source_system)
    return records.exclude(person_id__in=held).order_by("pk")


def due(rules: list[Rule], *, today: dt.date | None = None) -> list[Due]:
    """Every row the rules make due today, skipping people under a legal hold and rows already erased."""
    today = today or timezone.localdate()
    held = held_person_ids()
    found: list[Due] = []
    seen: set[tuple[str, int]] = set()
    for rule in rules:
        if rule.kind == "contacts":
            for contact in _contacts_due(rule, today, held):
                ended = timezone.localtime(contact.ended).date()  # type: ignore[attr-defined]
                key = ("demand.contact", contact.pk)
                if key not in seen:
                    seen.add(key)
                    found.append(Due(rule, key[0], contact.pk, contact.person_id, _after(ended, rule.years)))
        else:
            for record in _records_due(rule, today, held).only("pk", "person_id", "valid_to"):
                key = ("people.sourcerecord", record.pk)
                if key not in seen and record.valid_to is not None:
                    seen.add(key)
                    found.append(Due(rule, key[0], record.pk, record.person_id, _after(record.valid_to, rule.years)))
    return found


def _after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _erase(item: Due) -> list[str]:
    if item.object_type == "demand.contact":
        Contact.objects.filter(pk=item.object_id).update(words=ERASED, what_matters="", modification="")
        return CONTACT_FIELDS
    SourceRecordVersion.objects.filter(record_id=item.object_id).delete()
    SourceRecord.objects.filter(pk=item.object_id).update(
        first_name="",
        last_name="",
        name_normalised="",
        last_name_normalised="",
        date_of_birth=None,
        date_of_death=None,
        address="",
        postcode="",
        property=None,
        email="",
        phone="",
        raw={"erased_under": item.rule.name},
        updated_at=timezone.now(),
    )
    return RECORD_FIELDS


@transaction.atomic
def retention_apply(*, actor: Actor, rules: list[Rule], today: dt.date | None = None) -> list[ErasureReceipt]:
    """Anonymise every row that is due, each with a receipt and an audit entry (which names the person; the receipt
    does not). Audit entries themselves are never touched: they are append-only."""
    receipts = []
    entries = []
    held = held_person_ids()
    for item in due(rules, today=today):
        if item.person_id in held:  # a hold set since the list was made
            continue
        fields = _erase(item)
        receipt = ErasureReceipt.objects.create(
            rule=item.rule.name,
            kind=item.rule.kind,
            source_system="" if item.rule.kind == "contacts" else item.rule.source_system,
            object_type=item.object_type,
            object_id=str(item.object_id),
            fields=fields,
            due_since=item.due_since,
            run_by_label=actor.label,
        )
        receipts.append(receipt)
        entries.append(
            AuditEntry(
                action=AuditAction.DELETE,
                object_type=item.object_type,
                object_id=str(item.object_id),
                subject_person_id=item.person_id,
                context={"retention_rule": item.rule.name, "erasure_receipt": receipt.pk, "fields": fields},
            )
        )
    audit_events_record(actor=actor, purpose=Purpose.ADMINISTRATION, entries=entries)
    return receipts


@transaction.atomic
def legal_hold_set(*, actor: Actor, person_id: int, reason: str) -> LegalHold:
    person = Person.objects.get(pk=person_id)
    if not reason.strip():
        raise RetentionError("Give the reason for the hold.")
    try:
        with transaction.atomic():
            hold = LegalHold.objects.create(person=person, reason=reason.strip(), set_by_label=actor.label)
    except IntegrityError:
        raise RetentionError(f"Person {person_id} is already under a legal hold.") from None
    audit_event_record(
        actor=actor,
        purpose=Purpose.ADMINISTRATION,
        action=AuditAction.CREATE,
        object_type=HOLD_OBJECT_TYPE,
        object_id=hold.pk,
        subject_person_id=person.pk,
        context={"reason": hold.reason},
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, actor: Actor, person_id: int) -> LegalHold:
    hold = LegalHold.objects.select_for_update().filter(person_id=person_id, lifted_at__isnull=True).first()
    if hold is None:
        raise RetentionError(f"Person {person_id} is not under a legal hold.")
    hold.lifted_at = timezone.now()
    hold.lifted_by_label = actor.label
    hold.save(update_fields=["lifted_at", "lifted_by_label"])
    audit_event_record(
        actor=actor,
        purpose=Purpose.ADMINISTRATION,
        action=AuditAction.UPDATE,
        object_type=HOLD_OBJECT_TYPE,
        object_id=hold.pk,
        subject_person_id=person_id,
        changes={"lifted_at": [None, hold.lifted_at.isoformat()]},
    )
    return hold
