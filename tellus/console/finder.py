"""Finding the caller in one step: one box that reads what the caller gives the way they give it.

A name (fuzzy: the real-time matcher scores it, with surnames that sound or are spelt alike, and its nickname
comparisons), a date of birth, a phone number, an email, a full postcode (that postcode only) or part of one, an
address, a source system's record key or a Tellus person number. The words are read in that order of certainty:
an email, a phone number, a person number or a record key find at most a handful of people and are not mixed with
anything else; a postcode and a date of birth narrow whatever else was typed.

This is the console's own selector: it joins people (floor 2), the matcher (3) and capacities (4), so it sits with
the console, above them all. Like every staff read it writes its audit entries in the same transaction: one SEARCH
and one LISTED for each person on the page.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tellus.capacities.models import Capacity, PersonCapacity
from tellus.common.text import normalise_email, normalise_name, normalise_phone, normalise_postcode
from tellus.linkage.engine.prepare import soundex
from tellus.linkage.matching import MatchDetails, MatchError, match_person
from tellus.people.models import PERSON_OBJECT_TYPE, Person, Property, SourceRecord, SourceSystem
from tellus.people.selectors import person_live, search_words
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

_FULL_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9][A-Z]{2})\b", re.I)
_PARTIAL_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?(\s*[0-9])?$", re.I)
_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_PERSON_NUMBER = re.compile(r"^(?:person\s*|p\s*|#)?(\d{1,9})$", re.I)
_PHONE = re.compile(r"^\+?[\d\s()-]{9,}$")
# Words that make a query an address rather than a name.
_ADDRESS_WORDS = {
    "road", "rd", "street", "st", "lane", "ln", "avenue", "ave", "close", "drive", "way", "court", "place",
    "crescent", "gardens", "grove", "hill", "park", "terrace", "walk", "flat", "house", "cottage", "green", "row",
    "square", "mews", "view", "rise",
}  # fmt: skip

SORTS = {
    "relevance": _("Best match first"),
    "name": _("Name"),
    "dob": _("Date of birth"),
    "postcode": _("Postcode"),
}
CANDIDATE_CAP = 2000  # people a query may pick before sorting and paging; a postcode holds dozens, a street hundreds


@dataclass(frozen=True)
class FoundPerson:
    person: Person
    addresses: list[str]
    systems: list[str]
    probability: float | None = None


@dataclass(frozen=True)
class Reading:
    """How the box was read, shown back to staff ("Searched for: postcode TL2 2AN, name Smith")."""

    kind: str
    value: str


@dataclass
class FindResults:
    query: str
    readings: list[Reading]
    page: Page[Any]
    found: list[FoundPerson] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def total(self) -> int:
        return self.page.paginator.count


@dataclass
class _Parsed:
    email: str = ""
    phone: str = ""
    person_number: int | None = None
    key: str = ""
    postcode: str = ""  # full, normalised
    postcode_prefix: str = ""
    date_of_birth: dt.date | None = None
    words: list[str] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)


def _date(match: re.Match[str]) -> dt.date | None:
    day, month, year, iso_year, iso_month, iso_day = match.groups()
    try:
        if iso_year:
            return dt.date(int(iso_year), int(iso_month), int(iso_day))
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_query(query: str, date_of_birth: dt.date | None = None) -> _Parsed:
    """What each part of the box is: see the module's docstring."""
    text = query.strip()
    parsed = _Parsed(date_of_birth=date_of_birth)
    if not text:
        if date_of_birth:
            parsed.readings.append(Reading("date of birth", date_of_birth.strftime("%d/%m/%Y")))
        return parsed
    if _EMAIL.match(text):
        parsed.email = normalise_email(text)
        parsed.readings.append(Reading("email", parsed.email))
        return parsed
    number = _PERSON_NUMBER.match(text)
    if number and len(number.group(1)) < 9:
        parsed.person_number = int(number.group(1))
        parsed.key = text
        parsed.readings.append(Reading("person number or record key", text))
        return parsed
    if _PHONE.match(text) and len(normalise_phone(text).lstrip("+")) >= 9:
        parsed.phone = normalise_phone(text)
        parsed.key = text
        parsed.readings.append(Reading("phone number or record key", text))
        return parsed
    for found in _DATE.finditer(text):
        when = _date(found)
        if when is not None:
            parsed.date_of_birth = when
            text = text.replace(found.group(0), " ")
    if parsed.date_of_birth:
        parsed.readings.append(Reading("date of birth", parsed.date_of_birth.strftime("%d/%m/%Y")))
    postcode = _FULL_POSTCODE.search(text)
    if postcode:
        parsed.postcode = normalise_postcode(postcode.group(0))
        text = text.replace(postcode.group(0), " ")
        parsed.readings.append(Reading("postcode", parsed.postcode))
    words = search_words(text)
    joined = " ".join(words).upper()
    if not parsed.postcode and 1 <= len(words) <= 2 and _PARTIAL_POSTCODE.match(joined):
        parsed.postcode_prefix = joined
        parsed.readings.append(Reading("part of a postcode", parsed.postcode_prefix))
        words = []
    if len(words) == 1 and any(ch.isdigit() for ch in words[0]) and not parsed.postcode and not parsed.date_of_birth:
        parsed.key = words[0]  # a record key such as NA-0012 or CT-0001, or a house number alone
    parsed.words = words
    if words:
        kind = "address" if _is_address(words) else "name"
        parsed.readings.append(Reading(kind, " ".join(words)))
    return parsed


