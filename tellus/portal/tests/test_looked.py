"""A resident sees every staff view, search listing and change of their data from the audit log, at once; views made
for an exempt purpose are withheld and counted."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import override_settings

from tellus.people.selectors import person_get_for_staff, person_search
from tellus.privacy.models import AuditAction, AuditEvent
from tellus.privacy.services import Actor

pytestmark = pytest.mark.django_db


def looked_page(client) -> str:  # type: ignore[no-untyped-def]
    response = client.get("/my/looked/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_staff_view_shows_at_once_with_the_team_role_and_purpose_but_not_the_officers_name(
    resident_client, alice, officer
):
    officer.first_name, officer.last_name, officer.team = "Olive", "Officer", "Customer services"
    officer.save()
    assert "Nobody has looked at your record yet." in looked_page(resident_client)

    person_get_for_staff(actor=Actor.for_user(officer), purpose="casework", person_id=alice.pk)
    page = looked_page(resident_client)

    assert "A member of staff" in page
    assert "<td>Customer services</td>" in page
    assert "Front-line officer" in page
    assert "Viewed: your record" in page
    assert "Casework" in page
    assert "Olive" not in page
    assert "officer" not in page.replace("Front-line officer", "")


@override_settings(TELLUS_PORTAL_SHOW_OFFICER_NAMES=True)
def test_a_council_may_choose_to_show_officers_names(resident_client, alice, officer):
    officer.first_name, officer.last_name = "Olive", "Officer"
    officer.save()
    person_get_for_staff(actor=Actor.for_user(officer), purpose="enquiry", person_id=alice.pk)

    assert "Olive Officer" in looked_page(resident_client)


def test_being_listed_in_a_search_shows_too(resident_client, alice, officer):
    person_search(actor=Actor.for_user(officer), purpose="enquiry", query="alice")

    page = looked_page(resident_client)

    assert "Shown in search results" in page
    assert "Handling an enquiry" in page


def test_views_under_an_exempt_purpose_are_withheld_and_counted(resident_client, alice, officer):
    for _view in range(2):
        AuditEvent.objects.create(
            actor=officer,
            actor_label=officer.username,
            action=AuditAction.VIEW,
            object_type="people.person",
            object_id=str(alice.pk),
            subject_person_id=alice.pk,
            purpose="fraud_investigation",
        )
    person_get_for_staff(actor=Actor.for_user(officer), purpose="enquiry", person_id=alice.pk)

    page = looked_page(resident_client)

    assert "2 looks are withheld under the crime and taxation exemption" in page
    assert "showing 1 to 1 of 1" in page
    assert "Investigating suspected fraud" not in page


@override_settings(TELLUS_PORTAL_EXEMPT_PURPOSES={})
def test_a_purpose_the_council_has_not_listed_as_exempt_is_shown(resident_client, alice, officer):
    AuditEvent.objects.create(
        actor=officer,
        actor_label=officer.username,
        action=AuditAction.VIEW,
        object_type="people.person",
        object_id=str(alice.pk),
        subject_person_id=alice.pk,
        purpose="fraud_investigation",
    )

    page = looked_page(resident_client)

    assert "withheld" not in page
    assert "Investigating suspected fraud" in page


def test_the_residents_own_actions_show_as_you_and_a_system_change_as_a_council_system(resident_client, alice):
    resident_client.post("/my/password/", {"password": "a long new passphrase"})
    with transaction.atomic():
        AuditEvent.objects.create(
            actor_label="import:library",
            action=AuditAction.UPDATE,
            object_type="people.person",
            object_id=str(alice.pk),
            purpose="data_import",
        )

    page = looked_page(resident_client)

    assert "<td>You</td>" in page
    assert "A council system" in page
    assert "Loading a source extract" in page


def test_another_persons_views_are_not_shown(resident_client, other_resident, officer):
    person_get_for_staff(actor=Actor.for_user(officer), purpose="casework", person_id=other_resident.person_id)

    assert "Nobody has looked at your record yet." in looked_page(resident_client)


def test_a_look_by_staff_in_no_team_says_so_with_a_dash_rather_than_leaving_the_team_out(
    resident_client, alice, caseworker
):
    person_get_for_staff(actor=Actor.for_user(caseworker), purpose="casework", person_id=alice.pk)

    page = looked_page(resident_client)

    cells = re.findall(r"<td>(.*?)</td>", page)
    assert cells[1:4] == ["A member of staff", "\N{EN DASH}", "Caseworker"]
