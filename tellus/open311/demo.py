"""The demo town's Open311 feed: its app and web contacts about reportable services, as Open311 requests.

The demo year (tellus/demand) records a year of contacts and needs. A council's app (FixMyStreet) and its website
send their reports through Open311, so each first app or web contact about a service Open311 clients may report
to becomes the request that opened its need, sent by one of two demo clients, with a location, the service's
attributes and, later, the reporter's comments as the client's updates. Some of the council's status changes
carry a public note ("Collected on Tuesday."), some hand-offs an internal one; a client reading `requests.json`
and `servicerequestupdates.json` sees a live feed, and only the public notes.

Rows are written with the ORM in bulk: each request's fields are checked by the model (clean_fields) and its
attributes by the very reader a client's POST goes through (`forms.attributes`); the database enforces the rest.
The contacts and needs themselves were audited when the demo year recorded them. The same seed gives the same
feed."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import CharField, F, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.http import QueryDict
from django.utils import timezone

from tellus.catalogue.models import Service, ServiceAttribute
from tellus.common.batch import bulk_insert
from tellus.demand.models import Channel, Contact, Need, NeedEvent, NeedStatus, NoteVisibility
from tellus.people.models import Property
from tellus.privacy.services import Actor

from . import forms
from .keys import api_client_create
from .models import ApiClient, ServiceRequest, ServiceRequestUpdate

# The channel each demo client reports in, and its name.
DEMO_CLIENTS: dict[str, str] = {Channel.APP: "fixmystreet", Channel.WEB: "council-website"}
BATCH = 2000
# The share of status changes that say something publicly.
PUBLIC_SHARE: dict[str, float] = {NeedStatus.MET: 0.7, NeedStatus.IN_PROGRESS: 0.6}
INTERNAL_HANDOFF_SHARE = 0.3  # hand-offs with a note for the team, never published

# Public notes on the council's status changes, by service; the default for the rest.
PUBLIC_NOTES: dict[str, dict[str, tuple[str, ...]]] = {
    "household-waste": {
        NeedStatus.MET: ("Collected on {day}. Thank you for letting us know.", "The crew went back and emptied it."),
        NeedStatus.IN_PROGRESS: ("The crew has been asked to return.",),
    },
    "recycling": {
        NeedStatus.MET: ("Collected on {day}.", "Emptied; the crew has been reminded of the round."),
        NeedStatus.IN_PROGRESS: ("The crew has been asked to return.",),
    },
    "fly-tipping": {
        NeedStatus.MET: ("Cleared on {day}. We are looking into who dumped it.", "Removed by the clearance team."),
        NeedStatus.IN_PROGRESS: ("An officer will inspect it and arrange removal.",),
    },
    "street-cleaning": {
        NeedStatus.MET: ("The street was swept on {day}.", "Cleared by the street scene team."),
        NeedStatus.IN_PROGRESS: ("Added to the street scene team's list.",),
    },
    "graffiti-removal": {
        NeedStatus.MET: ("Removed on {day}.", "Painted over by the graffiti team."),
        NeedStatus.IN_PROGRESS: ("Booked with the graffiti team.",),
    },
    "potholes": {
        NeedStatus.MET: ("Repaired on {day}.", "Made safe with a temporary repair; resurfacing is planned."),
        NeedStatus.IN_PROGRESS: ("Inspected: a repair has been ordered.", "An inspector will visit within 5 days."),
    },
    "street-lighting": {
        NeedStatus.MET: ("The light was repaired on {day}.", "Fixed: a new lamp was fitted."),
        NeedStatus.IN_PROGRESS: ("Passed to our lighting contractor.",),
    },
    "street-trees": {
        NeedStatus.MET: ("The tree was inspected and the work done on {day}.", "Pruned by the tree team."),
        NeedStatus.IN_PROGRESS: ("A tree officer will inspect it.",),
    },
}
DEFAULT_NOTES: dict[str, tuple[str, ...]] = {
    NeedStatus.MET: ("Dealt with on {day}. Thank you for reporting it.", "Resolved by the team."),
    NeedStatus.IN_PROGRESS: ("The team is looking into it.",),
}
INTERNAL_NOTES = ("Added to the crew's job sheet.", "Crew to check access at the back.", "Logged with the contractor.")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass
class DemoFeed:
    requests: int = 0
    updates: int = 0
    public_notes: int = 0

    def line(self) -> str:
        return f"{self.requests:,} requests, {self.updates:,} updates from clients, {self.public_notes:,} public notes"


def _clients(actor: Actor) -> dict[str, ApiClient]:
    """The demo's two clients, made through the key service; their keys are thrown away (make new ones with
    `tellus open311-key`)."""
    clients: dict[str, ApiClient] = {}
    for channel, name in DEMO_CLIENTS.items():
        client = ApiClient.objects.filter(name=name).first()
        clients[channel] = client if client is not None else api_client_create(name=name, actor=actor)[0]
    return clients


def _places() -> list[tuple[float | None, float | None, str]]:
    """Where reports are made: beside the gazetteer's properties, described by their street and postcode."""
    places = []
    rows = Property.objects.filter(latitude__isnull=False, longitude__isnull=False).order_by("reference")
    for lat, long, line_1, line_2, postcode in rows.values_list(
        "latitude", "longitude", "address_line_1", "address_line_2", "postcode"
    ):
        line = line_2 if line_1.startswith("Flat") and line_2 else line_1
        places.append((lat, long, ", ".join(part for part in (f"Near {line}", postcode) if part)))
    return places


