"""Retention and erasure: the council's rules in a TOML file; a dry run lists what would go; the real run anonymises
it with an erasure receipt (no personal data) and an audit entry; a legal hold stops it for a person; audit entries
are kept."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tellus.demand.models import Channel, Need
from tellus.demand.services import contact_log
from tellus.people.models import SourceRecordVersion
from tellus.people.tests.factories import PersonFactory, SourceRecordFactory, SourceSystemFactory
from tellus.privacy.models import AuditAction, AuditEvent
from tellus.privacy.services import Actor
from tellus.rights.models import ErasureReceipt, LegalHold
from tellus.rights.retention import RetentionError, Rule, rules_load

pytestmark = pytest.mark.django_db

SEVEN_YEARS_ON = (timezone.localdate() + dt.timedelta(days=365 * 7 + 2)).isoformat()


def closed_contact(person, words="My bins were missed at 3 Elm Road"):  # type: ignore[no-untyped-def]
    contact = contact_log(
        actor=Actor.system("test"),
        purpose="enquiry",
        channel=Channel.PHONE,
        words=words,
        person=person,
        need_summary="Bins emptied",
        demand_type="value",
    )
    need = contact.need
    Need.objects.filter(pk=need.pk).update(status="met", met_at=need.opened_at, end_to_end_seconds=0)
    return contact


@pytest.fixture
def erin():  # type: ignore[no-untyped-def]
    person = PersonFactory(display_name="Erin Ended")
    system = SourceSystemFactory(name="library", title="Libraries")
    record = SourceRecordFactory(
        person=person,
        source_system=system,
        first_name="Erin",
        last_name="Ended",
        email="erin@example.org",
        valid_to=dt.date(2015, 3, 1),
    )
    SourceRecordVersion.objects.create(
        record=record, raw={"name": "Erin Ended"}, fields={"last_name": "Ended"}, recorded_at=timezone.now()
    )
    return person, record, closed_contact(person)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def test_the_repositorys_rules_keep_closed_contacts_six_years():
    rules = rules_load(Path(__file__).resolve().parents[3] / "retention.toml")
    assert Rule(name="closed-contacts-6-years", kind="contacts", years=6) in rules


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[rule]]\nname = "x"\nkind = "letters"\nyears = 1\n', "kind must be one of"),
        ('[[rule]]\nname = "x"\nkind = "contacts"\nyears = 0\n', "years must be a whole number"),
        ('[[rule]]\nname = "x"\nkind = "contacts"\nyears = 6\nsource_system = "lib"\n', "leave out source_system"),
        ("[[rule]\n", "not valid TOML"),
    ],
)
def test_a_wrong_rules_file_is_refused_with_where_and_why(tmp_path, text, message):
    path = tmp_path / "retention.toml"
    path.write_text(text)
    with pytest.raises(RetentionError, match=message):
        rules_load(path)
    with pytest.raises(CommandError, match=message):
        run("apply", "--dry-run", "--rules", str(path))


def test_a_dry_run_lists_what_would_go_and_changes_nothing(erin):
    person, record, contact = erin
    recent = closed_contact(PersonFactory(), words="Still recent")
    open_need = contact_log(
        actor=Actor.system("t"), purpose="enquiry", channel=Channel.PHONE, words="open", person=person,
        need_summary="Open", demand_type="value",
    )  # fmt: skip
    output = run("apply", "--dry-run", "--today", SEVEN_YEARS_ON)
    assert f"would erase demand.contact {contact.pk}\t" in output
    assert f"would erase people.sourcerecord {record.pk}\t" in output
    assert f"demand.contact {open_need.pk}\t" not in output
    assert "3 rows would be erased" in output
    assert f"demand.contact {recent.pk}\t" in output  # closed today, seven years on it is due too
    assert "demand.contact" not in run("apply", "--dry-run")  # today nothing closed six years ago
    contact.refresh_from_db()
    assert contact.words.startswith("My bins")
    assert not ErasureReceipt.objects.exists()


def test_the_real_run_anonymises_with_a_receipt_and_an_audit_entry_and_keeps_audit_rows(erin):
    person, record, contact = erin
    audit_rows_before = AuditEvent.objects.count()
    output = run("apply", "--today", SEVEN_YEARS_ON)
    assert "2 rows erased" in output
    contact.refresh_from_db()
    record.refresh_from_db()
    assert contact.words == "[erased]"
    assert (record.first_name, record.last_name, record.email, record.raw) == (
        "", "", "", {"erased_under": "ended-records-6-years"}
    )  # fmt: skip
    assert not SourceRecordVersion.objects.filter(record=record).exists()
    receipts = list(ErasureReceipt.objects.values())
    assert {(r["object_type"], r["rule"]) for r in receipts} == {
        ("demand.contact", "closed-contacts-6-years"),
        ("people.sourcerecord", "ended-records-6-years"),
    }
    written = json.dumps(receipts, default=str)
    for personal in ("Erin", "Ended", "erin@example.org", "Elm Road"):
        assert personal not in written
    erased = AuditEvent.objects.filter(action=AuditAction.DELETE, subject_person_id=person.pk)
    assert {e.context["erasure_receipt"] for e in erased} == {r["id"] for r in receipts}
    assert AuditEvent.objects.count() == audit_rows_before + 2
    assert "0 rows erased" in run("apply", "--today", SEVEN_YEARS_ON)


def test_a_legal_hold_stops_erasure_for_that_person_and_setting_and_lifting_it_are_audited(erin, privacy_officer):
    person, _, contact = erin
    other = closed_contact(PersonFactory(), words="Someone else's bins")
    assert "Legal hold" in run("hold", str(person.pk), "--reason", "Tribunal claim 2026/14", "--by", "privacy")
    with pytest.raises(CommandError, match="already under a legal hold"):
        run("hold", str(person.pk), "--reason", "again", "--by", "privacy")
    assert "Tribunal claim" in run("holds")
    assert "1 rows erased" in run("apply", "--today", SEVEN_YEARS_ON)
    contact.refresh_from_db()
    other.refresh_from_db()
    assert contact.words.startswith("My bins") and other.words == "[erased]"

    run("lift", str(person.pk), "--by", "privacy")
    assert "2 rows erased" in run("apply", "--today", SEVEN_YEARS_ON)
    hold_entries = AuditEvent.objects.filter(object_type="rights.legalhold", subject_person_id=person.pk)
    assert sorted(e.action for e in hold_entries) == [AuditAction.CREATE, AuditAction.UPDATE]
    assert all(e.actor == privacy_officer for e in hold_entries)
    assert LegalHold.objects.get().lifted_at is not None


def test_holds_need_a_known_person_and_a_staff_user(erin, privacy_officer):
    person, _, _ = erin
    with pytest.raises(CommandError, match="No active staff user"):
        run("hold", str(person.pk), "--reason", "x", "--by", "nobody")
    with pytest.raises(CommandError, match="No person 999999"):
        run("hold", "999999", "--reason", "x", "--by", "privacy")
    with pytest.raises(CommandError, match="not under a legal hold"):
        run("lift", str(person.pk), "--by", "privacy")
    assert not LegalHold.objects.exists()
