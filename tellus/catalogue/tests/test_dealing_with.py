"""The audited "Who are we dealing with?" selector, and the panel the person page includes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from tellus.capacities.services import capacities_refresh
from tellus.capacities.tests.factories import a_person, a_property, add_home, add_record
from tellus.catalogue.dealing_with import person_dealing_with
from tellus.catalogue.services import DEMO_CATALOGUE_PATH, catalogue_load
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.services import Actor

pytestmark = pytest.mark.django_db
D = dt.date
ON = D(2026, 11, 1)


@pytest.fixture
def ratepayer():  # type: ignore[no-untyped-def]
    catalogue_load(path=DEMO_CATALOGUE_PATH, actor=Actor.system("test"))
    alice = a_person(display_name="Alice Example", date_of_birth=D(1980, 5, 17))
    home = a_property(address_line_1="1 Station Road", ward="North")
    add_record(alice, "rates", valid_from=D(2012, 4, 1), prop=home, ratepayer_type="Individual")
    elector = add_record(alice, "electoral", valid_from=D(2013, 1, 5), prop=home)
    add_home(alice, elector)
    add_record(alice, "library", valid_from=D(2001, 6, 1), valid_to=D(2024, 6, 1), status="Active")
    add_record(alice, "animals", valid_from=D(2026, 2, 14), status="Current")
    capacities_refresh(actor=Actor.system("test"))
    return alice


def test_the_selector_shows_current_capacities_history_services_and_rights(ratepayer, officer) -> None:  # type: ignore[no-untyped-def]
    view = person_dealing_with(actor=Actor.for_user(officer), purpose=Purpose.ENQUIRY, person_id=ratepayer.pk, on=ON)

    assert [c.capacity for c in view.current] == ["resident", "ratepayer", "elector", "obligatee", "citizen"]
    ratepayer_now = next(c for c in view.current if c.capacity == "ratepayer")
    assert ratepayer_now.since == D(2012, 4, 1)
    assert [e.system_title for e in ratepayer_now.periods[0].evidence] == ["Rates"]
    assert ("client", D(2001, 6, 1), D(2024, 6, 1)) in [(p.capacity, p.valid_from, p.valid_to) for p in view.history]
    assert [s.code for s in view.services_used] == ["animal-registration", "elections", "rates"]
    general = [r for r in view.rights if not r.service_name]
    assert [r.capacity for r in general] == ["resident", "ratepayer", "elector", "obligatee", "citizen"]
    assert any(r.capacity == "ratepayer" and r.service_name == "Rates billing and collection" for r in view.rights)


def test_the_library_use_that_ended_more_than_a_year_ago_is_not_a_service_used(ratepayer, officer) -> None:  # type: ignore[no-untyped-def]
    view = person_dealing_with(actor=Actor.for_user(officer), purpose=Purpose.ENQUIRY, person_id=ratepayer.pk, on=ON)
    assert "library-loans" not in [s.code for s in view.services_used]

    earlier = person_dealing_with(
        actor=Actor.for_user(officer), purpose=Purpose.ENQUIRY, person_id=ratepayer.pk, on=D(2025, 1, 1)
    )
    assert "library-loans" in [s.code for s in earlier.services_used]


def test_every_read_is_audited_with_the_purpose(ratepayer, officer) -> None:  # type: ignore[no-untyped-def]
    person_dealing_with(actor=Actor.for_user(officer), purpose=Purpose.CASEWORK, person_id=ratepayer.pk, on=ON)

    event = AuditEvent.objects.get(actor=officer, object_type="capacities.personcapacity")
    assert event.action == AuditAction.VIEW
    assert event.subject_person_id == ratepayer.pk
    assert event.purpose == Purpose.CASEWORK
    assert event.context["capacities"] == ["resident", "ratepayer", "elector", "obligatee", "citizen"]


def test_no_such_person_raises_and_writes_nothing(officer) -> None:  # type: ignore[no-untyped-def]
    from tellus.people.models import Person

    with pytest.raises(Person.DoesNotExist):
        person_dealing_with(actor=Actor.for_user(officer), purpose=Purpose.ENQUIRY, person_id=987654)
    assert not AuditEvent.objects.filter(actor=officer).exists()


def test_the_panel_renders_capacities_evidence_rights_and_services(ratepayer, officer) -> None:  # type: ignore[no-untyped-def]
    view = person_dealing_with(actor=Actor.for_user(officer), purpose=Purpose.ENQUIRY, person_id=ratepayer.pk, on=ON)
    request = RequestFactory().get("/")
    request.user = officer

    html = " ".join(
        render_to_string("capacities/_dealing_with_panel.html", {"dealing_with": view}, request=request).split()
    )

    assert "Who are we dealing with?" in html
    assert "Dealing with them as a ratepayer: they may see how their rates are calculated" in html
    assert "they must pay the rates levied on their property when due" in html
    assert "Dealing with them as a ratepayer of Rates billing and collection: they may pay in 10 or 12" in html
    assert "Is liable for rates on a property in the area, since 1 April 2012." in html
    assert "Rule: ratepayer-rates-account" in html
    assert 'href="/catalogue/rates/"' in html
    assert "Capacities over time" in html
    assert "1 Jun 2001" in html and "1 Jun 2024" in html


def test_the_panel_says_so_when_there_is_nothing_to_show(officer) -> None:  # type: ignore[no-untyped-def]
    nobody = a_person(display_name="No Records")
    view = person_dealing_with(actor=Actor.for_user(officer), purpose=Purpose.ENQUIRY, person_id=nobody.pk, on=ON)

    html = render_to_string("capacities/_dealing_with_panel.html", {"dealing_with": view})

    assert "show no current capacity" in html
    assert "No service use in the last 12 months" in html
    assert "Capacities over time" not in html
