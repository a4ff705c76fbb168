"""Generating the whole town for (people, seed): the gazetteer, the households, and what happened to them.

Each stage draws from its own seeded random stream, so changing how one stage works does not reshuffle the rest.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random

from .geography import PSEUDO_REFERENCE, Gazetteer, gazetteer_build
from .households import Households
from .model import REFERENCE_DATE, Household, Person, Property, RatesAccount, Residence, Town
from .names import PET_NAMES
from .ownership import Ownership
from .people import People

MIN_PEOPLE = 100
CARE_TYPES = ("Home care", "Meals service", "Occupational therapy", "Telecare")
PETS = (("Dog", 75), ("Cat", 20), ("Ferret", 3), ("Horse", 2))


def stream(seed: int, name: str) -> random.Random:
    """A random stream of its own for one stage; string seeds are hashed the same way on every run and machine."""
    return random.Random(f"tellus-demo:{seed}:{name}")


def town_generate(*, people: int, seed: int) -> Town:
    """The town's truth: exactly `people` people (residents, homeless people, care-home residents and landlords
    who live elsewhere), about 0.4 properties per person, five wards."""
    if people < MIN_PEOPLE:
        raise ValueError(f"a town needs at least {MIN_PEOPLE} people")
    town = Town(people_requested=people, seed=seed)
    outside = max(3, people // 60)
    homeless = max(3, round(people * 0.0035))
    in_care_home = max(2, people // 700)
    residents = people - outside - homeless - in_care_home
    gazetteer = gazetteer_build(stream(seed, "gazetteer"), dwellings=round(residents / 2.25) + 10)
    town.properties = gazetteer.properties
    town.index()
    factory = People(stream(seed, "people"))
    composer = Households(factory, stream(seed, "households"))
    occupied = _settle_households(town, factory, composer, residents, gazetteer, stream(seed, "new-builds"))
    _add_homeless(town, factory, homeless)
    _add_care_home(town, factory, in_care_home)
    landlords = [_add_outside_landlord(factory) for _ in range(outside)]
    town.people = factory.people
    town.index()
    events = stream(seed, "events")
    _common_names_in_one_street(town, occupied, events)
    _deaths(town, factory, events)
    Ownership(town, factory, stream(seed, "ownership")).assign(occupied, landlords)
    _moves(town, factory, occupied, events)
    _care_and_pets(town, stream(seed, "services"))
    for person in town.people:
        factory.contact_details(person, household_phone="")
    _household_phones(town, factory)
    town.index()
    return town


def _settle_households(
    town: Town,
    factory: People,
    composer: Households,
    residents: int,
    gazetteer: Gazetteer,
    builder: random.Random,
) -> dict[str, Household]:
    """Give every household a home of its own. The gazetteer is sized from an average household; when its homes
    run out (bigger households than average, or more streets needed than there are street names), new homes are
    built on existing streets, so nobody lodges at a stranger's address."""
    homes = [prop for prop in town.properties if prop.kind == "dwelling"]
    composer.rng.shuffle(homes)
    occupied: dict[str, Household] = {}
    while len(factory.people) < residents:
        kind, members = composer.compose()
        _trim(factory, members, len(factory.people) - residents)
        if not homes:
            homes = gazetteer.build_homes(builder)[::-1]  # popped from the end: filled in street order
        home = homes.pop()
        moved_in = composer.move_in_date(members)
        household = Household(len(town.households) + 1, kind, home.reference, [m.id for m in members])
        town.households.append(household)
        occupied[home.reference] = household
        for member in members:
            member.household = household.id
            factory.live_at(member, home.address, moved_in)
    composer.guarantee_twins([occupied[ref] for ref in occupied], {p.id: p for p in factory.people})
    return occupied


def _trim(factory: People, members: list[Person], excess: int) -> None:
    """The last household may not fit the head count exactly: its youngest members are never born."""
    for _ in range(max(excess, 0)):
        gone = members.pop()
        factory.people.remove(gone)
        for member in members:
            if member.twin_of == gone.id:
                member.twin_of = ""
                member.traits.remove("twin")


