"""Working needs from a team's worklist: assign, re-assign and hand off needs in bulk, and mark them waiting on the
resident. Every bulk action checks every need first and writes nothing unless all of them can take it; then it
writes each change and its audit entry in one transaction (decision 0065)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, audit_events_record

from .models import OPEN_STATUSES, Need
from .services import _handoff, _need_entry

MAX_BULK = 200  # needs in one bulk action: a page of the worklist is 50; more at once is a mistake, not a plan
WORK_PERMISSION = "demand.change_need"


def assignable(user: Any) -> bool:
    """Whether needs may be assigned to this member of staff: active, and allowed to work needs."""
    return bool(user is not None and user.is_active and user.has_perm(WORK_PERMISSION))


def _locked(need_ids: Sequence[int]) -> list[Need]:
    """The needs, locked in id order (so two bulk actions never deadlock), or a ValidationError naming any
    missing."""
    ids = sorted(set(need_ids))
    if not ids:
        raise ValidationError({"needs": _("Choose at least one need.")})
    if len(ids) > MAX_BULK:
        raise ValidationError(
            {"needs": _("Choose at most %(max)s needs at a time; you chose %(n)s.") % {"max": MAX_BULK, "n": len(ids)}}
        )
    needs = list(
        Need.objects.select_for_update(of=("self",)).select_related("assignee").filter(pk__in=ids).order_by("pk")
    )
    missing = sorted(set(ids) - {need.pk for need in needs})
    if missing:
        raise ValidationError(
            {"needs": _("There is no need %(ids)s. Reload the worklist.") % {"ids": ", ".join(map(str, missing))}}
        )
    return needs


def _refuse_if(problems: list[str]) -> None:
    """All or nothing: one problem with one need and no need is changed."""
    if problems:
        raise ValidationError({"needs": problems})


def _name(user: Any) -> str | None:
    return user.get_username() if user is not None else None


@transaction.atomic
def needs_assign(
    *,
    need_ids: Sequence[int],
    assignee: Any | None,
    actor: Actor,
    purpose: Purpose | str,
    note: str = "",
    at: dt.datetime | None = None,
) -> list[Need]:
    """Assign (or re-assign) open needs to one member of staff; `assignee=None` puts them back, unassigned, in
    their team's worklist. A person in another team is handed the needs with their team (a hand-off in each
    need's history). Raises ValidationError, naming every need that cannot be assigned, and changes nothing."""
    at = at or timezone.now()
    if assignee is not None and not assignable(assignee):
        raise ValidationError({"assignee": _("%(name)s cannot work needs.") % {"name": assignee.get_username()}})
    needs = _locked(need_ids)
    problems = []
    for need in needs:
        if need.status not in OPEN_STATUSES:
            problems.append(_("Need %(id)s is %(status)s: only an open need can be assigned.") % _said(need))
        elif need.assignee_id == (assignee.pk if assignee else None):
            who = assignee.get_username() if assignee else _("nobody")
            problems.append(_("Need %(id)s is already assigned to %(who)s.") % {"id": need.pk, "who": who})
    _refuse_if(problems)
    entries = []
    for need in needs:
        to_team = (getattr(assignee, "team", "") or "").strip() if assignee is not None else ""
        if to_team and to_team != need.holder_team:
            entries.append(_handoff(need, to_team=to_team, actor=actor, at=at, note=note, contact=None))
        changes: dict[str, Any] = {"assignee": [_name(need.assignee), _name(assignee)]}
        need.assignee = assignee
        need.updated_at = timezone.now()
        need.save(update_fields=["assignee", "updated_at"])  # checked above; the database's constraints stand behind
        entries.append(_need_entry(AuditAction.UPDATE, need, changes, note=note, bulk=len(needs)))
    audit_events_record(actor=actor, purpose=purpose, entries=entries)
    return needs


@transaction.atomic
def needs_handoff(
    *,
    need_ids: Sequence[int],
    to_team: str,
    actor: Actor,
    purpose: Purpose | str,
    note: str = "",
    at: dt.datetime | None = None,
) -> list[Need]:
    """Pass open needs to another team, unassigned, each with a hand-off in its history. Raises ValidationError,
    naming every need that cannot go, and changes nothing."""
    at = at or timezone.now()
    to_team = to_team.strip()
    if not to_team:
        raise ValidationError({"to_team": _("Say which team the needs are passed to.")})
    needs = _locked(need_ids)
    problems = []
    for need in needs:
        if need.status not in OPEN_STATUSES:
            problems.append(_("Need %(id)s is %(status)s: only an open need can be handed off.") % _said(need))
        elif need.holder_team == to_team:
            problems.append(_("Need %(id)s is already with %(team)s.") % {"id": need.pk, "team": to_team})
    _refuse_if(problems)
    entries = [_handoff(need, to_team=to_team, actor=actor, at=at, note=note, contact=None) for need in needs]
    audit_events_record(actor=actor, purpose=purpose, entries=entries)
    return needs


@transaction.atomic
def needs_waiting_set(
    *,
    need_ids: Sequence[int],
    waiting: bool,
    actor: Actor,
    purpose: Purpose | str,
    note: str = "",
    at: dt.datetime | None = None,
) -> list[Need]:
    """Mark open needs as waiting on the resident (for a reply, access, a document), or no longer waiting. The
    end-to-end clock keeps running either way: the person still has the need. Raises ValidationError, naming
    every need that cannot change, and changes nothing."""
    at = at or timezone.now()
    needs = _locked(need_ids)
    problems = []
    for need in needs:
        if need.status not in OPEN_STATUSES:
            problems.append(_("Need %(id)s is %(status)s: only an open need can wait on the resident.") % _said(need))
        elif waiting and need.waiting_since is not None:
            problems.append(_("Need %(id)s is already waiting on the resident.") % {"id": need.pk})
        elif not waiting and need.waiting_since is None:
            problems.append(_("Need %(id)s is not waiting on the resident.") % {"id": need.pk})
        elif waiting and at < need.opened_at:
            problems.append(_("Need %(id)s cannot wait before it was opened.") % {"id": need.pk})
    _refuse_if(problems)
    entries = []
    for need in needs:
        before = need.waiting_since
        need.waiting_since = at if waiting else None
        need.updated_at = timezone.now()
        # Checked above for every need (full_clean would re-read each foreign key and constraint: a dozen queries a
        # need); the database's constraints still refuse a waiting need that is not open.
        need.save(update_fields=["waiting_since", "updated_at"])
        changes = {"waiting_since": [_iso(before), _iso(need.waiting_since)]}
        entries.append(_need_entry(AuditAction.UPDATE, need, changes, note=note, bulk=len(needs)))
    audit_events_record(actor=actor, purpose=purpose, entries=entries)
    return needs


def _said(need: Need) -> dict[str, Any]:
    return {"id": need.pk, "status": need.get_status_display().lower()}


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
