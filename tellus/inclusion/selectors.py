"""Reads of the inclusion rows. Staff reads are audited with the actor's purpose; the needs behind adjustments are
read only for purposes that may see them, and only with a reason for access, which the audit entry keeps.

`letter_route` is for the system's own routing (where a letter goes), like `people.selectors.representatives_active`:
other apps call it before they write to anyone. It is not a staff read, so it writes no audit entry."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tellus.demand.models import Contact
from tellus.people.models import Occupancy, Person, Representative
from tellus.people.selectors import representatives_active, representatives_for_staff
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_event_record, audit_events_record

from .models import (
    ADJUSTMENT_OBJECT_TYPE,
    JOINED_UP_OBJECT_TYPE,
    ROUTE_OBJECT_TYPE,
    SUPPORT_NEED_OBJECT_TYPE,
    Adjustment,
    AdjustmentKind,
    CorrespondenceRoute,
    LocalConnection,
    SupportNeed,
)

# Seeing the need behind an adjustment is for casework and privacy review only: handling an enquiry needs the
# adjustment, never the condition.
NEEDS_PURPOSES = (Purpose.CASEWORK, Purpose.PRIVACY_REVIEW)
JOINED_UP_PURPOSES = (Purpose.CASEWORK,)
JOINED_UP_DAYS = 90
JOINED_UP_SERVICES = 3
REASON_MIN_LENGTH = 10
# The order in which representatives receive letters when more than one may.
_REPRESENTATIVE_ORDER: list[str] = [
    Representative.Relationship.POWER_OF_ATTORNEY,
    Representative.Relationship.APPOINTEE,
    Representative.Relationship.EXECUTOR,
    Representative.Relationship.PARENT_OR_GUARDIAN,
    Representative.Relationship.CARE_ACT_ADVOCATE,
    Representative.Relationship.ADVOCATE,
    Representative.Relationship.NOMINATED_CONTACT,
    Representative.Relationship.NEXT_OF_KIN,
]


class ReasonNeeded(Exception):
    """Needs are read only with a reason for access, written to the audit entry."""


def needs_purpose_check(purpose: Purpose | str) -> Purpose:
    stated = Purpose(purpose)
    if stated not in NEEDS_PURPOSES:
        raise PermissionDenied(
            _("A person's needs are seen only for casework or a privacy review, not for %(purpose)s.")
            % {"purpose": stated.label}
        )
    return stated


def _reason_check(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise ReasonNeeded(_("Say why you need to see this, in a sentence."))
    return reason[:500]


def needs_for_staff(*, actor: Actor, purpose: Purpose | str, person_id: int, reason: str) -> list[SupportNeed]:
    """A person's needs, current and ended, with their adjustments. One VIEW entry with the reason."""
    needs_purpose_check(purpose)
    reason = _reason_check(reason)
    with transaction.atomic():
        Person.objects.only("pk").get(pk=person_id)
        found = list(
            SupportNeed.objects.filter(person_id=person_id)
            .select_related("recorded_by")
            .prefetch_related("adjustments")
            .order_by("ended_at", "driver", "need", "id")
        )
        audit_event_record(
            actor=actor,
            purpose=purpose,
            action=AuditAction.VIEW,
            object_type=SUPPORT_NEED_OBJECT_TYPE,
            subject_person_id=person_id,
            context={"reason": reason, "needs": len(found)},
        )
    return found


def needs_due_for_review(
    *, actor: Actor, purpose: Purpose | str, reason: str, on: dt.date | None = None, limit: int = 200
) -> list[SupportNeed]:
    """Current needs whose review date has come, oldest first. Each person shown gets a LISTED entry."""
    needs_purpose_check(purpose)
    reason = _reason_check(reason)
    day = on or timezone.localdate()
    with transaction.atomic():
        found = list(
            SupportNeed.objects.filter(ended_at__isnull=True, review_on__lte=day)
            .select_related("person")
            .order_by("review_on", "id")[:limit]
        )
        audit_events_record(
            actor=actor,
            purpose=purpose,
            entries=[
                AuditEntry(
                    action=AuditAction.LISTED,
                    object_type=SUPPORT_NEED_OBJECT_TYPE,
                    object_id=str(need.pk),
                    subject_person_id=need.person_id,
                    context={"list": "due for review", "reason": reason},
                )
                for need in found
            ],
        )
    return found