def _add_homeless(town: Town, factory: People, count: int) -> None:
    rng = factory.rng
    shelter = next(p for p in town.properties if p.name == "Tellham Night Shelter")
    hostel = next(p for p in town.properties if p.name == "St Martin's Hostel")
    homes = [p for p in town.properties if p.kind == "dwelling"]
    for index in range(count):
        person = factory.adult(18, 64, sex="M" if rng.random() < 0.8 else "F")
        kind = ("nfa", "shelter", "hostel")[index % 3] if index < 3 else rng.choice(("nfa", "nfa", "shelter", "hostel"))
        person.homeless = kind
        person.traits.append(f"homeless_{kind}")
        place = {"nfa": town.property_by_ref[PSEUDO_REFERENCE], "shelter": shelter, "hostel": hostel}[kind]
        since = REFERENCE_DATE - dt.timedelta(days=rng.randint(20, 700))
        if rng.random() < 0.6:
            factory.live_at(person, rng.choice(homes).address, factory.between(person.dob.replace(day=1), since))
        factory.live_at(person, place.address, since)
        if kind == "nfa" and rng.random() < 0.5:
            person.eligible_elector = False


def _add_care_home(town: Town, factory: People, count: int) -> None:
    rng = factory.rng
    home = next(p for p in town.properties if p.name == "Riverside Court Care Home")
    houses = [p for p in town.properties if p.kind == "dwelling"]
    for _ in range(count):
        person = factory.adult(78, 101, sex="F" if rng.random() < 0.7 else "M")
        person.care = "Care home placement"
        person.traits.append("care_home")
        since = REFERENCE_DATE - dt.timedelta(days=rng.randint(30, 1800))
        factory.live_at(person, rng.choice(houses).address, factory.between(dt.date(1970, 1, 1), since))
        factory.live_at(person, home.address, since)


def _add_outside_landlord(factory: People) -> Person:
    person = factory.adult(35, 82)
    person.outside = True
    person.traits.append("lives_elsewhere")
    factory.live_at(person, factory.address_elsewhere(), dt.date(1990, 1, 1))
    return person


def _common_names_in_one_street(town: Town, occupied: dict[str, Household], rng: random.Random) -> None:
    """Several John Smiths in the same street, as every town has: same name, same street, different people."""
    by_street: dict[str, list[Person]] = {}
    for ref, household in occupied.items():
        street = town.property_by_ref[ref].street
        men = [
            town.person_by_id[m]
            for m in household.members
            if town.person_by_id[m].sex == "M" and town.person_by_id[m].age_on(REFERENCE_DATE) >= 25
        ]
        if men:
            by_street.setdefault(street, []).append(men[0])
    streets = sorted(by_street, key=lambda name: (-len(by_street[name]), name))
    for street in streets[:2]:
        for man in by_street[street][:3]:
            old = man.surname
            for member_id in town.households[man.household - 1].members if man.household else [man.id]:
                member = town.person_by_id[member_id]
                if member.surname == old:
                    member.surname = "Smith"
                    if member.surname_since is None:
                        member.birth_surname = "Smith"
            man.first_name, man.nickname = "John", rng.choice(("", "Johnny", "Jack"))
            man.traits.append("common_name")


def _deaths(town: Town, factory: People, rng: random.Random) -> None:
    """Deaths in the last three years, mostly of old people; their records live on in some systems."""
    window_start = REFERENCE_DATE - dt.timedelta(days=3 * 365)
    deaths = 0
    for person in town.people:
        age = person.age_on(REFERENCE_DATE)
        chance = 0.14 if age >= 85 else 0.06 if age >= 75 else 0.02 if age >= 65 else 0.003 if age >= 18 else 0.0005
        earliest = max(window_start, person.residence.since + dt.timedelta(days=30))
        if person.outside or rng.random() >= chance or earliest >= REFERENCE_DATE - dt.timedelta(days=7):
            continue
        person.dod = factory.between(earliest, REFERENCE_DATE - dt.timedelta(days=7))
        person.traits.append("deceased")
        deaths += 1
    if deaths == 0:  # even the smallest town has lost someone lately: its oldest resident, last month
        oldest = min((p for p in town.people if p.household is not None), key=lambda p: (p.dob, p.id))
        oldest.dod = REFERENCE_DATE - dt.timedelta(days=30)
        oldest.traits.append("deceased")


