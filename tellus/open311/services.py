"""Open311 intake: a report becomes a contact and a need on the person who made it, and an update from the
client becomes a contact and, when its status says so, a change of the need's status. Each runs in one
transaction: a failure leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tellus.catalogue.models import Service
from tellus.common.text import normalise_email, normalise_name, normalise_phone
from tellus.demand.models import Channel, DemandType, Need, NeedEvent, NeedStatus
from tellus.demand.services import contact_log, need_transition
from tellus.linkage.matching import MatchCandidate, MatchDetails, MatchError, match_person
from tellus.linkage.services import pairs_hold_for_review
from tellus.people.models import PERSON_OBJECT_TYPE, Person, SourceRecord, SourceSystem
from tellus.people.services import person_from_report_create, source_system_create
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from .errors import Open311Error, bad_request
from .forms import Reporter, RequestInput, request_id
from .models import ApiClient, ServiceRequest, ServiceRequestUpdate
from .statuses import INCOMING

SOURCE_SYSTEM = "open311"
PURPOSE = Purpose.ENQUIRY
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
REVIEW_CANDIDATES = 3  # likely people put before a caseworker for one report, at most


def client_actor(client: ApiClient) -> Actor:
    return Actor.system(f"open311:{client.name}")


def email_hash(email: str) -> str:
    return hashlib.sha256(normalise_email(email).encode("utf-8")).hexdigest() if email else ""


def _source_system(actor: Actor) -> SourceSystem:
    system = SourceSystem.objects.filter(name=SOURCE_SYSTEM).first()
    if system is not None:
        return system
    try:
        with transaction.atomic():
            return source_system_create(
                name=SOURCE_SYSTEM,
                title="Open311 reports",
                kind=SourceSystem.Kind.OTHER,
                owning_team="Customer services",
                description="People who reported something through an Open311 client such as FixMyStreet.",
                actor=actor,
            )
    except IntegrityError:  # another request made it first
        return SourceSystem.objects.get(name=SOURCE_SYSTEM)


MIN_PHONE_DIGITS = 7  # fewer digits are no phone number to recognise anyone by


def _first_given_name(value: str) -> str:
    return normalise_name(value).split(" ", 1)[0]


def _identifiers(reporter: Reporter) -> tuple[Q, list[str]]:
    """The exact identifiers the reporter gave (normalised email, normalised phone) as a filter, and their names."""
    found, names = Q(pk__in=[]), []
    if reporter.email:
        found |= Q(email=normalise_email(reporter.email))
        names.append("email")
    phone = normalise_phone(reporter.phone)
    if len(phone.lstrip("+")) >= MIN_PHONE_DIGITS:
        found |= Q(phone=phone)
        names.append("phone")
    return found, names


def _exact_person(reporter: Reporter, *, actor: Actor) -> Person | None:
    """The one person the council knows with this reporter's exact email or phone (normalised) *and* name (the same
    surname and first given name, normalised). Anything less, or two such people, is not enough to file a report on
    someone: None. Audited as a search by the client, each person found as listed."""
    identifiers, match_on = _identifiers(reporter)
    first, last = _first_given_name(reporter.first_name), normalise_name(reporter.last_name)
    if not match_on or not first or not last:
        return None
    rows = SourceRecord.objects.filter(
        identifiers,
        last_name_normalised=last,
        is_organisation=False,
        person__isnull=False,
        person__merged_into__isnull=True,
    ).values_list("person_id", "first_name")[:100]
    people = sorted({person_id for person_id, record_first in rows if _first_given_name(record_first) == first})
    audit_events_record(
        actor=actor,
        purpose=PURPOSE,
        entries=[
            AuditEntry(
                AuditAction.SEARCH,
                PERSON_OBJECT_TYPE,
                context={"match_on": [*match_on, "first_name", "last_name"], "rule": "exact", "results": len(people)},
            ),
            *(
                AuditEntry(AuditAction.LISTED, PERSON_OBJECT_TYPE, str(person_id), subject_person_id=person_id)
                for person_id in people
            ),
        ],
    )
    return Person.objects.get(pk=people[0]) if len(people) == 1 else None


def _likely_people(reporter: Reporter, *, address: str, actor: Actor) -> list[MatchCandidate]:
    """People the real-time match finds likely enough (at or above TELLUS_LINK_LOWER) to be the reporter: not
    enough to file the report on any of them, but worth a caseworker's look. Audited by match_person."""
    details = MatchDetails(
        first_name=reporter.first_name,
        last_name=reporter.last_name,
        email=reporter.email,
        phone=reporter.phone,
        address=address,
    )
    try:
        found = match_person(details, actor=actor, purpose=PURPOSE, limit=REVIEW_CANDIDATES)
    except MatchError:  # too little to go on, or no linkage model yet: nothing to review
        return []
    return [candidate for candidate in found if candidate.probability >= settings.TELLUS_LINK_LOWER]