def _current_adjustments(person_ids: Iterable[int]) -> dict[int, list[Adjustment]]:
    found: dict[int, list[Adjustment]] = defaultdict(list)
    for adjustment in Adjustment.objects.filter(person_id__in=list(person_ids), ended_at__isnull=True).order_by(
        "person_id", "kind", "id"
    ):
        found[adjustment.person_id].append(adjustment)
    return found


def adjustments_for_staff(*, actor: Actor, purpose: Purpose | str, person_ids: Iterable[int]) -> dict[int, list[str]]:
    """The adjustments to make for each person, as words that do not name the need behind them. One VIEW entry
    for each person who has any (someone with none shows nothing new)."""
    ids = sorted({int(pk) for pk in person_ids})
    found = _current_adjustments(ids)
    if not found:
        return {}  # nothing shown, nothing to record: one query, no transaction
    with transaction.atomic():
        found = _current_adjustments(ids)  # what is shown is read in the transaction that records it
        audit_events_record(
            actor=actor,
            purpose=purpose,
            entries=[
                AuditEntry(
                    action=AuditAction.VIEW,
                    object_type=ADJUSTMENT_OBJECT_TYPE,
                    subject_person_id=person_id,
                    context={"adjustments": len(items)},
                )
                for person_id, items in found.items()
            ],
        )
    return {person_id: [item.words() for item in items] for person_id, items in found.items()}


def adjustments_for_match(
    *, user: Any, actor: Actor, purpose: Purpose | str, person_ids: Iterable[int]
) -> dict[int, list[str]]:
    """The adjustments for the candidates of a real-time match (`POST /api/v1/people/match`): only for a role that
    shows adjustments, audited like any other read of them; never the need behind them."""
    if not user.has_perm("inclusion.view_adjustment"):
        return {}
    return adjustments_for_staff(actor=actor, purpose=purpose, person_ids=person_ids)


# Adjustments that change how anything written to the person is made (the letter's format, or paper rather than a
# link): given with the route to whichever app writes to them.
LETTER_FORMAT_ADJUSTMENTS = (
    AdjustmentKind.LARGE_PRINT,
    AdjustmentKind.EASY_READ,
    AdjustmentKind.BRAILLE,
    AdjustmentKind.AUDIO,
    AdjustmentKind.PAPER_NOT_ONLINE,
)


@dataclass(frozen=True)
class LetterRoute:
    """Where a letter for a person goes today. `kind` is one of: none (do not write at all), representative,
    collect, care_of, email, phone, home, hold (do not post to their home: hand it over when they next come in),
    unknown (no address and no route: ask them). `formats` are the person's adjustments that change how a letter
    is made (LETTER_FORMAT_ADJUSTMENTS: large print, easy read, Braille, audio, paper rather than online)."""

    kind: str
    description: str
    address: str = ""
    recipient: str = ""
    email: str = ""
    phone: str = ""
    representative_id: int | None = None
    formats: tuple[str, ...] = ()

    @property
    def can_post(self) -> bool:
        return self.kind in {"representative", "care_of", "home", "collect"} and bool(self.address or self.recipient)


def _home_address(person: Person, day: dt.date) -> str:
    occupancy = (
        Occupancy.objects.filter(person=person)
        .filter(Q(date_to__isnull=True) | Q(date_to__gte=day))
        .filter(Q(date_from__isnull=True) | Q(date_from__lte=day))  # a move told of ahead of time has not happened
        .select_related("property")
        .order_by("-date_from", "-id")
        .first()
    )
    return occupancy.property.one_line() if occupancy is not None else ""


def _representative_route(representative: Representative) -> LetterRoute:
    return LetterRoute(
        kind="representative",
        description=_("To %(name)s, their %(relationship)s")
        % {"name": representative.name, "relationship": representative.get_relationship_display().lower()},
        address=representative.address,
        recipient=representative.name,
        email=representative.email,
        phone=representative.phone,
        representative_id=representative.pk,
    )