def _moves(town: Town, factory: People, occupied: dict[str, Household], rng: random.Random) -> None:
    """Recent arrivals came from another home in town or from elsewhere; young adults left their parents' home."""
    arrivals = sorted(occupied.values(), key=lambda h: (town.person_by_id[h.members[0]].residence.since, h.id))
    arrival_dates = [town.person_by_id[h.members[0]].residence.since for h in arrivals]
    vacant = [prop for prop in town.properties if prop.tenure == "vacant"]
    homes = [town.property_by_ref[ref] for ref in occupied]
    for household in arrivals:
        members = [town.person_by_id[m] for m in household.members]
        moved_in = members[0].residence.since
        recent = (REFERENCE_DATE - moved_in).days < 4 * 365
        if recent and rng.random() < 0.6:
            _move_household(town, factory, household, members, arrivals, arrival_dates, vacant, rng)
        elif household.kind in {"single_young", "sharers", "couple_young"}:
            for member in members:
                if rng.random() < 0.5:
                    home = rng.choice(homes)
                    if home.reference != household.property_ref:
                        _prepend(member, home, member.dob)


def _move_household(
    town: Town,
    factory: People,
    household: Household,
    members: list[Person],
    arrivals: list[Household],
    arrival_dates: list[dt.date],
    vacant: list[Property],
    rng: random.Random,
) -> None:
    moved_in = members[0].residence.since
    adults = [m for m in members if m.age_on(moved_in) >= 18] or members[:1]
    youngest = max(a.dob for a in adults)
    lived_from = factory.between(youngest.replace(day=1, year=youngest.year + 18), moved_in - dt.timedelta(days=365))
    # The home they left is empty now, or its new occupants arrived after they went.
    later = bisect.bisect_left(arrival_dates, moved_in)
    choices = len(arrivals) - later + len(vacant)
    pick = rng.randrange(choices) if choices else 0
    home = vacant[pick - (len(arrivals) - later)] if pick >= len(arrivals) - later else None
    if home is None and choices and arrivals[later + pick] is not household:
        home = town.property_by_ref[arrivals[later + pick].property_ref]
    if home is not None and rng.random() < 0.55:
        if home.tenure == "owner_occupied" and town.property_by_ref[household.property_ref].tenure == "owner_occupied":
            # They sold it to the people who live there now: the old rates account is closed, not deleted.
            town.rates_accounts.append(_closed_account(home, adults[0].id, lived_from, moved_in - dt.timedelta(days=1)))
        address = home.address
    else:
        address = factory.address_elsewhere()
    for member in members:
        if member.dob < moved_in:
            member.residences.insert(0, Residence(address, max(lived_from, member.dob)))
            member.traits.append("moved")


def _closed_account(home: Property, payer_id: str, start: dt.date, end: dt.date) -> RatesAccount:
    return RatesAccount(home.reference, payer_id, start, max(end, start))


def _prepend(person: Person, home: Property, since: dt.date) -> None:
    current = person.residence
    if current.since <= since:
        return
    person.residences.insert(0, Residence(home.address, since))
    person.traits.append("moved")


def _care_and_pets(town: Town, rng: random.Random) -> None:
    for person in town.people:
        age = person.age_on(REFERENCE_DATE)
        if not person.care and not person.homeless and not person.outside:
            if age >= 75 and rng.random() < 0.22:
                person.care = rng.choice(CARE_TYPES)
            elif 18 <= age < 75 and rng.random() < 0.008:
                person.care = "Supported living"
    for household in town.households:
        if rng.random() >= 0.25:
            continue
        adults = [town.person_by_id[m] for m in household.members if town.person_by_id[m].age_on(REFERENCE_DATE) >= 18]
        if not adults:
            continue
        for _ in range(rng.choices((1, 2, 3), weights=(70, 22, 8))[0]):
            owner = adults[0] if rng.random() < 0.7 else rng.choice(adults)
            kind = rng.choices([k for k, _ in PETS], weights=[w for _, w in PETS])[0]
            owner.pets.append((kind, rng.choice(PET_NAMES)))


def _household_phones(town: Town, factory: People) -> None:
    for household in town.households:
        phone = factory.household_phone()
        for member_id in household.members:
            town.person_by_id[member_id].phone = phone
