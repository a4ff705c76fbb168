"""Writes to the service catalogue: loading a catalogue file, and a team's work on its customer list.

The catalogue holds no personal data, but every change is still written to the audit log (who changed which
service, when, why), as any change to what staff are told about a service should be traceable."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tellus.capacities.models import Capacity
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_event_record, audit_events_record

from .models import (
    CommunityConsideration,
    CustomerGroup,
    CustomerListWorksheet,
    RightsAndResponsibilities,
    Service,
    ServiceAttribute,
    SimonsQuestion,
)

DEMO_CATALOGUE_PATH = Path(__file__).resolve().parent / "demo_catalogue.toml"

SERVICE_FIELDS = (
    "name",
    "group",
    "description",
    "purpose",
    "what_matters",
    "value_publicness",
    "funding_publicness",
    "ownership_publicness",
    "political_control_publicness",
    "funding_model",
    "state_authority",
    "eligible_capacities",
    "unit_cost",
    "unit",
    "responsible_team",
    "standard_days",
    "open311_type",
    "open311_keywords",
    "open311_group",
    "open311_enabled",
)


class CatalogueError(ValueError):
    """A catalogue file or a change that cannot be made, with a message naming the service and the problem."""


@dataclass
class LoadSummary:
    services_created: int = 0
    services_updated: int = 0
    services_unchanged: int = 0
    attributes: int = 0
    customer_groups: int = 0
    community_considerations: int = 0
    rights_texts: int = 0
    codes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"Services: {self.services_created} added, {self.services_updated} changed, "
            f"{self.services_unchanged} unchanged.",
            f"Attributes: {self.attributes}; customer groups: {self.customer_groups}; "
            f"community considerations: {self.community_considerations}; "
            f"rights and responsibilities texts: {self.rights_texts}.",
        ]


def _full_clean(obj: models.Model, where: str) -> None:
    try:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems = "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}" for name, messages in exc.message_dict.items()
        )
        raise CatalogueError(f"{where}: {problems}") from exc


def _decimal(value: Any, where: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise CatalogueError(f"{where}: unit_cost {value!r} is not a number.") from exc


def _service_values(data: Mapping[str, Any]) -> dict[str, Any]:
    code = str(data.get("code", ""))
    where = f"Service {code or '(no code)'}"
    publicness = data.get("publicness", {})
    open311 = data.get("open311", {})
    missing = [k for k in ("value", "funding", "ownership", "political_control") if k not in publicness]
    if missing:
        raise CatalogueError(f"{where}: publicness needs {', '.join(missing)} (1 private to 5 public).")
    return {
        "name": data.get("name", ""),
        "group": data.get("group", ""),
        "description": str(data.get("description", "")).strip(),
        "purpose": str(data.get("purpose", "")).strip(),
        "what_matters": list(data.get("what_matters", [])),
        "value_publicness": publicness["value"],
        "funding_publicness": publicness["funding"],
        "ownership_publicness": publicness["ownership"],
        "political_control_publicness": publicness["political_control"],
        "funding_model": data.get("funding_model", ""),
        "state_authority": data.get("state_authority", Service.StateAuthority.NONE),
        "eligible_capacities": list(data.get("eligible_capacities", [])),
        "unit_cost": _decimal(data.get("unit_cost"), where),
        "unit": data.get("unit", ""),
        "responsible_team": data.get("responsible_team", ""),
        "standard_days": data.get("standard_days"),
        "open311_type": open311.get("type", Service.Open311Type.REALTIME),
        "open311_keywords": list(open311.get("keywords", [])),
        "open311_group": open311.get("group", data.get("group", "")),
        "open311_enabled": bool(open311.get("enabled", False)),
    }


def _upsert_service(data: Mapping[str, Any], summary: LoadSummary, entries: list[AuditEntry]) -> Service:
    code = str(data.get("code", ""))
    values = _service_values(data)
    service = Service.objects.filter(code=code).first()
    before = {name: getattr(service, name) for name in SERVICE_FIELDS} if service else {}
    if service is None:
        service = Service(code=code)
    for name, value in values.items():
        setattr(service, name, value)
    _full_clean(service, f"Service {code or '(no code)'}")
    after = {name: getattr(service, name) for name in SERVICE_FIELDS}
    changes = {k: [_plain(before.get(k)), _plain(v)] for k, v in after.items() if before.get(k) != v}
    if not before:
        summary.services_created += 1
    elif changes:
        summary.services_updated += 1
    else:
        summary.services_unchanged += 1
    if changes:
        service.updated_at = timezone.now()
        service.save()
        entries.append(
            AuditEntry(
                AuditAction.CREATE if not before else AuditAction.UPDATE,
                "catalogue.service",
                service.code,
                changes=changes if before else {},
            )
        )
    return service


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _sync_attributes(service: Service, items: list[Mapping[str, Any]], summary: LoadSummary) -> None:
    """A service's attributes are exactly those in the file: Open311 clients read them as its definition."""
    keep = []
    service.attributes.all().delete()
    for index, item in enumerate(items, start=1):
        attribute = ServiceAttribute(
            service=service,
            code=item.get("code", ""),
            variable=bool(item.get("variable", True)),
            datatype=item.get("datatype", ""),
            required=bool(item.get("required", False)),
            order=int(item.get("order", index)),
            description=item.get("description", ""),
            datatype_description=item.get("datatype_description", ""),
            values=list(item.get("values", [])),
        )
        _full_clean(attribute, f"Service {service.code}, attribute {attribute.code or index}")
        keep.append(attribute)
    codes = [a.code for a in keep]
    orders = [a.order for a in keep]
    if len(set(codes)) != len(codes) or len(set(orders)) != len(orders):
        raise CatalogueError(f"Service {service.code}: attribute codes and orders must each be unique.")
    ServiceAttribute.objects.bulk_create(keep)
    summary.attributes += len(keep)


