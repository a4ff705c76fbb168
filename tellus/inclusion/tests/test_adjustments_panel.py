"""Adjustments without disclosure: front-line staff who find the person see the adjustments on the person page, in
the contact form and beside the contact form's matches, never the need behind them; each is an audited read."""

from __future__ import annotations

import pytest

from tellus.inclusion.models import ADJUSTMENT_OBJECT_TYPE
from tellus.people.tests.factories import SourceRecordFactory
from tellus.privacy.models import AuditAction, AuditEvent, Purpose

pytestmark = pytest.mark.django_db


def test_the_person_page_shows_the_adjustments_not_the_condition(sign_in, officer, person_with_need):
    page = sign_in(officer, purpose=Purpose.ENQUIRY).get(f"/console/people/{person_with_need.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Adjustments to make" in text and "Speak to their advocate first" in text and "Large print" in text
    assert "Dementia" not in text
    entry = AuditEvent.objects.get(object_type=ADJUSTMENT_OBJECT_TYPE, action=AuditAction.VIEW, actor=officer)
    assert entry.subject_person_id == person_with_need.pk and entry.purpose == Purpose.ENQUIRY


def test_the_contact_form_shows_the_adjustments_for_the_chosen_person(sign_in, officer, person_with_need):
    page = sign_in(officer, purpose=Purpose.ENQUIRY).get(f"/demand/contacts/new/?person={person_with_need.pk}")
    text = page.content.decode()
    assert "Speak to their advocate first" in text and "Dementia" not in text


def test_the_contact_forms_search_results_carry_the_adjustments(sign_in, officer, person_with_need):
    SourceRecordFactory(person=person_with_need, first_name="Edith", last_name="Marsh")
    page = sign_in(officer, purpose=Purpose.ENQUIRY).get("/demand/contacts/new/", {"q": "Edith Marsh"})
    text = page.content.decode()
    assert "Log a contact for Edith Marsh" in text
    assert "Adjustments:" in text and "Speak to their advocate first" in text and "Dementia" not in text


def test_an_analyst_cannot_reach_the_pages_that_carry_the_panel(sign_in, analyst, person_with_need):
    assert sign_in(analyst, purpose=Purpose.ANALYSIS).get(f"/console/people/{person_with_need.pk}/").status_code == 403


def test_a_person_with_no_adjustments_shows_none_and_writes_no_adjustment_entry(sign_in, officer):
    from tellus.people.tests.factories import PersonFactory

    person = PersonFactory()
    page = sign_in(officer, purpose=Purpose.ENQUIRY).get(f"/console/people/{person.pk}/")
    assert "Adjustments to make" not in page.content.decode()
    assert not AuditEvent.objects.filter(object_type=ADJUSTMENT_OBJECT_TYPE).exists()
