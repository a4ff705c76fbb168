"""Reads of people's data for staff. Each one writes its audit entries in the same transaction as the read."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from itertools import groupby

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace, Upper

from tellus.common.text import normalise_name
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_event_record, audit_events_record

from .models import PERSON_OBJECT_TYPE, REPRESENTATIVE_OBJECT_TYPE, Person, Representative, SourceRecord, SourceSystem

# Commas separate words as well as spaces: staff paste addresses as "1 Station Road, Tellham".
_WORD_SEPARATORS = re.compile(r"[\s,]+")

# Merges form short chains; the bound only guards against a cycle that the linkage services never make.
MAX_MERGE_DEPTH = 50


def person_live(person: Person, *, fields: tuple[str, ...] = ()) -> Person:
    """The live person a merged-away person's records ended up with, following later merges; the person themselves
    when they were never merged. `fields` reads only those columns of each person on the way."""
    current = person
    for _hop in range(MAX_MERGE_DEPTH):
        if current.merged_into_id is None:
            return current
        people = Person.objects.only(*fields) if fields else Person.objects.all()
        current = people.get(pk=current.merged_into_id)
    return current


def people_merged_into(person_id: int) -> list[int]:
    """The person and everyone whose merges lead to them, directly or through a later merge."""
    found = [person_id]
    frontier = [person_id]
    for _depth in range(MAX_MERGE_DEPTH):
        frontier = list(Person.objects.filter(merged_into__in=frontier).values_list("pk", flat=True))
        frontier = [pk for pk in frontier if pk not in found]
        if not frontier:
            break
        found.extend(frontier)
    return found


def search_words(text: str) -> list[str]:
    return [word for word in _WORD_SEPARATORS.split(text) if word]


@dataclass(frozen=True)
class PersonMatch:
    """One person on a page of search results, with what staff need to tell namesakes apart."""

    person: Person
    addresses: list[str]
    source_titles: list[str]


@dataclass(frozen=True)
class PersonSearchResults:
    query: str
    date_of_birth: dt.date | None
    page: Page[Person]
    matches: list[PersonMatch] = field(default_factory=list)

    @property
    def searched(self) -> bool:
        return bool(search_words(self.query)) or self.date_of_birth is not None

    @property
    def total(self) -> int:
        return self.page.paginator.count


@dataclass(frozen=True)
class SourceRecordGroup:
    source_system: SourceSystem
    records: list[SourceRecord]


@dataclass(frozen=True)
class StaffPersonView:
    """A person as a member of staff sees them: the person and the records behind them, system by system."""

    person: Person
    groups: list[SourceRecordGroup] = field(default_factory=list)
    # Records of the person's estate ("Estate of the late Mary Brown"): organisations, shown apart.
    estates: list[SourceRecord] = field(default_factory=list)

    @property
    def record_count(self) -> int:
        return sum(len(group.records) for group in self.groups)


def _word_matches(word: str) -> Q:
    """A record matches a word when its name, address or postcode contains it."""
    condition = Q(address__icontains=word) | Q(postcode_compact__contains=word.upper())
    name_part = normalise_name(word)
    if name_part:  # digits normalise to nothing, which would match every name
        condition |= Q(name_normalised__contains=name_part)
    return condition


def _matching_records(*, query: str, date_of_birth: dt.date | None) -> QuerySet[SourceRecord]:
    records = SourceRecord.objects.annotate(
        postcode_compact=Upper(Replace("postcode", Value(" "), Value(""))),
    )
    for word in search_words(query):
        records = records.filter(_word_matches(word))
    if date_of_birth is not None:
        records = records.filter(date_of_birth=date_of_birth)
    return records


def _records_for_display() -> QuerySet[SourceRecord]:
    return SourceRecord.objects.select_related("source_system").order_by("source_system__name", "source_key")


def _match(person: Person) -> PersonMatch:
    records = list(person.source_records.all())
    addresses = list(dict.fromkeys(r.address for r in records if r.address))
    titles = list(dict.fromkeys(r.source_system.title for r in records))
    return PersonMatch(person=person, addresses=addresses, source_titles=titles)


def person_search(
    *,
    actor: Actor,
    purpose: Purpose | str,
    query: str = "",
    date_of_birth: dt.date | None = None,
    page: int | str | None = 1,
    page_size: int | None = None,
) -> PersonSearchResults:
    """People with at least one source record matching every word of `query` (in its name, address or postcode)
    and `date_of_birth`, by name. Writes one SEARCH entry, and one LISTED entry for each person on the page.

    An empty search touches neither the people nor the audit log: it has read nothing.
    """
    paginator_size = page_size or settings.TELLUS_SEARCH_PAGE_SIZE
    if not search_words(query) and date_of_birth is None:
        empty: Paginator[Person] = Paginator([], paginator_size)
        return PersonSearchResults(query=query, date_of_birth=date_of_birth, page=empty.page(1))

    matching = _matching_records(query=query, date_of_birth=date_of_birth).filter(person=OuterRef("pk"))
    people = (
        Person.objects.filter(Exists(matching))
        .order_by("display_name", "id")
        .prefetch_related(Prefetch("source_records", queryset=_records_for_display()))
    )
    with transaction.atomic():
        paginator = Paginator(people, paginator_size)
        shown = paginator.get_page(page)
        on_page = list(shown.object_list)
        matches = [_match(person) for person in on_page]
        audit_events_record(
            actor=actor,
            purpose=purpose,
            entries=[
                AuditEntry(
                    action=AuditAction.SEARCH,
                    object_type=PERSON_OBJECT_TYPE,
                    context={
                        "query": query,
                        "date_of_birth": date_of_birth.isoformat() if date_of_birth else "",
                        "page": shown.number,
                        "result_count": paginator.count,
                    },
                ),
                *(
                    AuditEntry(
                        action=AuditAction.LISTED,
                        object_type=PERSON_OBJECT_TYPE,
                        object_id=str(match.person.pk),
                        subject_person_id=match.person.pk,
                        context={"page": shown.number},
                    )
                    for match in matches
                ),
            ],
        )
    return PersonSearchResults(
        query=query, date_of_birth=date_of_birth, page=Page(on_page, shown.number, paginator), matches=matches
    )


def person_get_for_staff(*, actor: Actor, purpose: Purpose | str, person_id: int) -> StaffPersonView:
    """A person and all their source records, grouped by source system. Writes one VIEW entry.

    Raises Person.DoesNotExist (and writes nothing) when there is no such person.
    """
    records = _records_for_display().select_related("source_system", "property")
    with transaction.atomic():
        person = (
            Person.objects.prefetch_related(Prefetch("source_records", queryset=records))
            .annotate(has_estate=Exists(SourceRecord.objects.filter(estate_of=OuterRef("pk"))))
            .get(pk=person_id)
        )
        audit_event_record(
            actor=actor,
            purpose=purpose,
            action=AuditAction.VIEW,
            object_type=PERSON_OBJECT_TYPE,
            object_id=person.pk,
            subject_person_id=person.pk,
        )
        # Most people have no estate record: the annotation above saves them the query.
        estates = (
            list(person.estates.select_related("source_system").order_by("source_system__name", "source_key"))
            if person.has_estate
            else []
        )
    groups = [
        SourceRecordGroup(source_system=system, records=list(group))
        for system, group in groupby(person.source_records.all(), key=lambda record: record.source_system)
    ]
    return StaffPersonView(person=person, groups=groups, estates=estates)


def representatives_active(*, person_id: int, on: dt.date | None = None) -> list[Representative]:
    """The people acting for a person on a day (today by default). For the system's own routing (where a letter
    goes, who may report for someone); staff pages use `representatives_for_staff`, which is audited."""
    day = on or dt.date.today()
    return list(
        Representative.objects.filter(person_id=person_id, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("representative_person")
    )


def representatives_for_staff(*, actor: Actor, purpose: Purpose | str, person_id: int) -> list[Representative]:
    """Every representative a person has had, current and ended, for a member of staff. Writes one VIEW entry."""
    with transaction.atomic():
        representatives = list(
            Representative.objects.filter(person_id=person_id).select_related("representative_person")
        )
        audit_event_record(
            actor=actor,
            purpose=purpose,
            action=AuditAction.VIEW,
            object_type=REPRESENTATIVE_OBJECT_TYPE,
            object_id="",
            subject_person_id=person_id,
            context={"representatives": len(representatives)},
        )
    return representatives