def _upsert_groups(service: Service, items: list[Mapping[str, Any]], summary: LoadSummary) -> None:
    """Groups in the file are added or updated; groups a team added with the guided form are left alone."""
    for index, item in enumerate(items, start=1):
        segment = item.get("segment", {})
        group = CustomerGroup.objects.filter(
            service=service, kind=item.get("kind", ""), name=item.get("name", "")
        ).first()
        group = group or CustomerGroup(service=service, kind=item.get("kind", ""), name=item.get("name", ""))
        group.description = item.get("description", "")
        group.internal = bool(item.get("internal", False))
        group.segment_capacity = segment.get("capacity", "")
        group.segment_ward = segment.get("ward", "")
        group.segment_service = segment.get("service", "")
        group.order = int(item.get("order", index))
        _full_clean(group, f"Service {service.code}, customer group {group.name or index}")
        group.save()
        summary.customer_groups += 1


def _upsert_considerations(service: Service, items: list[Mapping[str, Any]], summary: LoadSummary) -> None:
    for index, item in enumerate(items, start=1):
        title = item.get("title", "")
        note = CommunityConsideration.objects.filter(service=service, title=title).first()
        note = note or CommunityConsideration(service=service, title=title)
        note.text = str(item.get("text", "")).strip()
        note.order = int(item.get("order", index))
        _full_clean(note, f"Service {service.code}, community consideration {title or index}")
        note.save()
        summary.community_considerations += 1


def _upsert_rights(service: Service | None, items: list[Mapping[str, Any]], summary: LoadSummary) -> None:
    for item in items:
        capacity = item.get("capacity", "")
        where = f"Rights for {capacity or '(no capacity)'}" + (f" in service {service.code}" if service else "")
        if capacity not in Capacity.values:
            raise CatalogueError(f"{where}: {capacity!r} is not one of {', '.join(Capacity.values)}.")
        may, must = list(item.get("may", [])), list(item.get("must", []))
        if not may and not must:
            raise CatalogueError(f"{where}: say what they may do, what they must do, or both.")
        RightsAndResponsibilities.objects.update_or_create(
            capacity=capacity, service=service, defaults={"may": may, "must": must, "updated_at": timezone.now()}
        )
        summary.rights_texts += 1


