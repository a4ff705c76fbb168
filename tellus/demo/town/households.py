"""Households: who lives together, since when, and the family events that make records disagree later on.

Marriages change surnames on a date, so systems that last looked at someone before that date still hold the old
name. Twins share a surname, a birthday and a home. Some sons carry their father's name.
"""

from __future__ import annotations

import datetime as dt
import random

from .model import REFERENCE_DATE, Household, Person
from .people import People

# (kind, weight): the mix of households in an English town, roughly.
HOUSEHOLD_KINDS = (
    ("single_young", 8),
    ("single_middle", 10),
    ("single_old", 12),
    ("couple_young", 8),
    ("couple_middle", 12),
    ("couple_old", 10),
    ("family", 24),
    ("single_parent", 7),
    ("sharers", 5),
    ("multigenerational", 4),
)
# Ages of the people a household starts with.
ADULT_AGES = {
    "single_young": (18, 34),
    "single_middle": (35, 64),
    "single_old": (65, 96),
    "couple_young": (23, 39),
    "couple_middle": (40, 66),
    "couple_old": (65, 92),
    "family": (24, 52),
    "single_parent": (19, 50),
    "sharers": (19, 34),
    "multigenerational": (28, 55),
}


def _years_before(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years, day=min(day.day, 28))


class Households:
    """Composes households one at a time from a People factory."""

    def __init__(self, people: People, rng: random.Random) -> None:
        self.people = people
        self.rng = rng
        self.households: list[Household] = []

    def compose(self) -> tuple[str, list[Person]]:
        rng = self.rng
        kinds = [kind for kind, _ in HOUSEHOLD_KINDS]
        kind = rng.choices(kinds, weights=[weight for _, weight in HOUSEHOLD_KINDS])[0]
        youngest, oldest = ADULT_AGES[kind]
        if kind.startswith("single_"):
            sex = "F" if kind == "single_old" and rng.random() < 0.65 else rng.choice("MF")
            members = [self.people.adult(youngest, oldest, sex=sex)]
        elif kind == "sharers":
            members = [self.people.adult(youngest, oldest) for _ in range(rng.randint(2, 4))]
        elif kind == "single_parent":
            parent = self.people.adult(youngest, oldest, sex="F" if rng.random() < 0.85 else "M")
            members = [parent, *self.children(parent, None, rng.randint(1, 3))]
        else:
            first, second = self.couple(youngest, oldest)
            members = [first, second]
            if kind in {"family", "multigenerational"}:
                members += self.children(first, second, rng.choices((1, 2, 3, 4), weights=(35, 42, 17, 6))[0])
            if kind == "multigenerational":
                grandparent = self.people.adult(
                    max(first.age_on(REFERENCE_DATE) + 20, 60), 99, surname=first.birth_surname
                )
                members.append(grandparent)
        return kind, members

    def couple(self, youngest: int, oldest: int) -> tuple[Person, Person]:
        rng = self.rng
        same_sex = rng.random() < 0.03
        first = self.people.adult(youngest, oldest, sex="M")
        age = first.age_on(REFERENCE_DATE)
        low, high = max(18, age - 8), min(age + 5, 99)
        second = self.people.adult(low, max(low, high), sex="M" if same_sex else "F")
        if rng.random() < 0.62:
            self.marry(first, second)
        return first, second

    def marry(self, first: Person, second: Person) -> None:
        """A wedding on a date; most often the second partner takes the first's surname from that day."""
        rng = self.rng
        older_18 = max(first.dob, second.dob).replace(day=1)
        earliest = older_18.replace(year=older_18.year + 20)
        wedding = self.people.between(earliest, REFERENCE_DATE - dt.timedelta(days=20))
        roll = rng.random()
        if roll < 0.82:
            changer, name = second, first.surname
        elif roll < 0.87:
            changer, name = second, f"{second.birth_surname}-{first.surname}"
        elif roll < 0.91:
            changer, name = first, second.surname
        else:
            return  # kept their own names
        if name == changer.birth_surname:
            return
        changer.surname = name
        changer.surname_since = wedding
        changer.traits.append("surname_changed")

    def children(self, parent: Person, other: Person | None, count: int) -> list[Person]:
        rng = self.rng
        mother = parent if parent.sex == "F" or other is None else other
        mother_age = mother.age_on(REFERENCE_DATE)
        surname = parent.surname if other is None or rng.random() < 0.85 else mother.surname
        kids: list[Person] = []
        twins = count >= 2 and rng.random() < 0.025
        for index in range(count):
            if twins and index == 1:
                twin = kids[0]
                sex = twin.sex if rng.random() < 0.6 else ("F" if twin.sex == "M" else "M")
                kid = self.people.new(sex=sex, dob=twin.dob, surname=surname)
                while kid.first_name == twin.first_name:
                    kid.first_name = self.people.first_name(sex, kid.dob)
                kid.twin_of, twin.twin_of = twin.id, kid.id
                kid.traits.append("twin")
                twin.traits.append("twin")
                kids.append(kid)
                continue
            oldest = max(0, min(mother_age - 18, 24))
            youngest = max(0, mother_age - 44)
            dob = self.people.dob_for_age(min(youngest, oldest), oldest)
            sex = rng.choice("MF")
            first_name = ""
            if sex == "M" and parent.sex == "M" and index == 0 and rng.random() < 0.04:
                first_name = parent.first_name  # named after his father: same name, same address
            kid = self.people.new(sex=sex, dob=dob, surname=surname, first_name=first_name)
            if first_name:
                kid.traits.append("named_after_parent")
            kids.append(kid)
        return kids

    def move_in_date(self, members: list[Person]) -> dt.date:
        """When the household arrived: after its youngest adult turned eighteen, recent moves likelier."""
        adults = [m for m in members if m.age_on(REFERENCE_DATE) >= 18] or members
        youngest_adult = max(adults, key=lambda m: m.dob)
        earliest = _years_before(youngest_adult.dob, -18)
        span = max((REFERENCE_DATE - earliest).days - 30, 1)
        ago = min(int(self.rng.expovariate(1 / (365 * 7))), span)
        return REFERENCE_DATE - dt.timedelta(days=30 + ago)

    def guarantee_twins(self, households: list[Household], people: dict[str, Person]) -> None:
        """Every town, however small, has a pair of twins: if chance gave none, the first family with two children
        has them."""
        if any(person.twin_of for person in people.values()):
            return
        for household in households:
            kids = [people[m] for m in household.members if people[m].age_on(REFERENCE_DATE) < 18]
            if len(kids) >= 2 and kids[0].first_name != kids[1].first_name:
                first, second = kids[0], kids[1]
                second.dob, second.surname, second.birth_surname = first.dob, first.surname, first.birth_surname
                second.twin_of, first.twin_of = first.id, second.id
                first.traits.append("twin")
                second.traits.append("twin")
                return
