"""A second, council-style rendering of a town, for measuring the engine on conventions it was not tuned to.

The demo town's extracts are tidy in ways real council extracts are not. This rendering follows what revenue and
contact-centre systems do instead (issue 19):

- the rates extract has no "ratepayer type" column: agencies ("Director of Housing", "Tellham Borough Council"),
  companies ("XYZ PTY LTD"), trusts, bodies corporate, churches and the estates of the dead pay rates under their
  own names and must be told from people by name;
- ratepayers' names are written as revenue systems write them: titles and initials ("MR N G WILKINSON",
  "WILKINSON, N.G.", "WILKINSON N G"), and joint billing names for couples ("N & D WILKINSON",
  "Mr J Rossi & Mrs J Greco");
- the contact centre types a title before the caller's name ("Mrs Jane Greco") and sometimes only an initial.

Spouses who kept their own surnames share a home, twins and fathers and sons with one name live at one address:
the town generator makes those already. Plain functions and data, no database.
"""

from __future__ import annotations

from collections.abc import Iterable

from .extracts import Extract, Rendered, Renderer, TruthRow, gazetteer_extract
from .model import REFERENCE_DATE, Person, RatesAccount, Town
from .sources import Animals, Crm, Electoral, Housing, Library, Rates

# Who else pays rates under a name that is not a person's, with no column saying so.
AGENCIES = (
    "Director of Housing",
    "DIRECTOR OF HOUSING (TELLHAM)",
    "Tellham Borough Council",
    "Secretary of State for Health",
    "Tellham Housing Association Ltd",
    "Body Corporate Riverside Court",
    "Trustees of the Tellham Almshouses",
    "The Parochial Church Council of St Mary",
    "Tellham Methodist Church",
    "Oakridge Primary School",
    "Tellham Rovers FC",
    "Tellham Community Trust",
)
COMPANY_FORMS = ("{} PTY LTD", "{} LIMITED", "{} Properties Ltd", "{} Holdings PLC", "{} & Co")


def _title(person: Person, *, married: bool) -> str:
    if person.sex == "M":
        return "Mr"
    return "Mrs" if married else "Ms"


def _initials(person: Person) -> list[str]:
    middles = [name[0] for name in person.middle_names.split() if name]
    return [person.first_name[0], *middles]


class CouncilRates(Rates):
    """A revenue system's extract: billing names with titles and initials, joint billing names, and no column that
    says whether the ratepayer is a person."""

    system = "rates"
    columns: tuple[str, ...] = tuple(column for column in Rates.columns if column != "ratepayer_type")  # type: ignore[assignment]

    def __init__(self, town: Town) -> None:
        super().__init__(town)
        self.partner = self._partners(town)
        self.agency_of: dict[str, str] = {}

    @staticmethod
    def _partners(town: Town) -> dict[str, Person]:
        """Each adult's partner in their household: the other of its two oldest adults when their ages are close."""
        partners: dict[str, Person] = {}
        for household in town.households:
            adults = sorted(
                (town.person_by_id[m] for m in household.members if town.person_by_id[m].age_on(REFERENCE_DATE) >= 21),
                key=lambda person: person.dob,
            )
            if len(adults) >= 2 and abs((adults[0].dob - adults[1].dob).days) < 12 * 365:
                partners[adults[0].id], partners[adults[1].id] = adults[1], adults[0]
        return partners

    def emit(self, row: dict[str, str], true_id: str, *, entity: str = "person", notes: Iterable[str] = ()) -> None:
        row.pop("ratepayer_type", None)
        super().emit(row, true_id, entity=entity, notes=notes)

    def render_account(self, key: str, account: RatesAccount) -> None:
        before = len(self.extract.rows)
        super().render_account(key, account)
        row = self.extract.rows[before]
        person = self.town.person_by_id.get(account.payer_id)
        if person is None:
            row["ratepayer_name"] = self.organisation_name(account.payer_id, row["ratepayer_name"])
            return
        if person.dod and not account.end and self.noise.chance(0.6):
            # The account goes on in the name of the estate; it is not the person's record any more.
            row["ratepayer_name"] = f"ESTATE OF THE LATE {person.first_name.upper()} {person.surname.upper()}"
            last = self.truth.pop()
            self.truth.append(TruthRow(self.system, key, account.payer_id, "organisation", last.variations))
            return
        partner = self.partner.get(person.id)
        lives_there = person.residence.address.reference == account.property_ref
        if partner is not None and lives_there and partner.alive_on(REFERENCE_DATE) and self.rng.random() < 0.35:
            row["ratepayer_name"] = self.joint_name(person, partner)
            variations = "joint_name"
            self.truth.append(TruthRow(self.system, f"{key}#2", partner.id, "person", variations))

    def person_name(self, person: Person, account: RatesAccount) -> str:
        """Billing names as revenue systems keep them: capitals, titles, initials, surname first."""
        as_of = account.start if self.noise.chance(0.7) else REFERENCE_DATE
        surname = self.noise.surname(person.surname_on(as_of), typo=0.012, ascii_only=True).upper()
        first = self.noise.first_name(person.first_name, "", informal=0, typo=0.01, ascii_only=True)
        initials = _initials(person)
        title = _title(person, married=person.id in self.partner).upper()
        style = self.rng.random()
        if style < 0.2:
            self.noise.note("initials")
            return f"{' '.join(initials)} {surname}"  # N G WILKINSON
        if style < 0.4:
            self.noise.note("title_initial")
            return f"{title} {initials[0]} {surname}"  # MR N WILKINSON
        if style < 0.55:
            self.noise.note("initials")
            return f"{surname}, {'.'.join(initials)}."  # WILKINSON, N.G.
        if style < 0.65:
            self.noise.note("initials")
            return f"{surname} {' '.join(initials)}"  # WILKINSON N G
        if style < 0.8:
            return f"{surname}, {title} {first}"  # WILKINSON, MR Neil
        return f"{title} {first} {surname}"  # MR Neil WILKINSON

    def joint_name(self, first: Person, second: Person) -> str:
        """One bill for a couple: 'N & D WILKINSON' when they share a surname, both names when they do not."""
        self.noise.note("joint_name")
        if first.surname == second.surname:
            if self.rng.random() < 0.5:
                return f"{first.first_name[0]} & {second.first_name[0]} {first.surname.upper()}"
            return f"{first.first_name} and {second.first_name} {first.surname}"
        return (
            f"{_title(first, married=True)} {first.first_name[0]} {first.surname} & "
            f"{_title(second, married=True)} {second.first_name[0]} {second.surname}"
        )

    def organisation_name(self, payer_id: str, name: str) -> str:
        """Companies written as revenue systems write them, and a share of accounts held by agencies and others."""
        if payer_id not in self.agency_of:
            roll = self.rng.random()
            if roll < 0.4:
                self.agency_of[payer_id] = self.rng.choice(AGENCIES)
            elif roll < 0.7:
                stem = name.split(" ")[0].upper()
                self.agency_of[payer_id] = self.rng.choice(COMPANY_FORMS).format(stem)
            else:
                self.agency_of[payer_id] = name
        return self.agency_of[payer_id]


