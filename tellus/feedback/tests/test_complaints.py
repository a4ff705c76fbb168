"""A complaint's closed loop: received, acknowledged, investigated, responded, learning recorded, with the clock's
due dates, one extension, stage 2, the overdue list and the trail."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from tellus.feedback import complaints as loop
from tellus.feedback.models import ComplaintStatus, Feedback
from tellus.people.tests.factories import PersonFactory
from tellus.privacy.models import AuditEvent
from tellus.privacy.services import Actor

from .factories import OFFICER, met_need

pytestmark = pytest.mark.django_db
WEDNESDAY = dt.datetime(2026, 1, 7, 10, tzinfo=dt.UTC)


def _complaint(**fields):
    return loop.feedback_record(
        actor=OFFICER, purpose="casework", kind="complaint", channel="email", words="Bin missed three times",
        received_at=WEDNESDAY, **fields,
    )  # fmt: skip


def test_a_complaint_is_due_to_be_acknowledged_in_five_working_days():
    complaint = _complaint()

    assert complaint.status == ComplaintStatus.RECEIVED
    assert complaint.acknowledge_due == dt.date(2026, 1, 14)


@override_settings(TELLUS_COMPLAINT_CLOCK={"acknowledge_working_days": 2, "respond_working_days": 3})
def test_the_clock_is_a_council_setting():
    complaint = _complaint()
    assert complaint.acknowledge_due == dt.date(2026, 1, 9)
    acknowledged = loop.complaint_acknowledge(feedback=complaint, actor=OFFICER, purpose="casework", at=WEDNESDAY)
    assert acknowledged.respond_due == dt.date(2026, 1, 12)


def test_the_whole_loop_runs_in_order_and_leaves_a_trail_and_audit_entries():
    complaint = _complaint(need=met_need())
    c = loop.complaint_acknowledge(feedback=complaint, actor=OFFICER, purpose="casework", at=WEDNESDAY)
    assert c.respond_due == dt.date(2026, 1, 21)  # ten working days after acknowledging
    c = loop.complaint_investigate(feedback=c, actor=OFFICER, purpose="casework", note="Asked the crew")
    c = loop.complaint_extend(feedback=c, actor=OFFICER, purpose="casework", days=3, reason="Crew on leave")
    assert c.respond_due == dt.date(2026, 1, 26)
    c = loop.complaint_respond(feedback=c, actor=OFFICER, purpose="casework", response="Sorry; fixed the round")
    c = loop.complaint_record_learning(feedback=c, actor=OFFICER, purpose="casework", learning="Round re-planned")

    assert c.status == ComplaintStatus.LEARNING_RECORDED and c.service == complaint.need.service
    steps = list(c.events.values_list("step", flat=True))
    assert steps == ["received", "acknowledged", "investigating", "extended", "responded", "learning_recorded"]
    assert AuditEvent.objects.filter(object_type="feedback.feedback", object_id=str(c.pk)).count() == 6


def test_a_complaint_is_extended_once_by_at_most_ten_working_days_with_a_reason():
    c = loop.complaint_acknowledge(feedback=_complaint(), actor=OFFICER, purpose="casework", at=WEDNESDAY)
    with pytest.raises(ValidationError):
        loop.complaint_extend(feedback=c, actor=OFFICER, purpose="casework", days=11, reason="Long")
    with pytest.raises(ValidationError):
        loop.complaint_extend(feedback=c, actor=OFFICER, purpose="casework", days=2, reason="  ")
    loop.complaint_extend(feedback=c, actor=OFFICER, purpose="casework", days=10, reason="Waiting for a report")
    with pytest.raises(ValidationError):
        loop.complaint_extend(feedback=c, actor=OFFICER, purpose="casework", days=1, reason="Again")
    assert Feedback.objects.get(pk=c.pk).extension_days == 10


def test_a_step_out_of_order_is_refused_and_changes_nothing():
    complaint = _complaint()
    with pytest.raises(ValidationError):
        loop.complaint_respond(feedback=complaint, actor=OFFICER, purpose="casework", response="Too soon")
    assert Feedback.objects.get(pk=complaint.pk).status == ComplaintStatus.RECEIVED
    assert complaint.events.count() == 1


def test_stage_2_starts_a_new_clock_after_the_stage_1_response():
    c = loop.complaint_acknowledge(feedback=_complaint(), actor=OFFICER, purpose="casework", at=WEDNESDAY)
    c = loop.complaint_respond(feedback=c, actor=OFFICER, purpose="casework", response="Our answer")
    c = loop.complaint_escalate(
        feedback=c, actor=OFFICER, purpose="casework", reason="Not satisfied", at=dt.datetime(2026, 2, 2, tzinfo=dt.UTC)
    )
    assert (c.stage, c.status, c.acknowledge_due) == (2, ComplaintStatus.RECEIVED, dt.date(2026, 2, 9))
    c = loop.complaint_acknowledge(
        feedback=c, actor=OFFICER, purpose="casework", at=dt.datetime(2026, 2, 3, tzinfo=dt.UTC)
    )
    assert c.respond_due == dt.date(2026, 3, 3)  # stage 2: twenty working days
    with pytest.raises(ValidationError):
        loop.complaint_escalate(feedback=c, actor=OFFICER, purpose="casework", reason="Again")


def test_the_overdue_list_holds_late_acknowledgements_and_late_responses_only():
    late_ack = _complaint()
    late_response = loop.complaint_acknowledge(feedback=_complaint(), actor=OFFICER, purpose="casework", at=WEDNESDAY)
    on_time = loop.complaint_acknowledge(
        feedback=_complaint(), actor=OFFICER, purpose="casework", at=dt.datetime(2026, 1, 20, tzinfo=dt.UTC)
    )

    overdue = set(loop.complaints_overdue(today=dt.date(2026, 1, 26)).values_list("pk", flat=True))

    assert overdue == {late_ack.pk, late_response.pk}
    assert on_time.pk not in overdue


def test_compliments_and_comments_have_no_clock():
    compliment = loop.feedback_record(
        actor=OFFICER, purpose="casework", kind="compliment", channel="phone", words="Lovely crew"
    )
    assert compliment.status == "" and compliment.acknowledge_due is None
    with pytest.raises(ValidationError):
        loop.complaint_acknowledge(feedback=compliment, actor=OFFICER, purpose="casework")


@pytest.mark.parametrize(
    "fields",
    [{"kind": "grumble"}, {"channel": "pigeon"}, {"words": "   "}, {"words": "x" * 5001}],
)
def test_bad_feedback_is_refused_and_nothing_is_written(fields):
    data = {"kind": "complaint", "channel": "email", "words": "fine", **fields}
    with pytest.raises(ValidationError):
        loop.feedback_record(actor=OFFICER, purpose="casework", **data)
    assert Feedback.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="feedback.feedback").exists()


def test_a_subject_access_copy_holds_the_persons_complaints_surveys_and_notices_and_no_one_elses(officer):
    from tellus.feedback.complaints import feedback_record
    from tellus.rights.sar import EXTRA_SECTIONS
    from tellus.rights.services import subject_access_produce, subject_access_register

    carol, dan = PersonFactory(display_name="Carol Copy"), PersonFactory(display_name="Dan Different")
    for person, words in ((carol, "The library lost my reservation"), (dan, "Dan's own complaint")):
        feedback_record(actor=OFFICER, purpose="casework", kind="complaint", channel="web", person=person,
                        words=words, wants_updates=True)  # fmt: skip

    rows = EXTRA_SECTIONS["complaints_compliments_comments"](carol.pk)
    assert [row["words"] for row in rows] == ["The library lost my reservation"]
    assert EXTRA_SECTIONS["complaint_steps"](carol.pk)  # received (and acknowledged) steps, with when
    actor = Actor.for_user(officer)
    request = subject_access_register(actor=actor, person_id=carol.pk, channel="paper")
    archive = zipfile.ZipFile(io.BytesIO(subject_access_produce(actor=actor, request_id=request.pk).content))
    data = json.loads(archive.read("your-data.json"))
    assert data["complaints_compliments_comments"][0]["words"] == "The library lost my reservation"
    assert data["surveys"] == [] and data["you_said_we_did_notices"] == []
    assert all(b"Dan's own complaint" not in archive.read(name) for name in archive.namelist())
