"""Two-factor pages in a real browser: set up, recovery codes, verify and the overview, by keyboard, with axe-core
(WCAG 2.2 AA) at desktop width and at 390px."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tellus.testing.browser import PASSWORD, assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def check_at_both_widths(page: Any, where: str) -> None:
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert_no_axe_violations(page, f"{where} at {size['width']}px")
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"{where} scrolls sideways at {size['width']}px"


def keyboard_sign_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")


def test_a_privacy_officer_sets_up_two_factor_and_signs_in_with_it_by_keyboard(
    page: Any,
    live_server: Any,
    privacy_officer: Any,
) -> None:
    TOTPDevice.objects.filter(user=privacy_officer).delete()
    page.set_default_timeout(30_000)  # ten pages and ten axe runs on a shared machine
    keyboard_sign_in(page, live_server.url, privacy_officer.username)
    page.wait_for_url("**/two-factor/set-up/**")
    assert page.get_by_role("heading", level=1, name="Set up two-factor sign-in").is_visible()
    assert page.get_by_role("img", name="QR code to add Tellus to your authenticator app").is_visible()
    check_at_both_widths(page, "the set-up page")

    page.get_by_label("Code", exact=True).focus()
    page.keyboard.type("000000")
    page.keyboard.press("Enter")
    page.locator(".error-summary").wait_for()
    assert page.title().startswith("Error: ")
    check_at_both_widths(page, "the set-up page showing an error")

    device = TOTPDevice.objects.get(user=privacy_officer, confirmed=False)
    # django-otp refuses any code for 1 s after a wrong one (its throttle doubles each time), so wait it out.
    page.wait_for_timeout(2_500)
    page.get_by_label("Code", exact=True).focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}")
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name="Your recovery codes").wait_for()
    codes = re.findall(r"\b[a-z2-7]{8}\b", page.locator(".recovery-codes").inner_text())
    assert len(codes) == 10
    check_at_both_widths(page, "the recovery codes page")
    page.get_by_role("link", name="I have kept my recovery codes").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/two-factor/" not in url and "/login/" not in url)  # the role's own start page

    page.goto(f"{live_server.url}/two-factor/")
    assert page.get_by_role("heading", level=1, name="Two-factor sign-in").is_visible()
    check_at_both_widths(page, "the two-factor overview")

    page.get_by_role("button", name="Sign out").click()
    keyboard_sign_in(page, live_server.url, privacy_officer.username)
    page.wait_for_url("**/two-factor/verify/**")
    check_at_both_widths(page, "the code page at sign-in")
    page.get_by_label("Code", exact=True).focus()
    page.keyboard.type(codes[0])
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/two-factor/" not in url and "/login/" not in url)  # the role's own start page
