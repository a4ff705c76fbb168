"""Consents in the shape of W3C DPV / ISO/IEC 27560: given and withdrawn in one step each, by the person or someone
on their behalf, every change audited, listed for staff through the API (audited) and in the person's copy."""

from __future__ import annotations

import json
import zipfile
from io import BytesIO

import pytest
from django.test import Client

from tellus.people.tests.factories import PersonFactory
from tellus.portal.tests.conftest import signed_in_client
from tellus.portal.tests.factories import ResidentAccountFactory
from tellus.privacy.models import AuditAction, AuditEvent
from tellus.privacy.services import Actor
from tellus.rights.consents import ConsentError, consent_give, consent_withdraw
from tellus.rights.models import ConsentBy, ConsentPurpose, ConsentRecord, LawfulBasis
from tellus.rights.services import subject_access_produce, subject_access_register

pytestmark = pytest.mark.django_db

TELL_US_ONCE = "tell-us-once"


def test_the_council_asks_for_consents_with_a_dpv_purpose_basis_and_notice_version():
    for purpose in ConsentPurpose.objects.all():
        assert purpose.dpv_purpose.startswith("dpv:")
        assert purpose.lawful_basis in LawfulBasis.values
        assert purpose.notice_version
    assert ConsentPurpose.objects.count() == 2


def test_a_consent_records_purpose_basis_notice_and_who_gave_it_and_is_audited():
    person = PersonFactory()
    record = consent_give(
        actor=Actor.system("resident:R1"), person_id=person.pk, purpose_code=TELL_US_ONCE, by=ConsentBy.PERSON
    )
    assert record.is_current
    assert (record.lawful_basis, record.notice_version) == ("dpv:Consent", "2026-01")
    assert (record.given_by, record.given_by_label) == ("dpv:DataSubject", "resident:R1")
    entry = AuditEvent.objects.get(object_type="rights.consentrecord", action=AuditAction.CREATE)
    assert entry.subject_person_id == person.pk
    assert entry.context["consent_purpose"] == TELL_US_ONCE


def test_withdrawing_keeps_the_record_with_when_and_by_whom_and_giving_again_starts_a_new_one():
    person = PersonFactory()
    first = consent_give(actor=Actor.system("a"), person_id=person.pk, purpose_code=TELL_US_ONCE, by=ConsentBy.PERSON)
    withdrawn = consent_withdraw(
        actor=Actor.system("officer"), person_id=person.pk, purpose_code=TELL_US_ONCE, by=ConsentBy.REPRESENTATIVE
    )
    assert withdrawn.pk == first.pk
    assert withdrawn.withdrawn_at is not None
    assert (withdrawn.withdrawn_by, withdrawn.withdrawn_by_label) == ("dpv:Representative", "officer")
    again = consent_give(actor=Actor.system("a"), person_id=person.pk, purpose_code=TELL_US_ONCE, by=ConsentBy.PERSON)
    assert again.pk != first.pk
    assert ConsentRecord.objects.filter(person=person).count() == 2
    assert AuditEvent.objects.filter(object_type="rights.consentrecord", action=AuditAction.UPDATE).count() == 1


def test_a_consent_cannot_be_given_twice_or_withdrawn_when_not_given():
    person = PersonFactory()
    consent_give(actor=Actor.system("a"), person_id=person.pk, purpose_code=TELL_US_ONCE, by=ConsentBy.PERSON)
    with pytest.raises(ConsentError):
        consent_give(actor=Actor.system("a"), person_id=person.pk, purpose_code=TELL_US_ONCE, by=ConsentBy.PERSON)
    with pytest.raises(ConsentError):
        consent_withdraw(actor=Actor.system("a"), person_id=person.pk, purpose_code="updates-by-email", by="x")
    with pytest.raises(ConsentError):
        consent_give(actor=Actor.system("a"), person_id=person.pk, purpose_code="no-such", by=ConsentBy.PERSON)
    assert ConsentRecord.objects.filter(person=person).count() == 1


def test_a_resident_gives_and_withdraws_with_one_button_each_without_javascript():
    account = ResidentAccountFactory()
    client = signed_in_client(account)
    page = client.get("/my/consents/").content.decode()
    assert "Give my consent" in page and "Withdraw my consent" not in page

    given = client.post("/my/consents/", {"purpose": TELL_US_ONCE, "action": "give"}, follow=True)
    assert "You have given your consent." in given.content.decode()
    assert "Withdraw my consent" in given.content.decode()
    record = ConsentRecord.objects.get(person=account.person)
    assert record.given_by == ConsentBy.PERSON and record.given_by_label == f"resident:{account.reference}"

    withdrawn = client.post("/my/consents/", {"purpose": TELL_US_ONCE, "action": "withdraw"}, follow=True)
    assert "You have withdrawn your consent." in withdrawn.content.decode()
    record.refresh_from_db()
    assert record.withdrawn_at is not None


