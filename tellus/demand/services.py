"""Writing contacts and needs. Each service checks its input, saves, and writes its audit entries in one
transaction; a failure leaves nothing behind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tellus.catalogue.models import CommunityConsideration, Service
from tellus.people.models import Person
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from .models import (
    OPEN_STATUSES,
    Channel,
    Contact,
    DemandType,
    FailureCause,
    Need,
    NeedEvent,
    NeedStatus,
    NoteVisibility,
)

CONTACT_OBJECT_TYPE = "demand.contact"
NEED_OBJECT_TYPE = "demand.need"
SUMMARY_LENGTH = 300

# Which status a need may move to from each status. A met or closed need can be reopened: the person came back.
TRANSITIONS: dict[str, frozenset[str]] = {
    NeedStatus.OPEN: frozenset({NeedStatus.IN_PROGRESS, NeedStatus.MET, NeedStatus.CLOSED_OTHER}),
    NeedStatus.IN_PROGRESS: frozenset({NeedStatus.OPEN, NeedStatus.MET, NeedStatus.CLOSED_OTHER}),
    NeedStatus.MET: frozenset({NeedStatus.OPEN}),
    NeedStatus.CLOSED_OTHER: frozenset({NeedStatus.OPEN}),
}


# Called, in the same transaction, each time a need is met: an app above demand (feedback offers its survey)
# connects a function here when it starts, since demand may not import it.
NeedMetReceiver = Callable[..., object]
_need_met_receivers: list[NeedMetReceiver] = []


def need_met_connect(receiver: NeedMetReceiver) -> None:
    """Call `receiver(need=…, actor=…, at=…)` whenever a need is met through these services."""
    if receiver not in _need_met_receivers:
        _need_met_receivers.append(receiver)


def _need_met(need: Need, *, actor: Actor, at: dt.datetime) -> None:
    for receiver in _need_met_receivers:
        receiver(need=need, actor=actor, at=at)


def summary_from_words(words: str) -> str:
    """A need's summary when the officer gives none: the person's first words, cut at a word boundary."""
    text = " ".join(words.split())
    if len(text) <= SUMMARY_LENGTH:
        return text
    cut = text[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0]
    return f"{cut}…"


def due_from_standard(service: Service | None, opened_at: dt.datetime) -> dt.datetime | None:
    """When a need opened at `opened_at` should be met by: the service's standard in days, or None without one."""
    if service is None or not service.standard_days:
        return None
    return opened_at + dt.timedelta(days=service.standard_days)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _seconds_between(start: dt.datetime, end: dt.datetime) -> int:
    return int((end - start).total_seconds())


def _event(need: Need, *, actor: Actor, at: dt.datetime, **fields: Any) -> NeedEvent:
    event = NeedEvent(need=need, occurred_at=at, actor=actor.user, actor_label=actor.label, **fields)
    event.full_clean()
    event.save()
    return event


def _visibility(note: str, visibility: NoteVisibility | str) -> NoteVisibility:
    """A note's visibility: internal unless staff chose public, and always internal when there is no note."""
    try:
        chosen = NoteVisibility(visibility)
    except ValueError:
        raise ValidationError({"note_visibility": _("Choose whether the note is internal or public.")}) from None
    return chosen if note.strip() else NoteVisibility.INTERNAL


def _need_entry(action: AuditAction, need: Need, changes: dict[str, Any], **context: Any) -> AuditEntry:
    return AuditEntry(
        action=action,
        object_type=NEED_OBJECT_TYPE,
        object_id=str(need.pk),
        subject_person_id=need.person_id,
        changes=changes,
        context=context,
    )


