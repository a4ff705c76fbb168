"""The demo's worklist: some of the contact centre's open needs assigned to the demo officer, and a few needs
waiting on the resident, through demand's own services (audited). Overdue needs come from the year itself: each
need is due its service's standard after it was opened. Two bulk calls: a fraction of a second."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from tellus.demand.models import OPEN_STATUSES, Need
from tellus.demand.worklist_services import needs_assign, needs_waiting_set
from tellus.privacy.models import Purpose
from tellus.privacy.services import Actor

ASSIGNED = 25
WAITING = 12


def demo_worklist(*, actor: Actor, officer_username: str = "officer") -> dict[str, int]:
    """Assign the officer's team's oldest open needs to them and mark a few of every team's waiting on the
    resident. Deterministic for a demo year: needs are chosen by age and id."""
    officer = get_user_model().objects.filter(username=officer_username).first()
    open_needs = Need.objects.filter(status__in=OPEN_STATUSES, assignee__isnull=True, waiting_since__isnull=True)
    assigned = []
    if officer is not None and officer.team:
        theirs = open_needs.filter(holder_team=officer.team).order_by("opened_at", "pk")
        assigned = list(theirs.values_list("pk", flat=True)[:ASSIGNED])
        if assigned:
            needs_assign(need_ids=assigned, assignee=officer, actor=actor, purpose=Purpose.CASEWORK)
    others = (
        open_needs.exclude(pk__in=assigned)
        .exclude(holder_team=getattr(officer, "team", ""))
        .order_by("-opened_at", "pk")
    )
    waiting = list(others.values_list("pk", flat=True)[:WAITING])
    if waiting:
        needs_waiting_set(need_ids=waiting, waiting=True, actor=actor, purpose=Purpose.CASEWORK)
    return {"assigned": len(assigned), "waiting": len(waiting)}
