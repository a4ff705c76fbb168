"""The demand analysis pages in a real browser: Debian's Chromium driven by Playwright, with axe-core checking
WCAG 2.2 AA on every page, with figures and empty. Skipped without Chromium unless TELLUS_REQUIRE_BROWSER=1."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tellus.testing.browser import PASSWORD, assert_no_axe_violations

from .conftest import MONDAY, need_with_contacts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAGES = [
    ("/insight/demand/", "Value and failure demand"),
    ("/insight/demand/failure/", "Causes of failure demand"),
    ("/insight/demand/end-to-end/", "End-to-end time"),
    ("/insight/demand/capability/", "Capability of failure-demand share"),
]


def sign_in(page: Any, base_url: str, username: str, next_url: str) -> None:
    page.goto(f"{base_url}/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}{next_url}")


@pytest.fixture
def a_quarter_of_demand(bins: Any, potholes: Any) -> None:
    """Twelve weeks of needs, with failure demand rising in the last four, so the charts have signals to mark."""
    for week in range(12):
        for n in range(4):
            opened = MONDAY + dt.timedelta(weeks=week, hours=n * 5)
            failing = week >= 8 and n < 3
            need_with_contacts(
                service=bins if n % 2 else potholes,
                opened_at=opened,
                met_after=dt.timedelta(days=1 + n + (week >= 8) * 6),
                first="failure" if failing else "value",
                cause="not_done" if failing else "",
                resolved=n == 0,
                repeats=((dt.timedelta(hours=3), "progress_chasing"),) if n == 3 else (),
                channel=("phone", "web", "email", "counter")[n],
            )


def test_every_demand_page_has_no_accessibility_violations_with_figures_and_a_filter(
    page,
    live_server,
    analyst,
    a_quarter_of_demand,
):
    sign_in(page, live_server.url, analyst.username, PAGES[0][0])
    for path, heading in PAGES:
        page.goto(f"{live_server.url}{path}")
        assert page.get_by_role("heading", level=1, name=heading).is_visible()
        assert page.locator("svg[role=img]").count() >= 1
        assert_no_axe_violations(page, path)
    page.goto(f"{live_server.url}/insight/demand/")
    page.get_by_label("Channel", exact=True).select_option("web")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/insight/demand/?*channel=web*")
    assert page.get_by_role("link", name="Clear filters").is_visible()
    assert_no_axe_violations(page, "the overview filtered to one channel")
    page.get_by_label("From", exact=True).fill("2025-04-10")
    page.get_by_label("To", exact=True).fill("2025-04-01")
    page.get_by_role("button", name="Show").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_no_axe_violations(page, "the overview with an error in the filters")


def test_every_empty_demand_page_has_no_accessibility_violations(page, live_server, service_manager):
    sign_in(page, live_server.url, service_manager.username, PAGES[0][0])
    for path, _heading in PAGES:
        page.goto(f"{live_server.url}{path}")
        assert page.locator(".empty-state").is_visible()
        assert_no_axe_violations(page, f"{path} with no contacts")
