"""Corrections: a resident flags a detail of their own record in their own words; it becomes a task for the team that
owns the source system; staff correct or refuse with a reply the resident reads; the change is audited against the
request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tellus.people.tests.factories import PersonFactory, SourceRecordFactory, SourceSystemFactory
from tellus.portal.tests.conftest import signed_in_client
from tellus.portal.tests.factories import ResidentAccountFactory
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.services import Actor
from tellus.privacy.tests.helpers import signed_in
from tellus.rights.corrections import CorrectionError, correction_ask, correction_decide
from tellus.rights.models import CorrectionRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def dora():  # type: ignore[no-untyped-def]
    account = ResidentAccountFactory(person=PersonFactory(display_name="Dora Wrong"))
    tax = SourceSystemFactory(name="ctax", title="Council Tax", owning_team="Revenues")
    record = SourceRecordFactory(
        person=account.person,
        source_system=tax,
        source_key="CT-9",
        last_name="Wrnog",
        date_of_birth=dt.date(1970, 1, 2),
    )
    return account, record


def test_a_resident_flags_a_detail_in_their_own_words_and_it_goes_to_the_owning_team(dora):
    account, record = dora
    client = signed_in_client(account)
    page = client.get("/my/corrections/").content.decode()
    assert "Council Tax (CT-9)" in page
    answer = client.post(
        "/my/corrections/",
        {"record": record.pk, "field": "last_name", "words": "My surname is Wrong, not Wrnog."},
        follow=True,
    ).content.decode()
    assert "The team that keeps that record will look at it." in answer
    assert "My surname is Wrong, not Wrnog." in answer and "Waiting for the team" in answer
    request = CorrectionRequest.objects.get()
    assert (request.owning_team, request.value_shown, request.person_id) == ("Revenues", "Wrnog", account.person_id)
    assert AuditEvent.objects.filter(object_type="rights.correctionrequest", action=AuditAction.CREATE).count() == 1


def test_a_resident_cannot_flag_someone_elses_record_or_send_nothing(dora):
    account, _ = dora
    elsewhere = SourceRecordFactory(person=PersonFactory(), source_key="OTHER")
    client = signed_in_client(account)
    refused = client.post("/my/corrections/", {"record": elsewhere.pk, "field": "last_name", "words": "mine"})
    assert refused.status_code == 200 and "Choose which record is wrong" in refused.content.decode()
    empty = client.post("/my/corrections/", {"record": "", "field": "", "words": ""}).content.decode()
    assert "Tell us what is wrong" in empty and "There is a problem" in empty
    assert not CorrectionRequest.objects.exists()


def test_staff_see_open_requests_for_a_team_and_each_listing_is_audited(dora, caseworker):
    account, record = dora
    correction_ask(
        actor=Actor.system("r"), person_id=account.person_id, record_id=record.pk, field="last_name", words="x"
    )
    library = SourceSystemFactory(name="lib", title="Libraries", owning_team="Libraries")
    other = SourceRecordFactory(person=account.person, source_system=library, source_key="L-1")
    correction_ask(actor=Actor.system("r"), person_id=account.person_id, record_id=other.pk, field="email", words="y")
    client = Client()
    signed_in(client, caseworker, purpose=Purpose.CASEWORK)
    page = client.get("/rights/corrections/?team=Revenues").content.decode()
    assert "1 open request" in page and "CT-9" in page and "L-1" not in page
    listed = AuditEvent.objects.filter(action=AuditAction.LISTED, object_type="rights.correctionrequest")
    assert [(e.actor, e.subject_person_id) for e in listed] == [(caseworker, account.person_id)]


def test_staff_in_a_team_see_their_own_teams_requests_first_and_can_choose_all_teams(dora, caseworker):
    account, record = dora
    correction_ask(
        actor=Actor.system("r"), person_id=account.person_id, record_id=record.pk, field="last_name", words="x"
    )
    library = SourceSystemFactory(name="lib", title="Libraries", owning_team="Libraries")
    other = SourceRecordFactory(person=account.person, source_system=library, source_key="L-1")
    correction_ask(actor=Actor.system("r"), person_id=account.person_id, record_id=other.pk, field="email", words="y")
    caseworker.team = "Libraries"
    caseworker.save()
    client = signed_in(Client(), caseworker, purpose=Purpose.CASEWORK)

    own = client.get("/rights/corrections/").content.decode()
    every = client.get("/rights/corrections/?team=").content.decode()

    assert "L-1" in own and "CT-9" not in own
    assert "L-1" in every and "CT-9" in every


def test_correcting_changes_the_record_and_audits_the_change_against_the_request(dora, caseworker):
    account, record = dora
    request = correction_ask(
        actor=Actor.system("r"), person_id=account.person_id, record_id=record.pk, field="last_name", words="Wrong"
    )
    client = Client()
    signed_in(client, caseworker, purpose=Purpose.CASEWORK)
    assert "Wrnog" in client.get(f"/rights/corrections/{request.pk}/").content.decode()
    client.post(
        f"/rights/corrections/{request.pk}/",
        {"outcome": "corrected", "new_value": "Wrong", "reply": "Sorry, we have corrected your surname."},
    )
    record.refresh_from_db()
    assert record.last_name == "Wrong"
    change = AuditEvent.objects.get(object_type="people.sourcerecord", action=AuditAction.UPDATE)
    assert change.changes == {"last_name": ["Wrnog", "Wrong"]}
    assert change.context == {"correction_request": request.pk}
    assert (change.actor, change.subject_person_id) == (caseworker, account.person_id)
    page = signed_in_client(account).get("/my/corrections/").content.decode()
    assert "Corrected" in page and "Sorry, we have corrected your surname." in page


def test_refusing_leaves_the_record_and_the_resident_reads_why(dora):
    account, record = dora
    request = correction_ask(
        actor=Actor.system("r"), person_id=account.person_id, record_id=record.pk, field="date_of_birth", words="1971"
    )
    correction_decide(
        actor=Actor.system("t"),
        purpose="casework",
        request_id=request.pk,
        outcome="refused",
        reply="Your birth certificate says 1970.",
    )
    record.refresh_from_db()
    assert record.date_of_birth == dt.date(1970, 1, 2)
    assert not AuditEvent.objects.filter(object_type="people.sourcerecord").exists()
    assert "Your birth certificate says 1970." in signed_in_client(account).get("/my/corrections/").content.decode()
    with pytest.raises(CorrectionError, match="already been decided"):
        correction_decide(
            actor=Actor.system("t"), purpose="casework", request_id=request.pk, outcome="refused", reply="x"
        )


def test_a_bad_corrected_value_is_refused_and_nothing_changes(dora, caseworker):
    account, record = dora
    request = correction_ask(
        actor=Actor.system("r"), person_id=account.person_id, record_id=record.pk, field="date_of_birth", words="2 Feb"
    )
    client = Client()
    signed_in(client, caseworker, purpose=Purpose.CASEWORK)
    page = client.post(
        f"/rights/corrections/{request.pk}/", {"outcome": "corrected", "new_value": "2nd Feb", "reply": "ok"}
    )
    assert page.status_code == 200 and "YYYY-MM-DD" in page.content.decode()
    request.refresh_from_db()
    record.refresh_from_db()
    assert request.status == "open" and record.date_of_birth == dt.date(1970, 1, 2)


def test_staff_without_the_capability_see_nothing(dora, officer, analyst):
    account, record = dora
    request = correction_ask(
        actor=Actor.system("r"), person_id=account.person_id, record_id=record.pk, field="phone", words="x"
    )
    for user in (officer, analyst):
        client = Client()
        client.force_login(user)
        assert client.get("/rights/corrections/").status_code == 403
        assert client.get(f"/rights/corrections/{request.pk}/").status_code == 403
    assert signed_in_client(account).get("/rights/corrections/").status_code == 302
