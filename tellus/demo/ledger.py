"""A financial year of give and take for the demo town, loaded through `tellus ledger import` like a council's.

Everything comes from what the town already holds: general rates from the rates accounts' rateable values, bins for
every household, library loans for borrowers, care and tenancies for the housing system's clients, swims, fees and
fines for some residents, and the needs met in the demo year of contacts. Deterministic for a seed: rows are made in
the order of stable references, never of database ids."""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from tellus.ledger.importing import ledger_import, mapping_load
from tellus.ledger.models import FinancialYear
from tellus.ledger.services import financial_year_containing, financial_year_create, needs_met_record
from tellus.people.models import Household, Person, SourceRecord
from tellus.privacy.services import Actor

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
RATE_IN_THE_POUND = Decimal("0.0825")  # the demo council's general rate on each pound of rateable value
GARDEN_WASTE = Decimal("45.00")
SWIM_FEE = Decimal("5.20")  # what a swimmer pays; the catalogue's unit cost of a swim is higher
BULKY_FEE = Decimal("38.00")
DOG_FEE = Decimal("18.00")
PENALTY = Decimal("70.00")
PENNY = Decimal("0.01")


@dataclass(frozen=True)
class DemoFile:
    name: str
    mapping: str
    columns: tuple[str, ...]


FILES = (
    DemoFile(
        "rates", "ledger-rates.toml", ("transaction_ref", "charged_on", "amount", "narrative", "account_ref", "uprn")
    ),
    DemoFile(
        "charges",
        "ledger-charges.toml",
        ("receipt", "paid_on", "amount", "income_type", "narrative", "service_code", "payer_uprn", "payer_person"),
    ),
    DemoFile("library", "ledger-library.toml", ("summary_ref", "last_loan", "loans", "borrower_id")),
    DemoFile("housing", "ledger-housing.toml", ("line_ref", "period_end", "units", "service_code", "client_ref")),
    DemoFile("services", "ledger-services.toml", ("line_ref", "day", "units", "service_code", "uprn", "person")),
)


def ledger_dir() -> Path:
    return Path(settings.VAR_DIR) / "demo" / "ledger"


def demo_financial_year() -> tuple[str, dt.date, dt.date]:
    """The financial year holding the middle of the demo's year of contacts (the year before today)."""
    return financial_year_containing(timezone.localdate() - dt.timedelta(days=182))


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _overlap(start: dt.date | None, end: dt.date | None, year: FinancialYear) -> tuple[dt.date, dt.date] | None:
    first, last = max(start or year.starts_on, year.starts_on), min(end or year.ends_on, year.ends_on)
    return (first, last) if first <= last else None


def rates_rows(year: FinancialYear) -> Iterable[list[str]]:
    """General rates for each account liable in the year, pro rata for the days it was liable."""
    days = Decimal((year.ends_on - year.starts_on).days + 1)
    records = (
        (
            SourceRecord.objects.filter(source_system__name="rates").filter(person__isnull=False)
            | SourceRecord.objects.filter(source_system__name="rates", is_organisation=True)
        )
        .order_by("source_key")
        .values_list("source_key", "raw", "valid_from", "valid_to")
    )
    for key, raw, start, end in records:
        liable = _overlap(start, end, year)
        value = str(raw.get("rateable_value", ""))
        if liable is None or not value.isdigit():
            continue
        share = Decimal((liable[1] - liable[0]).days + 1) / days
        amount = (Decimal(value) * RATE_IN_THE_POUND * share).quantize(PENNY, rounding=ROUND_HALF_UP)
        if amount > 0:
            yield [
                f"GR-{year.slug}-{key}",
                liable[0].strftime("%d/%m/%Y"),
                str(amount),
                f"General rates {year.label}",
                key,
                str(raw.get("uprn", "")),
            ]


def _households() -> list[tuple[str, list[tuple[int, dt.date | None]]]]:
    """(property reference, [(person number, date of birth)]) for each household, by reference."""
    members: dict[int, list[tuple[int, dt.date | None]]] = {}
    births = dict(Person.objects.filter(households__isnull=False).values_list("pk", "date_of_birth"))
    for household_id, person_id in Household.members.through.objects.order_by("household_id", "person_id").values_list(
        "household_id", "person_id"
    ):
        members.setdefault(household_id, []).append((person_id, births.get(person_id)))
    return sorted(
        (reference, members.get(pk, [])) for pk, reference in Household.objects.values_list("pk", "property__reference")
    )


