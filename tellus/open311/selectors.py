"""Reads for the Open311 endpoints, each one query (or a fixed few) however many rows it returns."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, F, OuterRef, QuerySet, Subquery, TextField, Value, When

from tellus.catalogue.models import Service
from tellus.demand.models import NeedEvent, NeedStatus, NoteVisibility

from .models import ServiceRequest

CLIENT_ACTOR_PREFIX = "open311:"


def services_open311() -> QuerySet[Service]:
    return Service.objects.filter(open311_enabled=True).prefetch_related("attributes").order_by("group", "name", "code")


def service_open311(code: str) -> Service | None:
    return services_open311().filter(code=code).first()


def _with_status_notes(requests: QuerySet[ServiceRequest]) -> QuerySet[ServiceRequest]:
    """status_notes: the note on the change to the request's current status, only if staff made it public. An
    internal note is never read out of the database here, so it cannot reach a client."""
    public_note = Case(
        When(note_visibility=NoteVisibility.PUBLIC, then=F("note")), default=Value(""), output_field=TextField()
    )
    last_note = (
        NeedEvent.objects.filter(need=OuterRef("need"), kind=NeedEvent.Kind.STATUS)
        .order_by("-occurred_at", "-id")
        .annotate(published=public_note)
        .values("published")[:1]
    )
    return requests.select_related("service", "need", "contact").annotate(status_notes=Subquery(last_note))


def requests_open311(
    *,
    ids: list[int] | None = None,
    service_codes: list[str] | None = None,
    statuses: list[str] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> QuerySet[ServiceRequest]:
    """Requests, newest first. `ids` overrides every other filter, as GeoReport v2 says."""
    requests = ServiceRequest.objects.filter(need__isnull=False)
    if ids is not None:
        requests = requests.filter(pk__in=ids)
    else:
        if service_codes:
            requests = requests.filter(service__code__in=service_codes)
        if statuses:
            need_statuses: list[str] = []
            if "open" in statuses:
                need_statuses += [NeedStatus.OPEN, NeedStatus.IN_PROGRESS]
            if "closed" in statuses:
                need_statuses += [NeedStatus.MET, NeedStatus.CLOSED_OTHER]
            requests = requests.filter(need__status__in=need_statuses)
        if start is not None:
            requests = requests.filter(requested_datetime__gte=start)
        if end is not None:
            requests = requests.filter(requested_datetime__lte=end)
    return _with_status_notes(requests).order_by("-requested_datetime", "-id")


def request_by_token(token: str) -> ServiceRequest | None:
    return ServiceRequest.objects.filter(token=token).first() if token else None


def council_updates(*, start: dt.datetime, end: dt.datetime, ids: list[int] | None = None) -> QuerySet[NeedEvent]:
    """What the council did to Open311 requests' needs (status changes and hand-offs), oldest first: the
    updates FixMyStreet fetches. Changes an Open311 client caused are left out: the client knows them."""
    events = NeedEvent.objects.filter(
        need__open311_request__isnull=False,
        kind__in=[NeedEvent.Kind.STATUS, NeedEvent.Kind.HANDOFF],
        occurred_at__gte=start,
        occurred_at__lte=end,
    ).exclude(actor_label__startswith=CLIENT_ACTOR_PREFIX)
    if ids is not None:
        events = events.filter(need__open311_request__pk__in=ids)
    # The note travels only as NeedEvent.public_note, which is empty unless staff made the note public.
    return events.select_related("need", "need__open311_request").order_by("occurred_at", "id")
