"""The browser tests' CSP watch sees a violation and fails the test on it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tellus.testing.browser_csp import fail_on_csp_violations, watch_for_csp_violations

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.browser

PAGE = '<!DOCTYPE html><title>t</title><p style="color: red">Inline style</p><script>document.title = "ran";</script>'


def test_a_page_that_breaks_its_policy_fails_the_browser_test() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("TELLUS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium is not installed at {CHROMIUM}, and TELLUS_REQUIRE_BROWSER=1")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
        context = browser.new_context()
        violations = watch_for_csp_violations(context)
        page = context.new_page()
        page.route(
            "http://tellus.test/",
            lambda route: route.fulfill(
                body=PAGE, content_type="text/html", headers={"Content-Security-Policy": "default-src 'self'"}
            ),
        )
        page.goto("http://tellus.test/")
        page.wait_for_timeout(200)
        title = page.title()
        context.close()
        browser.close()

    assert title == "t", "the inline script ran despite the policy"
    assert any("style-src" in v for v in violations), violations
    assert any("script-src" in v for v in violations), violations
    with pytest.raises(pytest.fail.Exception, match="broke its Content-Security-Policy"):
        fail_on_csp_violations(violations)