def _attribute_data(rng: random.Random, service: Service, day: dt.date) -> QueryDict:
    """What a reporter would answer to the service's questions, as the client would post it."""
    data = QueryDict(mutable=True)
    for attribute in service.attributes.all():
        if not attribute.variable or not (attribute.required or rng.random() < 0.5):
            continue
        name = f"attribute[{attribute.code}]"
        keys = [str(value["key"]) for value in attribute.values or []]
        if attribute.datatype == ServiceAttribute.Datatype.MULTIVALUELIST and keys:
            data.setlist(f"{name}[]", rng.sample(keys, rng.randint(1, min(2, len(keys)))))
        elif keys:
            data[name] = rng.choice(keys)
        elif attribute.datatype == ServiceAttribute.Datatype.NUMBER:
            data[name] = str(rng.randint(1, 10))
        elif attribute.datatype == ServiceAttribute.Datatype.DATETIME:
            data[name] = day.isoformat()
        else:
            data[name] = f"{attribute.code.upper()[:2]}{rng.randint(1, 999)}"
    return data


def _requests(
    rng: random.Random, contacts: Iterable[Any], services: dict[int, Service], clients: dict[str, ApiClient]
) -> list[ServiceRequest]:
    places = _places()
    made = []
    for contact in contacts:
        service = services[contact["service_id"]]
        lat, long, address = places[rng.randrange(len(places))] if places else (None, None, "Near the town centre")
        known, extra = forms.attributes(_attribute_data(rng, service, contact["occurred_at"].date()), service)
        request = ServiceRequest(
            client=clients[contact["channel"]],
            service=service,
            need_id=contact["need_id"],
            contact_id=contact["id"],
            requested_datetime=contact["occurred_at"],
            lat=None if lat is None else round(lat + rng.gauss(0, 0.0002), 6),
            long=None if long is None else round(long + rng.gauss(0, 0.0003), 6),
            address_string=address,
            attributes=known,
            extra_attributes=extra,
            token=(
                None if service.open311_type == Service.Open311Type.REALTIME else f"demo-{rng.getrandbits(64):016x}"
            ),
        )
        request.clean_fields(exclude=["client", "service", "need", "contact"])
        made.append(request)
    return bulk_insert(made)  # type: ignore[return-value]


def _updates(requests: list[ServiceRequest]) -> list[ServiceRequestUpdate]:
    """The reporter's later contacts in the same channel, as the client's updates on the request (a comment: OPEN)."""
    by_need = {request.need_id: request for request in requests}
    channel_of = {client: channel for channel, client in DEMO_CLIENTS.items()}
    clients = {request.client_id: request.client for request in requests}
    made = []
    repeats = Contact.objects.filter(is_first_contact_for_need=False, need__open311_request__isnull=False)
    for contact in repeats.filter(channel__in=list(DEMO_CLIENTS)).order_by("pk").iterator(chunk_size=BATCH):
        request = by_need.get(contact.need_id)
        if request is None or channel_of[clients[request.client_id].name] != contact.channel:
            continue
        update = ServiceRequestUpdate(
            request=request,
            client=clients[request.client_id],
            external_id=f"demo-{contact.pk}",
            status="OPEN",
            description=contact.words,
            updated_datetime=contact.occurred_at,
            contact=contact,
        )
        update.clean_fields(exclude=["request", "client", "contact", "need_event"])
        made.append(update)
    return bulk_insert(made)  # type: ignore[return-value]


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), BATCH):
        yield values[start : start + BATCH]