def test_a_resident_page_refuses_nonsense_without_a_record():
    account = ResidentAccountFactory()
    client = signed_in_client(account)
    assert client.post("/my/consents/", {"purpose": TELL_US_ONCE, "action": "delete"}).status_code == 400
    page = client.post("/my/consents/", {"purpose": "nope", "action": "give"}, follow=True).content.decode()
    assert "There is no consent purpose" in page
    assert not ConsentRecord.objects.exists()


def test_a_resident_changes_only_their_own_consents():
    account = ResidentAccountFactory()
    other = ResidentAccountFactory()
    signed_in_client(account).post("/my/consents/", {"purpose": TELL_US_ONCE, "action": "give", "person": other.pk})
    assert list(ConsentRecord.objects.values_list("person_id", flat=True)) == [account.person_id]
    assert "Yes, since" not in signed_in_client(other).get("/my/consents/").content.decode()


def test_staff_list_a_persons_consents_through_the_api_and_the_read_is_audited(officer):
    person = PersonFactory()
    consent_give(actor=Actor.system("a"), person_id=person.pk, purpose_code=TELL_US_ONCE, by=ConsentBy.PERSON)
    consent_withdraw(actor=Actor.system("a"), person_id=person.pk, purpose_code=TELL_US_ONCE, by=ConsentBy.PERSON)
    consent_give(actor=Actor.system("b"), person_id=person.pk, purpose_code=TELL_US_ONCE, by=ConsentBy.STAFF)
    client = Client()
    client.force_login(officer)
    response = client.get(f"/api/v1/people/{person.pk}/consents", HTTP_X_TELLUS_PURPOSE="enquiry")
    assert response.status_code == 200
    body = response.json()
    assert [c["state"] for c in body["consents"]] == ["given", "withdrawn"]
    assert body["consents"][0]["given_by"] == "dpv:DataController"
    assert body["consents"][1]["dpv_purpose"] == "dpv:ServiceProvision"
    read = AuditEvent.objects.get(object_type="rights.consentrecord", action=AuditAction.VIEW)
    assert (read.actor, read.subject_person_id, read.purpose) == (officer, person.pk, "enquiry")


def test_the_api_refuses_roles_without_it_unknown_people_and_bad_purposes(analyst, officer):
    person = PersonFactory()
    client = Client()
    assert client.get(f"/api/v1/people/{person.pk}/consents").status_code == 401
    client.force_login(analyst)
    assert client.get(f"/api/v1/people/{person.pk}/consents").status_code == 403
    client.force_login(officer)
    assert client.get("/api/v1/people/999999/consents", HTTP_X_TELLUS_PURPOSE="enquiry").status_code == 404
    bad = client.get(f"/api/v1/people/{person.pk}/consents", HTTP_X_TELLUS_PURPOSE="curiosity")
    assert bad.status_code == 400
    assert not AuditEvent.objects.filter(object_type="rights.consentrecord").exists()


def test_consents_are_in_the_subject_access_copy():
    person = PersonFactory()
    consent_give(actor=Actor.system("a"), person_id=person.pk, purpose_code=TELL_US_ONCE, by=ConsentBy.PERSON)
    actor = Actor.system("test")
    request = subject_access_register(actor=actor, person_id=person.pk, channel="paper")
    archive = zipfile.ZipFile(BytesIO(subject_access_produce(actor=actor, request_id=request.pk).content))
    document = json.loads(archive.read("your-data.json"))
    assert document["consents"][0]["lawful_basis"] == "dpv:Consent"
    assert document["consents"][0]["notice_version"] == "2026-01"
    assert "dpv:DataSubject" in archive.read("csv/consents.csv").decode()


def test_the_resident_sees_a_staff_read_of_their_consents_in_who_has_looked(officer):
    account = ResidentAccountFactory()
    client = Client()
    client.force_login(officer)
    client.get(f"/api/v1/people/{account.person_id}/consents", HTTP_X_TELLUS_PURPOSE="enquiry")
    page = signed_in_client(account).get("/my/looked/").content.decode()
    assert "your consents" in page and "Handling an enquiry" in page
