"""The true state of the synthetic town: who really exists, where they really live, who really owns what.

Source-system extracts are renderings of this truth with the errors real systems have; the truth itself is
only ever written out as the ground truth for evaluating record linkage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .names import TOWN

# Ages, records and "recent" events are all measured from this fixed day, never today, so output never drifts.
REFERENCE_DATE = dt.date(2026, 11, 1)


@dataclass(frozen=True)
class Address:
    """A postal address: one of the town's properties (reference set) or somewhere outside the area."""

    reference: str
    lines: tuple[str, ...]
    locality: str
    postcode: str

    def one_line(self, *, with_locality: bool = True) -> str:
        parts = [*self.lines, self.locality if with_locality else ""]
        return ", ".join(part for part in parts if part)


@dataclass
class Property:
    """One entry in the gazetteer."""

    reference: str
    kind: str  # a tellus.people.models.Property.Kind value
    line_1: str
    line_2: str
    locality: str
    postcode: str
    ward: str
    latitude: float | None
    longitude: float | None
    street: str = ""
    name: str = ""  # the institution at a shared or non-residential property
    tenure: str = ""  # owner_occupied, private_rented, social, vacant, business, institution, pseudo

    @property
    def address(self) -> Address:
        return Address(
            self.reference, tuple(line for line in (self.line_1, self.line_2) if line), self.locality, self.postcode
        )


@dataclass(frozen=True)
class Residence:
    """Where someone lived from a date until their next residence began."""

    address: Address
    since: dt.date


@dataclass
class Person:
    """A real human being of the town (or a landlord who lives away)."""

    id: str
    sex: str
    first_name: str
    middle_names: str
    birth_surname: str
    dob: dt.date
    surname: str = ""
    surname_since: dt.date | None = None  # the day the surname changed (marriage), when it did
    residences: list[Residence] = field(default_factory=list)
    household: int | None = None
    dod: dt.date | None = None
    nickname: str = ""  # the short name the person goes by in informal dealings, if any
    phone: str = ""  # household landline
    mobile: str = ""
    email: str = ""
    twin_of: str = ""
    eligible_elector: bool = True
    homeless: str = ""  # "", "nfa", "shelter" or "hostel"
    outside: bool = False  # lives outside the council's area
    social_tenant: bool = False
    care: str = ""  # community care the person receives, if any
    pets: list[tuple[str, str]] = field(default_factory=list)  # (animal type, name)
    traits: list[str] = field(default_factory=list)  # what makes this person interesting for evaluation

    def __post_init__(self) -> None:
        if not self.surname:
            self.surname = self.birth_surname

    def surname_on(self, day: dt.date) -> str:
        if self.surname_since is not None and day < self.surname_since:
            return self.birth_surname
        return self.surname

    def residence_on(self, day: dt.date) -> Residence:
        current = self.residences[0]
        for residence in self.residences:
            if residence.since <= day:
                current = residence
        return current

    @property
    def residence(self) -> Residence:
        return self.residences[-1]

    def age_on(self, day: dt.date) -> int:
        return day.year - self.dob.year - ((day.month, day.day) < (self.dob.month, self.dob.day))

    def alive_on(self, day: dt.date) -> bool:
        return self.dob <= day and (self.dod is None or self.dod > day)


@dataclass
class Organisation:
    """A company, trust or charity that pays rates: not a person, but in the rates extract all the same."""

    id: str
    name: str
    address: Address


@dataclass
class Household:
    """People living together at one property."""

    id: int
    kind: str
    property_ref: str
    members: list[str] = field(default_factory=list)


@dataclass
class RatesAccount:
    """Liability for one property's rates, held by a person or an organisation, for a period."""

    property_ref: str
    payer_id: str  # a Person or Organisation id
    start: dt.date
    end: dt.date | None = None


@dataclass
class Town:
    """Everything generated for one (people, seed): the truth that the extracts are rendered from."""

    people_requested: int
    seed: int
    properties: list[Property] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    rates_accounts: list[RatesAccount] = field(default_factory=list)
    property_by_ref: dict[str, Property] = field(default_factory=dict)
    person_by_id: dict[str, Person] = field(default_factory=dict)
    organisation_by_id: dict[str, Organisation] = field(default_factory=dict)

    def index(self) -> None:
        self.property_by_ref = {prop.reference: prop for prop in self.properties}
        self.person_by_id = {person.id: person for person in self.people}
        self.organisation_by_id = {org.id: org for org in self.organisations}

    @property
    def name(self) -> str:
        return TOWN