def _is_address(words: list[str]) -> bool:
    return any(word.isdigit() or word.lower().strip(".") in _ADDRESS_WORDS for word in words)


class _Surnames:
    """Every surname the council holds, kept for a few minutes, to find those that sound or are spelt like the
    one typed ("Smyth" for Smith): the matcher then scores them like any other candidate."""

    SECONDS = 300

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loaded_at = 0.0
        self.by_soundex: dict[str, list[str]] = {}
        self.by_initial: dict[str, list[str]] = {}
        self.alike: dict[str, list[str]] = {}  # answers given since the list was loaded
        self.newest: int | None = None

    def like(self, surname: str) -> list[str]:
        # The newest record's id says cheaply (by the primary key's index) whether an import has added names.
        newest = SourceRecord.objects.order_by("-pk").values_list("pk", flat=True).first()
        with self.lock:
            if newest != self.newest or time.monotonic() - self.loaded_at > self.SECONDS:
                self.newest = newest
                names = sorted(
                    set(
                        SourceRecord.objects.exclude(last_name_normalised="").values_list(
                            "last_name_normalised", flat=True
                        )
                    )
                )
                by_soundex: dict[str, list[str]] = {}
                by_initial: dict[str, list[str]] = {}
                for name in names:
                    code = soundex(name)
                    if code:
                        by_soundex.setdefault(code, []).append(name)
                    by_initial.setdefault(name[:1], []).append(name)
                self.by_soundex, self.by_initial, self.alike = by_soundex, by_initial, {}
                self.loaded_at = time.monotonic()
            known = self.alike.get(surname)
            if known is not None:
                return known
            by_soundex, by_initial = self.by_soundex, self.by_initial
        # Spelt alike among the surnames with the same first letter, as Soundex keeps the first letter too: comparing
        # every surname the council holds cost a tenth of a second a search, the largest part of a name search.
        alike = set(difflib.get_close_matches(surname, by_initial.get(surname[:1], []), n=8, cutoff=0.8))
        code = soundex(surname)
        if code:
            alike.update(by_soundex.get(code, [])[:30])
        alike.discard(surname)
        found = sorted(alike)
        with self.lock:
            if len(self.alike) < 50_000:
                self.alike[surname] = found
        return found


_surnames = _Surnames()


def _records_for_display() -> QuerySet[SourceRecord]:
    return SourceRecord.objects.select_related("source_system").order_by("source_system__name", "source_key")


