"""A small town for the ledger's tests: a financial year, services with unit costs, two households, a rates system
with accounts for a person and an organisation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from tellus.catalogue.models import Service
from tellus.demand.tests.factories import ServiceFactory
from tellus.ledger.models import FinancialYear
from tellus.people.models import Household, Person, Property, SourceRecord, SourceSystem
from tellus.people.tests.factories import PersonFactory, PropertyFactory, SourceRecordFactory, SourceSystemFactory


@dataclass
class Town:
    year: FinancialYear
    waste: Service
    loans: Service
    lighting: Service
    no_cost: Service
    ana: Person
    ben: Person
    cara: Person
    home: Household
    flat: Household
    home_property: Property
    flat_property: Property
    empty_property: Property
    rates: SourceSystem
    ana_account: SourceRecord
    company_account: SourceRecord
    unlinked_account: SourceRecord


@pytest.fixture
def town(db: object) -> Town:
    return town_make()


def town_make() -> Town:
    year = FinancialYear.objects.create(label="2025/26", starts_on=dt.date(2025, 7, 1), ends_on=dt.date(2026, 6, 30))
    waste = ServiceFactory(
        code="household-waste", name="Household waste", group="Waste", unit_cost=Decimal("1.85"), unit="a collection"
    )
    loans = ServiceFactory(
        code="library-loans", name="Library loans", group="Libraries", unit_cost=Decimal("2.10"), unit="a loan"
    )
    lighting = ServiceFactory(code="street-lighting", name="Street lighting", group="Roads", unit_cost=Decimal("70"))
    no_cost = ServiceFactory(code="advice", name="Advice", group="Advice", unit_cost=None)
    home_property = PropertyFactory(reference="100001", address_line_1="3 Mill Lane", ward="North")
    flat_property = PropertyFactory(reference="100002", address_line_1="Flat 2, Quay Street", ward="South")
    empty_property = PropertyFactory(reference="100003", address_line_1="9 Empty Row", ward="South")
    ana = PersonFactory(display_name="Ana Ruiz", date_of_birth=dt.date(1950, 3, 1))
    ben = PersonFactory(display_name="Ben Ruiz", date_of_birth=dt.date(1985, 3, 1))
    cara = PersonFactory(display_name="Cara Quay", date_of_birth=dt.date(1999, 3, 1))
    home = Household.objects.create(property=home_property)
    home.members.add(ana, ben)
    flat = Household.objects.create(property=flat_property)
    flat.members.add(cara)
    rates = SourceSystemFactory(name="rates", title="Rates", kind="rates", owning_team="Revenues")
    ana_account = SourceRecordFactory(source_system=rates, source_key="R0001", person=ana, property=home_property)
    company_account = SourceRecordFactory(
        source_system=rates, source_key="R0002", is_organisation=True, first_name="", last_name="Quay Holdings Ltd"
    )
    unlinked_account = SourceRecordFactory(source_system=rates, source_key="R0003")
    return Town(
        year,
        waste,
        loans,
        lighting,
        no_cost,
        ana,
        ben,
        cara,
        home,
        flat,
        home_property,
        flat_property,
        empty_property,
        rates,
        ana_account,
        company_account,
        unlinked_account,
    )


CONTRIBUTIONS_MAPPING = """
[file]
date_formats = ["%d/%m/%Y"]

[ledger]
kind = "contributions"
account_system = "rates"

[columns]
reference = "txn"
date = "paid"
amount = "amount"
contribution_kind = "type"
description = "what"
service = "service"
account = "account"
property_reference = "uprn"
person_number = "person"

[values]
contribution_kinds = { RATES = "general_rates", WASTE = "service_charge", FEE = "fee", PCN = "fine" }
"""

USE_MAPPING = """
[ledger]
kind = "use"

[columns]
reference = "ref"
date = "day"
quantity = "units"
service = "service"
property_reference = "uprn"
person_number = "person"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text.lstrip(), encoding="utf-8")
    return path


@pytest.fixture
def contributions_mapping(tmp_path: Path) -> Path:
    return write(tmp_path, "contributions.toml", CONTRIBUTIONS_MAPPING)


@pytest.fixture
def use_mapping(tmp_path: Path) -> Path:
    return write(tmp_path, "use.toml", USE_MAPPING)


def contributions_csv(tmp_path: Path, town: Town, extra: str = "", name: str = "payments.csv") -> Path:
    return write(
        tmp_path,
        name,
        (
            "txn,paid,amount,type,what,service,account,uprn,person\n"
            "T1,01/08/2025,1234.56,RATES,General rates 2025/26,,R0001,,\n"
            "T2,02/08/2025,2400.00,RATES,General rates 2025/26,,R0002,,\n"
            "T3,15/09/2025,45.00,WASTE,Garden waste,household-waste,,100001,\n"
            f"T4,03/03/2026,6.40,FEE,Swim,,,,{town.cara.pk}\n"
            f"T5,30/06/2026,70.00,PCN,Parking penalty,,,,{town.ben.pk}\n" + extra
        ),
    )


def use_csv(tmp_path: Path, town: Town, extra: str = "", name: str = "use.csv") -> Path:
    return write(
        tmp_path,
        name,
        (
            "ref,day,units,service,uprn,person\n"
            "U1,2025-07-07,52,household-waste,100001,\n"
            f"U2,2025-12-01,3,library-loans,,{town.ana.pk}\n"
            f"U3,2026-01-10,1.5,library-loans,,{town.cara.pk}\n" + extra
        ),
    )