def household_rows(year: FinancialYear, rng: random.Random) -> tuple[list[list[str]], list[list[str]]]:
    """Charges (garden waste, bulky waste, dog registration, swims, parking penalties) and services (bins,
    recycling, swims) for each household and its members."""
    charges: list[list[str]] = []
    services: list[list[str]] = []
    start, end = year.starts_on, year.ends_on
    seen: set[int] = set()  # someone in two households (moving home) pays and swims once
    for reference, everyone in _households():
        people = [(person_id, born) for person_id, born in everyone if person_id not in seen]
        seen.update(person_id for person_id, _ in everyone)
        if not everyone:
            continue
        services.append([f"BIN-{year.slug}-{reference}", str(end), "52", "household-waste", reference, ""])
        if rng.random() < 0.85:
            services.append([f"REC-{year.slug}-{reference}", str(end), "26", "recycling", reference, ""])
        if rng.random() < 0.3:
            charges.append(
                [
                    f"GW-{year.slug}-{reference}",
                    str(_day(rng, start, start + dt.timedelta(days=60))),
                    str(GARDEN_WASTE),
                    "SC",
                    "Garden waste subscription",
                    "recycling",
                    reference,
                    "",
                ]
            )
        if rng.random() < 0.04:
            charges.append(
                [
                    f"BW-{year.slug}-{reference}",
                    str(_day(rng, start, end)),
                    str(BULKY_FEE),
                    "FEE",
                    "Bulky waste collection",
                    "bulky-waste",
                    reference,
                    "",
                ]
            )
        for person_id, born in people:
            age = (end - born).days // 365 if born else 40
            if 5 <= age < 80 and rng.random() < 0.12:
                swims = rng.randint(2, 60)
                day = str(_day(rng, start, end))
                services.append(
                    [f"SWIM-{year.slug}-{person_id}", day, str(swims), "aquatic-centre", "", str(person_id)]
                )
                charges.append(
                    [
                        f"SWF-{year.slug}-{person_id}",
                        day,
                        str(SWIM_FEE * swims),
                        "FEE",
                        f"{swims} swims",
                        "aquatic-centre",
                        "",
                        str(person_id),
                    ]
                )
            if age >= 18 and rng.random() < 0.05:
                charges.append(
                    [
                        f"DOG-{year.slug}-{person_id}",
                        str(_day(rng, start, end)),
                        str(DOG_FEE),
                        "FEE",
                        "Dog registration",
                        "animal-registration",
                        "",
                        str(person_id),
                    ]
                )
            if 17 <= age < 85 and rng.random() < 0.025:
                charges.append(
                    [
                        f"PCN-{year.slug}-{person_id}",
                        str(_day(rng, start, end)),
                        str(PENALTY),
                        "PCN",
                        "Parking penalty charge",
                        "parking-enforcement",
                        "",
                        str(person_id),
                    ]
                )
    return charges, services


def library_rows(year: FinancialYear, rng: random.Random) -> list[list[str]]:
    rows = []
    for key in (
        SourceRecord.objects.filter(source_system__name="library", person__isnull=False)
        .order_by("source_key")
        .values_list("source_key", flat=True)
    ):
        if rng.random() < 0.55:
            rows.append(
                [f"LN-{year.slug}-{key}", str(_day(rng, year.starts_on, year.ends_on)), str(rng.randint(1, 60)), key]
            )
    return rows


def housing_rows(year: FinancialYear, rng: random.Random) -> list[list[str]]:
    rows = []
    for key, raw in (
        SourceRecord.objects.filter(source_system__name="housing", person__isnull=False)
        .order_by("source_key")
        .values_list("source_key", "raw")
    ):
        if str(raw.get("case_status", "")) != "Open":
            continue
        support = str(raw.get("support_type", "")).casefold()
        if "tenancy" in support:
            rows.append([f"HT-{year.slug}-{key}", str(year.ends_on), "1", "social-housing", key])
        if "care" in support:
            rows.append([f"CW-{year.slug}-{key}", str(year.ends_on), str(rng.randint(8, 52)), "community-care", key])
        if "homeless" in support or "rough" in support or "temporary" in support:
            rows.append(
                [f"HL-{year.slug}-{key}", str(_day(rng, year.starts_on, year.ends_on)), "1", "homelessness", key]
            )
    return rows


def _write(path: Path, columns: tuple[str, ...], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)


def demo_ledger_load(*, seed: int, actor: Actor) -> list[str]:
    """Make the demo's financial year, write its five files under var/demo/ledger/ and import each through the
    council's own path; then record the needs met. Returns a line per file for the build's report."""
    label, starts, ends = demo_financial_year()
    year = financial_year_create(label=label, starts_on=starts, ends_on=ends, actor=actor)
    rng = random.Random(f"ledger-{seed}")
    charges, services = household_rows(year, rng)
    rows = {
        "rates": list(rates_rows(year)),
        "charges": charges,
        "library": library_rows(year, rng),
        "housing": housing_rows(year, rng),
        "services": services,
    }
    lines = []
    for spec in FILES:
        path = ledger_dir() / f"{spec.name}-{year.slug}.csv"
        _write(path, spec.columns, rows[spec.name])
        result = ledger_import(path=path, mapping=mapping_load(MAPPINGS_DIR / spec.mapping), year=year, actor=actor)
        if result.refused:
            raise RuntimeError(f"the demo's {spec.name} file was refused: see {result.rejects_path}")
        lines.append(f"{result.created:,} {spec.name}")
    needs = needs_met_record(year=year, actor=actor)
    lines.append(f"{needs.created:,} needs met")
    return [f"{year.label}: " + ", ".join(lines)]