def _person_create(reporter: Reporter, *, request: ServiceRequest, actor: Actor) -> SourceRecord:
    """A new person known from this report alone, with the report as their source record, so that linkage
    can later find them to be someone the council already knows."""
    raw = {
        "service_request_id": request.service_request_id,
        "first_name": reporter.first_name,
        "last_name": reporter.last_name,
        "email": reporter.email,
        "phone": reporter.phone,
        "address_string": request.address_string,
    }
    return person_from_report_create(
        first_name=reporter.first_name,
        last_name=reporter.last_name,
        email=reporter.email,
        phone=reporter.phone,
        address=request.address_string,
        source_system=_source_system(actor),
        source_key=f"request-{request.pk}",
        raw=raw,
        actor=actor,
        purpose=PURPOSE,
    )


def _words(data: RequestInput) -> str:
    if data.description:
        return data.description
    title = data.extra_attributes.get("title", "")
    return title or _("(No description given: a report about %(s)s.)") % {"s": data.service.name}


def _reporter(reporter: Reporter, *, request: ServiceRequest, actor: Actor) -> Person:
    """The person a report is filed on: someone the council knows, when the reporter gave the same email or phone
    and name as one of their records; otherwise a new person with the report as their source record, and any
    likely match put before a caseworker in the linkage review queue."""
    person = _exact_person(reporter, actor=actor)
    if person is not None:
        return person
    likely = _likely_people(reporter, address=request.address_string, actor=actor)
    record = _person_create(reporter, request=request, actor=actor)
    pairs_hold_for_review(
        record=record, candidates=likely, actor=actor, purpose=PURPOSE, reason="open311 report held for review"
    )
    assert record.person is not None
    return record.person


@transaction.atomic
def request_create(*, client: ApiClient, data: RequestInput, now: dt.datetime | None = None) -> ServiceRequest:
    """Record an Open311 report: the request, the person (someone the council knows only on an exact email or phone
    and name, else a new person held for a caseworker to link; none when the report names no one), and a contact
    in channel "app" that opens a need. The request's id is the contact's source_reference. Batch and blackbox
    services get a token as well."""
    at = now or timezone.now()
    actor = client_actor(client)
    service: Service = data.service
    request = ServiceRequest(
        client=client,
        service=service,
        requested_datetime=at,
        lat=data.lat,
        long=data.long,
        address_string=data.address_string,
        address_id=data.address_id,
        media_url=data.media_urls[0] if data.media_urls else "",
        media_urls=data.media_urls,
        attributes=data.attributes,
        extra_attributes=data.extra_attributes,
        client_fields=data.client_fields,
        reporter_email_hash=email_hash(data.reporter.email),
        token=secrets.token_urlsafe(18) if service.open311_type != Service.Open311Type.REALTIME else None,
    )
    request.full_clean(exclude=["need", "contact"])
    request.save()
    person = _reporter(data.reporter, request=request, actor=actor) if data.reporter.given else None
    contact = contact_log(
        actor=actor,
        purpose=PURPOSE,
        channel=Channel.APP,
        words=_words(data),
        person=person,
        occurred_at=at,
        service=service,
        demand_type=DemandType.VALUE,
        need_summary=data.extra_attributes.get("title", "")[:300],
        source_reference=request.service_request_id,
    )
    request.need_id = contact.need_id
    request.contact = contact
    request.save(update_fields=["need", "contact"])
    return request


