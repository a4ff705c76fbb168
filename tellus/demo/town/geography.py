"""Streets, postcodes and the property gazetteer of the synthetic town."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from .model import Property
from .names import (
    CENTRE,
    HOUSE_NAMES,
    POSTCODE_LETTERS,
    STREET_STEMS,
    STREET_SUFFIXES,
    TOWN,
    WARD_DISTRICT,
    WARD_OFFSET,
    WARD_VILLAGE,
    WARDS,
)

PSEUDO_REFERENCE = "999000000001"
NO_FIXED_ADDRESS = "No fixed address"
# Institutions at shared addresses: (name, street, what lives there).
SHARED_PLACES = (
    ("Tellham Night Shelter", "Chapel Street", "shelter"),
    ("St Martin's Hostel", "Bridge Street", "hostel"),
    ("Riverside Court Care Home", "Riverside Walk", "care_home"),
)


@dataclass
class Street:
    name: str
    ward: str
    locality: str
    latitude: float
    longitude: float
    bearing: float
    next_number: int = 1


class Postcodes:
    """Hands out unused postcodes for each ward's district, in a seeded but unpredictable order."""

    def __init__(self, rng: random.Random) -> None:
        self.free: dict[str, list[str]] = {}
        for ward in WARDS:
            codes = [
                f"{WARD_DISTRICT[ward]} {sector}{a}{b}"
                for sector in range(1, 10)
                for a in POSTCODE_LETTERS
                for b in POSTCODE_LETTERS
            ]
            rng.shuffle(codes)
            self.free[ward] = codes

    def take(self, ward: str) -> str:
        return self.free[ward].pop()


