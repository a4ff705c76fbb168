"""Reads of the service catalogue and customer lists.

A customer list shows how many people each segment selects, never who they are: counts are aggregates and
need no audit entry. Naming the people in a segment would be a read of personal data and is not offered here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from tellus.capacities.models import PersonCapacity

from .dealing_with import SERVICES_USED_WINDOW_DAYS
from .models import CommunityConsideration, CustomerGroup, RightsAndResponsibilities, Service, SimonsQuestion


def services_list(*, group: str = "", query: str = "") -> QuerySet[Service]:
    services = Service.objects.all()
    if group:
        services = services.filter(group__iexact=group)
    if query:
        services = services.filter(Q(name__icontains=query) | Q(description__icontains=query) | Q(code__iexact=query))
    return services.order_by("group", "name")


def service_groups() -> list[str]:
    return list(Service.objects.order_by("group").values_list("group", flat=True).distinct())


def service_get(code: str) -> Service:
    """One service with everything its page shows. Raises Service.DoesNotExist."""
    return Service.objects.prefetch_related(
        "attributes",
        Prefetch("customer_groups", queryset=CustomerGroup.objects.order_by("kind", "order", "name")),
        Prefetch("community_considerations", queryset=CommunityConsideration.objects.order_by("order", "title")),
        Prefetch("rights_and_responsibilities", queryset=RightsAndResponsibilities.objects.order_by("capacity")),
    ).get(code=code)


def segment_people(group: CustomerGroup, *, on: dt.date | None = None) -> QuerySet[PersonCapacity]:
    """The capacity rows that put people in a group's segment on a day: a current capacity (of the kind named,
    if any), at a property in the ward named, if any, and use of the service named in the last 12 months."""
    on = on or timezone.localdate()
    current = Q(valid_from__isnull=True) | Q(valid_from__lte=on)
    current &= Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    rows = PersonCapacity.objects.filter(person__merged_into__isnull=True)
    if group.segment_capacity or group.segment_ward:
        wanted = rows.filter(current)
        if group.segment_capacity:
            wanted = wanted.filter(capacity=group.segment_capacity)
        if group.segment_ward:
            wanted = wanted.filter(property__ward__iexact=group.segment_ward)
        rows = rows.filter(person_id__in=wanted.values("person_id"))
    if group.segment_service:
        since = on - dt.timedelta(days=SERVICES_USED_WINDOW_DAYS)
        used = PersonCapacity.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=since),
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            service_code=group.segment_service,
        )
        rows = rows.filter(person_id__in=used.values("person_id"))
    return rows


def segment_count(group: CustomerGroup, *, on: dt.date | None = None) -> int | None:
    """How many people a group's segment selects now, or None when the group has no segment."""
    if not group.has_segment:
        return None
    return segment_people(group, on=on).values("person_id").distinct().count()


@dataclass(frozen=True)
class ListedGroup:
    group: CustomerGroup
    count: int | None


@dataclass(frozen=True)
class CustomerListSection:
    kind: str
    label: str
    groups: list[ListedGroup]


@dataclass(frozen=True)
class CustomerList:
    service: Service
    on: dt.date
    sections: list[CustomerListSection] = field(default_factory=list)
    answers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def group_count(self) -> int:
        return sum(len(section.groups) for section in self.sections)


def customer_list(service: Service, *, on: dt.date | None = None) -> CustomerList:
    """A service's customer list: its groups by kind with each segment's live count, and the team's answers to
    Simons' questions."""
    on = on or timezone.localdate()
    groups = list(service.customer_groups.all())
    sections = [
        CustomerListSection(
            kind=kind.value,
            label=str(kind.label),
            groups=[ListedGroup(group=g, count=segment_count(g, on=on)) for g in groups if g.kind == kind.value],
        )
        for kind in CustomerGroup.Kind
    ]
    worksheet = getattr(service, "worksheet", None)
    answers = [
        (str(question.label), worksheet.answer(question.value))
        for question in SimonsQuestion
        if worksheet is not None and worksheet.answer(question.value)
    ]
    return CustomerList(service=service, on=on, sections=sections, answers=answers)


def wards() -> list[str]:
    from tellus.people.models import Property

    return [w for w in Property.objects.order_by("ward").values_list("ward", flat=True).distinct() if w]


def community_considerations_for(codes: Iterable[str]) -> QuerySet[CommunityConsideration]:
    """The community considerations staff should see while dealing with these services. The Demand work's contact
    form reads them from here, and a contact records "request modified after discussion" against one of them."""
    return CommunityConsideration.objects.filter(service__code__in=list(codes)).select_related("service")