def _need_open(
    *, person: Person | None, service: Service | None, summary: str, at: dt.datetime, actor: Actor
) -> tuple[Need, AuditEntry]:
    need = Need(
        person=person,
        service=service,
        summary=summary,
        status=NeedStatus.OPEN,
        opened_at=at,
        holder_team=service.responsible_team if service is not None else "",
        due_at=due_from_standard(service, at),
    )
    need.full_clean()
    need.save()
    _event(need, actor=actor, at=at, kind=NeedEvent.Kind.OPENED, to_status=NeedStatus.OPEN, to_team=need.holder_team)
    entry = _need_entry(
        AuditAction.CREATE,
        need,
        {
            "status": [None, need.status],
            "service": [None, service.code if service else None],
            "opened_at": [None, _iso(at)],
            "holder_team": [None, need.holder_team],
            "due_at": [None, _iso(need.due_at)],
        },
    )
    return need, entry


def _need_locked(need: Need) -> Need:
    return Need.objects.select_for_update().get(pk=need.pk)


def _need_apply_status(need: Need, *, to_status: NeedStatus, at: dt.datetime, note: str) -> dict[str, list[Any]]:
    """Move a (locked) need to a new status in memory and return the audit changes. Raises ValidationError."""
    from_status = NeedStatus(need.status)
    if to_status == from_status:
        raise ValidationError({"to_status": _("The need is already “%(status)s”.") % {"status": from_status.label}})
    if to_status not in TRANSITIONS[from_status]:
        raise ValidationError(
            {
                "to_status": _("A need that is “%(from)s” cannot become “%(to)s”.")
                % {"from": from_status.label, "to": to_status.label}
            }
        )
    if at < need.opened_at:
        raise ValidationError({"at": _("A need cannot change before the first contact about it.")})
    before = {
        "status": need.status,
        "met_at": _iso(need.met_at),
        "closed_at": _iso(need.closed_at),
        "waiting_since": _iso(need.waiting_since),
    }
    need.status = to_status
    if to_status not in OPEN_STATUSES:
        need.waiting_since = None  # a met or closed need waits on nobody
    need.met_at = need.closed_at = None
    need.end_to_end_seconds = None
    need.closed_reason = ""
    if to_status == NeedStatus.MET:
        need.met_at = at
        need.end_to_end_seconds = _seconds_between(need.opened_at, at)
    elif to_status == NeedStatus.CLOSED_OTHER:
        if not note.strip():
            raise ValidationError({"note": _("Say why the need is being closed without being met.")})
        need.closed_at = at
        need.closed_reason = note.strip()[:500]
    need.updated_at = timezone.now()
    after = {
        "status": need.status,
        "met_at": _iso(need.met_at),
        "closed_at": _iso(need.closed_at),
        "waiting_since": _iso(need.waiting_since),
    }
    changes: dict[str, list[Any]] = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if need.end_to_end_seconds is not None:
        changes["end_to_end_seconds"] = [None, need.end_to_end_seconds]
    return changes


def _transition(
    need: Need,
    *,
    to_status: NeedStatus,
    actor: Actor,
    at: dt.datetime,
    note: str,
    contact: Contact | None,
    note_visibility: NoteVisibility | str = NoteVisibility.INTERNAL,
) -> AuditEntry:
    from_status = need.status
    visibility = _visibility(note, note_visibility)
    changes = _need_apply_status(need, to_status=to_status, at=at, note=note)
    need.full_clean()
    need.save()
    _event(
        need,
        actor=actor,
        at=at,
        kind=NeedEvent.Kind.STATUS,
        from_status=from_status,
        to_status=to_status,
        note=note,
        note_visibility=visibility,
        contact=contact,
    )
    if to_status == NeedStatus.MET:
        _need_met(need, actor=actor, at=at)
    return _need_entry(AuditAction.UPDATE, need, changes, note=note, note_visibility=visibility.value)


@transaction.atomic
def need_transition(
    *,
    need: Need,
    to_status: NeedStatus | str,
    actor: Actor,
    purpose: Purpose | str,
    note: str = "",
    at: dt.datetime | None = None,
    contact: Contact | None = None,
    note_visibility: NoteVisibility | str = NoteVisibility.INTERNAL,
) -> Need:
    """Move a need to another status and record it in its history. Meeting it stores the end-to-end time from
    the first contact; closing it for another reason needs the reason in `note`. The note is internal unless
    `note_visibility` is public. Raises ValidationError."""
    locked = _need_locked(need)
    entry = _transition(
        locked,
        to_status=NeedStatus(to_status),
        actor=actor,
        at=at or timezone.now(),
        note=note,
        contact=contact,
        note_visibility=note_visibility,
    )
    audit_events_record(actor=actor, purpose=purpose, entries=[entry])
    return locked