def letter_route(*, person_id: int, on: dt.date | None = None) -> LetterRoute:
    """Where a letter for this person goes, for any app about to write to them. In order: no letters at all once
    correspondence has stopped (a death reported); a representative who receives correspondence; the route the
    person chose; their home address; and for someone with no fixed address and no route, nowhere until asked.

    The person's own adjustments then apply to what they are sent themselves (a representative's letters are the
    representative's): "call, do not write" makes any written route a phone call; "do not send post to their home"
    holds a home letter to be handed over; the format adjustments travel with the route as `formats`."""
    day = on or timezone.localdate()
    person = Person.objects.get(pk=person_id)
    if person.correspondence_stopped_at is not None:
        return LetterRoute(kind="none", description=_("Do not write: correspondence has stopped."))
    route = _route_before_adjustments(person, day)
    if route.kind in {"none", "representative"}:
        return route
    adjustments = set(
        Adjustment.objects.filter(person=person, ended_at__isnull=True).values_list("kind", flat=True).distinct()
    )
    if AdjustmentKind.CALL_DO_NOT_WRITE in adjustments and route.kind != "phone":
        return LetterRoute(kind="phone", description=_("Call, do not write (an adjustment)"))
    if AdjustmentKind.NO_POST_TO_HOME in adjustments and route.kind == "home":
        route = LetterRoute(
            kind="hold",
            description=_("Do not post to their home (an adjustment): hand letters over when they next contact us."),
            recipient=route.recipient,
        )
    formats = tuple(kind.value for kind in LETTER_FORMAT_ADJUSTMENTS if kind in adjustments)
    return dataclasses.replace(route, formats=formats) if formats else route


def _route_before_adjustments(person: Person, day: dt.date) -> LetterRoute:
    route = CorrespondenceRoute.objects.filter(person=person, ended_at__isnull=True).first()
    active = [rep for rep in representatives_active(person_id=person.pk, on=day) if rep.receives_correspondence]
    if route is not None and route.method == CorrespondenceRoute.Method.REPRESENTATIVE:
        chosen = next((rep for rep in active if rep.pk == route.representative_id), None)
        if chosen is not None:
            return _representative_route(chosen)
    if active:
        active.sort(key=lambda rep: (_REPRESENTATIVE_ORDER.index(rep.relationship), rep.starts_on, rep.pk))
        return _representative_route(active[0])
    if route is not None and route.method != CorrespondenceRoute.Method.REPRESENTATIVE:
        method = CorrespondenceRoute.Method
        if route.method == method.COLLECT:
            return LetterRoute(
                kind="collect",
                description=_("Hold for collection at %(office)s") % {"office": route.office},
                address=route.office,
                recipient=person.display_name,
            )
        if route.method == method.CARE_OF:
            return LetterRoute(
                kind="care_of",
                description=_("Post care of %(name)s") % {"name": route.care_of_name},
                address=route.care_of_address,
                recipient=f"{person.display_name}, c/o {route.care_of_name}",
            )
        if route.method == method.EMAIL:
            return LetterRoute(kind="email", description=_("Email, not post"), email=route.email)
        if route.method == method.PHONE:
            return LetterRoute(kind="phone", description=_("Phone them; do not post"), phone=route.phone)
    home = "" if person.no_fixed_address else _home_address(person, day)
    if home:
        return LetterRoute(
            kind="home", description=_("Post to their home"), address=home, recipient=person.display_name
        )
    return LetterRoute(
        kind="unknown",
        description=_("No address and no route: ask them how they want to be reached before writing."),
    )


@dataclass
class SupportPage:
    """Everything on a person's support page except their needs (which need a reason of their own)."""

    person: Person
    adjustments: list[Adjustment]
    representatives: list[Representative]
    route: CorrespondenceRoute | None
    routes_before: list[CorrespondenceRoute]
    letter: LetterRoute
    local_connections: list[LocalConnection] = field(default_factory=list)


def support_page_for_staff(*, actor: Actor, purpose: Purpose | str, person_id: int, with_routes: bool) -> SupportPage:
    """A person's adjustments and, `with_routes`, their representatives, correspondence route and local
    connection. Audited: one entry for the adjustments and routes, and the representatives' own from `people`."""
    with transaction.atomic():
        person = Person.objects.get(pk=person_id)
        routes = (
            list(CorrespondenceRoute.objects.filter(person=person).select_related("representative"))
            if with_routes
            else []
        )
        current = next((route for route in routes if route.ended_at is None), None)
        page = SupportPage(
            person=person,
            adjustments=_current_adjustments([person_id]).get(person_id, []),
            representatives=(
                representatives_for_staff(actor=actor, purpose=purpose, person_id=person_id) if with_routes else []
            ),
            route=current,
            routes_before=[route for route in routes if route is not current],
            letter=letter_route(person_id=person_id) if with_routes else LetterRoute(kind="", description=""),
            local_connections=list(LocalConnection.objects.filter(person=person)) if with_routes else [],
        )
        audit_event_record(
            actor=actor,
            purpose=purpose,
            action=AuditAction.VIEW,
            object_type=ROUTE_OBJECT_TYPE,
            subject_person_id=person_id,
            context={"adjustments": len(page.adjustments), "routes": len(routes)},
        )
    return page


