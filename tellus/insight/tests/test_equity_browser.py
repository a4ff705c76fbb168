"""The equity dashboard and a group's evidence in a real browser, checked by axe-core at 1280 and 390 pixels."""

from __future__ import annotations

import pytest

from tellus.testing.browser import assert_no_axe_violations, sign_in

from .test_equity_pages import town  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_follows_a_flag_to_its_evidence(page, live_server, analyst, town):  # noqa: F811
    page.set_default_timeout(60_000)
    sign_in(page, live_server.url, "analyst", purpose="Analysis")
    page.goto(f"{live_server.url}/insight/equity/")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_axe_violations(page, f"the equity dashboard at {width}px")
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():
        page.get_by_role("link", name="No fixed address: underserved").click()
    assert "Median end-to-end time" in page.content()
    page.go_back()
    with page.expect_navigation():
        page.get_by_role("link", name="No fixed address: unheard").click()
    assert "Survey response rate" in page.content() and "Contacts per person" in page.content()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_axe_violations(page, f"a group's evidence at {width}px")
