"""The contact form and the need page in a real browser, checked with axe-core for WCAG 2.2 AA, and a contact
logged with the keyboard alone. Uses the shared browser fixtures in tellus.testing.browser (system Chromium, skipped
when missing unless TELLUS_REQUIRE_BROWSER=1)."""

from __future__ import annotations

from typing import Any

import pytest

from tellus.demand.models import Contact, NeedEvent
from tellus.demand.services import contact_log
from tellus.people.tests.factories import PersonFactory
from tellus.privacy.services import Actor
from tellus.testing.browser import assert_no_axe_violations, focused, sign_in

from .factories import CommunityConsiderationFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting() -> Any:
    alice = PersonFactory(display_name="Alice Example")
    bins = ServiceFactory(code="household-waste", name="Household waste", responsible_team="Waste services")
    CommunityConsiderationFactory(service=bins, title="Collection rounds", text="Crews cannot come back the same day.")
    ServiceFactory(code="rates", name="Rates", group="Revenues", responsible_team="Revenues")
    return alice, bins


def test_the_contact_form_and_need_page_have_no_accessibility_violations(page, live_server, officer, setting):
    alice, bins = setting
    earlier = contact_log(actor=Actor.system("t"), purpose="enquiry", channel="phone", words="Missed bin on Tuesday",
                          person=alice, service=bins, demand_type="failure", failure_cause="not_done")  # fmt: skip
    sign_in(page, live_server.url, officer.username, purpose="Handling an enquiry")
    page.goto(f"{live_server.url}/demand/contacts/new/")
    assert_no_axe_violations(page, "the contact form's person search")
    page.goto(f"{live_server.url}/demand/contacts/new/?person={alice.pk}")
    assert page.get_by_role("heading", level=1, name="Log a contact").is_visible()
    assert not page.get_by_text("Chasing progress").is_visible(), "failure causes show before failure is chosen"
    assert_no_axe_violations(page, "the empty contact form")

    page.get_by_role("button", name="Log the contact").click()
    page.wait_for_selector(".error-summary")
    assert page.title().startswith("Error:")
    assert_no_axe_violations(page, "the contact form with errors")

    page.get_by_label("Service").select_option(label="Household waste")
    page.get_by_role("button", name="Show what to discuss for the chosen service").click()
    page.wait_for_selector(".considerations")
    page.get_by_label("Failure demand").check()
    assert page.get_by_text("Chasing progress").is_visible()
    assert_no_axe_violations(page, "the contact form with considerations and failure causes")

    page.goto(f"{live_server.url}/demand/needs/{earlier.need_id}/")
    assert page.get_by_role("heading", level=1, name="Missed bin on Tuesday").is_visible()
    assert_no_axe_violations(page, "the need page")
    page.get_by_role("button", name="Change the status").click()
    page.wait_for_selector(".error-summary")
    assert_no_axe_violations(page, "the need page with errors")


def tab_to(page: Any, element_id: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page)["id"] == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_a_contact_can_be_logged_with_the_keyboard_alone(page, live_server, officer, setting):
    alice, _ = setting
    sign_in(page, live_server.url, officer.username, purpose="Handling an enquiry")
    page.goto(f"{live_server.url}/demand/contacts/new/?person={alice.pk}")
    tab_to(page, "id_words")
    page.keyboard.type("They missed my bin again, it's been a week.")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_channel"
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_service"
    page.keyboard.type("Household")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_capacity"
    page.keyboard.type("resident")
    page.keyboard.press("Tab")
    page.keyboard.type("That it's emptied before the weekend")
    tab_to(page, "id_demand_type_0", limit=3)
    page.keyboard.press("ArrowDown")
    assert focused(page)["id"] == "id_demand_type_1"
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_failure_cause_0", "the failure causes are not revealed for the keyboard"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_resolved_at_first_point_1"
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_handed_off_to"
    page.keyboard.type("Waste crews")
    page.keyboard.press("Enter")
    page.wait_for_url("**/demand/needs/*/")
    contact = Contact.objects.get()
    assert (contact.person_id, contact.service.code, contact.capacity) == (alice.pk, "household-waste", "resident")
    assert (contact.demand_type, contact.failure_cause, contact.handed_off_to) == ("failure", "not_done", "Waste crews")
    assert contact.words == "They missed my bin again, it's been a week."
    assert page.get_by_text("Contact logged.").is_visible()


def test_a_note_is_made_public_only_by_choosing_so_and_the_need_page_says_which_notes_are(
    page, live_server, officer, setting
):
    alice, bins = setting
    earlier = contact_log(actor=Actor.system("t"), purpose="enquiry", channel="app", words="Missed bin on Tuesday",
                          person=alice, service=bins, demand_type="value")  # fmt: skip
    sign_in(page, live_server.url, officer.username, purpose="Handling an enquiry")
    page.goto(f"{live_server.url}/demand/needs/{earlier.need_id}/")
    status_form = page.locator("form", has=page.get_by_role("heading", name="Change the status"))
    who = status_form.get_by_role("group", name="Who can read this note?")
    assert who.get_by_role("radio", name="Internal — staff only").is_checked()

    status_form.get_by_label("In progress").check()
    status_form.get_by_label("Note", exact=True).fill("Crew booked for Friday.")
    who.get_by_role("radio", name="Public — the reporter and anyone can read this").check()
    status_form.get_by_role("button", name="Change the status").click()
    page.wait_for_selector("text=The need's status has been changed.")

    event = NeedEvent.objects.get(need_id=earlier.need_id, note="Crew booked for Friday.")
    assert event.note_visibility == "public"
    assert page.get_by_text("Public: the reporter and anyone can read this").is_visible()
    assert_no_axe_violations(page, "the need page with a public note")
