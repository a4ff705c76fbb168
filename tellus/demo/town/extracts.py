"""Extracts: the town as each council system sees it, in that system's own columns and formats, plus the ground
truth of which extract rows are the same real person."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from .generate import stream
from .model import Person, Town
from .noise import Noise

GAZETTEER_COLUMNS = (
    "reference",
    "kind",
    "address_line_1",
    "address_line_2",
    "locality",
    "postcode",
    "ward",
    "latitude",
    "longitude",
)
TRUTH_COLUMNS = ("source_system", "source_key", "true_id", "entity", "variations")


@dataclass
class Extract:
    """One source system's file: its header and its rows, every value already a string."""

    system: str
    columns: tuple[str, ...]
    rows: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class TruthRow:
    """Which real person (or organisation) one extract row is about, and what makes the row differ from the truth."""

    source_system: str
    source_key: str
    true_id: str
    entity: str
    variations: str

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in TRUTH_COLUMNS}


class Renderer:
    """Base for one source system's extract: a random stream of its own, rows, and their ground truth."""

    system = ""
    key_column = ""
    columns: tuple[str, ...] = ()

    def __init__(self, town: Town) -> None:
        self.town = town
        self.rng = stream(town.seed, f"extract:{self.system}")
        self.noise = Noise(self.rng)
        # Contact details drawn after the extracts were first written (decision 0013) have a stream of their own.
        self.contacts = Noise(stream(town.seed, f"extract:{self.system}:contact"))
        self.extract = Extract(self.system, self.columns)
        self.truth: list[TruthRow] = []

    def contact_details(self, person: Person, *, email: float, phone: float) -> tuple[str, str]:
        """(email, phone) the person gave this service, each with the chance given of having been asked for and
        given, typed as elsewhere."""
        given_email = self.contacts.email(person.email, missing=1 - email)
        given_phone = self.contacts.phone(person.mobile or person.phone, missing=1 - phone)
        self.take_notes(self.contacts)
        return given_email, given_phone

    def take_notes(self, side: Noise) -> None:
        """Move what a side stream varied (a typo, a missing date) onto the notes of the row being rendered."""
        for note in side.notes:
            self.noise.note(note)
        side.start()

    def emit(self, row: dict[str, str], true_id: str, *, entity: str = "person", notes: Iterable[str] = ()) -> None:
        missing = set(self.columns) ^ set(row)
        if missing:
            raise ValueError(f"{self.system}: row columns differ from the header: {sorted(missing)}")
        self.extract.rows.append(row)
        variations = [*notes, *self.noise.notes]
        self.truth.append(TruthRow(self.system, row[self.key_column], true_id, entity, ";".join(variations)))
        self.noise.start()

    def render(self) -> None:
        raise NotImplementedError


@dataclass
class Rendered:
    """Every extract of the town, the gazetteer, and the ground truth that ties extract rows to real people."""

    gazetteer: Extract
    extracts: dict[str, Extract]
    truth: list[TruthRow]


def gazetteer_extract(town: Town) -> Extract:
    extract = Extract("gazetteer", GAZETTEER_COLUMNS)
    for prop in town.properties:
        extract.rows.append(
            {
                "reference": prop.reference,
                "kind": prop.kind,
                "address_line_1": prop.line_1,
                "address_line_2": prop.line_2,
                "locality": prop.locality,
                "postcode": prop.postcode,
                "ward": prop.ward,
                "latitude": "" if prop.latitude is None else f"{prop.latitude:.6f}",
                "longitude": "" if prop.longitude is None else f"{prop.longitude:.6f}",
            }
        )
    return extract


def csv_text(columns: Iterable[str], rows: Iterable[dict[str, str]]) -> str:
    """The CSV a council system would export: a header, then one line per row, quoted only where needed."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