def _handoff(
    need: Need,
    *,
    to_team: str,
    actor: Actor,
    at: dt.datetime,
    note: str,
    contact: Contact | None,
    note_visibility: NoteVisibility | str = NoteVisibility.INTERNAL,
) -> AuditEntry:
    visibility = _visibility(note, note_visibility)
    to_team = to_team.strip()
    if not to_team:
        raise ValidationError({"to_team": _("Say which team the need is passed to.")})
    if not need.is_open:
        raise ValidationError({"to_team": _("Only an open need can be handed off.")})
    if to_team == need.holder_team:
        raise ValidationError({"to_team": _("%(team)s already holds this need.") % {"team": to_team}})
    from_team = need.holder_team
    changes: dict[str, list[Any]] = {"holder_team": [from_team, to_team]}
    if need.assignee_id is not None:
        # The team it passes to decides who works it: it waits, unassigned, in their worklist.
        changes["assignee"] = [need.assignee.get_username() if need.assignee else None, None]
        need.assignee = None
    need.holder_team = to_team
    need.updated_at = timezone.now()
    need.full_clean()
    need.save()
    _event(
        need,
        actor=actor,
        at=at,
        kind=NeedEvent.Kind.HANDOFF,
        from_team=from_team,
        to_team=to_team,
        note=note,
        note_visibility=visibility,
        contact=contact,
    )
    return _need_entry(AuditAction.UPDATE, need, changes, note=note, note_visibility=visibility.value)


@transaction.atomic
def need_handoff(
    *,
    need: Need,
    to_team: str,
    actor: Actor,
    purpose: Purpose | str,
    note: str = "",
    at: dt.datetime | None = None,
    contact: Contact | None = None,
    note_visibility: NoteVisibility | str = NoteVisibility.INTERNAL,
) -> Need:
    """Pass an open need to another team. The end-to-end clock keeps running: the person's need is the same.
    The note is for the team (internal) unless `note_visibility` is public."""
    locked = _need_locked(need)
    entry = _handoff(
        locked,
        to_team=to_team,
        actor=actor,
        at=at or timezone.now(),
        note=note,
        contact=contact,
        note_visibility=note_visibility,
    )
    audit_events_record(actor=actor, purpose=purpose, entries=[entry])
    return locked


def _classify(
    *, repeat: bool, demand_type: DemandType | str | None, failure_cause: FailureCause | str
) -> tuple[DemandType, str]:
    """A repeat contact about a need is failure demand (a repeat) unless the officer says otherwise."""
    if demand_type is None or demand_type == "":
        if not repeat:
            raise ValidationError({"demand_type": _("Say whether this contact is value demand or failure demand.")})
        return DemandType.FAILURE, str(failure_cause or FailureCause.REPEAT)
    kind = DemandType(demand_type)
    if kind == DemandType.FAILURE and not failure_cause:
        if not repeat:
            raise ValidationError({"failure_cause": _("Choose what caused the failure demand.")})
        return kind, FailureCause.REPEAT
    if kind == DemandType.VALUE and failure_cause:
        raise ValidationError({"failure_cause": _("Value demand has no failure cause.")})
    return kind, str(failure_cause)


def _existing_need(need: Need, *, person: Person | None, at: dt.datetime) -> Need:
    locked = _need_locked(need)
    if locked.person_id != (person.pk if person else None):
        raise ValidationError({"need": _("That need belongs to someone else. Choose one of this person's needs.")})
    if at < locked.opened_at:
        raise ValidationError({"occurred_at": _("A contact about a need cannot come before the need was opened.")})
    return locked