class CouncilCrm(Crm):
    """The contact centre types a title before the name, and sometimes only an initial."""

    def emit(self, row: dict[str, str], true_id: str, *, entity: str = "person", notes: Iterable[str] = ()) -> None:
        person = self.town.person_by_id.get(true_id)
        if person is not None and row.get("name"):
            roll = self.rng.random()
            if roll < 0.3:
                row["name"] = f"{_title(person, married=bool(person.surname_since))} {row['name']}"
            elif roll < 0.38:
                given, _, family = row["name"].partition(" ")
                if family:
                    row["name"] = f"{_title(person, married=bool(person.surname_since))} {given[:1]} {family}"
                    self.noise.note("initial_only")
        super().emit(row, true_id, entity=entity, notes=notes)


COUNCIL_RENDERERS: tuple[type[Renderer], ...] = (CouncilRates, Electoral, Library, Animals, CouncilCrm, Housing)


def council_extracts_render(town: Town) -> Rendered:
    """Every system's extract of the town in the council style, with the ground truth. Rates rows of a joint name
    have a truth row for each person: the importer keys the second one '<key>#2'."""
    extracts: dict[str, Extract] = {}
    truth: list[TruthRow] = []
    for renderer_class in COUNCIL_RENDERERS:
        renderer = renderer_class(town)
        renderer.render()
        extracts[renderer.system] = renderer.extract
        truth.extend(renderer.truth)
    truth.sort(key=lambda t: (t.source_system, t.source_key))
    return Rendered(gazetteer=gazetteer_extract(town), extracts=extracts, truth=truth)


def look_alikes(town: Town) -> dict[str, list[tuple[str, str]]]:
    """Pairs of different people who look alike and must never be joined: twins, and a son named after his father
    (same name, same home)."""
    twins = sorted({tuple(sorted((p.id, p.twin_of))) for p in town.people if p.twin_of})
    namesakes: list[tuple[str, str]] = []
    for household in town.households:
        members = [town.person_by_id[m] for m in household.members]
        for son in members:
            if "named_after_parent" in son.traits:
                fathers = [m for m in members if m is not son and m.first_name == son.first_name and m.sex == "M"]
                namesakes.extend((min(father.id, son.id), max(father.id, son.id)) for father in fathers)
    return {"twins": [(a, b) for a, b in twins], "father_and_son": sorted(set(namesakes))}


LOOK_ALIKE_COLUMNS = ("kind", "true_id_a", "true_id_b")


def look_alike_rows(town: Town) -> list[dict[str, str]]:
    """look_alikes(town) as rows of LOOK_ALIKE_COLUMNS, for a file beside the ground truth."""
    return [
        {"kind": kind, "true_id_a": a, "true_id_b": b} for kind, pairs in look_alikes(town).items() for a, b in pairs
    ]
