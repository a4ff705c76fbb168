"""The browser-test fixtures every app's page tests share: Debian's Chromium driven by Playwright, axe-core checking
WCAG 2.2 AA, and signing in as one of the role fixtures.

Loaded as a pytest plugin by the root conftest.py, so any test can ask for `page` (JavaScript on), `browser` (to
make its own contexts with `new_page`, say at a phone's width or with JavaScript off) or `page_without_javascript`.
Playwright is never asked to download a browser; the system one is used, and a test is skipped when it is missing
unless TELLUS_REQUIRE_BROWSER=1 (as in CI), when a missing browser is a failure.

Nothing here waits for ever: every Playwright action and navigation has a timeout, axe refuses at once a page whose
JavaScript is off (axe-core runs in the page, and would wait for ever for timers that never fire), and a watchdog
fails a browser test that takes longer than TELLUS_BROWSER_TEST_TIMEOUT seconds (default 300), or, if even that
cannot free it, ends the run a minute later with every thread's traceback.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
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


DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}
ACTION_TIMEOUT_MS = 20_000  # a click, a fill, a wait for a locator
NAVIGATION_TIMEOUT_MS = 30_000  # a page load
# Contexts made with JavaScript switched off; axe cannot run in their pages.
_WITHOUT_JAVASCRIPT: weakref.WeakSet[Any] = weakref.WeakSet()


def _watchdog_seconds() -> int:
    return int(os.environ.get("TELLUS_BROWSER_TEST_TIMEOUT", "300"))


class BrowserTestTimedOut(Exception):
    """A browser test ran past TELLUS_BROWSER_TEST_TIMEOUT seconds."""


@contextmanager
def _watchdog(config: pytest.Config, seconds: int) -> Iterator[None]:
    """Fails the test after `seconds` (SIGALRM interrupts even a wait Playwright put no timeout on), and if that
    cannot free it, ends the run a minute later with every thread's traceback on the terminal."""
    in_main_thread = threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")

    def on_alarm(signum: int, frame: Any) -> None:
        raise BrowserTestTimedOut(f"The browser test took longer than {seconds} s (TELLUS_BROWSER_TEST_TIMEOUT)")

    try:
        from _pytest.faulthandler import fault_handler_stderr_fd_key  # the terminal, not pytest's captured stderr

        terminal: Any = config.stash.get(fault_handler_stderr_fd_key, sys.stderr)
    except ImportError:  # pragma: no cover - a pytest without it
        terminal = sys.stderr
    faulthandler.dump_traceback_later(seconds + 60, exit=True, file=terminal)
    earlier = signal.signal(signal.SIGALRM, on_alarm) if in_main_thread else None
    if in_main_thread:
        signal.alarm(seconds)
    try:
        yield
    finally:
        if in_main_thread:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, earlier)
        faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Debian's Chromium, headless; contexts made from it with `new_page` are closed and checked for CSP violations
    when the test ends."""
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("TELLUS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}, and TELLUS_REQUIRE_BROWSER=1 says the browser tests must run")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with _watchdog(request.config, _watchdog_seconds()), sync_playwright() as playwright:
        launched: Any = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=NAVIGATION_TIMEOUT_MS
        )
        launched.tellus_csp_violations = []  # one live list per context, filled by new_page
        try:
            yield launched
        finally:
            for context in list(launched.contexts):
                context.close()
            launched.close()
            # ORM calls made while Playwright's loop ran got connections of their own (Django's connections are
            # per async context); close them here, or PostgreSQL refuses to drop the test database at the end.
            connections.close_all()
    fail_on_csp_violations([v for watched in launched.tellus_csp_violations for v in watched])


def new_page(browser: Any, *, javascript: bool = True, viewport: dict[str, int] | None = None) -> Any:
    """A page in a new context of `browser` (British English, watched for CSP violations, with timeouts)."""
    context = browser.new_context(locale="en-GB", java_script_enabled=javascript, viewport=viewport or DESKTOP)
    if not javascript:
        _WITHOUT_JAVASCRIPT.add(context)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    browser.tellus_csp_violations.append(watch_for_csp_violations(context))
    return context.new_page()


@pytest.fixture
def page(browser: Any) -> Any:
    """A page with JavaScript on, at desktop width."""
    return new_page(browser)


@pytest.fixture
def page_without_javascript(browser: Any) -> Any:
    """A page with JavaScript switched off, at desktop width: resident pages must work in it."""
    return new_page(browser, javascript=False)


def assert_no_axe_violations(page: Any, where: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    if page.context in _WITHOUT_JAVASCRIPT:
        pytest.fail(f"axe-core cannot check {where}: its page has JavaScript switched off (use a page with it on)")
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
