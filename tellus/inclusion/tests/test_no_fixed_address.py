"""Shelters and pseudo-addresses never make two people look like one (decision 0007): two people recorded at the
same "no fixed abode" address and postcode are not linked on it, and the council's office as a care-of address is
not evidence either. Also: a declaration of local connection for the electoral register."""

from __future__ import annotations

import datetime as dt

import pytest

from tellus.inclusion.models import LocalConnection
from tellus.inclusion.services import local_connection_declare
from tellus.linkage.engine import classify, prepare, score_query
from tellus.linkage.selectors import address_is_evidence
from tellus.linkage.tests.engine_fixtures import febrl1_model, frame, record
from tellus.people.models import Property
from tellus.people.tests.factories import PersonFactory
from tellus.privacy.models import Purpose

from .conftest import SYSTEM

NFA = "No fixed abode, c/o Civic Centre, Market Square"


@pytest.mark.parametrize("address", [NFA, "NFA", "No fixed address", "c/o Housing Options, Civic Centre"])
def test_a_no_fixed_address_is_not_evidence_of_identity(address):
    assert not address_is_evidence(address, None)
    assert not address_is_evidence("Civic Centre, Market Square", Property.Kind.PSEUDO)


def _scored(address: str, evidence: bool):  # type: ignore[no-untyped-def]
    someone = record(1, first_name="Tom", last_name="Reilly", address=address, postcode="TE1 1AA",
                     address_is_evidence=evidence)  # fmt: skip
    query = {"first_name": "Tom", "last_name": "Price", "address": address, "postcode": "TE1 1AA"}
    scored = score_query(query, prepare(frame(someone)), febrl1_model())
    return scored, classify(scored.rename(columns={"unique_id": "unique_id_r"}).assign(unique_id_l=0)).iloc[0]


def test_two_people_with_no_fixed_address_at_one_office_are_not_matched_on_it():
    scored, decided = _scored(NFA, address_is_evidence(NFA, None))
    assert scored.loc[0, "label_street_address"] == "Missing on one record"
    assert scored.loc[0, "weight_postcode"] == 0.0
    assert decided["decision"] == "apart"
    # The same two at a real shared home: the address would have counted for them.
    at_home, _ = _scored("12 High Street", True)
    assert at_home.loc[0, "weight_postcode"] > 0


@pytest.mark.django_db
def test_a_declaration_of_local_connection_lasts_twelve_months():
    person = PersonFactory(no_fixed_address=True)
    declared = dt.date(2026, 1, 10)
    made = local_connection_declare(person=person, place="Near the library, Station Road", declared_on=declared,
                                    actor=SYSTEM, purpose=Purpose.CASEWORK)  # fmt: skip
    assert made.expires_on == dt.date(2027, 1, 10)
    assert made.is_current_on(dt.date(2026, 12, 31)) and not made.is_current_on(dt.date(2027, 1, 10))
    assert LocalConnection.objects.count() == 1
