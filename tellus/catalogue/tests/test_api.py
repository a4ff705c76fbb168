"""/api/v1/services and /api/v1/people/{id}/capacities: shapes, permissions, errors and the audit entry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tellus.capacities.services import capacities_refresh
from tellus.capacities.tests.factories import a_person, a_property, add_record
from tellus.catalogue.services import DEMO_CATALOGUE_PATH, catalogue_load
from tellus.privacy.models import AuditEvent, Purpose
from tellus.privacy.services import Actor

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


@pytest.fixture
def alice():  # type: ignore[no-untyped-def]
    catalogue_load(path=DEMO_CATALOGUE_PATH, actor=ACTOR)
    alice = a_person(display_name="Alice Example")
    add_record(
        alice, "rates", valid_from=dt.date(2012, 4, 1), prop=a_property(ward="North"), ratepayer_type="Individual"
    )
    capacities_refresh(actor=ACTOR)
    return alice


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_service_list_names_every_service_and_filters_by_group(alice, officer) -> None:  # type: ignore[no-untyped-def]
    everything = signed_in(officer).get("/api/v1/services").json()
    waste = signed_in(officer).get("/api/v1/services", {"group": "Waste"}).json()

    assert everything["count"] == len(everything["services"]) >= 25
    assert set(everything["services"][0]) == {
        "code",
        "name",
        "group",
        "description",
        "purpose",
        "funding_model",
        "state_authority",
        "value_publicness",
    }
    assert {s["group"] for s in waste["services"]} == {"Waste"}


def test_a_service_comes_with_its_open311_definition_and_live_customer_list(alice, officer) -> None:  # type: ignore[no-untyped-def]
    rates = signed_in(officer).get("/api/v1/services/rates").json()
    bins = signed_in(officer).get("/api/v1/services/household-waste").json()

    assert rates["publicness"] == {"value": 5, "funding": 5, "ownership": 5, "political_control": 5}
    north = next(g for g in rates["customer_list"] if g["name"] == "Ratepayers in North ward")
    assert (north["kind"], north["people_now"]) == ("direct_customer", 1)
    assert rates["open311"]["metadata"] is False
    assert bins["open311"]["metadata"] is True
    first = bins["open311"]["attributes"][0]
    assert (first["code"], first["datatype"], first["required"], first["order"]) == (
        "bin_type",
        "singlevaluelist",
        True,
        1,
    )
    assert first["values"][0] == {"key": "general", "name": "General waste (green lid)"}
    assert bins["unit_cost"] == "1.85"


def test_an_unknown_service_is_a_json_404(alice, officer) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(officer).get("/api/v1/services/no-such-service")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no service with code 'no-such-service'.", "errors": []}


def test_without_a_role_the_catalogue_is_a_json_403_and_without_a_session_401(alice, outsider) -> None:  # type: ignore[no-untyped-def]
    assert signed_in(outsider).get("/api/v1/services").status_code == 403
    assert signed_in(outsider).get("/api/v1/services/rates").status_code == 403
    assert Client().get("/api/v1/services").status_code == 401


def test_a_persons_capacities_are_returned_and_the_read_is_audited_with_the_purpose(alice, caseworker) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(caseworker).get(f"/api/v1/people/{alice.pk}/capacities", HTTP_X_TELLUS_PURPOSE="casework")

    assert response.status_code == 200
    body = response.json()
    assert [c["capacity"] for c in body["current"]] == ["ratepayer", "citizen"]
    ratepayer = next(p for p in body["history"] if p["capacity"] == "ratepayer")
    assert ratepayer["rule"] == "ratepayer-rates-account"
    assert ratepayer["evidence"][0]["system"] == "Rates"
    assert [s["code"] for s in body["services_used_last_12_months"]] == ["rates"]
    assert any(r["capacity"] == "ratepayer" and r["must"] for r in body["rights_and_responsibilities"])
    event = AuditEvent.objects.get(actor=caseworker, object_type="capacities.personcapacity")
    assert (event.subject_person_id, event.purpose) == (alice.pk, Purpose.CASEWORK)


def test_capacities_of_an_unknown_person_are_a_404_and_audit_nothing(alice, officer) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(officer).get("/api/v1/people/99999999/capacities", HTTP_X_TELLUS_PURPOSE="enquiry")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(actor=officer).exists()


def test_an_analyst_may_not_see_a_persons_capacities(alice, analyst) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(analyst).get(f"/api/v1/people/{alice.pk}/capacities")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(actor=analyst).exists()


def test_an_unknown_purpose_is_refused(alice, officer) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(officer).get(f"/api/v1/people/{alice.pk}/capacities", HTTP_X_TELLUS_PURPOSE="data_import")
    assert response.status_code == 400
    assert "X-Tellus-Purpose must be one of" in response.json()["detail"]


def test_the_endpoints_are_in_the_openapi_document(officer) -> None:  # type: ignore[no-untyped-def]
    document = signed_in(officer).get("/api/v1/openapi.json").json()
    assert "/api/v1/services" in document["paths"]
    assert "/api/v1/services/{code}" in document["paths"]
    assert "/api/v1/people/{person_id}/capacities" in document["paths"]
    assert "ServiceDetailOut" in document["components"]["schemas"]