class Gazetteer:
    """Builds properties street by street, giving each a UPRN-like reference, a postcode and a position."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.postcodes = Postcodes(rng)
        self.properties: list[Property] = []
        self.streets: dict[str, Street] = {}
        self.next_reference = 100_012_000_000

    def street(self, name: str, ward: str) -> Street:
        if name not in self.streets:
            rng = self.rng
            lat_offset, lon_offset = WARD_OFFSET[ward]
            locality = TOWN if rng.random() < 0.8 else WARD_VILLAGE[ward]
            self.streets[name] = Street(
                name=name,
                ward=ward,
                locality=locality,
                latitude=CENTRE[0] + lat_offset + rng.gauss(0, 0.006),
                longitude=CENTRE[1] + lon_offset + rng.gauss(0, 0.009),
                bearing=rng.uniform(0, math.pi),
            )
        return self.streets[name]

    def reference(self) -> str:
        self.next_reference += self.rng.randint(1, 40)
        return str(self.next_reference)

    def add(self, street: Street, kind: str, line_1: str, line_2: str, postcode: str, name: str = "") -> Property:
        along = (street.next_number - 1) * 0.00012
        prop = Property(
            reference=self.reference(),
            kind=kind,
            line_1=line_1,
            line_2=line_2,
            locality=street.locality,
            postcode=postcode,
            ward=street.ward,
            latitude=round(street.latitude + along * math.sin(street.bearing) + self.rng.gauss(0, 0.00002), 6),
            longitude=round(street.longitude + along * math.cos(street.bearing) + self.rng.gauss(0, 0.00002), 6),
            street=street.name,
            name=name,
        )
        self.properties.append(prop)
        return prop

    def fill_street(self, street: Street, count: int, *, shops: float = 0.0, flats: float = 0.06) -> None:
        """Number `count` addresses along a street: houses, a few named houses, blocks of flats, shops."""
        rng = self.rng
        postcode, left = self.postcodes.take(street.ward), rng.randint(8, 24)
        made = 0
        while made < count:
            if left <= 0:
                postcode, left = self.postcodes.take(street.ward), rng.randint(8, 24)
            number = street.next_number
            street.next_number += 1
            roll = rng.random()
            if roll < shops:
                self.add(street, "non_residential", f"{number} {street.name}", "", postcode)
                if rng.random() < 0.5 and made + 1 < count:  # a flat above the shop
                    self.add(street, "dwelling", f"Flat A, {number} {street.name}", "", postcode)
                    made += 1
                made += 1
            elif roll < shops + flats and count - made >= 4:
                block = min(rng.randint(4, 12), count - made)
                for flat in range(1, block + 1):
                    self.add(street, "dwelling", f"Flat {flat}", f"{number} {street.name}", postcode)
                made += block
                left -= block - 1
            elif roll < shops + flats + 0.02:
                self.add(street, "dwelling", rng.choice(HOUSE_NAMES), street.name, postcode)
                made += 1
            else:
                self.add(street, "dwelling", f"{number} {street.name}", "", postcode)
                made += 1
            left -= 1

    def build_homes(self, rng: random.Random) -> list[Property]:
        """A run of 8 to 40 new homes at the far end of a residential street picked at random, with fresh
        postcodes and references: the town's new builds, for households the gazetteer had no home for.

        `rng` is a stream of its own, so a gazetteer whose homes all sufficed is exactly as it was."""
        self.rng = rng
        streets = [street for name, street in self.streets.items() if name not in RESIDENTIAL_EXCEPT]
        start = len(self.properties)
        self.fill_street(rng.choice(streets), rng.randint(8, 40), shops=0.01)
        return [prop for prop in self.properties[start:] if prop.kind == "dwelling"]


RESIDENTIAL_EXCEPT = frozenset({"High Street", "Market Place", "Riverside Industrial Estate"})


def street_names(rng: random.Random, count: int) -> list[str]:
    names = [f"{stem} {suffix}" for stem in STREET_STEMS for suffix in STREET_SUFFIXES]
    rng.shuffle(names)
    taken = {"High Street", "Market Place", "Chapel Street", "Bridge Street", "Riverside Walk"}
    return [name for name in names if name not in taken][:count]


def gazetteer_build(rng: random.Random, *, dwellings: int) -> Gazetteer:
    """About `dwellings` homes in at least four wards, a high street of shops, an industrial estate, three shared
    addresses (a night shelter, a hostel, a care home) and the council's pseudo-address for no fixed address; the
    gazetteer is kept so that homes can be built later (`Gazetteer.build_homes`)."""
    gazetteer = Gazetteer(rng)
    high = gazetteer.street("High Street", "Riverside")
    gazetteer.fill_street(high, max(6, dwellings // 80), shops=0.45, flats=0.1)
    market = gazetteer.street("Market Place", "Riverside")
    gazetteer.fill_street(market, max(4, dwellings // 300), shops=0.7, flats=0.0)
    estate = gazetteer.street("Riverside Industrial Estate", "East")
    postcode = gazetteer.postcodes.take("East")
    for unit in range(1, max(3, dwellings // 250) + 1):
        gazetteer.add(estate, "non_residential", f"Unit {unit}", "Riverside Industrial Estate", postcode)
    for place, street_name, _what in SHARED_PLACES:
        street = gazetteer.street(street_name, "Riverside" if street_name == "Riverside Walk" else "North")
        gazetteer.fill_street(street, max(4, dwellings // 400))
        number = street.next_number
        street.next_number += 1
        gazetteer.add(street, "shared", place, f"{number} {street.name}", gazetteer.postcodes.take(street.ward), place)
    homes_so_far = sum(1 for prop in gazetteer.properties if prop.kind == "dwelling")
    remaining = max(dwellings - homes_so_far, 20)
    count = max(len(WARDS) * 2, remaining // 38)
    for index, name in enumerate(street_names(rng, count)):
        ward = WARDS[index % len(WARDS)]
        share = remaining // (count - index)
        size = max(2, min(remaining, int(share * rng.uniform(0.5, 1.5))))
        if index == count - 1:
            size = remaining
        street = gazetteer.street(name, ward)
        gazetteer.fill_street(street, size, shops=0.01)
        remaining -= size
        if remaining <= 0:
            break
    properties = gazetteer.properties
    properties.append(
        Property(
            reference=PSEUDO_REFERENCE,
            kind="pseudo",
            line_1=NO_FIXED_ADDRESS,
            line_2="c/o Housing Options, Tellham Civic Centre",
            locality=TOWN,
            postcode="",
            ward="",
            latitude=None,
            longitude=None,
            name=NO_FIXED_ADDRESS,
            tenure="pseudo",
        )
    )
    return gazetteer
