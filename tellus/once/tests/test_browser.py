"""Tell us once pages in a real browser: a resident reports a death with JavaScript switched off, and every page
(residents' and staff's, with and without errors) has no axe-core violations (WCAG 2.2 AA) at 1280 and 390 px."""

from __future__ import annotations

from typing import Any

import pytest

from tellus.once.models import ChangeReport, Delivery
from tellus.portal.tests.factories import RESIDENT_PASSWORD, ResidentAccountFactory
from tellus.testing.browser import assert_no_axe_violations, focused, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (1280, 390)


def _resident_sign_in(page: Any, base_url: str, reference: str) -> None:
    page.goto(f"{base_url}/my/sign-in/password/")
    page.get_by_label("Email address or account reference").fill(reference)
    page.get_by_label("Password").fill(RESIDENT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/my/")


def _axe_at_both_widths(page: Any, where: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_axe_violations(page, f"{where} at {width} px")


def test_a_resident_tells_us_of_a_death_without_javascript(page: Any, live_server: Any, town: dict[str, Any]) -> None:
    ResidentAccountFactory(person=town["bob"], email="bob@example.org", reference="RBOB0001")
    context = page.context.browser.new_context(locale="en-GB", java_script_enabled=False)
    nojs = context.new_page()
    nojs.set_default_timeout(120_000)
    try:
        _resident_sign_in(nojs, live_server.url, "RBOB0001")
        nojs.get_by_role("link", name="Tell us about a change").first.click()
        nojs.get_by_role("link", name="A death").click()
        nojs.get_by_label("Who has died?").select_option(label="Alice Example")
        nojs.get_by_label("How are you related to them?").select_option(value="next_of_kin")
        nojs.get_by_label("Date they died").fill("2026-01-03")
        nojs.get_by_role("button", name="Continue").click()
        nojs.wait_for_url("**/check/")
        nojs.get_by_role("checkbox", name="Tell Library system").uncheck()
        nojs.get_by_role("button", name="Send to the services I have ticked").click()
        nojs.wait_for_url("**/tell-us/changes/*/")
        assert "sorry for your loss" in nojs.content()
        assert "Electoral roll" in nojs.content()
    finally:
        context.close()
    report = ChangeReport.objects.get()
    assert [d.subscriber.code for d in Delivery.objects.filter(report=report)] == ["electoral"]


def test_the_resident_pages_have_no_axe_violations(page: Any, live_server: Any, town: dict[str, Any]) -> None:
    ResidentAccountFactory(person=town["bob"], email="bob@example.org", reference="RBOB0001")
    page.set_default_timeout(120_000)
    _resident_sign_in(page, live_server.url, "RBOB0001")
    page.goto(f"{live_server.url}/my/tell-us/")
    _axe_at_both_widths(page, "the tell us once start page")
    page.goto(f"{live_server.url}/my/tell-us/death/")
    _axe_at_both_widths(page, "the death form")
    page.get_by_label("Date they died").fill("2999-01-01")
    page.get_by_label("How are you related to them?").select_option(value="next_of_kin")
    page.get_by_role("button", name="Continue").click()
    assert "today or in the past" in page.content()
    _axe_at_both_widths(page, "the death form with an error")
    page.goto(f"{live_server.url}/my/tell-us/address/")
    _axe_at_both_widths(page, "the address form")
    page.get_by_label("First line of the new address").fill("1 Station Road")
    page.get_by_label("Postcode").fill("TL1 1AA")
    page.get_by_label("Date of the move").fill("2026-01-05")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/check/")
    _axe_at_both_widths(page, "choosing who is told")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Send to the services I have ticked").focus()
    assert focused(page)["tag"] == "BUTTON"
    page.keyboard.press("Enter")
    page.wait_for_url("**/tell-us/changes/*/")
    _axe_at_both_widths(page, "the status page")


def test_the_staff_pages_have_no_axe_violations(
    page: Any, live_server: Any, town: dict[str, Any], officer: Any, administrator: Any
) -> None:
    page.set_default_timeout(120_000)
    sign_in(page, live_server.url, "officer", purpose="Handling an enquiry")
    alice = town["alice"].pk
    page.goto(f"{live_server.url}/console/people/{alice}/changes/")
    _axe_at_both_widths(page, "a person's changes")
    page.goto(f"{live_server.url}/console/people/{alice}/changes/death/")
    page.get_by_role("button", name="Continue").click()
    assert "There is a problem" in page.content()
    _axe_at_both_widths(page, "the staff death form with errors")
    page.get_by_label("Name of the person telling us").fill("Dan Executor")
    page.get_by_label("Their relationship to the person").select_option(value="executor")
    page.get_by_label("Date they died").fill("2026-01-03")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/check/")
    _axe_at_both_widths(page, "the staff preview")
    page.get_by_role("button", name="Send to the services I have ticked").click()
    page.wait_for_url("**/console/changes/*/")
    _axe_at_both_widths(page, "the staff status page")
    page.context.clear_cookies()
    sign_in(page, live_server.url, "admin", purpose="Administration")
    for path, where in (
        ("/console/deliveries/failed/", "the dead-letter list"),
        ("/console/subscribers/", "the subscribers"),
        ("/console/subscribers/new/", "a new subscriber"),
        (f"/console/subscribers/{town['partner'].pk}/", "a subscriber"),
    ):
        page.goto(f"{live_server.url}{path}")
        _axe_at_both_widths(page, where)