def _exact_people(parsed: _Parsed) -> list[int] | None:
    """People found by something only they should have: an email, phone, person number or record key."""
    if parsed.email:
        records = SourceRecord.objects.filter(email=parsed.email)
    elif parsed.phone or parsed.person_number is not None:
        condition = Q(source_key__in=_key_forms(parsed.key))
        if parsed.phone:
            condition |= Q(phone=parsed.phone) | Q(phone__in=_phone_forms(parsed.phone))
        records = SourceRecord.objects.filter(condition, source_system__in=_system_ids())
        ids = list(records.exclude(person__isnull=True).order_by().values_list("person_id", flat=True).distinct())
        if parsed.person_number is not None:
            person = Person.objects.filter(pk=parsed.person_number).only("id", "merged_into").first()
            if person is not None:
                ids.insert(0, person_live(person, fields=("id", "merged_into")).pk)
        return list(dict.fromkeys(ids))
    else:
        return None
    return list(records.exclude(person__isnull=True).order_by().values_list("person_id", flat=True).distinct())


def _system_ids() -> list[int]:
    # The record key is unique within its system: naming every system lets the database use that index.
    return list(SourceSystem.objects.values_list("pk", flat=True))


def _key_forms(key: str) -> list[str]:
    return list(dict.fromkeys([key, key.upper(), key.lower()]))


def _phone_forms(phone: str) -> list[str]:
    """A UK number as people write it and as systems hold it: 07700 900123, +447700900123."""
    digits = phone.lstrip("+")
    forms = {phone}
    if digits.startswith("44"):
        forms.add("0" + digits[2:])
    elif digits.startswith("0"):
        forms.add("+44" + digits[1:])
    return sorted(forms)


def _narrowing(parsed: _Parsed) -> Q:
    """What every found person's records must include: the postcode, the date of birth."""
    condition = Q()
    if parsed.postcode:
        condition &= Q(postcode=parsed.postcode)
    if parsed.postcode_prefix:
        condition &= _postcode_prefix(parsed.postcode_prefix)
    if parsed.date_of_birth:
        condition &= Q(date_of_birth=parsed.date_of_birth)
    return condition


_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")


def _postcode_prefix(prefix: str) -> Q:
    """Part of a postcode, with or without its space: "TL1" is the district TL1 (not TL10); "TL11" may be the
    district TL11 or sector TL1 1; "TL1 1" is that sector. Postcodes are held with their one space, so each reading
    is a plain prefix the postcode index serves."""
    if " " in prefix:
        return Q(postcode__startswith=prefix)
    condition = Q(pk__in=[])
    if _OUTWARD.match(prefix):
        condition |= Q(postcode__startswith=f"{prefix} ") | Q(postcode=prefix)
    if prefix[-1].isdigit() and _OUTWARD.match(prefix[:-1]):
        condition |= Q(postcode__startswith=f"{prefix[:-1]} {prefix[-1]}")
    return condition


def _by_name(parsed: _Parsed, *, actor: Actor, purpose: Purpose | str) -> tuple[list[int], dict[int, float], bool]:
    """People whose name is like the words typed: the matcher's ranking, then plain containment for what it does
    not score (part of a name, "Sam" for Samantha). Returns (ids best first, probabilities, whether fuzzy)."""
    name = " ".join(parsed.words)
    first, _sep, last = name.rpartition(" ")
    surname = normalise_name(last or first)
    probabilities: dict[int, float] = {}
    fuzzy = False
    alike = _surnames.like(surname) if surname else []
    try:
        candidates = match_person(
            MatchDetails(
                name=name,
                date_of_birth=parsed.date_of_birth,
                postcode=parsed.postcode,
            ),
            actor=actor,
            purpose=purpose,
            limit=50,
            min_probability=0.05,
            also_surnames=alike,
            audit=False,
        )
        probabilities = {c.person_id: c.probability for c in candidates}
        fuzzy = True
    except MatchError:
        candidates = []  # no model trained yet, or nothing the matcher can block on: containment only
    ids = [c.person_id for c in candidates]
    if ids and (parsed.postcode or parsed.postcode_prefix or parsed.date_of_birth):
        keep = set(
            SourceRecord.objects.filter(_narrowing(parsed), person_id__in=ids).values_list("person_id", flat=True)
        )
        ids = [pid for pid in ids if pid in keep]
    records = SourceRecord.objects.filter(_narrowing(parsed))
    for word in parsed.words:
        part = normalise_name(word)
        if part:
            records = records.filter(name_normalised__contains=part)
    # order_by(): without it the records' default order joins the systems and makes DISTINCT sort three columns.
    contained = records.exclude(person__isnull=True).order_by().values_list("person_id", flat=True).distinct()
    ids.extend(pid for pid in contained[:CANDIDATE_CAP] if pid not in probabilities)
    if not ids and alike:
        # A surname alone ("Smyth") scores too little in the matcher to rank anyone; a caller who spells a name the
        # way it sounds should still find the people whose surname sounds or looks like it.
        fuzzy = True
        sounds_like = SourceRecord.objects.filter(_narrowing(parsed), last_name_normalised__in=alike).exclude(
            person__isnull=True
        )
        given = [normalise_name(word) for word in parsed.words[:-1] if normalise_name(word)]
        narrowed = sounds_like
        for part in given:
            narrowed = narrowed.filter(name_normalised__contains=part)
        people = narrowed.order_by().values_list("person_id", flat=True).distinct()
        found = list(people[:CANDIDATE_CAP]) if given else []
        ids.extend(found or sounds_like.order_by().values_list("person_id", flat=True).distinct()[:CANDIDATE_CAP])
    return list(dict.fromkeys(ids)), probabilities, fuzzy