@transaction.atomic
def contact_log(
    *,
    actor: Actor,
    purpose: Purpose | str,
    channel: Channel | str,
    words: str,
    person: Person | None = None,
    occurred_at: dt.datetime | None = None,
    capacity: str = "",
    what_matters: str = "",
    service: Service | None = None,
    demand_type: DemandType | str | None = None,
    failure_cause: FailureCause | str = "",
    need: Need | None = None,
    need_summary: str = "",
    resolved_at_first_point: bool = False,
    handed_off_to: str = "",
    consideration: CommunityConsideration | None = None,
    request_modified: bool = False,
    modification: str = "",
    source_reference: str = "",
) -> Contact:
    """Record a contact in the person's own words, about a new need (opened by this contact) or an existing one.

    A contact about an existing need is a repeat: failure demand with cause "repeat" unless `demand_type` says
    otherwise; a met or closed need it is about is reopened. `resolved_at_first_point` meets the need at this
    contact; `handed_off_to` passes it to that team. Raises ValidationError and writes nothing on bad input."""
    at = occurred_at or timezone.now()
    if person is not None and person.merged_into_id:
        raise ValidationError({"person": _("This person was merged into another; log the contact against them.")})
    if resolved_at_first_point and handed_off_to.strip():
        raise ValidationError({"handed_off_to": _("A contact resolved at the first point is not handed off.")})
    if consideration is not None and consideration.service_id != (service.pk if service else None):
        raise ValidationError({"consideration": _("Choose a consideration of the service the contact is about.")})
    repeat = need is not None
    kind, cause = _classify(repeat=repeat, demand_type=demand_type, failure_cause=failure_cause)
    entries: list[AuditEntry] = []
    if need is None:
        need, entry = _need_open(
            person=person,
            service=service,
            summary=need_summary.strip() or summary_from_words(words),
            at=at,
            actor=actor,
        )
        entries.append(entry)
    else:
        need = _existing_need(need, person=person, at=at)
    contact = Contact(
        person=person,
        occurred_at=at,
        channel=channel,
        words=words,
        capacity=capacity,
        what_matters=what_matters.strip(),
        service=service,
        demand_type=kind,
        failure_cause=cause,
        need=need,
        is_first_contact_for_need=not repeat,
        resolved_at_first_point=resolved_at_first_point,
        handed_off_to=handed_off_to.strip(),
        consideration=consideration,
        request_modified=request_modified,
        modification=modification.strip() if request_modified else "",
        source_reference=source_reference,
        recorded_by=actor.user,
        recorded_by_label=actor.label,
    )
    contact.full_clean()
    contact.save()
    entries.append(_contact_entry(contact))
    if repeat and not need.is_open:
        entries.append(
            _transition(
                need, to_status=NeedStatus.OPEN, actor=actor, at=at, note=_("Reopened by a contact."), contact=contact
            )
        )
    if contact.handed_off_to:
        entries.append(_handoff(need, to_team=contact.handed_off_to, actor=actor, at=at, note="", contact=contact))
    if resolved_at_first_point:
        entries.append(
            _transition(
                need,
                to_status=NeedStatus.MET,
                actor=actor,
                at=at,
                note=_("Resolved at the first point of contact."),
                contact=contact,
            )
        )
    audit_events_record(actor=actor, purpose=purpose, entries=entries)
    return contact


def _contact_entry(contact: Contact) -> AuditEntry:
    return AuditEntry(
        action=AuditAction.CREATE,
        object_type=CONTACT_OBJECT_TYPE,
        object_id=str(contact.pk),
        subject_person_id=contact.person_id,
        changes={
            "channel": [None, contact.channel],
            "demand_type": [None, contact.demand_type],
            "failure_cause": [None, contact.failure_cause],
            "need": [None, contact.need_id],
        },
        context={"service": contact.service.code if contact.service else None},
    )


OPEN_NEED_STATUSES = tuple(str(status) for status in OPEN_STATUSES)
