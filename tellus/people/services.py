"""Writes to people, source systems and source records. Each write is atomic and audited."""

from __future__ import annotations

from django.db import transaction

from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, audit_event_record

from .models import SourceSystem

RESIDENTIAL_PROPERTY_KINDS = ("dwelling", "shared", "pseudo")


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
        object_type="people.sourcesystem",
        object_id=system.pk,
        changes={"name": [None, name], "kind": [None, str(kind)]},
    )
    return system
