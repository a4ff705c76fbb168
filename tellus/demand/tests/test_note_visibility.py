"""Every note on a need is internal unless staff choose public: in the services, on the need page's forms, and for
notes written before notes had a visibility."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from tellus.demand.models import NeedEvent, NoteVisibility
from tellus.demand.services import contact_log, need_handoff, need_transition
from tellus.privacy.models import AuditEvent, Purpose
from tellus.privacy.services import Actor
from tellus.privacy.tests.helpers import signed_in

PUBLIC_LABEL = "Public — the reporter and anyone can read this"


def _need(alice: Any, bins: Any) -> Any:
    contact = contact_log(actor=Actor.system("t"), purpose="enquiry", channel="phone", words="Missed bin",
                          person=alice, service=bins, demand_type="value")  # fmt: skip
    return contact.need


@pytest.mark.django_db
def test_a_note_is_internal_unless_staff_choose_public(system, alice, bins):
    need = _need(alice, bins)

    need_handoff(need=need, to_team="Fleet", actor=system, purpose="casework", note="Son says do not phone")
    need_transition(need=need, to_status="in_progress", actor=system, purpose="casework", note="Crew booked",
                    note_visibility="public")  # fmt: skip
    need_transition(need=need, to_status="met", actor=system, purpose="casework", note="", note_visibility="public")

    events = {event.note or event.to_status: event for event in NeedEvent.objects.filter(need=need)}
    assert events["Son says do not phone"].note_visibility == NoteVisibility.INTERNAL
    assert events["Son says do not phone"].public_note == ""
    assert events["Crew booked"].note_visibility == NoteVisibility.PUBLIC
    assert events["Crew booked"].public_note == "Crew booked"
    assert events["met"].note_visibility == NoteVisibility.INTERNAL  # no note, nothing to publish
    audited = AuditEvent.objects.filter(object_type="demand.need", context__note="Crew booked").get()
    assert audited.context["note_visibility"] == "public"


@pytest.mark.django_db
def test_an_unknown_visibility_is_refused_and_writes_nothing(system, alice, bins):
    need = _need(alice, bins)
    before = NeedEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        need_transition(need=need, to_status="met", actor=system, purpose="casework", note="x", note_visibility="all")

    assert "note_visibility" in refused.value.message_dict
    assert NeedEvent.objects.count() == before
    need.refresh_from_db()
    assert need.status == "open"


@pytest.mark.django_db
def test_the_need_page_asks_who_can_read_each_note_and_starts_on_internal(client, caseworker, alice, bins):
    need = _need(alice, bins)
    signed_in(client, caseworker, purpose=Purpose.CASEWORK)

    page = client.get(reverse("demand:need", args=[need.pk])).content.decode()

    assert page.count("<legend") >= 2 and page.count("Who can read this note?") == 2
    assert page.count(PUBLIC_LABEL) == 2
    assert 'id="id_note_visibility_0" name="note_visibility" value="internal" checked' in page
    assert 'id="id_handoff_note_visibility_0" name="handoff_note_visibility" value="internal" checked' in page
    assert 'value="public" checked' not in page


@pytest.mark.django_db
def test_staff_make_a_note_public_on_the_form_and_the_history_says_which_notes_are(client, caseworker, alice, bins):
    need = _need(alice, bins)
    signed_in(client, caseworker, purpose=Purpose.CASEWORK)

    client.post(reverse("demand:need_handoff", args=[need.pk]), {"to_team": "Fleet", "handoff_note": "Rent arrears"})
    client.post(reverse("demand:need_status", args=[need.pk]),
                {"to_status": "met", "note": "Collected on Friday.", "note_visibility": "public"})  # fmt: skip
    page = client.get(reverse("demand:need", args=[need.pk])).content.decode()

    notes = dict(NeedEvent.objects.filter(need=need).exclude(note="").values_list("note", "note_visibility"))
    assert notes == {"Rent arrears": "internal", "Collected on Friday.": "public"}
    assert "Internal: staff only" in page and "Public: the reporter and anyone can read this" in page


@pytest.mark.django_db
def test_a_made_up_visibility_on_the_form_is_an_error_and_changes_nothing(client, caseworker, alice, bins):
    need = _need(alice, bins)
    signed_in(client, caseworker, purpose=Purpose.CASEWORK)

    response = client.post(reverse("demand:need_status", args=[need.pk]),
                           {"to_status": "met", "note": "x", "note_visibility": "everyone"})  # fmt: skip

    assert response.status_code == 400
    assert "Choose whether the note is internal or public." in response.content.decode()
    need.refresh_from_db()
    assert need.status == "open"


@pytest.mark.django_db(transaction=True)
def test_notes_written_before_notes_had_a_visibility_are_internal_after_the_migration():
    executor = MigrationExecutor(connection)
    before = [("demand", "0003_insight_indexes")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    need = old.get_model("demand", "Need").objects.create(
        summary="Missed bin", status="open", opened_at="2025-01-06T09:00Z"
    )
    old.get_model("demand", "NeedEvent").objects.create(
        need=need, kind="handoff", occurred_at="2025-01-06T09:00Z", to_team="Fleet", note="Caller has dementia",
        actor_label="jo",
    )  # fmt: skip

    executor = MigrationExecutor(connection)  # forward to the latest state, through 0004_note_visibility
    executor.migrate(executor.loader.graph.leaf_nodes())

    event = NeedEvent.objects.get(note="Caller has dementia")
    assert event.note_visibility == NoteVisibility.INTERNAL and event.public_note == ""
