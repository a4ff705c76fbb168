"""Representatives, stopping correspondence and no fixed address: the shared rows Tell us once and Inclusion use."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tellus.people.models import REPRESENTATIVE_OBJECT_TYPE, Representative
from tellus.people.selectors import representatives_active, representatives_for_staff
from tellus.people.services import (
    person_correspondence_stop,
    person_no_fixed_address_set,
    representative_create,
    representative_end,
)
from tellus.people.tests.factories import PersonFactory
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.services import Actor

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")


def _advocate(person, **overrides):
    values = dict(
        person=person,
        name="Asha Patel",
        relationship=Representative.Relationship.CARE_ACT_ADVOCATE,
        starts_on=dt.date(2026, 1, 1),
        can_view=True,
        can_act=True,
        actor=SYSTEM,
        purpose=Purpose.CASEWORK,
    )
    values.update(overrides)
    return representative_create(**values)


def test_a_representative_is_recorded_with_scope_and_dates_and_audited():
    person = PersonFactory()
    representative = _advocate(person)
    assert representative.scope_words() == "view, act"
    entry = AuditEvent.objects.get(object_type=REPRESENTATIVE_OBJECT_TYPE, action=AuditAction.CREATE)
    assert entry.subject_person_id == person.pk
    assert entry.changes["scope"] == [None, "view, act"]


def test_a_representative_cannot_end_before_they_start_and_nothing_is_written():
    person = PersonFactory()
    with pytest.raises(ValidationError):
        _advocate(person, ends_on=dt.date(2025, 12, 31))
    assert not Representative.objects.exists()
    assert not AuditEvent.objects.filter(object_type=REPRESENTATIVE_OBJECT_TYPE).exists()


def test_a_person_cannot_represent_themself():
    person = PersonFactory()
    with pytest.raises(ValidationError):
        _advocate(person, representative_person=person)


def test_only_representatives_in_their_dates_are_active():
    person = PersonFactory()
    current = _advocate(person)
    ended = _advocate(person, name="Old Contact", starts_on=dt.date(2020, 1, 1))
    representative_end(
        representative=ended, ends_on=dt.date(2025, 6, 30), reason="Moved away", actor=SYSTEM, purpose=Purpose.CASEWORK
    )
    assert representatives_active(person_id=person.pk, on=dt.date(2026, 3, 1)) == [current]
    assert set(representatives_active(person_id=person.pk, on=dt.date(2025, 3, 1))) == {ended}


def test_staff_reading_representatives_is_audited():
    person = PersonFactory()
    _advocate(person)
    found = representatives_for_staff(actor=SYSTEM, purpose=Purpose.CASEWORK, person_id=person.pk)
    assert len(found) == 1
    assert AuditEvent.objects.filter(
        object_type=REPRESENTATIVE_OBJECT_TYPE, action=AuditAction.VIEW, subject_person_id=person.pk
    ).exists()


def test_stopping_correspondence_keeps_the_first_time_and_reason():
    person = PersonFactory()
    person_correspondence_stop(person=person, reason="Told of death", actor=SYSTEM, purpose=Purpose.CASEWORK)
    first = person.correspondence_stopped_at
    person_correspondence_stop(person=person, reason="Again", actor=SYSTEM, purpose=Purpose.CASEWORK)
    person.refresh_from_db()
    assert person.correspondence_stopped_at == first
    assert person.correspondence_stopped_reason == "Told of death"
    assert AuditEvent.objects.filter(subject_person_id=person.pk, action=AuditAction.UPDATE).count() == 1


def test_no_fixed_address_is_set_and_audited_once():
    person = PersonFactory()
    person_no_fixed_address_set(person=person, no_fixed_address=True, actor=SYSTEM, purpose=Purpose.CASEWORK)
    person_no_fixed_address_set(person=person, no_fixed_address=True, actor=SYSTEM, purpose=Purpose.CASEWORK)
    person.refresh_from_db()
    assert person.no_fixed_address
    assert AuditEvent.objects.filter(subject_person_id=person.pk, changes__has_key="no_fixed_address").count() == 1
