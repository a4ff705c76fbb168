"""The ledger's pages in a real browser (Debian's Chromium through Playwright) with axe-core checking WCAG 2.2 AA at
1280 and 390 px wide: a household's statement for staff, the distributions, "Where your rates go" (whose estimate
works with JavaScript off) and a resident's own statement. Skipped without Chromium unless TELLUS_REQUIRE_BROWSER=1."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore

from tellus.ledger.importing import ledger_import, mapping_load
from tellus.portal.session import SESSION_KEY
from tellus.portal.tests.factories import ResidentAccountFactory
from tellus.privacy.services import Actor
from tellus.testing.browser import assert_no_axe_violations, focused, sign_in

from .conftest import contributions_csv, use_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (1280, 390)


@pytest.fixture
def loaded(tmp_path, town, contributions_mapping, use_mapping, settings):  # type: ignore[no-untyped-def]
    rules = tmp_path / "rules.toml"  # every group shown, so the chart and tables have rows to check
    rules.write_text(
        'suppress_below = 1\n[[shared]]\nservice="street-lighting"\nannual_cost="300.00"\nbasis="household"\n'
        'explanation="Street lights are lit for everyone."\n'
    )
    settings.TELLUS_LEDGER_RULES = str(rules)
    actor = Actor.system("test")
    for path, mapping in (
        (contributions_csv(tmp_path, town), contributions_mapping),
        (use_csv(tmp_path, town), use_mapping),
    ):
        assert not ledger_import(path=path, mapping=mapping_load(mapping), year=town.year, actor=actor).refused
    return town


@pytest.fixture
def page(page: Any) -> Any:
    page.set_default_timeout(30_000)  # the statement pages render many rows; a busy machine needs longer than 10 s
    return page


def _at_each_width(page: Any, where: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_axe_violations(page, f"{where} at {width} px")


def test_a_household_statement_is_accessible_and_its_pdf_link_is_reached_by_keyboard(
    page, live_server, officer, loaded
):
    sign_in(page, live_server.url, officer.username, purpose="Handling an enquiry")
    page.goto(f"{live_server.url}/ledger/households/{loaded.home.pk}/statement/")

    assert page.get_by_role("heading", level=1, name="3 Mill Lane, Tellham, TL1 1AA").is_visible()
    assert page.get_by_text("apportioned", exact=True).first.is_visible()
    _at_each_width(page, "a household's statement")
    for _ in range(40):
        page.keyboard.press("Tab")
        if focused(page)["text"] == "Download this statement as a PDF":
            break
    else:
        pytest.fail("the PDF link cannot be reached with the Tab key")


def test_the_distributions_are_accessible_with_their_chart_and_tables(page, live_server, analyst, loaded):
    sign_in(page, live_server.url, analyst.username, purpose="Analysis")
    page.goto(f"{live_server.url}/ledger/distribution/")

    assert page.get_by_role("heading", level=1, name="Give and take across the community").is_visible()
    assert page.locator("svg[role=img]").count() == 1
    assert page.get_by_role("heading", name="By needs driver").is_visible()
    _at_each_width(page, "the distributions")


def test_where_your_rates_go_is_accessible_with_an_estimate_and_with_an_error(page, live_server, loaded):
    page.goto(f"{live_server.url}/where-your-rates-go/")
    assert page.get_by_role("heading", name="For every £100 of rates").is_visible()
    _at_each_width(page, "where your rates go")
    page.get_by_label("Your rates bill for the year").fill("1450.00")
    page.get_by_role("button", name="Show where it goes").click()
    page.get_by_role("heading", name="Where a bill of £1450.00 goes").wait_for()  # the next page, once it is there
    _at_each_width(page, "where your rates go with an estimate")
    page.get_by_label("Your rates bill for the year").fill("lots")
    page.get_by_role("button", name="Show where it goes").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    _at_each_width(page, "where your rates go with an error")


def test_the_estimate_works_with_javascript_off(page, live_server, loaded):
    context = page.context.browser.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.set_default_timeout(60_000)
        plain.goto(f"{live_server.url}/where-your-rates-go/", wait_until="domcontentloaded")
        plain.get_by_label("Your rates bill for the year").fill("200")
        plain.get_by_role("button", name="Show where it goes").click()
        plain.wait_for_url("**/where-your-rates-go/?*bill=200*", timeout=30_000)
        heading = plain.get_by_role("heading", name="Where a bill of £200.00 goes")
        heading.wait_for(timeout=30_000)
        assert heading.is_visible()
    finally:
        context.close()


def test_a_residents_own_statement_is_accessible(page, live_server, loaded):
    account = ResidentAccountFactory(person=loaded.ana, email="ana@example.org")
    session = SessionStore()
    session[SESSION_KEY] = account.pk
    session.create()
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/my/")
    page.get_by_role("link", name="What you paid and what you received").click()
    page.wait_for_url("**/my/statement/")

    page.get_by_role("heading", level=1, name="What you paid and what you received").wait_for()
    assert page.get_by_text("In 2025/26 you paid the council £1234.56", exact=False).is_visible()
    _at_each_width(page, "a resident's own statement")