@dataclass
class UpdateInput:
    service_request_id: str
    update_id: str
    updated_datetime: dt.datetime
    status: str
    description: str
    media_urls: list[str]
    reporter: Reporter
    client_fields: dict[str, str] = field(default_factory=dict)


def _same_reporter(request: ServiceRequest, reporter: Reporter) -> bool:
    """Whether an update comes from the person who made the report: the same email, or neither gave one."""
    return email_hash(reporter.email) == request.reporter_email_hash


def _move(need: Need, *, target: NeedStatus, status: str, data: UpdateInput, actor: Actor) -> NeedEvent | None:
    """Bring the need to the status the update means, if it is not there already. OPEN on a need being worked on
    changes nothing: the reporter is only commenting."""
    need.refresh_from_db()
    steps: list[NeedStatus] = []
    if target == NeedStatus.OPEN:
        steps = [] if need.is_open else [NeedStatus.OPEN]
    elif target == NeedStatus.IN_PROGRESS:
        if need.status == NeedStatus.OPEN:
            steps = [target]
        elif need.status != NeedStatus.IN_PROGRESS:
            steps = [NeedStatus.OPEN, target]
    elif need.is_open:
        steps = [target]
    note = " ".join(part for part in (status.replace("_", " ").capitalize() + ".", data.description) if part)
    for step in steps:
        need = need_transition(
            need=need, to_status=step, actor=actor, purpose=PURPOSE, note=note, at=data.updated_datetime
        )
    if not steps:
        return None
    return NeedEvent.objects.filter(need=need, kind=NeedEvent.Kind.STATUS).order_by("-id").first()


@transaction.atomic
def update_record(*, client: ApiClient, data: UpdateInput) -> ServiceRequestUpdate:
    """Record an update a client posts about one of its own requests. The same update_id again returns the
    update already recorded (clients retry). A comment from the reporter becomes a repeat contact about the
    need; the update's status moves the need (FIXED or CLOSED meets it, DUPLICATE and the like close it)."""
    existing = ServiceRequestUpdate.objects.filter(client=client, external_id=data.update_id).first()
    if existing is not None:
        return existing
    status = data.status.upper()
    target = INCOMING.get(status)
    if target is None:
        raise bad_request(_("status “%(s)s” is not one Tellus knows.") % {"s": data.status})
    number = request_id(data.service_request_id)
    request = (
        ServiceRequest.objects.select_related("need", "need__person").filter(pk=number, client=client).first()
        if number is not None
        else None
    )
    if request is None or request.need is None:
        raise Open311Error(404, _("No request %(id)s from this client.") % {"id": data.service_request_id})
    need = request.need
    if data.updated_datetime < need.opened_at:
        raise bad_request(_("updated_datetime is before the request was made."))
    if data.updated_datetime > timezone.now() + FUTURE_TOLERANCE:
        raise bad_request(_("updated_datetime is in the future."))
    update = ServiceRequestUpdate(
        request=request,
        client=client,
        external_id=data.update_id,
        status=status,
        description=data.description,
        updated_datetime=data.updated_datetime,
        media_url=data.media_urls[0] if data.media_urls else "",
        media_urls=data.media_urls,
        client_fields=data.client_fields,
    )
    update.full_clean(exclude=["contact", "need_event"])
    update.save()
    actor = client_actor(client)
    closing = target in (NeedStatus.MET, NeedStatus.CLOSED_OTHER)
    person = need.person
    if (
        data.description
        and _same_reporter(request, data.reporter)
        and not (closing and not need.is_open)  # a closed need is not reopened only to be closed again
        and not (person is not None and person.merged_into_id)
    ):
        update.contact = contact_log(
            actor=actor,
            purpose=PURPOSE,
            channel=Channel.APP,
            words=data.description,
            person=person,
            occurred_at=data.updated_datetime,
            service=request.service,
            need=need,
            demand_type=DemandType.VALUE if closing else None,
            source_reference=f"{request.pk}/update/{update.pk}",
        )
    update.need_event = _move(need, target=target, status=status, data=data, actor=actor)
    update.save(update_fields=["contact", "need_event"])
    return update
