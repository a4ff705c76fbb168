"""The contact-centre console in a real browser: every role's start page and navigation, the search box, the person
page's summary, a safe split and the audit log, each with axe-core (WCAG 2.2 AA) at 1280 and 390 px wide and no
horizontal scrolling at 390 px."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group

from tellus.people.tests.factories import PersonFactory, PropertyFactory, SourceRecordFactory, SourceSystemFactory
from tellus.privacy import roles
from tellus.testing.browser import assert_no_axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def patient(page: Any) -> None:
    # These tests walk many pages; on a shared, busy machine a page can take longer than the usual 10 s.
    page.set_default_timeout(60_000)


def no_horizontal_scroll(page: Any, where: str) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    widest = page.evaluate(
        "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right >"
        " document.documentElement.clientWidth + 1).slice(-3).map(e => e.tagName + '.' + e.className).join(', ')"
    )
    assert widths[0] <= widths[1], f"{where} scrolls sideways at {widths[1]} px: it is {widths[0]} px wide ({widest})"


def check_both_widths(page: Any, where: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    assert_no_axe_violations(page, where)
    page.set_viewport_size({"width": 390, "height": 844})
    no_horizontal_scroll(page, where)
    assert_no_axe_violations(page, f"{where} at 390 px")
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.fixture
def town() -> Any:
    home = PropertyFactory(ward="North", postcode="TL2 2AN")
    rates = SourceSystemFactory(name="rates", title="Council tax")
    library = SourceSystemFactory(name="library", title="Libraries")
    ann = PersonFactory(display_name="Ann Smith", date_of_birth=dt.date(1980, 5, 17))
    SourceRecordFactory(
        person=ann, source_system=rates, source_key="CT-0001", first_name="Ann", last_name="Smith",
        address="4 Mill Lane, Tellham", postcode="TL2 2AN", property=home, phone="07700900123",
    )  # fmt: skip
    SourceRecordFactory(
        person=ann, source_system=library, source_key="LIB-77", first_name="Anne", last_name="Smith",
        address="4 Mill Lane, Tellham", postcode="TL2 2AN",
    )  # fmt: skip
    bob = PersonFactory(display_name="Bob Jones")
    SourceRecordFactory(person=bob, source_system=library, first_name="Bob", last_name="Jones", postcode="TL2 2AB")
    return {"ann": ann, "bob": bob}


@pytest.fixture
def service_manager(django_user_model):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(username="manager", password="correct-horse-battery")
    roles.sync_roles()
    user.groups.add(Group.objects.get(name=roles.SERVICE_MANAGER))
    return user


@pytest.mark.parametrize(
    ("role", "home"),
    [
        ("officer", "/console/"),
        ("service_manager", "/console/"),
        ("analyst", "/insight/demand/"),
        ("privacy_officer", "/console/audit/"),
        ("administrator", "/console/administration/"),
    ],
)
def test_each_role_lands_at_home_and_every_navigation_link_opens_without_a_refusal_or_sideways_scroll(
    page, live_server, request, role, home
):
    user = request.getfixturevalue(role)
    sign_in(page, live_server.url, user.username)
    from urllib.parse import quote

    # The privacy officer's start page shows people's records, so it asks for the purpose first, then goes there.
    assert page.url in (
        f"{live_server.url}{home}",
        f"{live_server.url}/console/purpose/?next={quote(home, safe='')}&purpose=privacy_review",
    )
    links = page.locator("nav.header__nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert links

    page.set_viewport_size({"width": 390, "height": 844})
    for link in links:
        if link.startswith("/api/"):
            continue  # the API docs page is Swagger's own, checked by the API's tests
        response = page.goto(f"{live_server.url}{link}")
        if "/console/purpose/" in page.url:  # a page that shows people asks the purpose first, as it should
            continue
        assert response is not None and response.status == 200, (
            f"{role}: {link} answered {response and response.status}"
        )
        assert "You do not have permission" not in page.content()
        no_horizontal_scroll(page, f"{link} as {role}")


def test_an_officer_finds_a_caller_by_postcode_and_phone_and_the_summary_fits_one_screen(
    page, live_server, officer, town
):
    sign_in(page, live_server.url, officer.username, purpose="Handling an enquiry")
    check_both_widths(page, "the search page")

    box = page.get_by_label("Name, date of birth, phone, email, postcode, address or reference")
    box.fill("tl22an")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=tl22an*")
    assert page.get_by_role("heading", level=2, name="1 person found").is_visible()
    assert page.get_by_role("cell", name="4 Mill Lane, Tellham, TL2 2AN").is_visible()
    check_both_widths(page, "search results")

    page.get_by_label("Name, date of birth, phone, email, postcode, address or reference").fill("07700 900123")
    page.get_by_label("Ward").select_option("North")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**ward=North*")
    page.get_by_role("link", name="Ann Smith").click()
    page.wait_for_url(f"**/console/people/{town['ann'].pk}/")

    summary_bottom = page.evaluate("document.querySelector('.person-summary').getBoundingClientRect().bottom")
    assert summary_bottom <= 800, f"the summary ends at {summary_bottom} px, below a 1280x800 screen"
    assert page.get_by_text("07700900123").first.is_visible()
    assert page.get_by_role("heading", name="Why these records are one person").count() == 0
    nav = page.get_by_role("navigation", name="On this page")
    nav.get_by_role("link", name="Records").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#records-heading"
    check_both_widths(page, "a person page")


def test_a_caseworker_splits_a_record_with_a_reason_and_undoes_it(page, live_server, caseworker, town):
    ann = town["ann"]
    sign_in(page, live_server.url, caseworker.username, purpose="Casework")
    page.goto(f"{live_server.url}/console/people/{ann.pk}/")
    page.get_by_role("link", name="Split this record off (record LIB-77)").click()
    assert page.get_by_role("heading", level=1, name="Split record LIB-77 off this person?").is_visible()
    check_both_widths(page, "the split confirmation page")

    page.get_by_role("button", name="Split this record off").click()
    assert page.title().startswith("Error: ")
    assert page.get_by_role("link", name="Say why this record does not belong to this person.").is_visible()
    check_both_widths(page, "the split confirmation page with an error")

    page.get_by_label("Why does this record not belong to this person?").fill("Her daughter, same name")
    page.get_by_role("button", name="Split this record off").click()
    page.wait_for_url(f"**/console/people/{ann.pk}/#splits-heading")
    assert page.get_by_role("heading", name="Split history").is_visible()
    assert page.get_by_role("cell", name="Her daughter, same name").is_visible()
    check_both_widths(page, "a person page with a split history")

    page.get_by_role("button", name="Undo this split (record LIB-77)").click()
    page.wait_for_url(f"**/console/people/{ann.pk}/")
    assert page.get_by_text("undone: the record is back with person").is_visible()


def test_a_privacy_officer_searches_the_audit_log(page, live_server, privacy_officer, officer, town):
    sign_in(page, live_server.url, privacy_officer.username, purpose="Privacy review")
    assert page.get_by_role("heading", level=1, name="Audit log").is_visible()
    check_both_widths(page, "the audit log")

    page.get_by_label("Member of staff (username)").fill("privacy")
    page.get_by_label("What they did").select_option("viewed")
    page.get_by_role("button", name="Show entries").click()
    page.wait_for_url("**staff=privacy*")
    assert page.get_by_role("link", name="Download these entries as CSV").is_visible()
    check_both_widths(page, "the audit log, filtered")

    page.get_by_label("From (day/month/year)").fill("02/01/2026")
    page.get_by_label("To (day/month/year)").fill("01/01/2026")
    page.get_by_role("button", name="Show entries").click()
    assert page.title().startswith("Error: ")
    check_both_widths(page, "the audit log with an error")


def test_the_administrator_lands_on_staff_and_settings(page, live_server, administrator):
    sign_in(page, live_server.url, administrator.username)
    assert page.get_by_role("heading", level=1, name="Staff and settings").is_visible()
    check_both_widths(page, "staff and settings")
