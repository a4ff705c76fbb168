"""Making people: names by generation, dates of birth, contact details, and the households they live in."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
import unicodedata

from .model import REFERENCE_DATE, Address, Person, Residence
from .names import (
    ELSEWHERE,
    EMAIL_DOMAINS,
    FEMALE_MID,
    FEMALE_NEW,
    FEMALE_OLD,
    MALE_MID,
    MALE_NEW,
    MALE_OLD,
    MIDDLE_FEMALE,
    MIDDLE_MALE,
    NICKNAMES,
    POSTCODE_LETTERS,
    STREET_STEMS,
    STREET_SUFFIXES,
    SURNAME_TABLE,
)

# One law over ranks, as surnames spread in England and Wales: Smith about 1.3%, the top ten about 6% (decision 0012).
_SURNAME_WEIGHTS = list(itertools.accumulate(1 / (rank + 1) ** 0.6 for rank in range(len(SURNAME_TABLE))))


def _phone_pool() -> list[str]:
    """Ofcom's numbers reserved for drama: they look real and ring nobody."""
    pool = [f"01632 960{n:03d}" for n in range(1000)]
    for code in ("0113", "0114", "0115", "0116", "0117", "0118", "0121", "0131", "0141", "0151", "0161"):
        pool.extend(f"{code} 496 0{n:03d}" for n in range(1000))
    pool.extend(f"020 7946 0{n:03d}" for n in range(1000))
    pool.extend(f"0191 498 0{n:03d}" for n in range(1000))
    return pool


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


class People:
    """A factory for the town's people, with one random stream and the shared pools they draw on."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.people: list[Person] = []
        self.landlines = _phone_pool()
        rng.shuffle(self.landlines)
        self.mobiles = [f"07700 900{n:03d}" for n in range(1000)]
        rng.shuffle(self.mobiles)
        self.emails: set[str] = set()

    # -- names and dates ---------------------------------------------------------------------------------------

    def surname(self) -> str:
        return self.rng.choices(SURNAME_TABLE, cum_weights=_SURNAME_WEIGHTS)[0]

    def first_name(self, sex: str, dob: dt.date) -> str:
        rng = self.rng
        pools: tuple[tuple[str, ...], tuple[str, ...]]
        if dob.year < 1960:
            pools = (MALE_OLD, MALE_MID) if sex == "M" else (FEMALE_OLD, FEMALE_MID)
        elif dob.year < 1995:
            pools = (MALE_MID, MALE_OLD) if sex == "M" else (FEMALE_MID, FEMALE_OLD)
        else:
            pools = (MALE_NEW, MALE_MID) if sex == "M" else (FEMALE_NEW, FEMALE_MID)
        pool = pools[0] if rng.random() < 0.8 else pools[1]
        # Earlier names in each list are commoner.
        return pool[min(int(rng.expovariate(1 / 12)), len(pool) - 1)]

    def dob_for_age(self, youngest: int, oldest: int) -> dt.date:
        latest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - youngest) - dt.timedelta(days=1)
        earliest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - oldest - 1) + dt.timedelta(days=1)
        return earliest + dt.timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def between(self, start: dt.date, end: dt.date) -> dt.date:
        if end <= start:
            return start
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    # -- people ------------------------------------------------------------------------------------------------

    def new(self, *, sex: str, dob: dt.date, surname: str, first_name: str = "") -> Person:
        rng = self.rng
        first = first_name or self.first_name(sex, dob)
        middle = ""
        if rng.random() < 0.55:
            middle = rng.choice(MIDDLE_MALE if sex == "M" else MIDDLE_FEMALE)
            if middle == first:
                middle = ""
        person = Person(
            id=f"P{len(self.people) + 1:06d}",
            sex=sex,
            first_name=first,
            middle_names=middle,
            birth_surname=surname,
            dob=dob,
        )
        if first in NICKNAMES and rng.random() < 0.5:
            person.nickname = rng.choice(NICKNAMES[first])
        person.eligible_elector = rng.random() < 0.95
        self.people.append(person)
        return person

    def adult(self, youngest: int, oldest: int, *, sex: str = "", surname: str = "") -> Person:
        sex = sex or self.rng.choice("MF")
        return self.new(sex=sex, dob=self.dob_for_age(youngest, oldest), surname=surname or self.surname())

    def contact_details(self, person: Person, household_phone: str) -> None:
        rng = self.rng
        age = person.age_on(REFERENCE_DATE)
        person.phone = household_phone
        if age >= 16 and rng.random() < 0.6:
            if self.mobiles and rng.random() < 0.08:
                person.mobile = self.mobiles.pop()
            elif self.landlines:
                person.mobile = self.landlines.pop()  # a personal number, from the same harmless pool
        if (age >= 18 and rng.random() < 0.7 - max(0, age - 70) * 0.02) or (13 <= age < 18 and rng.random() < 0.3):
            person.email = self.email_for(person)

    def household_phone(self) -> str:
        if self.landlines and self.rng.random() < 0.45:
            return self.landlines.pop()
        return ""

    def email_for(self, person: Person) -> str:
        rng = self.rng
        first = re.sub(r"[^a-z]", "", ascii_fold(person.nickname or person.first_name).lower())
        last = re.sub(r"[^a-z]", "", ascii_fold(person.surname).lower())
        style = rng.randrange(5)
        if style == 0:
            local = f"{first}.{last}"
        elif style == 1:
            local = f"{first[:1]}{last}"
        elif style == 2:
            local = f"{first}{last}{person.dob.year % 100:02d}"
        elif style == 3:
            local = f"{first}_{last}{rng.randint(1, 99)}"
        else:
            local = f"{last}.{first}"
        domain = rng.choice(EMAIL_DOMAINS)
        email = f"{local}@{domain}"
        suffix = 1
        while email in self.emails:
            suffix += 1
            email = f"{local}{suffix}@{domain}"
        self.emails.add(email)
        return email

    # -- places elsewhere --------------------------------------------------------------------------------------

    def address_elsewhere(self) -> Address:
        rng = self.rng
        town, area = rng.choice(ELSEWHERE)
        street = f"{rng.choice(STREET_STEMS)} {rng.choice(STREET_SUFFIXES)}"
        inward = f"{rng.randint(1, 9)}{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
        postcode = f"{area}{rng.randint(1, 19)} {inward}"
        return Address("", (f"{rng.randint(1, 180)} {street}",), town, postcode)

    def live_at(self, person: Person, address: Address, since: dt.date) -> None:
        since = max(since, person.dob)
        person.residences = [r for r in person.residences if r.since < since]
        person.residences.append(Residence(address, since))