def _by_address(parsed: _Parsed) -> list[int]:
    records = SourceRecord.objects.filter(_narrowing(parsed))
    for word in parsed.words:
        records = records.filter(address__icontains=word)
    people = records.exclude(person__isnull=True).order_by().values_list("person_id", flat=True).distinct()
    return list(people[:CANDIDATE_CAP])


def _filter_people(ids: list[int], *, ward: str, capacity: str, system: str) -> QuerySet[Person]:
    people = Person.objects.filter(pk__in=ids, merged_into__isnull=True)
    if ward:
        people = people.filter(Exists(SourceRecord.objects.filter(person=OuterRef("pk"), property__ward=ward)))
    if system:
        people = people.filter(Exists(SourceRecord.objects.filter(person=OuterRef("pk"), source_system__name=system)))
    if capacity:
        today = timezone.localdate()
        people = people.filter(
            Exists(
                PersonCapacity.objects.filter(person=OuterRef("pk"), capacity=capacity).filter(
                    Q(valid_to__isnull=True) | Q(valid_to__gte=today)
                )
            )
        )
    return people


def _ordered(people: QuerySet[Person], ids: list[int], sort: str) -> list[int]:
    if sort == "name":
        return list(people.order_by("display_name", "id").values_list("pk", flat=True))
    if sort == "dob":
        return list(people.order_by("date_of_birth", "display_name", "id").values_list("pk", flat=True))
    if sort == "postcode":
        first_postcode = dict(
            SourceRecord.objects.filter(person__in=people).exclude(postcode="")
            .order_by("person_id", "postcode").values_list("person_id", "postcode")
        )  # fmt: skip
        return sorted(people.values_list("pk", flat=True), key=lambda pk: (first_postcode.get(pk, "ZZZZ"), pk))
    keep = set(people.values_list("pk", flat=True))
    return [pid for pid in ids if pid in keep]


