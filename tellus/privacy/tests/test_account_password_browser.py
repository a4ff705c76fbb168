"""The password page in a real browser: reached from the header, filled in by keyboard, its error and its success
shown accessibly (axe-core, WCAG 2.2 AA, at desktop width and at 390px, no sideways scrolling)."""

from __future__ import annotations

from typing import Any

import pytest

from tellus.testing.browser import PASSWORD, assert_no_axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW = "a-longer-harbour-lantern-71"


def _check_at_both_widths(page: Any, where: str) -> None:
    for size in ({"width": 390, "height": 844}, {"width": 1280, "height": 800}):
        page.set_viewport_size(size)
        assert_no_axe_violations(page, f"{where} at {size['width']}px")
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth"), where


def test_an_officer_changes_their_password_by_keyboard(page: Any, live_server: Any, officer: Any) -> None:
    page.set_default_timeout(30_000)
    sign_in(page, live_server.url, officer.username)
    page.get_by_role("link", name="Password", exact=True).click()
    page.wait_for_url("**/account/password/")
    assert page.get_by_role("heading", level=1, name="Change your password").is_visible()
    _check_at_both_widths(page, "the password page")

    page.get_by_label("Old password").focus()
    page.keyboard.type("not-my-password")
    page.keyboard.press("Tab")
    page.keyboard.type(NEW)
    page.keyboard.press("Tab")
    page.keyboard.type(NEW)
    page.keyboard.press("Enter")
    page.locator(".error-summary").wait_for()
    assert page.title().startswith("Error: ")
    _check_at_both_widths(page, "the password page showing an error")

    page.get_by_label("Old password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("New password confirmation").fill(NEW)
    page.get_by_label("New password confirmation").press("Enter")
    page.get_by_text("Your password has been changed.").wait_for()
    _check_at_both_widths(page, "the password page after a change")
    officer.refresh_from_db()
    assert officer.check_password(NEW)
