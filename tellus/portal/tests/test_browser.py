"""Each resident journey in a real browser, checked by axe-core (WCAG 2.2 AA) at desktop width and at 390 px, with
JavaScript switched off: resident pages must work without it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail

from tellus.people.selectors import person_get_for_staff
from tellus.people.tests.factories import PersonFactory
from tellus.portal.services import invitation_issue
from tellus.portal.tests.conftest import link_from_last_email
from tellus.privacy.services import Actor
from tellus.testing.browser import CHROMIUM, CHROMIUM_ARGS, assert_no_axe_violations, focused
from tellus.testing.browser_csp import fail_on_csp_violations, watch_for_csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    import os

    from django.db import connections

    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM}"
        if os.environ.get("TELLUS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}, and TELLUS_REQUIRE_BROWSER=1 says the browser tests must run")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        launched.csp_violations = []  # every page's, filled by new_page's watch
        try:
            yield launched
        finally:
            launched.close()
            connections.close_all()
    fail_on_csp_violations([v for watched in launched.csp_violations for v in watched])


def new_page(browser: Any, width: str, *, javascript: bool = False) -> Any:
    # axe-core is injected by Playwright's own evaluate, which works with the page's JavaScript switched off.
    context = browser.new_context(locale="en-GB", viewport=WIDTHS[width], java_script_enabled=javascript)
    browser.csp_violations.append(watch_for_csp_violations(context))
    page = context.new_page()
    page.set_default_timeout(60_000)
    return page


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_resident_signs_in_with_an_email_link_and_reads_their_record_and_who_looked(
    browser, live_server, width, alice, officer
):
    person_get_for_staff(actor=Actor.for_user(officer), purpose="casework", person_id=alice.pk)
    page = new_page(browser, width)
    page.goto(f"{live_server.url}/my/")
    assert page.title() == "See what the council holds about you \N{EN DASH} Your council record"
    assert_no_axe_violations(page, f"the start page ({width})")

    page.get_by_role("button", name="Sign in with your email address").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Send me a link").click()
    assert "There is a problem" in page.content()
    assert_no_axe_violations(page, f"the email form with an error ({width})")
    page.get_by_label("Email address").fill("alice@example.org")
    page.get_by_role("button", name="Send me a link").click()
    page.wait_for_url("**/my/sign-in/check-your-email/")
    assert_no_axe_violations(page, f"the check-your-email page ({width})")

    page.goto(link_from_last_email())
    assert_no_axe_violations(page, f"the link's continue page ({width})")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/my/")
    assert "Hello, Alice Example" in page.content()
    assert_no_axe_violations(page, f"the signed-in home page ({width})")

    with page.expect_navigation():
        page.get_by_role("link", name="What the council holds about you").click()
    assert "The library knows you as Alice Example." in page.content()
    assert_no_axe_violations(page, f"the record page ({width})")

    with page.expect_navigation():
        page.get_by_role("link", name="Who has looked at your record").first.click()
    assert "Front-line officer" in page.content()
    assert "Casework" in page.content()
    assert_no_axe_violations(page, f"the who-has-looked page ({width})")

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert "You have signed out." in page.content()
    page.context.close()


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_resident_with_no_email_opens_an_account_with_an_invitation_code_and_sets_a_password(
    browser, live_server, width, officer
):
    nora = PersonFactory(display_name="Nora Nofixed")
    code = invitation_issue(actor=Actor.for_user(officer), purpose="enquiry", person_id=nora.pk).code
    page = new_page(browser, width)
    page.goto(f"{live_server.url}/my/invitation/")
    assert_no_axe_violations(page, f"the invitation page ({width})")

    page.get_by_label("Invitation code").fill("WRONG-CODE-0000")
    page.get_by_label("Choose a password").fill("a long new passphrase")
    with page.expect_navigation():
        page.get_by_role("button", name="Open my account").click()
    assert "not valid" in page.content()
    assert_no_axe_violations(page, f"the invitation page with an error ({width})")

    page.get_by_label("Invitation code").fill(code)
    page.get_by_label("Choose a password").fill("a long new passphrase")
    page.get_by_role("button", name="Open my account").click()
    page.wait_for_url(f"{live_server.url}/my/")
    assert "Your account reference is" in page.content()
    assert_no_axe_violations(page, f"the home page after opening an account ({width})")

    with page.expect_navigation():
        page.get_by_role("link", name="Change your password").click()
    assert_no_axe_violations(page, f"the password page ({width})")
    page.context.close()


def test_a_resident_signs_in_with_a_password_using_the_keyboard_alone(browser, live_server, resident):
    from tellus.portal.tests.factories import RESIDENT_PASSWORD

    page = new_page(browser, "desktop")
    page.goto(f"{live_server.url}/my/sign-in/password/")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    for _ in range(10):
        page.keyboard.press("Tab")
        if focused(page)["name"] == "identifier":
            break
    page.keyboard.type("alice@example.org")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "password"
    page.keyboard.type("wrong password here")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "do not match" in page.content()
    assert_no_axe_violations(page, "the password sign-in page with an error")

    page.get_by_label("Password").fill(RESIDENT_PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{live_server.url}/my/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page)["text"] in {"Sign out", "What we hold"}
    assert mail.outbox == []
    page.context.close()


def sign_in_with_password(page: Any, live_server: Any) -> None:
    from tellus.portal.tests.factories import RESIDENT_PASSWORD

    page.goto(f"{live_server.url}/my/sign-in/password/")
    page.get_by_label("Email address or account reference").fill("alice@example.org")
    page.get_by_label("Password").fill(RESIDENT_PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{live_server.url}/my/")


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_resident_gives_and_withdraws_a_consent_with_one_button_each(browser, live_server, width, resident):
    from tellus.rights.tests.conftest import seed_consent_purposes

    seed_consent_purposes()
    page = new_page(browser, width)
    sign_in_with_password(page, live_server)
    with page.expect_navigation():
        page.get_by_role("link", name="Your consents").click()
    assert_no_axe_violations(page, f"the consents page ({width})")
    with page.expect_navigation():
        page.get_by_role("button", name="Give my consent: Tell other council services").click()
    assert "You have given your consent." in page.content()
    assert_no_axe_violations(page, f"the consents page after giving one ({width})")
    with page.expect_navigation():
        page.get_by_role("button", name="Withdraw my consent: Tell other council services").click()
    assert "You have withdrawn your consent." in page.content()
    page.context.close()


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_resident_says_a_detail_is_wrong_and_sees_it_waiting_for_the_team(browser, live_server, width, resident):
    page = new_page(browser, width)
    sign_in_with_password(page, live_server)
    with page.expect_navigation():
        page.get_by_role("link", name="Tell us something is wrong").click()
    assert_no_axe_violations(page, f"the corrections page ({width})")
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    assert "There is a problem" in page.content()
    assert_no_axe_violations(page, f"the corrections page with errors ({width})")
    page.get_by_label("Which record").select_option(label="Tellham Libraries (LIB-1)")
    page.get_by_label("Which detail").select_option(label="Email address")
    page.get_by_label("What is wrong, and what should it say?").fill("My email is alice@example.com now.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    assert "Waiting for the team" in page.content()
    assert_no_axe_violations(page, f"the corrections page with a request ({width})")
    page.context.close()
