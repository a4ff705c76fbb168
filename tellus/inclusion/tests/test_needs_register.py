"""The needs register: each need under its FCA driver, temporary or permanent, with a review date, who recorded it
and from what source, and its lawful basis; ending a need ends its adjustments; every change is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tellus.inclusion.models import SUPPORT_NEED_OBJECT_TYPE, Adjustment, SpecificNeed, SupportNeed
from tellus.inclusion.selectors import ReasonNeeded, needs_due_for_review, needs_for_staff
from tellus.inclusion.services import support_need_end, support_need_review
from tellus.people.tests.factories import PersonFactory
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.services import Actor

from .conftest import SYSTEM, record_need

pytestmark = pytest.mark.django_db


def test_a_need_is_filed_under_its_fca_driver_with_who_recorded_it_and_why_it_may_be_kept():
    need = record_need(PersonFactory(), SpecificNeed.CARE_LEAVER, permanence="temporary")
    assert need.driver == "life_events"
    assert need.recorded_by_label == "test"
    assert need.lawful_basis == "explicit_consent" and need.consent_given_on is not None
    assert AuditEvent.objects.filter(object_type=SUPPORT_NEED_OBJECT_TYPE, action=AuditAction.CREATE).count() == 1


@pytest.mark.parametrize(
    ("need", "driver"),
    [
        (SpecificNeed.VISUAL_IMPAIRMENT, "health"),
        (SpecificNeed.BEREAVEMENT, "life_events"),
        (SpecificNeed.PROBLEM_DEBT, "resilience"),
        (SpecificNeed.NO_DIGITAL_ACCESS, "capability"),
    ],
)
def test_each_driver_has_its_needs(need, driver):
    assert record_need(PersonFactory(), need, adjustments=[]).driver == driver


def test_not_fluent_in_english_needs_the_language_and_nothing_is_written_without_it():
    with pytest.raises(ValidationError, match="language"):
        record_need(PersonFactory(), SpecificNeed.NOT_FLUENT_IN_ENGLISH)
    assert not SupportNeed.objects.exists() and not Adjustment.objects.exists()
    assert record_need(PersonFactory(), SpecificNeed.NOT_FLUENT_IN_ENGLISH, language="Arabic").language == "Arabic"


def test_explicit_consent_needs_the_date_it_was_given():
    with pytest.raises(ValidationError):
        record_need(PersonFactory(), consent_given_on=None)
    assert not SupportNeed.objects.exists()


def test_ending_a_need_ends_its_adjustments_and_keeps_both():
    need = record_need(PersonFactory())
    support_need_end(support_need=need, reason="Moved away", actor=SYSTEM, purpose=Purpose.CASEWORK)
    assert need.ended_at is not None
    assert Adjustment.objects.filter(support_need=need, ended_at__isnull=True).count() == 0
    assert Adjustment.objects.filter(support_need=need).count() == 2


def test_needs_past_their_review_date_are_listed_and_each_person_listed_is_audited(caseworker):
    today = timezone.localdate()
    due = record_need(PersonFactory(), review_on=today - dt.timedelta(days=1))
    record_need(PersonFactory(), review_on=today + dt.timedelta(days=30))
    actor = Actor.for_user(caseworker)
    listed = needs_due_for_review(actor=actor, purpose=Purpose.CASEWORK, reason="Monthly review of needs")
    assert listed == [due]
    entry = AuditEvent.objects.get(action=AuditAction.LISTED, actor=caseworker)
    assert entry.subject_person_id == due.person_id and entry.context["reason"] == "Monthly review of needs"
    support_need_review(
        support_need=due, review_on=today + dt.timedelta(days=90), actor=actor, purpose=Purpose.CASEWORK
    )
    assert needs_due_for_review(actor=actor, purpose=Purpose.CASEWORK, reason="Monthly review of needs") == []


def test_reading_needs_takes_a_reason_and_a_purpose_that_allows_it(caseworker):
    need = record_need(PersonFactory())
    actor = Actor.for_user(caseworker)
    with pytest.raises(ReasonNeeded):
        needs_for_staff(actor=actor, purpose=Purpose.CASEWORK, person_id=need.person_id, reason="  ")
    with pytest.raises(PermissionDenied):
        needs_for_staff(actor=actor, purpose=Purpose.ENQUIRY, person_id=need.person_id, reason="Checking her plan")
    found = needs_for_staff(actor=actor, purpose=Purpose.CASEWORK, person_id=need.person_id, reason="Checking her plan")
    assert found == [need]
    entry = AuditEvent.objects.get(action=AuditAction.VIEW, object_type=SUPPORT_NEED_OBJECT_TYPE)
    assert entry.context == {"reason": "Checking her plan", "needs": 1} and entry.purpose == Purpose.CASEWORK


def test_a_subject_access_copy_holds_the_persons_needs_adjustments_and_routes():
    from tellus.inclusion.services import correspondence_route_set
    from tellus.rights.sar import EXTRA_SECTIONS

    need = record_need(PersonFactory(no_fixed_address=True))
    correspondence_route_set(person=need.person, method="collect", office="Civic Centre", actor=SYSTEM,
                             purpose=Purpose.CASEWORK)  # fmt: skip
    other = record_need(PersonFactory())
    names = ("support_needs", "adjustments", "correspondence_routes", "local_connections")
    rows = {name: EXTRA_SECTIONS[name](need.person_id) for name in names}
    assert [row["need"] for row in rows["support_needs"]] == ["dementia"]
    assert len(rows["adjustments"]) == 2 and rows["correspondence_routes"][0]["office"] == "Civic Centre"
    assert rows["local_connections"] == []
    assert all(row["id"] != other.pk for row in rows["support_needs"])