@dataclass(frozen=True)
class JoinedUpPerson:
    person_id: int
    display_name: str
    services: int
    contacts: int
    last_contact: dt.datetime


def joined_up_queryset(*, since: dt.datetime):  # type: ignore[no-untyped-def]
    return (
        Contact.objects.filter(person__isnull=False, occurred_at__gte=since, service__isnull=False)
        .values("person_id", "person__display_name")
        .annotate(services=Count("service_id", distinct=True), contacts=Count("id"), last=Max("occurred_at"))
        .filter(services__gte=JOINED_UP_SERVICES)
        .order_by("-services", "-contacts", "person_id")
    )


def joined_up_support_for_staff(
    *, actor: Actor, purpose: Purpose | str, page: int = 1, now: dt.datetime | None = None, per_page: int = 50
) -> Page[JoinedUpPerson]:
    """People in touch with three or more services in the last 90 days, most services first, for a caseworker
    coordinating their support. Each person shown gets a LISTED entry."""
    if Purpose(purpose) not in JOINED_UP_PURPOSES:
        raise PermissionDenied(_("The joined-up support list is for casework only."))
    since = (now or timezone.now()) - dt.timedelta(days=JOINED_UP_DAYS)
    with transaction.atomic():
        paginator = Paginator(joined_up_queryset(since=since), per_page)
        shown = paginator.get_page(page)
        rows = [
            JoinedUpPerson(
                person_id=row["person_id"],
                display_name=row["person__display_name"],
                services=row["services"],
                contacts=row["contacts"],
                last_contact=row["last"],
            )
            for row in shown.object_list
        ]
        shown.object_list = rows
        audit_events_record(
            actor=actor,
            purpose=purpose,
            entries=[
                AuditEntry(
                    action=AuditAction.LISTED,
                    object_type=JOINED_UP_OBJECT_TYPE,
                    subject_person_id=row.person_id,
                    context={"services": row.services, "days": JOINED_UP_DAYS},
                )
                for row in rows
            ],
        )
    return shown


def letter_route_for_staff(*, actor: Actor, purpose: Purpose | str, person_id: int) -> LetterRoute:
    """`letter_route` for a member of staff (or a client of the API): the same answer, audited."""
    with transaction.atomic():
        route = letter_route(person_id=person_id)
        audit_event_record(
            actor=actor,
            purpose=purpose,
            action=AuditAction.VIEW,
            object_type=ROUTE_OBJECT_TYPE,
            subject_person_id=person_id,
            context={"letter_route": route.kind},
        )
    return route


def subject_access_sections() -> dict[str, Callable[[int], list[dict[str, Any]]]]:
    """A person's own needs, adjustments, routes and declarations as plain rows, for their subject access copy
    (registered by an app above `rights`, which stands beside this one)."""

    def needs(person_id: int) -> list[dict[str, Any]]:
        fields = ("id", "need", "driver", "detail", "language", "permanence", "review_on", "source", "lawful_basis",
                  "consent_given_on", "recorded_by_label", "recorded_at", "reviewed_at", "ended_at",
                  "ended_reason")  # fmt: skip
        return list(SupportNeed.objects.filter(person_id=person_id).order_by("id").values(*fields))

    def adjustments(person_id: int) -> list[dict[str, Any]]:
        fields = ("id", "kind", "detail", "support_need_id", "recorded_by_label", "recorded_at", "ended_at")
        return list(Adjustment.objects.filter(person_id=person_id).order_by("id").values(*fields))

    def routes(person_id: int) -> list[dict[str, Any]]:
        fields = ("id", "method", "office", "care_of_name", "care_of_address", "email", "phone", "representative_id",
                  "recorded_by_label", "recorded_at", "ended_at")  # fmt: skip
        return list(CorrespondenceRoute.objects.filter(person_id=person_id).order_by("id").values(*fields))

    def connections(person_id: int) -> list[dict[str, Any]]:
        fields = ("id", "place", "ward", "declared_on", "expires_on", "recorded_by_label", "recorded_at")
        return list(LocalConnection.objects.filter(person_id=person_id).order_by("id").values(*fields))

    return {
        "support_needs": needs,
        "adjustments": adjustments,
        "correspondence_routes": routes,
        "local_connections": connections,
    }
