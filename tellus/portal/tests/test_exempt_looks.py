"""A look made under a documented exemption, by the only role that may state one, is withheld from the person's
"who has looked" page and their copy of their data, and counted; the privacy officer still sees it."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client

from tellus.privacy import roles
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.staff import ROLES_NEEDING_APPROVAL
from tellus.privacy.tests.helpers import signed_in
from tellus.privacy.two_factor import TWO_FACTOR_REQUIRED_ROLES

pytestmark = pytest.mark.django_db


def investigator_opens(investigator, person) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(Client(), investigator, purpose=None)
    stated = client.post("/console/purpose/", {"purpose": Purpose.FRAUD_INVESTIGATION.value})
    assert stated.status_code == 302, stated.content.decode()
    response = client.get(f"/console/people/{person.pk}/")
    assert response.status_code == 200


def test_an_investigators_look_is_written_to_the_audit_log_with_the_exempt_purpose(fraud_investigator, alice):
    investigator_opens(fraud_investigator, alice)

    looks = AuditEvent.objects.filter(subject_person_id=alice.pk, action=AuditAction.VIEW, actor=fraud_investigator)
    assert looks.exists()
    assert set(looks.values_list("purpose", flat=True)) == {Purpose.FRAUD_INVESTIGATION.value}


def test_the_resident_is_told_a_look_was_withheld_and_under_which_exemption_but_not_who_made_it(
    fraud_investigator, alice, resident_client
):
    fraud_investigator.team = "Counter-fraud"
    fraud_investigator.save()

    investigator_opens(fraud_investigator, alice)
    looks = AuditEvent.objects.filter(subject_person_id=alice.pk, actor=fraud_investigator).count()
    page = resident_client.get("/my/looked/").content.decode()

    assert f"{looks} looks are withheld under the crime and taxation exemption" in page
    assert "Nobody has looked at your record yet." not in page
    assert "There are no other looks at your record to show." in page
    assert "Counter-fraud" not in page
    assert "Counter-fraud investigator" not in page
    assert "Investigating suspected fraud" not in page


def test_the_residents_copy_of_their_data_leaves_the_look_out_and_counts_it(fraud_investigator, alice, resident_client):
    investigator_opens(fraud_investigator, alice)

    response = resident_client.post("/my/copy/")
    assert response.status_code == 200, response.content[:300]
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("your-data.json"))

    assert list(data["withheld"].values()) == [AuditEvent.objects.filter(actor=fraud_investigator).count()]
    assert data["audit_entries"]
    assert all(row["purpose"] != Purpose.FRAUD_INVESTIGATION for row in data["audit_entries"])


def test_the_privacy_officer_still_sees_the_look_in_the_audit_log(fraud_investigator, privacy_officer, alice):
    investigator_opens(fraud_investigator, alice)
    client = signed_in(Client(), privacy_officer, purpose=Purpose.PRIVACY_REVIEW)

    page = client.get(f"/console/people/{alice.pk}/audit/").content.decode()

    assert "Investigating suspected fraud" in page


@pytest.mark.parametrize("purpose", [Purpose.FRAUD_INVESTIGATION, Purpose.CRIME_PREVENTION])
def test_no_other_role_may_state_an_exempt_purpose(officer, caseworker, privacy_officer, purpose):
    for user in (officer, caseworker, privacy_officer):
        client = signed_in(Client(), user, purpose=None)
        response = client.post("/console/purpose/", {"purpose": purpose.value})
        assert response.status_code == 400
        assert client.session.get("tellus_purpose") != purpose.value


def test_the_investigator_may_state_only_the_exempt_purposes(fraud_investigator):
    client = signed_in(Client(), fraud_investigator, purpose=None)

    assert client.post("/console/purpose/", {"purpose": Purpose.ENQUIRY.value}).status_code == 400
    assert roles.role_purposes(roles.COUNTER_FRAUD) == (Purpose.FRAUD_INVESTIGATION, Purpose.CRIME_PREVENTION)


def test_the_counter_fraud_role_is_granted_only_with_approval_and_signs_in_with_two_factors():
    assert roles.COUNTER_FRAUD in ROLES_NEEDING_APPROVAL
    assert roles.COUNTER_FRAUD in TWO_FACTOR_REQUIRED_ROLES


def test_an_investigator_cannot_change_anything(fraud_investigator, alice):
    client = signed_in(Client(), fraud_investigator, purpose=Purpose.FRAUD_INVESTIGATION)

    assert client.get("/demand/contacts/new/").status_code in (403, 404)
    assert client.post(f"/console/people/{alice.pk}/merge/", {}).status_code == 403