def catalogue_parse(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{path} is not valid TOML: {exc}") from exc


@transaction.atomic
def catalogue_load(*, path: Path | str, actor: Actor) -> LoadSummary:
    """Add or update every service in a catalogue file, with its attributes, customer groups, community
    considerations and rights texts, and the general rights and responsibilities of each capacity. All or
    nothing: a problem anywhere in the file changes nothing."""
    data = catalogue_parse(Path(path))
    services = data.get("service", [])
    codes = [str(s.get("code", "")) for s in services]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise CatalogueError(f"Service codes appear more than once: {', '.join(duplicates)}.")
    summary = LoadSummary(codes=codes)
    entries: list[AuditEntry] = []
    _upsert_rights(None, data.get("rights", []), summary)
    for item in services:
        service = _upsert_service(item, summary, entries)
        _sync_attributes(service, item.get("attribute", []), summary)
        _upsert_groups(service, item.get("customer_group", []), summary)
        _upsert_considerations(service, item.get("community_consideration", []), summary)
        _upsert_rights(service, item.get("rights", []), summary)
    entries.append(
        AuditEntry(
            AuditAction.UPDATE,
            "catalogue.catalogue",
            Path(path).name[:64],
            context={"path": str(path), "services": len(codes)},
        )
    )
    audit_events_record(actor=actor, purpose=Purpose.SERVICE_MANAGEMENT, entries=entries)
    return summary


# --- A team's customer list -----------------------------------------------------------------------------------

# Which of Simons' questions name groups of which kind: answering them builds the customer list.
QUESTION_GROUP_KIND: dict[str, str] = {
    SimonsQuestion.MISSION: CustomerGroup.Kind.DIRECT_CUSTOMER,
    SimonsQuestion.STAFF: CustomerGroup.Kind.DIRECT_CUSTOMER,
    SimonsQuestion.OUTSIDERS: CustomerGroup.Kind.DIRECT_CUSTOMER,
    SimonsQuestion.AFFECTED: CustomerGroup.Kind.STAKEHOLDER,
    SimonsQuestion.INFLUENCERS: CustomerGroup.Kind.STAKEHOLDER,
    SimonsQuestion.BENEFICIARIES: CustomerGroup.Kind.BENEFICIARY,
}

INTERNAL_PREFIX = "internal:"


@transaction.atomic
def worksheet_answer_save(
    *, service: Service, question: SimonsQuestion | str, answer: str, groups: list[str], actor: Actor
) -> CustomerListWorksheet:
    """Keep a team's answer to one of Simons' questions and add the groups it names to the customer list.

    A group written "internal: parks team" is marked as a team inside the council."""
    question = SimonsQuestion(question)
    worksheet, _created = CustomerListWorksheet.objects.select_for_update().get_or_create(service=service)
    before = worksheet.answer(question)
    worksheet.answers = {**(worksheet.answers or {}), question.value: answer.strip()}
    worksheet.updated_by_label = actor.label
    worksheet.updated_at = timezone.now()
    worksheet.save()
    added = []
    kind = QUESTION_GROUP_KIND.get(question)
    if kind is None:
        if groups:
            raise CatalogueError(_("This question does not name groups for the customer list."))
        groups = []
    next_order = (service.customer_groups.aggregate(top=models.Max("order"))["top"] or 0) + 1
    for line in groups:
        name = line.strip()
        internal = name.casefold().startswith(INTERNAL_PREFIX)
        if not name or service.customer_groups.filter(kind=kind, name__iexact=name).exists():
            continue
        assert kind is not None
        group = CustomerGroup(service=service, kind=kind, name=name[:200], internal=internal, order=next_order)
        _full_clean(group, service.code)
        group.save()
        added.append(name)
        next_order += 1
    audit_event_record(
        actor=actor,
        purpose=Purpose.SERVICE_MANAGEMENT,
        action=AuditAction.UPDATE,
        object_type="catalogue.customerlistworksheet",
        object_id=worksheet.pk,
        changes={question.value: [before, worksheet.answer(question)]} if before != worksheet.answer(question) else {},
        context={"service": service.code, "groups_added": added},
    )
    return worksheet


@dataclass(frozen=True)
class GroupChange:
    group_id: int
    kind: str
    segment_capacity: str
    segment_ward: str
    segment_service: str
    remove: bool


@transaction.atomic
def customer_groups_update(*, service: Service, changes: list[GroupChange], actor: Actor) -> int:
    """Set the kind and segment rule of a service's groups, or take groups off the list; marks the worksheet done."""
    groups = {g.pk: g for g in service.customer_groups.select_for_update()}
    entries = []
    for change in changes:
        group = groups.get(change.group_id)
        if group is None:
            raise CatalogueError(_("That group is not on this service's customer list."))
        if change.remove:
            entries.append(
                AuditEntry(AuditAction.DELETE, "catalogue.customergroup", str(group.pk), context={"name": group.name})
            )
            group.delete()
            continue
        before = {f: getattr(group, f) for f in ("kind", "segment_capacity", "segment_ward", "segment_service")}
        group.kind = change.kind
        group.segment_capacity = change.segment_capacity
        group.segment_ward = change.segment_ward
        group.segment_service = change.segment_service
        after = {f: getattr(group, f) for f in before}
        if before != after:
            _full_clean(group, service.code)
            group.save()
            entries.append(
                AuditEntry(
                    AuditAction.UPDATE,
                    "catalogue.customergroup",
                    str(group.pk),
                    changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
                )
            )
    worksheet, _created = CustomerListWorksheet.objects.get_or_create(service=service)
    worksheet.completed_at = timezone.now()
    worksheet.updated_by_label = actor.label
    worksheet.updated_at = worksheet.completed_at
    worksheet.save()
    audit_events_record(actor=actor, purpose=Purpose.SERVICE_MANAGEMENT, entries=entries)
    return len(entries)
