"""Administration in a real browser (issue 18, criterion 9): the staff accounts pages, the Open311 clients page and
the API documentation, each with axe-core (WCAG 2.2 AA) at 1280 and 390 px wide and no horizontal scrolling."""

from __future__ import annotations

from typing import Any

import pytest

from tellus.privacy.models import User
from tellus.testing.browser import sign_in

from .test_browser_contact_centre import check_both_widths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def patient(page: Any) -> None:
    page.set_default_timeout(60_000)


def test_an_administrator_adds_a_staff_account_in_the_console_with_no_accessibility_violations(
    page, live_server, administrator, officer
):
    sign_in(page, live_server.url, "admin")
    page.get_by_role("link", name="Staff accounts", exact=True).first.click()
    page.wait_for_url("**/console/staff/")
    check_both_widths(page, "the staff accounts list")

    page.get_by_role("link", name="Add a staff account").click()
    page.get_by_role("button", name="Add the account").click()  # nothing filled in
    page.wait_for_load_state()
    assert page.get_by_role("alert").filter(has_text="Enter a username.").count() == 1
    check_both_widths(page, "the new staff account form showing errors")

    page.get_by_label("Username").fill("jo.bloggs")
    page.get_by_label("Team").fill("Customer services")
    page.get_by_label("Front-line officer").check()
    page.get_by_label("Password", exact=True).fill("a long and unusual pass phrase")
    page.get_by_label("The password again").fill("a long and unusual pass phrase")
    page.get_by_role("button", name="Add the account").click()
    page.wait_for_url("**/console/staff/*/")
    assert User.objects.get(username="jo.bloggs").team == "Customer services"
    check_both_widths(page, "a staff account's page")

    page.goto(f"{live_server.url}/console/staff/{officer.pk}/")
    check_both_widths(page, "another staff account's page")


def test_the_open311_clients_page_and_the_api_docs_have_no_accessibility_violations(page, live_server, administrator):
    sign_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/console/open311-clients/")
    page.get_by_label("Short name").fill("fixmystreet")
    page.get_by_role("button", name="Make a key").click()
    page.wait_for_load_state()
    assert page.locator("code.key").count() == 1
    check_both_widths(page, "the Open311 clients page showing a new key")

    page.get_by_role("link", name="API documentation").first.click()
    page.wait_for_url("**/api/v1/docs")
    assert page.get_by_role("heading", name="Tellus API").count() == 1
    check_both_widths(page, "the API documentation")
