"""Who owns each property, and so who the rates system bills: occupiers, landlords near and far, companies."""

from __future__ import annotations

import datetime as dt
import random

from .model import REFERENCE_DATE, Household, Organisation, Person, Property, RatesAccount, Town
from .names import BUSINESS_PREFIXES, HOUSING_TRUST, LETTING_COMPANIES, TRADES
from .people import People

STOCK_TRANSFER = dt.date(1998, 4, 1)  # when the council's homes passed to the housing trust
SHARED_OWNERS = {
    "Tellham Night Shelter": "Tellham Night Shelter Trust",
    "St Martin's Hostel": "St Martin's Housing Association",
    "Riverside Court Care Home": "Riverside Care Ltd",
}


class Ownership:
    """Decides tenure for every property and opens the rates accounts that follow from it."""

    def __init__(self, town: Town, people: People, rng: random.Random) -> None:
        self.town = town
        self.people = people
        self.rng = rng
        self.landlords_here: list[Person] = []
        self.landlords_away: list[Person] = []
        self.companies: list[Organisation] = []

    def organisation(self, name: str, address_of: Property | None = None) -> Organisation:
        org = Organisation(
            id=f"O{len(self.town.organisations) + 1:05d}",
            name=name,
            address=(address_of.address if address_of else self.people.address_elsewhere()),
        )
        self.town.organisations.append(org)
        return org

    def account(self, prop: Property, payer_id: str, start: dt.date, end: dt.date | None = None) -> None:
        self.town.rates_accounts.append(RatesAccount(prop.reference, payer_id, start, end))

    def tenure(self, household: Household) -> str:
        rng = self.rng
        renting = {"sharers": 0.85, "single_young": 0.6, "couple_young": 0.45, "single_parent": 0.6}.get(
            household.kind, 0.25
        )
        if rng.random() >= renting:
            return "owner_occupied"
        social = 0.4 if household.kind in {"single_parent", "single_old"} else 0.18
        return "social" if rng.random() < social else "private_rented"

    def landlord_id(self) -> str:
        """Landlords who own several homes are common, so earlier landlords are chosen again more often."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.45 and self.landlords_here:
            pool: list[Person] | list[Organisation] = self.landlords_here
        elif roll < 0.78 and self.landlords_away:
            pool = self.landlords_away
        else:
            pool = self.companies
        index = min(int(rng.expovariate(1 / max(len(pool) / 3, 1))), len(pool) - 1)
        return pool[index].id

    def assign(self, occupied: dict[str, Household], outside_landlords: list[Person]) -> None:
        rng, town = self.rng, self.town
        trust = self.organisation(HOUSING_TRUST)
        self.companies = [self.organisation(name) for name in LETTING_COMPANIES]
        self.landlords_away = outside_landlords
        owners = [
            town.person_by_id[h.members[0]]
            for h in occupied.values()
            if town.person_by_id[h.members[0]].age_on(REFERENCE_DATE) >= 35
        ]
        self.landlords_here = rng.sample(owners, k=min(len(owners), max(2, len(owners) // 25)))
        for person in [*self.landlords_here, *self.landlords_away]:
            person.traits.append("landlord")
        for prop in town.properties:
            household = occupied.get(prop.reference)
            if prop.kind == "dwelling" and household is not None:
                prop.tenure = self.tenure(household)
                self.bill_home(prop, household, trust)
            elif prop.kind == "dwelling":
                prop.tenure = "vacant"
                self.account(prop, self.landlord_id(), self.people.between(dt.date(1995, 1, 1), REFERENCE_DATE))
            elif prop.kind == "non_residential":
                prop.tenure = "business"
                self.bill_business(prop)
            elif prop.kind == "shared":
                prop.tenure = "institution"
                org = self.organisation(SHARED_OWNERS.get(prop.name, f"{prop.name} Ltd"), prop)
                self.account(prop, org.id, dt.date(2001, 4, 1))

    def bill_home(self, prop: Property, household: Household, trust: Organisation) -> None:
        members = [self.town.person_by_id[m] for m in household.members]
        moved_in = members[0].residence.since
        if prop.tenure == "social":
            self.account(prop, trust.id, STOCK_TRANSFER)
            for member in members:
                if member.age_on(REFERENCE_DATE) >= 18:
                    member.social_tenant = True
        elif prop.tenure == "private_rented":
            start = self.people.between(dt.date(1990, 1, 1), moved_in)
            self.account(prop, self.landlord_id(), start)
        else:
            self.bill_owner_occupier(prop, members, moved_in)

    def bill_owner_occupier(self, prop: Property, members: list[Person], moved_in: dt.date) -> None:
        adults = [m for m in members if m.age_on(REFERENCE_DATE) >= 18] or members
        payer = adults[0] if len(adults) == 1 or self.rng.random() < 0.7 else adults[1]
        survivors = [a for a in adults if a.dod is None and a is not payer]
        if payer.dod is not None and survivors and self.rng.random() < 0.4:
            # The estate was settled and the account moved to the surviving partner.
            handover = min(payer.dod + dt.timedelta(days=self.rng.randint(30, 120)), REFERENCE_DATE)
            self.account(prop, payer.id, moved_in, handover - dt.timedelta(days=1))
            self.account(prop, survivors[0].id, handover)
        else:
            self.account(prop, payer.id, moved_in)

    def bill_business(self, prop: Property) -> None:
        rng = self.rng
        start = self.people.between(dt.date(1985, 1, 1), REFERENCE_DATE - dt.timedelta(days=60))
        if rng.random() < 0.15 and self.landlords_here:
            trader = rng.choice(self.landlords_here)  # a sole trader pays in their own name
            trader.traits.append("sole_trader")
            self.account(prop, trader.id, start)
            return
        prefix = rng.choice(BUSINESS_PREFIXES)
        if rng.random() < 0.25:
            prefix = f"{self.people.surname()} & Sons"
        name = f"{prefix} {rng.choice(TRADES)} Ltd"
        if any(org.name == name for org in self.town.organisations):
            name = name.replace(" Ltd", " (Tellham) Ltd")
        org = self.organisation(name, prop)
        self.account(prop, org.id, start)