def _notes(rng: random.Random, requests: list[ServiceRequest]) -> int:
    """Public notes on some of the council's status changes, internal ones on some hand-offs. Returns how many
    notes are public."""
    codes = {request.need_id: request.service.code for request in requests}
    chosen: dict[tuple[str, str], list[int]] = defaultdict(list)
    kinds = [NeedEvent.Kind.STATUS, NeedEvent.Kind.HANDOFF]
    rows = sorted(
        row
        for needs in _chunks(sorted(codes))
        for row in NeedEvent.objects.filter(need_id__in=needs, kind__in=kinds).values_list(
            "pk", "need_id", "kind", "to_status", "note", "occurred_at"
        )
    )
    for pk, need_id, kind, to_status, note, occurred_at in rows:
        if kind == NeedEvent.Kind.HANDOFF:
            if rng.random() < INTERNAL_HANDOFF_SHARE:
                chosen[(INTERNAL_NOTES[rng.randrange(len(INTERNAL_NOTES))], NoteVisibility.INTERNAL)].append(pk)
        elif not note and rng.random() < PUBLIC_SHARE.get(to_status, 0.0):
            texts = PUBLIC_NOTES.get(codes[need_id], DEFAULT_NOTES).get(to_status) or DEFAULT_NOTES[to_status]
            text = texts[rng.randrange(len(texts))].format(day=DAYS[timezone.localtime(occurred_at).weekday()])
            chosen[(text, NoteVisibility.PUBLIC)].append(pk)
    public = 0
    for (text, visibility), pks in sorted(chosen.items()):
        for chunk in _chunks(pks):
            NeedEvent.objects.filter(pk__in=chunk).update(note=text, note_visibility=visibility)
        public += len(pks) if visibility == NoteVisibility.PUBLIC else 0
    return public


@transaction.atomic
def demo_requests_create(*, seed: int, actor: Actor) -> DemoFeed:
    """Make the demo year's first app and web contacts about Open311-reportable services into Open311 requests,
    with their clients' updates and the council's notes. Contacts already behind a request are left alone."""
    rng = random.Random(f"open311-demo-{seed}")  # noqa: S311 - a reproducible demo, not a secret
    reportable = Service.objects.filter(open311_enabled=True).prefetch_related("attributes")
    services = {service.pk: service for service in reportable}
    clients = _clients(actor)
    firsts = (
        Contact.objects.filter(
            is_first_contact_for_need=True,
            channel__in=list(DEMO_CLIENTS),
            service_id__in=list(services),
            source_reference="",
            open311_request__isnull=True,
        )
        .order_by("pk")
        .values("id", "need_id", "service_id", "occurred_at", "channel")
    )
    requests = _requests(rng, firsts.iterator(chunk_size=BATCH), services, clients)
    if not requests:
        return DemoFeed()
    for request in requests:  # the service is in hand: no query per request in what follows
        request.service = services[request.service_id]
    # The contact that opened each request carries its id, as a report's does (its channel's source reference).
    request_id = ServiceRequest.objects.filter(contact=OuterRef("pk")).values("pk")[:1]
    for chunk in _chunks([request.pk for request in requests]):
        Contact.objects.filter(open311_request__in=chunk).update(
            source_reference=Cast(Subquery(request_id), output_field=CharField())
        )
        # A request was last updated when its need last changed, not when the demo was built.
        Need.objects.filter(open311_request__in=chunk).update(
            updated_at=Coalesce(F("met_at"), F("closed_at"), F("opened_at"))
        )
    updates = _updates(requests)
    update_of = ServiceRequestUpdate.objects.filter(contact=OuterRef("pk"))
    for chunk in _chunks([update.pk for update in updates]):
        Contact.objects.filter(open311_update__in=chunk).update(
            source_reference=Concat(
                Cast(Subquery(update_of.values("request_id")[:1]), output_field=CharField()),
                Value("/update/"),
                Cast(Subquery(update_of.values("pk")[:1]), output_field=CharField()),
                output_field=CharField(),
            )
        )
    public = _notes(rng, requests)
    return DemoFeed(requests=len(requests), updates=len(updates), public_notes=public)
