"""The browser-test fixtures every app's page tests share: Debian's Chromium driven by Playwright, axe-core checking
WCAG 2.2 AA, and signing in as one of the role fixtures.

Loaded as a pytest plugin by the root conftest.py, so any test can ask for `page`. Playwright is never asked to
download a browser; the system one is used, and a test is skipped when it is missing unless
TELLUS_REQUIRE_BROWSER=1 (as in CI), when a missing browser is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from .browser_csp import fail_on_csp_violations, watch_for_csp_violations

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "correct-horse-battery"  # set by the role fixtures in conftest.py


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("TELLUS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}, and TELLUS_REQUIRE_BROWSER=1 says the browser tests must run")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(locale="en-GB")
        csp_violations = watch_for_csp_violations(context)
        browser_page = context.new_page()
        browser_page.set_default_timeout(10_000)
        try:
            yield browser_page
        finally:
            context.close()
            browser.close()
            # ORM calls made while Playwright's loop ran got connections of their own (Django's connections are
            # per async context); close them here, or PostgreSQL refuses to drop the test database at the end.
            connections.close_all()
    fail_on_csp_violations(csp_violations)


def assert_no_axe_violations(page: Any, where: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, f"axe found problems on {where}:\n{results.generate_report()}"


def sign_in(page: Any, base_url: str, username: str, purpose: str | None = None) -> None:
    """Sign in; with `purpose` (a label on the purpose page, like "Casework"), state it there as staff do."""
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    if "/two-factor/verify/" in page.url:  # privacy officers and administrators sign in with two factors
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.get_by_label("Code").fill(f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}")
        page.get_by_role("button", name="Continue").click()
    # Each role starts on its own page (tellus.console.navigation): the search box, audit log, analysis, settings.
    page.wait_for_url(lambda url: "/two-factor/verify/" not in url and "/login/" not in url)
    page.wait_for_load_state()
    if purpose is not None:
        if "/console/purpose/" not in page.url:  # a start page that shows people asks for the purpose itself
            page.get_by_role("link", name="State your purpose").click()
            page.wait_for_url(f"{base_url}/console/purpose/**")
        page.get_by_label(purpose, exact=True).check()
        page.get_by_role("button", name="Save purpose").click()
        page.wait_for_url(lambda url: "/console/purpose/" not in url)


def focused(page: Any) -> dict[str, str]:
    return page.evaluate(
        "() => ({tag: document.activeElement.tagName, id: document.activeElement.id,"
        " text: document.activeElement.textContent.trim(), name: document.activeElement.name || ''})"
    )
