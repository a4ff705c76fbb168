"""A copy of everything held about a person: a zip of JSON, CSV and a readable summary, due a month after it arrives,
and every export audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from tellus.demand.models import Channel
from tellus.demand.services import contact_log
from tellus.people.tests.factories import PersonFactory, SourceRecordFactory
from tellus.portal.tests.conftest import signed_in_client
from tellus.portal.tests.factories import ResidentAccountFactory
from tellus.privacy.models import AuditAction, AuditEvent
from tellus.privacy.services import Actor
from tellus.rights.models import SubjectAccessRequest
from tellus.rights.services import one_month_after, subject_access_produce, subject_access_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def carol():  # type: ignore[no-untyped-def]
    person = PersonFactory(display_name="Carol Copy")
    SourceRecordFactory(person=person, first_name="Carol", last_name="Copy", source_key="LIB-C", email="c@example.org")
    SourceRecordFactory(person=person, first_name="Carol", last_name="Copy", source_key="CT-C", address="2 Mill Lane")
    contact_log(
        actor=Actor.system("test"),
        purpose="enquiry",
        channel=Channel.PHONE,
        words="Please renew my library books",
        person=person,
        need_summary="Books renewed",
        demand_type="value",
    )
    return person


def open_zip(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(content))


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (dt.date(2026, 1, 15), dt.date(2026, 2, 15)),
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), dt.date(2028, 2, 29)),
        (dt.date(2026, 12, 3), dt.date(2027, 1, 3)),
    ],
)
def test_a_request_is_due_one_calendar_month_after_it_arrives(received, due):
    assert one_month_after(received) == due


def test_the_copy_holds_every_record_contact_need_and_audit_entry_as_json_csv_and_a_summary(carol, officer):
    actor = Actor.for_user(officer)
    request = subject_access_register(actor=actor, person_id=carol.pk, channel="paper")
    archive = open_zip(subject_access_produce(actor=actor, request_id=request.pk).content)

    names = set(archive.namelist())
    assert {
        "your-data.json",
        "summary.html",
        "csv/source_records.csv",
        "csv/contacts.csv",
        "csv/audit_entries.csv",
    } <= names
    data = json.loads(archive.read("your-data.json"))
    assert {r["reference"] for r in data["source_records"]} == {"LIB-C", "CT-C"}
    assert data["contacts"][0]["your_words"] == "Please renew my library books"
    assert data["needs"][0]["summary"] == "Books renewed"
    assert any(e["object_type"] == "rights.subjectaccessrequest" for e in data["audit_entries"])  # its registration
    rows = list(csv.DictReader(io.StringIO(archive.read("csv/source_records.csv").decode())))
    assert {r["address"] for r in rows} >= {"2 Mill Lane"}
    summary = archive.read("summary.html").decode()
    assert "A copy of the data the council holds about Carol Copy" in summary
    assert "Please renew my library books" in summary


def test_the_copy_holds_nothing_about_anyone_else(carol, officer):
    other = PersonFactory(display_name="Dan Different")
    SourceRecordFactory(person=other, first_name="Dan", last_name="Different", source_key="LIB-D")
    actor = Actor.for_user(officer)
    request = subject_access_register(actor=actor, person_id=carol.pk, channel="paper")

    archive = open_zip(subject_access_produce(actor=actor, request_id=request.pk).content)

    for name in archive.namelist():
        assert b"Different" not in archive.read(name), name
        assert b"LIB-D" not in archive.read(name), name


def test_every_export_is_audited_with_the_digest_of_what_was_handed_over(carol, officer):
    actor = Actor.for_user(officer)
    request = subject_access_register(actor=actor, person_id=carol.pk, channel="paper")
    subject_access_produce(actor=actor, request_id=request.pk)

    request.refresh_from_db()
    export = AuditEvent.objects.get(object_type="rights.subjectaccessrequest", action=AuditAction.VIEW)
    assert (export.actor, export.subject_person_id) == (officer, carol.pk)
    assert export.context["sha256"] == request.export_sha256
    assert export.context["rows"]["source_records"] == 2


def test_the_copy_gives_the_team_of_the_staff_behind_each_audit_entry_but_not_their_name(carol, officer):
    officer.first_name, officer.team = "Olive", "Customer services"
    officer.save()
    actor = Actor.for_user(officer)
    request = subject_access_register(actor=actor, person_id=carol.pk, channel="paper")

    data = json.loads(
        open_zip(subject_access_produce(actor=actor, request_id=request.pk).content).read("your-data.json")
    )

    registration = next(e for e in data["audit_entries"] if e["object_type"] == "rights.subjectaccessrequest")
    assert (registration["by"], registration["team"]) == ("member of staff", "Customer services")


def test_exempt_audit_entries_are_withheld_from_the_copy_and_counted(carol, officer):
    AuditEvent.objects.create(
        actor=officer,
        actor_label="officer",
        action=AuditAction.VIEW,
        object_type="people.person",
        object_id=str(carol.pk),
        subject_person_id=carol.pk,
        purpose="fraud_investigation",
    )
    actor = Actor.for_user(officer)
    request = subject_access_register(actor=actor, person_id=carol.pk, channel="paper")

    data = json.loads(
        open_zip(subject_access_produce(actor=actor, request_id=request.pk).content).read("your-data.json")
    )

    assert all(e["purpose"] != "fraud_investigation" for e in data["audit_entries"])
    assert list(data["withheld"].values()) == [1]


def test_staff_register_a_paper_request_with_its_due_date_and_write_the_copy(carol, officer, tmp_path: Path):
    out = io.StringIO()
    target = tmp_path / "copy.zip"

    call_command(
        "sar", "paper", str(carol.pk), "--by", "officer", "--received", "2026-11-30", "--out", str(target), stdout=out
    )

    request = SubjectAccessRequest.objects.get()
    assert (request.channel, request.received_on, request.due_on) == (
        "paper",
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 30),
    )
    assert "due 2026-12-30" in out.getvalue()
    assert "your-data.json" in open_zip(target.read_bytes()).namelist()
    listing = io.StringIO()
    call_command("sar", "list", stdout=listing)
    assert "due 2026-12-30" in listing.getvalue()


def test_a_resident_downloads_their_own_copy_at_once_and_it_shows_in_who_looked(carol):
    account = ResidentAccountFactory(person=carol, email="c@example.org")
    client = signed_in_client(account)

    assert "Download a copy of my data" in client.get("/my/copy/").content.decode()
    response = client.post("/my/copy/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    data = json.loads(open_zip(response.content).read("your-data.json"))
    assert data["person"]["name"] == "Carol Copy"
    assert data["resident_accounts"][0]["reference"] == account.reference
    assert "password" not in json.dumps(data["resident_accounts"]).replace("has_password", "")
    assert SubjectAccessRequest.objects.get().channel == "portal"
    assert "a copy of all your data (subject access)" in client.get("/my/looked/").content.decode()


def test_an_outsider_cannot_download_anyones_copy(carol):
    response = Client().post("/my/copy/")

    assert response.status_code == 302
    assert not SubjectAccessRequest.objects.exists()


def test_the_bench_prints_the_time_beside_a_baseline_and_keeps_nothing(carol):
    out = io.StringIO()
    call_command("bench", "sar", stdout=out)

    text = out.getvalue()
    assert "Subject access copy for person" in text
    assert "Baseline" in text
    assert "target under 60 s: met" in text
    assert not SubjectAccessRequest.objects.exists()
