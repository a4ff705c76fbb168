"""The console in a real browser: Debian's Chromium driven by Playwright, with axe-core checking WCAG 2.2 AA.

Playwright is never asked to download a browser; the system one is used, and the test is skipped when it is
missing unless TELLUS_REQUIRE_BROWSER=1 (as in CI), when a missing browser is a failure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tellus.people.tests.factories import PersonFactory, SourceRecordFactory, SourceSystemFactory
from tellus.privacy.models import AuditAction, AuditEvent
from tellus.testing.browser import PASSWORD, assert_no_axe_violations, focused, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def alice() -> Any:
    alice = PersonFactory(display_name="Alice Example", date_of_birth=dt.date(1980, 5, 17))
    rates = SourceSystemFactory(name="rates", title="Council tax")
    library = SourceSystemFactory(name="library", title="Libraries")
    SourceRecordFactory(
        person=alice,
        source_system=rates,
        source_key="CT-0001",
        email="alice@example.org",
        phone="01234 567890",
        valid_from=dt.date(2020, 4, 1),
        raw={"account": "CT-0001", "holder": "MRS A EXAMPLE", "address": "1 Station Road"},
    )
    SourceRecordFactory(person=alice, source_system=library, source_key="LIB-77")
    bob = PersonFactory(display_name="Bob Example", date_of_birth=dt.date(1975, 1, 2))
    SourceRecordFactory(person=bob, source_system=library, first_name="Bob", address="9 Mill Lane", postcode="TL2 2BB")
    return alice


def test_a_privacy_officer_signs_in_searches_and_opens_a_person_with_no_accessibility_violations(
    page, live_server, privacy_officer, alice
):
    page.goto(f"{live_server.url}/login/")
    stylesheet = page.request.get(f"{live_server.url}/static/console/tellus.css")
    assert stylesheet.ok, "the console stylesheet is not served, so colour contrast cannot be checked"
    header_colour = page.evaluate("getComputedStyle(document.querySelector('.header')).backgroundColor")
    assert header_colour == "rgb(11, 12, 12)", "the console stylesheet did not apply"
    assert page.title() == "Sign in \N{EN DASH} Tellus staff console"
    assert_no_axe_violations(page, "the sign-in page")

    sign_in(page, live_server.url, privacy_officer.username)
    page.goto(f"{live_server.url}/console/")  # a privacy officer starts at the audit log; find a person from here
    assert page.get_by_text("Not stated yet").is_visible()
    page.get_by_label("Name, date of birth, phone, email, postcode, address or reference").fill("station road")
    page.get_by_role("button", name="Search", exact=True).click()
    # No purpose stated yet: the search waits on the purpose page, which offers only the privacy officer's own.
    page.wait_for_url("**/console/purpose/?next=*")
    assert page.get_by_role("heading", level=1, name="Why are you using Tellus?").is_visible()
    assert page.get_by_role("radio").count() == 1
    assert_no_axe_violations(page, "the purpose page")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_no_axe_violations(page, "the purpose page at 390px wide")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_label("Privacy review").check()
    page.get_by_role("button", name="Save purpose").click()
    page.wait_for_url("**/console/?q=station+road*")
    assert page.get_by_text("Your purpose is now: Privacy review.").is_visible()
    assert page.locator(".purpose-bar").get_by_text("Privacy review").is_visible()
    assert page.get_by_role("link", name="Change purpose").is_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    assert_no_axe_violations(page, "the search results page at 390px wide, with the purpose bar")
    page.set_viewport_size({"width": 1280, "height": 800})

    assert page.get_by_role("heading", level=2, name="1 person found").is_visible()
    assert page.get_by_role("link", name="Alice Example").is_visible()
    assert page.get_by_role("link", name="Bob Example").count() == 0
    assert_no_axe_violations(page, "the search results page")

    page.get_by_role("link", name="Alice Example").click()
    page.wait_for_url(f"**/console/people/{alice.pk}/")
    assert page.get_by_role("heading", level=1, name="Alice Example").is_visible()
    assert page.get_by_role("heading", level=2, name="Council tax").is_visible()
    raw = page.get_by_text('"holder": "MRS A EXAMPLE"')
    assert not raw.is_visible()
    page.get_by_text("Record CT-0001 as the system sent it").click()
    assert raw.is_visible()
    assert_no_axe_violations(page, "the person page")

    page.get_by_role(
        "link", name="See everyone who has looked at or changed Alice Example\N{RIGHT SINGLE QUOTATION MARK}s records"
    ).click()
    page.wait_for_url(f"**/console/people/{alice.pk}/audit/")
    assert page.get_by_role("table").is_visible()
    assert_no_axe_violations(page, "the person's audit log")

    assert AuditEvent.objects.filter(action=AuditAction.SEARCH, actor=privacy_officer).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.LISTED, subject_person_id=alice.pk).count() == 1
    # The person page (the person and the capacities panel a privacy officer may see) and the audit log page.
    viewed = AuditEvent.objects.filter(action=AuditAction.VIEW, subject_person_id=alice.pk)
    assert set(viewed.values_list("object_type", flat=True)) == {
        "people.person",
        "capacities.personcapacity",
        "privacy.auditevent",
    }


def test_the_console_can_be_used_with_the_keyboard_alone(page, live_server, officer, alice):
    page.goto(f"{live_server.url}/login/")

    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    skip_link_colour = page.evaluate("getComputedStyle(document.activeElement).backgroundColor")
    assert skip_link_colour == "rgb(255, 221, 0)", "the skip link has no visible focus style"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main-content"

    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_username"
    page.keyboard.type(officer.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/console/")

    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    page.get_by_label("Name, date of birth, phone, email, postcode, address or reference").focus()
    page.keyboard.type("tl11")
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/purpose/?next=*")
    page.get_by_label("Handling an enquiry").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Save purpose"
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/?q=tl11*")
    assert page.get_by_role("link", name="Alice Example").is_visible()

    page.get_by_label("Date of birth (optional)").fill("31/02/1980")
    page.keyboard.press("Enter")
    page.wait_for_url("**dob=31%2F02%2F1980*")
    assert page.title().startswith("Error: ")
    summary_link = page.get_by_role(
        "link", name="Enter the date of birth as day/month/year, like 17/05/1980, or 1980-05-17."
    )
    summary_link.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#id_dob"
    assert_no_axe_violations(page, "the search page showing an error")


def test_an_outsider_is_told_they_have_no_permission_in_an_accessible_page(page, live_server, outsider):
    sign_in(page, live_server.url, outsider.username)

    assert page.get_by_role("heading", level=1, name="You do not have permission to see this page").is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert_no_axe_violations(page, "the permission denied page")


@pytest.fixture
def pairs() -> Any:
    """Two pairs waiting for review, and a person whose records the model linked, with its evidence."""
    from tellus.linkage.models import CandidatePair

    comparisons = [
        {"comparison": "First name", "level": "Exact match", "bayes_factor": 12.3, "weight": 3.62},
        {"comparison": "Date of birth", "level": "Exact match", "bayes_factor": 64.0, "weight": 6.0},
        {"comparison": "Postcode", "level": "All other comparisons", "bayes_factor": 0.25, "weight": -2.0},
    ]
    rates = SourceSystemFactory(name="rates", title="Council tax")
    library = SourceSystemFactory(name="library", title="Libraries")
    made = []
    for n, probability in enumerate((0.9, 0.7)):
        left = SourceRecordFactory(
            person=PersonFactory(display_name=f"Ann Lee{n}"), source_system=rates, first_name="Ann", postcode="TL1 1AA"
        )
        right = SourceRecordFactory(
            person=PersonFactory(display_name=f"Annie Lee{n}"),
            source_system=library,
            first_name="Annie",
            postcode="TL9 9ZZ",
        )
        made.append(
            CandidatePair.objects.create(
                record_l=left,
                record_r=right,
                status=CandidatePair.Status.REVIEW,
                match_probability=probability,
                match_weight=2.5,
                comparisons=comparisons,
            )
        )
    linked = PersonFactory(display_name="Bea Linked")
    first = SourceRecordFactory(person=linked, source_system=rates, first_name="Bea")
    second = SourceRecordFactory(person=linked, source_system=library, first_name="Bea")
    CandidatePair.objects.create(
        record_l=first,
        record_r=second,
        status=CandidatePair.Status.AUTO_LINKED,
        match_probability=0.999,
        match_weight=10.0,
        comparisons=comparisons,
    )
    return {"pairs": made, "linked": linked}


def test_a_caseworker_works_the_review_queue_by_keyboard_with_no_accessibility_violations(
    page, live_server, caseworker, pairs
):
    from tellus.linkage.models import CandidatePair

    first, second = pairs["pairs"]
    sign_in(page, live_server.url, caseworker.username, purpose="Casework")
    page.get_by_role("link", name="Review queue").click()
    page.wait_for_url(f"{live_server.url}/console/review/")
    assert page.get_by_role("heading", level=2, name="2 pairs waiting for review").is_visible()
    assert_no_axe_violations(page, "the review queue")

    page.get_by_role("link", name=f"Review pair {first.pk}").click()
    page.wait_for_url(f"**/console/review/{first.pk}/")
    assert page.get_by_role("heading", level=1, name="Are these two records the same person?").is_visible()
    assert page.get_by_role("cell", name="Different").first.is_visible()
    assert_no_axe_violations(page, "a pair in the review queue")

    page.get_by_label("Note (optional)").focus()
    page.keyboard.type("Same date of birth, moved house")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Confirm: same person"
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Reject: different people"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/console/review/{second.pk}/")
    assert page.get_by_text(f"Pair {first.pk} rejected").is_visible()
    first.refresh_from_db()
    assert first.status == CandidatePair.Status.REJECTED
    assert first.decision_note == "Same date of birth, moved house"
    assert_no_axe_violations(page, "the next pair, after a decision")

    page.goto(f"{live_server.url}/console/review/?status=not_sure")
    assert page.get_by_text("No pairs are marked not sure.").is_visible()
    assert_no_axe_violations(page, "the empty not-sure queue")

    page.goto(f"{live_server.url}/console/people/{pairs['linked'].pk}/")
    assert page.get_by_role("heading", level=2, name="Why these records are one person").is_visible()
    assert page.get_by_role("table", name="Evidence that records").is_visible()
    assert page.get_by_role(
        "link", name="Split this record off"
    ).first.is_visible()  # it asks to confirm, with a reason
    assert_no_axe_violations(page, "a person page with evidence")

    page.get_by_role("link", name="Merge with another person").click()
    page.get_by_label("Number of the other person").fill(str(second.record_l.person_id))
    page.keyboard.press("Enter")
    page.wait_for_url("**/merge/?other=*")
    assert_no_axe_violations(page, "the merge page showing both people")
    page.get_by_role("button", name=f"Merge person {second.record_l.person_id} into Bea Linked").click()
    page.wait_for_url(f"**/console/people/{pairs['linked'].pk}/")
    assert page.get_by_role("heading", level=2, name="Merge history").is_visible()
    assert_no_axe_violations(page, "a person page with a merge history")
