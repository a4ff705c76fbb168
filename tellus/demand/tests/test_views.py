"""The contact form and the need page: who may use them, what they save and what they refuse."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tellus.demand.models import Contact, Need
from tellus.demand.selectors import person_demand_for_staff
from tellus.demand.services import contact_log
from tellus.people.tests.factories import SourceRecordFactory
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.services import Actor
from tellus.privacy.tests.helpers import signed_in

from .factories import CommunityConsiderationFactory

pytestmark = pytest.mark.django_db
NEW = reverse("demand:contact_new")


def form_data(bins, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "words": "My bin wasn't emptied on Tuesday.",
        "channel": "phone",
        "service": str(bins.pk),
        "capacity": "resident",
        "what_matters": "Before the weekend",
        "need": "",
        "demand_type": "failure",
        "failure_cause": "not_done",
        "resolved_at_first_point": "no",
        "handed_off_to": "Waste crews",
    }
    data.update(overrides)
    return data


def test_an_officer_finds_the_person_with_the_audited_search_and_logs_a_contact(client, officer, alice, bins):
    SourceRecordFactory(person=alice, address="1 Station Road, Tellham")
    signed_in(client, officer, purpose=Purpose.ENQUIRY)
    found = client.get(NEW, {"q": "station"})
    assert f"?person={alice.pk}" in found.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.SEARCH, actor=officer).count() == 1

    page = client.get(NEW, {"person": alice.pk})
    assert page.status_code == 200 and "What the person said, in their own words" in page.content.decode()
    response = client.post(f"{NEW}?person={alice.pk}", form_data(bins))
    contact = Contact.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("demand:need", args=[contact.need_id])
    assert (contact.person, contact.recorded_by, contact.capacity, contact.handed_off_to) == (
        alice,
        officer,
        "resident",
        "Waste crews",
    )
    assert contact.need.holder_team == "Waste crews"


def test_a_repeat_contact_chosen_from_the_persons_open_needs_defaults_to_failure_demand(client, officer, alice, bins):
    earlier = contact_log(
        actor=Actor.system("t"),
        purpose="enquiry",
        channel="phone",
        words="Missed bin",
        person=alice,
        service=bins,
        demand_type="value",
    )
    signed_in(client, officer, purpose=Purpose.ENQUIRY)
    page = client.get(NEW, {"person": alice.pk})
    assert f'<option value="{earlier.need_id}"' in page.content.decode()
    response = client.post(
        f"{NEW}?person={alice.pk}",
        form_data(bins, need=str(earlier.need_id), demand_type="", failure_cause="", handed_off_to=""),
    )
    assert response.status_code == 302
    repeat = Contact.objects.latest("id")
    assert (repeat.need_id, repeat.demand_type, repeat.failure_cause) == (earlier.need_id, "failure", "repeat")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"words": ""}, "Write down what the person said."),
        ({"demand_type": ""}, "Say whether this contact is value demand or failure demand."),
        ({"failure_cause": ""}, "Choose what caused the failure demand."),
        ({"service": ""}, "Choose the service the contact is about."),
        ({"resolved_at_first_point": "yes"}, "Leave this empty when you resolved it during the contact."),
        ({"request_modified": "on"}, "Say what changed in the request."),
        ({"need": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_input_gets_a_clear_form_error_and_writes_nothing(client, officer, alice, bins, overrides, message):
    signed_in(client, officer, purpose=Purpose.ENQUIRY)
    before = AuditEvent.objects.count()
    response = client.post(f"{NEW}?person={alice.pk}", form_data(bins, **overrides))
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert not Contact.objects.exists() and not Need.objects.exists()
    assert AuditEvent.objects.exclude(object_type="people.person").count() == before


def test_choosing_a_service_shows_its_community_considerations_without_saving(client, officer, alice, bins):
    CommunityConsiderationFactory(service=bins, title="Collection rounds", text="Crews cannot come back the same day.")
    signed_in(client, officer, purpose=Purpose.ENQUIRY)
    response = client.post(f"{NEW}?person={alice.pk}", {**form_data(bins), "show_considerations": "1"})
    body = response.content.decode()
    assert response.status_code == 200 and "Crews cannot come back the same day." in body
    assert "There is a problem" not in body and not Contact.objects.exists()


def test_an_anonymous_report_can_be_logged_without_a_person(client, officer, bins):
    signed_in(client, officer, purpose=Purpose.ENQUIRY)
    response = client.post(f"{NEW}?person=anonymous", form_data(bins, demand_type="value", failure_cause=""))
    assert response.status_code == 302 and Contact.objects.get().person is None


@pytest.mark.parametrize("who", ["outsider", "analyst", "privacy_officer"])
def test_people_without_the_role_cannot_log_contacts_or_open_needs(client, request, who, alice, bins):
    contact = contact_log(
        actor=Actor.system("t"),
        purpose="enquiry",
        channel="phone",
        words="x",
        person=alice,
        service=bins,
        demand_type="value",
    )
    signed_in(client, request.getfixturevalue(who), purpose=None)
    assert client.get(NEW, {"person": alice.pk}).status_code == 403
    assert client.post(f"{NEW}?person={alice.pk}", form_data(bins)).status_code == 403
    assert client.get(reverse("demand:need", args=[contact.need_id])).status_code == 403
    status = client.post(reverse("demand:need_status", args=[contact.need_id]), {"to_status": "met"})
    assert status.status_code == 403
    assert not AuditEvent.objects.filter(subject_person_id=alice.pk, action=AuditAction.VIEW).exists()


def test_a_service_manager_reads_a_need_but_cannot_change_it(client, django_user_model, alice, bins):
    from conftest import _user_with_role
    from tellus.privacy.roles import SERVICE_MANAGER

    manager = _user_with_role(django_user_model, "manager", SERVICE_MANAGER)
    contact = contact_log(
        actor=Actor.system("t"),
        purpose="enquiry",
        channel="phone",
        words="x",
        person=alice,
        service=bins,
        demand_type="value",
    )
    signed_in(client, manager, purpose=Purpose.SERVICE_MANAGEMENT)
    page = client.get(reverse("demand:need", args=[contact.need_id]))
    assert page.status_code == 200 and "Change the status" not in page.content.decode()
    assert client.get(NEW).status_code == 403
    assert client.post(reverse("demand:need_status", args=[contact.need_id]), {"to_status": "met"}).status_code == 403
    assert AuditEvent.objects.filter(actor=manager, action=AuditAction.VIEW, object_type="demand.need").count() == 1


def test_a_caseworker_meets_a_need_and_passes_one_on_from_the_need_page(client, caseworker, alice, bins):
    contact = contact_log(
        actor=Actor.system("t"),
        purpose="enquiry",
        channel="phone",
        words="x",
        person=alice,
        service=bins,
        demand_type="value",
    )
    signed_in(client, caseworker, purpose=Purpose.CASEWORK)
    url = reverse("demand:need", args=[contact.need_id])
    assert client.post(reverse("demand:need_handoff", args=[contact.need_id]), {"to_team": "Fleet"}).status_code == 302
    refused = client.post(reverse("demand:need_status", args=[contact.need_id]), {"to_status": "closed_other"})
    assert (
        refused.status_code == 400 and "Say why the need is being closed without being met." in refused.content.decode()
    )
    assert client.post(reverse("demand:need_status", args=[contact.need_id]), {"to_status": "met"}).status_code == 302
    need = Need.objects.get()
    assert (need.status, need.holder_team) == ("met", "Fleet")
    body = client.get(url).content.decode()
    assert "Passed to Fleet" in body and "End-to-end time" in body


def test_the_person_page_selector_shows_open_needs_and_latest_contacts_and_is_audited(officer, alice, bins):
    actor = Actor.for_user(officer)
    contact_log(
        actor=actor, purpose="enquiry", channel="phone", words="a", person=alice, service=bins, demand_type="value"
    )
    contact_log(
        actor=actor,
        purpose="enquiry",
        channel="email",
        words="b",
        person=alice,
        service=bins,
        demand_type="value",
        resolved_at_first_point=True,
    )
    demand = person_demand_for_staff(actor=actor, purpose="enquiry", person_id=alice.pk)
    assert [n.summary for n in demand.open_needs] == ["a"]
    assert [c.words for c in demand.contacts] == ["b", "a"]
    assert (demand.contact_count, demand.failure_count) == (2, 0)
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.VIEW, object_type="demand.contact", subject_person_id=alice.pk
        ).count()
        == 1
    )
    from django.template.loader import render_to_string

    html = render_to_string("demand/_person_contacts.html", {"demand": demand, "perms": {}})
    assert "Needs and contacts" in html and "2 contacts in all, 0 of them failure demand." in html
