"""Reading a team's worklist of needs: the open needs a team holds (or all teams'), in queues (unassigned, mine,
due soon, overdue, waiting on the resident), by service, soonest due first. A page of the worklist shows people's
names and needs, so reading it writes one VIEW entry per person shown, with the purpose, in the same transaction.
The counts say how many needs, never whose, and write nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tellus.catalogue.models import Service
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from .models import OPEN_STATUSES, Need
from .services import NEED_OBJECT_TYPE

PAGE_SIZE = 50
DUE_SOON = dt.timedelta(days=2)
ALL_TEAMS = ""


class Queue:
    """The worklist's queues, in the order the page shows them."""

    ALL = "all"
    UNASSIGNED = "unassigned"
    MINE = "mine"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    WAITING = "waiting"

    LABELS: dict[str, Any] = {
        ALL: _("All open"),
        UNASSIGNED: _("Unassigned"),
        MINE: _("Mine"),
        DUE_SOON: _("Due soon"),
        OVERDUE: _("Overdue"),
        WAITING: _("Waiting on the resident"),
    }
    ORDER = (ALL, UNASSIGNED, MINE, DUE_SOON, OVERDUE, WAITING)


def _queue_q(queue: str, *, user: Any, now: dt.datetime) -> Q:
    if queue == Queue.UNASSIGNED:
        return Q(assignee__isnull=True)
    if queue == Queue.MINE:
        return Q(assignee_id=getattr(user, "pk", None))
    if queue == Queue.DUE_SOON:
        return Q(due_at__gte=now, due_at__lt=now + DUE_SOON)
    if queue == Queue.OVERDUE:
        return Q(due_at__lt=now)
    if queue == Queue.WAITING:
        return Q(waiting_since__isnull=False)
    return Q()


def _open_needs(*, team: str, service: Service | None) -> QuerySet[Need]:
    needs = Need.objects.filter(status__in=OPEN_STATUSES)
    if team != ALL_TEAMS:
        needs = needs.filter(holder_team=team)
    if service is not None:
        needs = needs.filter(service=service)
    return needs


def worklist_counts(
    *, user: Any, team: str = ALL_TEAMS, service: Service | None = None, now: dt.datetime | None = None
) -> dict[str, int]:
    """How many open needs are in each queue, in one query. Counts only: no one's data, so no audit entry."""
    now = now or timezone.now()
    counted = _open_needs(team=team, service=service).aggregate(
        **{queue: Count("pk", filter=_queue_q(queue, user=user, now=now)) for queue in Queue.ORDER}
    )
    return {queue: int(counted[queue] or 0) for queue in Queue.ORDER}


def my_open_needs_count(user: Any) -> int:
    """The navigation's count: open needs assigned to this member of staff."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Need.objects.filter(status__in=OPEN_STATUSES, assignee_id=user.pk).count()


def worklist_teams() -> list[str]:
    """The teams a worklist can be shown for: those holding open needs, and those running a service."""
    holding = Need.objects.filter(status__in=OPEN_STATUSES).values_list("holder_team", flat=True).distinct()
    running = Service.objects.values_list("responsible_team", flat=True).distinct()
    return sorted({team for team in [*holding, *running] if team})


def worklist_assignees() -> list[Any]:
    """The staff needs may be assigned to (active, allowed to work needs), by team and name. Staff accounts, not
    residents' data."""
    permission = Permission.objects.filter(content_type__app_label="demand", codename="change_need")
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__permissions__in=permission) | Q(user_permissions__in=permission))
    )
    return list(users.distinct().order_by("team", "username"))


@dataclass(frozen=True)
class Worklist:
    team: str
    service: Service | None
    queue: str
    page: Page[Need]
    counts: dict[str, int] = field(default_factory=dict)
    now: dt.datetime = field(default_factory=timezone.now)

    @property
    def needs(self) -> list[Need]:
        return list(self.page.object_list)


def worklist_for_staff(
    *,
    actor: Actor,
    purpose: Purpose | str,
    team: str = ALL_TEAMS,
    service: Service | None = None,
    queue: str = Queue.ALL,
    page: int = 1,
    now: dt.datetime | None = None,
) -> Worklist:
    """One page of a team's open needs in a queue, soonest due first (needs with no due date last, oldest first).
    Writes one VIEW entry for each person whose needs the page shows, with the purpose."""
    now = now or timezone.now()
    if queue not in Queue.LABELS:
        queue = Queue.ALL
    needs = (
        _open_needs(team=team, service=service)
        .filter(_queue_q(queue, user=actor.user, now=now))
        .select_related("person", "service", "assignee")
        .order_by(F("due_at").asc(nulls_last=True), "opened_at", "pk")
    )
    with transaction.atomic():
        shown = Paginator(needs, PAGE_SIZE).get_page(page)
        rows = list(shown.object_list)
        shown.object_list = rows
        by_person: dict[int | None, list[int]] = {}
        for need in rows:
            by_person.setdefault(need.person_id, []).append(need.pk)
        entries = [
            AuditEntry(
                action=AuditAction.VIEW,
                object_type=NEED_OBJECT_TYPE,
                subject_person_id=person_id,
                context={"worklist": queue, "team": team, "service": service.code if service else None, "needs": ids},
            )
            for person_id, ids in by_person.items()
        ]
        if entries:
            audit_events_record(actor=actor, purpose=purpose, entries=entries)
    counts = worklist_counts(user=actor.user, team=team, service=service, now=now)
    return Worklist(team=team, service=service, queue=queue, page=shown, counts=counts, now=now)