def find_people(
    *,
    actor: Actor,
    purpose: Purpose | str,
    query: str = "",
    date_of_birth: dt.date | None = None,
    ward: str = "",
    capacity: str = "",
    system: str = "",
    sort: str = "relevance",
    page: int | str | None = 1,
    page_size: int | None = None,
) -> FindResults:
    """The people the box describes, filtered and sorted, a page at a time. Audited (see the module docstring);
    an empty box reads nothing and writes nothing."""
    size = page_size or settings.TELLUS_SEARCH_PAGE_SIZE
    parsed = parse_query(query, date_of_birth)
    if not parsed.readings:
        return FindResults(query=query, readings=[], page=Paginator([], size).page(1))
    probabilities: dict[int, float] = {}
    fuzzy = False
    with transaction.atomic():
        exact = _exact_people(parsed)
        if exact is not None:
            ids = exact
        elif parsed.words and not _is_address(parsed.words):
            ids, probabilities, fuzzy = _by_name(parsed, actor=actor, purpose=purpose)
            if parsed.key:
                ids = list(
                    dict.fromkeys(
                        [
                            *SourceRecord.objects.filter(
                                source_key__in=_key_forms(parsed.key), source_system__in=_system_ids()
                            )
                            .exclude(person__isnull=True)
                            .values_list("person_id", flat=True),
                            *ids,
                        ]
                    )
                )
        elif parsed.words:
            ids = _by_address(parsed)
            if parsed.key:
                ids = [
                    *SourceRecord.objects.filter(source_key__in=_key_forms(parsed.key), source_system__in=_system_ids())
                    .exclude(person__isnull=True)
                    .values_list("person_id", flat=True),
                    *ids,
                ]
        else:
            ids = list(
                SourceRecord.objects.filter(_narrowing(parsed))
                .exclude(person__isnull=True)
                .order_by()
                .values_list("person_id", flat=True)
                .distinct()[:CANDIDATE_CAP]
            )
        if sort == "relevance" and not probabilities:
            sort = "name"  # nothing to rank by: alphabetical, as staff expect
        ordered = _ordered(_filter_people(ids, ward=ward, capacity=capacity, system=system), ids, sort)
        paginator = Paginator(ordered, size)
        shown = paginator.get_page(page)
        page_ids = list(shown.object_list)
        people = {
            person.pk: person
            for person in Person.objects.filter(pk__in=page_ids).prefetch_related(
                Prefetch("source_records", queryset=_records_for_display())
            )
        }
        found = [_found(people[pid], probabilities.get(pid)) for pid in page_ids if pid in people]
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
                        "read_as": [f"{r.kind}: {r.value}" for r in parsed.readings],
                        "filters": {k: v for k, v in (("ward", ward), ("capacity", capacity), ("system", system)) if v},
                        "page": shown.number,
                        "result_count": paginator.count,
                    },
                ),
                *(
                    AuditEntry(
                        action=AuditAction.LISTED,
                        object_type=PERSON_OBJECT_TYPE,
                        object_id=str(item.person.pk),
                        subject_person_id=item.person.pk,
                        context={"page": shown.number},
                    )
                    for item in found
                ),
            ],
        )
    return FindResults(
        query=query, readings=parsed.readings, page=Page(found, shown.number, paginator), found=found, fuzzy=fuzzy
    )


def _found(person: Person, probability: float | None) -> FoundPerson:
    records = list(person.source_records.all())
    addresses = list(
        dict.fromkeys(
            ", ".join(part for part in (r.address, r.postcode) if part) for r in records if r.address or r.postcode
        )
    )
    systems = list(dict.fromkeys(r.source_system.title for r in records))
    return FoundPerson(person=person, addresses=addresses, systems=systems, probability=probability)


class _Wards:
    """The gazetteer's wards, kept for a few minutes: reading them means reading every property (about 5 ms on
    every search page), and wards change when the gazetteer is loaded, a few times a year."""

    SECONDS = 300

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loaded_at = -float("inf")
        self.wards: list[str] = []

    def get(self) -> list[str]:
        with self.lock:
            if time.monotonic() - self.loaded_at > self.SECONDS:
                self.wards = list(
                    Property.objects.exclude(ward="").values_list("ward", flat=True).distinct().order_by("ward")
                )
                self.loaded_at = time.monotonic()
            return self.wards

    def forget(self) -> None:
        with self.lock:
            self.loaded_at = -float("inf")


_wards = _Wards()


@receiver([post_save, post_delete], sender=Property, dispatch_uid="console.finder.wards")
def _property_changed(**kwargs: Any) -> None:
    _wards.forget()  # a gazetteer loaded in bulk sends no signals: its new wards appear within SECONDS


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    """What the filters offer: the wards in the gazetteer (as of a few minutes ago), the capacities, the source
    systems."""
    wards = _wards.get()
    return {
        "ward": [(ward, ward) for ward in wards],
        "capacity": [(value, str(label)) for value, label in Capacity.choices],
        "system": list(SourceSystem.objects.order_by("title").values_list("name", "title")),
    }
