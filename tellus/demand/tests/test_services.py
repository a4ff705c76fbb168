"""Logging contacts, moving needs through their life, and the end-to-end time that comes out of it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tellus.demand.models import Contact, Need, NeedEvent
from tellus.demand.services import contact_log, need_handoff, need_transition
from tellus.people.tests.factories import PersonFactory
from tellus.privacy.models import AuditAction, AuditEvent

from .conftest import T0
from .factories import CommunityConsiderationFactory, ServiceFactory

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)


def first(alice, bins, system, **kwargs):  # type: ignore[no-untyped-def]
    values = {
        "actor": system,
        "purpose": "enquiry",
        "channel": "phone",
        "words": "My bin wasn't emptied on Tuesday.",
        "person": alice,
        "service": bins,
        "occurred_at": T0,
        "demand_type": "failure",
        "failure_cause": "not_done",
    }
    values.update(kwargs)
    return contact_log(**values)


def test_the_first_contact_opens_a_need_at_the_time_of_the_contact(alice, bins, system):
    contact = first(alice, bins, system, capacity="resident", what_matters="Bin back before the weekend")
    need = contact.need
    assert contact.is_first_contact_for_need and not contact.is_repeat
    assert (need.status, need.opened_at, need.person, need.service) == ("open", T0, alice, bins)
    assert need.summary == "My bin wasn't emptied on Tuesday."
    assert need.holder_team == "Waste services"
    assert [e.kind for e in need.events.all()] == ["opened"]


def test_a_repeat_contact_is_failure_demand_of_cause_repeat_unless_the_officer_says_otherwise(alice, bins, system):
    need = first(alice, bins, system).need
    repeat = contact_log(
        actor=system,
        purpose="enquiry",
        channel="phone",
        words="Me again.",
        person=alice,
        need=need,
        service=bins,
        occurred_at=T0 + HOUR,
    )
    chasing = contact_log(
        actor=system,
        purpose="enquiry",
        channel="email",
        words="Any news?",
        person=alice,
        need=need,
        demand_type="failure",
        failure_cause="progress_chasing",
        occurred_at=T0 + 2 * HOUR,
    )
    new_info = contact_log(
        actor=system,
        purpose="enquiry",
        channel="web",
        words="Here is a photo.",
        person=alice,
        need=need,
        demand_type="value",
        occurred_at=T0 + 3 * HOUR,
    )
    assert (repeat.demand_type, repeat.failure_cause, repeat.is_repeat) == ("failure", "repeat", True)
    assert (chasing.demand_type, chasing.failure_cause) == ("failure", "progress_chasing")
    assert (new_info.demand_type, new_info.failure_cause) == ("value", "")
    assert Need.objects.count() == 1 and need.contacts.count() == 4


def test_a_new_need_needs_the_officer_to_say_what_kind_of_demand_it_is(alice, bins, system):
    with pytest.raises(ValidationError) as refused:
        first(alice, bins, system, demand_type=None, failure_cause="")
    assert "demand_type" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        first(alice, bins, system, demand_type="failure", failure_cause="")
    assert "failure_cause" in refused.value.error_dict
    assert not Contact.objects.exists() and not Need.objects.exists() and not AuditEvent.objects.exists()


def test_end_to_end_time_runs_from_the_first_contact_to_the_need_being_met_across_hand_offs(alice, bins, system):
    need = first(alice, bins, system, handed_off_to="Waste crews").need
    need_handoff(need=need, to_team="Fleet", actor=system, purpose="casework", at=T0 + 20 * HOUR)
    need_transition(need=need, to_status="in_progress", actor=system, purpose="casework", at=T0 + 30 * HOUR)
    contact_log(
        actor=system,
        purpose="enquiry",
        channel="phone",
        words="Still not done.",
        person=alice,
        need=need,
        occurred_at=T0 + 40 * HOUR,
    )
    met = need_transition(need=need, to_status="met", actor=system, purpose="casework", at=T0 + 50 * HOUR)
    assert met.met_at == T0 + 50 * HOUR
    assert met.end_to_end_seconds == 50 * 3600
    assert met.end_to_end == dt.timedelta(hours=50)
    assert met.holder_team == "Fleet"
    kinds = [(e.kind, e.to_team or e.to_status) for e in met.events.all()]
    assert kinds == [
        ("opened", "Waste services"),
        ("handoff", "Waste crews"),
        ("handoff", "Fleet"),
        ("status", "in_progress"),
        ("status", "met"),
    ]


def test_resolving_at_the_first_point_meets_the_need_with_no_end_to_end_wait(alice, bins, system):
    contact = first(alice, bins, system, demand_type="value", failure_cause="", resolved_at_first_point=True)
    need = Need.objects.get(pk=contact.need_id)
    assert (need.status, need.met_at, need.end_to_end_seconds) == ("met", T0, 0)


def test_closing_for_another_reason_is_not_meeting_the_need(alice, bins, system):
    need = first(alice, bins, system).need
    with pytest.raises(ValidationError):
        need_transition(need=need, to_status="closed_other", actor=system, purpose="casework", at=T0 + HOUR)
    closed = need_transition(
        need=need, to_status="closed_other", actor=system, purpose="casework", note="Moved away", at=T0 + HOUR
    )
    assert closed.status == "closed_other" and closed.closed_reason == "Moved away"
    assert closed.met_at is None and closed.end_to_end_seconds is None
    assert not Need.objects.filter(met_at__isnull=False).exists()


def test_a_contact_about_a_met_need_reopens_it_and_the_clock_runs_to_the_next_time_it_is_met(alice, bins, system):
    need = first(alice, bins, system).need
    need_transition(need=need, to_status="met", actor=system, purpose="casework", at=T0 + HOUR)
    again = contact_log(
        actor=system,
        purpose="enquiry",
        channel="phone",
        words="They left the bin in the road.",
        person=alice,
        need=need,
        demand_type="failure",
        failure_cause="done_wrong",
        occurred_at=T0 + 3 * HOUR,
    )
    reopened = Need.objects.get(pk=again.need_id)
    assert (reopened.status, reopened.met_at, reopened.end_to_end_seconds) == ("open", None, None)
    met = need_transition(need=reopened, to_status="met", actor=system, purpose="casework", at=T0 + 5 * HOUR)
    assert met.end_to_end_seconds == 5 * 3600


def test_needs_move_only_along_allowed_paths(alice, bins, system):
    need = first(alice, bins, system).need
    with pytest.raises(ValidationError):
        need_transition(need=need, to_status="open", actor=system, purpose="casework")
    with pytest.raises(ValidationError):
        need_transition(need=need, to_status="met", actor=system, purpose="casework", at=T0 - HOUR)
    need_transition(need=need, to_status="met", actor=system, purpose="casework", at=T0 + HOUR)
    with pytest.raises(ValidationError):
        need_transition(need=need, to_status="closed_other", actor=system, purpose="casework", note="x")
    with pytest.raises(ValidationError):
        need_handoff(need=need, to_team="Fleet", actor=system, purpose="casework")


def test_a_contact_cannot_join_someone_elses_need(alice, bins, system):
    need = first(alice, bins, system).need
    bob = PersonFactory(display_name="Bob Example")
    with pytest.raises(ValidationError) as refused:
        contact_log(actor=system, purpose="enquiry", channel="phone", words="Hello", person=bob, need=need)
    assert "need" in refused.value.error_dict
    assert Contact.objects.count() == 1


def test_every_change_writes_an_audit_entry_about_the_person_in_the_same_transaction(alice, bins, system):
    contact = first(alice, bins, system, handed_off_to="Waste crews")
    need_transition(need=contact.need, to_status="met", actor=system, purpose="casework", at=T0 + HOUR)
    # Only demand's own entries: meeting a need also offers a survey, which Listening audits (feedback app).
    entries = AuditEvent.objects.filter(subject_person_id=alice.pk, object_type__startswith="demand.").order_by("id")
    assert [(e.action, e.object_type) for e in entries] == [
        (AuditAction.CREATE, "demand.need"),
        (AuditAction.CREATE, "demand.contact"),
        (AuditAction.UPDATE, "demand.need"),
        (AuditAction.UPDATE, "demand.need"),
    ]
    assert entries[2].changes == {"holder_team": ["Waste services", "Waste crews"]}
    assert entries[3].changes["status"] == ["open", "met"]
    assert entries[3].changes["end_to_end_seconds"] == [None, 3600]
    assert {e.actor_label for e in entries} == {"test"}


def test_an_anonymous_report_makes_a_need_with_no_person(bins, system):
    contact = contact_log(
        actor=system,
        purpose="enquiry",
        channel="app",
        words="Mattress dumped on Mill Lane.",
        service=bins,
        demand_type="value",
        source_reference="311-9",
    )
    assert contact.person is None and contact.need.person is None
    assert AuditEvent.objects.filter(object_type="demand.contact", subject_person_id__isnull=True).count() == 1


def test_a_request_modified_after_discussion_records_the_consideration_and_what_changed(alice, system):
    trees = ServiceFactory(code="street-trees", name="Street trees")
    policy = CommunityConsiderationFactory(service=trees, title="Street-tree policy")
    contact = contact_log(
        actor=system,
        purpose="enquiry",
        channel="phone",
        words="Cut the tree down.",
        person=alice,
        service=trees,
        demand_type="value",
        consideration=policy,
        request_modified=True,
        modification="Asked for pruning instead",
    )
    assert contact.consideration == policy and contact.modification == "Asked for pruning instead"
    other = CommunityConsiderationFactory()
    with pytest.raises(ValidationError):
        contact_log(
            actor=system,
            purpose="enquiry",
            channel="phone",
            words="x",
            person=alice,
            service=trees,
            demand_type="value",
            consideration=other,
        )
    with pytest.raises(ValidationError):
        contact_log(
            actor=system,
            purpose="enquiry",
            channel="phone",
            words="x",
            person=alice,
            service=trees,
            demand_type="value",
            request_modified=True,
        )


def test_a_resolved_contact_is_not_also_handed_off(alice, bins, system):
    with pytest.raises(ValidationError):
        first(alice, bins, system, resolved_at_first_point=True, handed_off_to="Fleet")
    assert not NeedEvent.objects.exists()
